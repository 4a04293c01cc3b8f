"""Access settings (visibility, permissions, default participants) in the configuration history.

    history_kinds()["access"].for_entity(rows, persons.pk)

Registered through the `register_tessera_config_history` hook in wagtail_hooks.py.
"""

from django.utils.translation import gettext_lazy

from modules.access.models import EntityAccess
from modules.metamodel.config_history import HistoryKind
from modules.metamodel.config_history.kinds import entity_name


class EntityAccessHistory(HistoryKind):
    """One entity type's visibility, role permissions and default participants."""

    type = "access"
    model = EntityAccess
    label = gettext_lazy("Access settings")
    related = ("entity_type",)

    def name(self, record) -> str:
        return entity_name(record.entity_type)


def access_kinds() -> list[HistoryKind]:
    """The kinds this module adds to the configuration history."""
    return [EntityAccessHistory()]
