"""Relation types and the relations switch in the configuration history.

    history_kinds()["relation_type"].history()   # RelationType.history.all()

Registered through the `register_tessera_config_history` hook in wagtail_hooks.py.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.i18n import localized
from modules.metamodel.config_history import HistoryKind
from modules.relations.models import RelationSettings, RelationType


class RelationTypeHistory(HistoryKind):
    """Relation types: labels, ends, limits, form sections, trash."""

    type = "relation_type"
    model = RelationType
    label = gettext_lazy("Relation type")
    related = ("source",)

    def for_entity(self, rows, entity_id):
        return rows.filter(Q(source_id=entity_id) | Q(target_id=entity_id))

    def name(self, record) -> str:
        if record.symmetric:
            return localized(record.source_label)
        return f"{localized(record.source_label)} — {localized(record.target_label)}"


class RelationSettingsHistory(HistoryKind):
    """The installation-wide relations switch."""

    type = "relation_settings"
    model = RelationSettings
    label = gettext_lazy("Relations switch")
    entity_lookup = ""

    def name(self, record) -> str:
        return _("Relations on") if record.enabled else _("Relations off")


def relation_kinds() -> list[HistoryKind]:
    """The kinds this module adds to the configuration history."""
    return [RelationTypeHistory(), RelationSettingsHistory()]
