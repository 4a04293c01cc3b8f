"""Pipelines and lost reasons in the configuration history.

    history_kinds()["pipeline"].for_entity(rows, deals.pk)

A pipeline's stages and actions have no history of their own: every save stores the
whole pipeline in its `definition`, whose changes are listed per key.
Registered through the `register_tessera_config_history` hook in wagtail_hooks.py.
"""

from django.utils.translation import gettext_lazy

from modules.core.i18n import localized
from modules.metamodel.config_history import HistoryKind
from modules.metamodel.config_history.kinds import entity_name
from modules.sales.models import Pipeline, SalesSettings


class PipelineHistory(HistoryKind):
    """One sales pipeline: name, segments, stages and actions."""

    type = "pipeline"
    model = Pipeline
    label = gettext_lazy("Sales pipeline")
    related = ("entity_type",)

    def name(self, record) -> str:
        return localized(record.name) or record.key

    def entity_label(self, record) -> str:
        return entity_name(record.entity_type)


class LostReasonsHistory(HistoryKind):
    """The installation's list of lost reasons."""

    type = "lost_reasons"
    model = SalesSettings
    label = gettext_lazy("Lost reasons")
    entity_lookup = ""

    def name(self, record) -> str:
        return str(self.label)


def sales_kinds() -> list[HistoryKind]:
    """The kinds this module adds to the configuration history."""
    return [PipelineHistory(), LostReasonsHistory()]
