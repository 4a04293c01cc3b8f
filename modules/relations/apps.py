from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    name = "modules.relations"
    label = "relations"
    verbose_name = _("Relations")

    def ready(self) -> None:
        # The field type, the schema-file section and the services import loaded models.
        from modules.history import hooks as history_hooks
        from modules.metamodel.field_types import field_types
        from modules.records import hooks
        from modules.records.screens import extensions
        from modules.relations import schemafile
        from modules.relations.api import urls as api_urls
        from modules.relations.field_type import RelationFieldType
        from modules.relations.screens import profile
        from modules.relations.screens.listing import related_filter
        from modules.relations.screens.record_form import RelationFormSection
        from modules.relations.services import RelationService, move_relations
        from modules.relations.specs import other_entity_id

        field_types.register(RelationFieldType())
        schemafile.register()
        history_hooks.register_far_end(other_entity_id)
        # A restore that would bring back relations beyond their limits is refused.
        hooks.register_restore_check(RelationService().restore_conflicts)
        # A merge moves the merged record's relations to the record kept.
        hooks.register_merge_mover(move_relations)
        # The record screens: the list of one record's related records, the profile's
        # panel with its add and remove URLs, and the relation pickers of the forms.
        extensions.register_list_narrower("related", related_filter)
        extensions.register_profile_panel("relations", profile.relations_panel)
        extensions.register_record_urls(profile.record_urlpatterns)
        extensions.register_form_section(RelationFormSection())
        api_urls.register()
