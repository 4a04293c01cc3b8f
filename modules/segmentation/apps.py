from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegmentationConfig(AppConfig):
    name = "modules.segmentation"
    label = "segmentation"
    verbose_name = _("Segmentation")

    def ready(self):
        from modules.records import hooks
        from modules.records.screens import extensions
        from modules.segmentation import kinds, receivers, schemafile
        from modules.segmentation.api import urls as api_urls
        from modules.segmentation.scoring import score_record
        from modules.segmentation.screens.records import segment_filters, segmentation_panel

        kinds.register_builtin_kinds()
        receivers.connect()
        schemafile.register()
        hooks.register_preparer(score_record)
        extensions.register_list_filters(segment_filters)
        extensions.register_profile_panel("segmentation", segmentation_panel)
        api_urls.register()
