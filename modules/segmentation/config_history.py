"""Segmentation schemes in the configuration history.

    history_kinds()["segmentation_scheme"].for_entity(rows, persons.pk)

A scheme's parameters and segments have no history of their own: every save stores
them in the scheme's `definition`, whose changes are listed per key.
Registered through the `register_tessera_config_history` hook in wagtail_hooks.py.
"""

from django.utils.translation import gettext_lazy

from modules.metamodel.config_history import HistoryKind
from modules.metamodel.config_history.kinds import entity_name
from modules.segmentation.models import Scheme


class SchemeHistory(HistoryKind):
    """One entity type's segmentation scheme: parameters and segments."""

    type = "segmentation_scheme"
    model = Scheme
    label = gettext_lazy("Segmentation scheme")
    related = ("entity_type",)
    field_labels = {"definition": gettext_lazy("scheme")}

    def name(self, record) -> str:
        return entity_name(record.entity_type)

    def field_label(self, name: str) -> str:
        if name in self.field_labels:
            return str(self.field_labels[name])
        return super().field_label(name)


def segmentation_kinds() -> list[HistoryKind]:
    """The kinds this module adds to the configuration history."""
    return [SchemeHistory()]
