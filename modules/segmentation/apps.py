from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegmentationConfig(AppConfig):
    name = "modules.segmentation"
    label = "segmentation"
    verbose_name = _("Segmentation")

    def ready(self):
        from modules.records import hooks
        from modules.segmentation import kinds, receivers, schemafile
        from modules.segmentation.scoring import score_record

        kinds.register_builtin_kinds()
        receivers.connect()
        schemafile.register()
        hooks.register_preparer(score_record)
