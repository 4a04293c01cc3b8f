from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    name = "modules.relations"
    label = "relations"
    verbose_name = _("Relations")

    def ready(self):
        from modules.records import hooks
        from modules.relations.services import RelationService

        # A restore that would bring back relations beyond their limits is refused.
        hooks.register_restore_check(RelationService().restore_conflicts)
