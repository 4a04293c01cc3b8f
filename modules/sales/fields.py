"""The fields a record with a sales process carries, and keeping their choices current.

    fields.enable(user, "deals")        # adds the missing process fields (system fields)
    fields.sync_choices(user, "deals")  # stage, action and lost-reason choices from the rows
    fields.has_processes(entity_spec)   # the capability: the type carries the fields

A record's place in its process is data of the record, written by `RecordService`: the
stage (`process_stage`, a choice of every stage key of the type's pipelines), the status,
the completed actions (`process_actions`, a list of action keys), the progress, since when
it is in its stage, the lost reason and the lock. History, filters, lists, exports and
the optimistic version therefore cover them as they cover every other field. The choices
follow the pipelines: every save of a pipeline or of the lost reasons re-writes them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from modules.metamodel.models import EntityType
from modules.metamodel.services import SchemaService
from modules.sales.exceptions import PipelineInvalid
from modules.sales.models import Pipeline, SalesSettings, Stage

STAGE, STATUS, ACTIONS = "process_stage", "process_status", "process_actions"
PROGRESS, SINCE, REASON, LOCKED = (
    "process_progress",
    "process_stage_since",
    "process_lost_reason",
    "process_locked",
)
PROBABILITY, CLOSED_AT, VALUE, EXPECTED = "probability", "closed_at", "value", "expected_close_date"

OPEN, WON, LOST = "open", "won", "lost"
STATUS_CHOICES = [
    {"value": OPEN, "label": {"en": "Open", "pl": "Otwarta"}, "color": "#4a90d9"},
    {"value": WON, "label": {"en": "Won", "pl": "Wygrana"}, "color": "#2e7d32"},
    {"value": LOST, "label": {"en": "Lost", "pl": "Przegrana"}, "color": "#c62828"},
]
#: The process fields only the process writes (never a form or a plain API update);
#: `closed_at` and `probability` are set by the process and may be corrected by hand.
GUARDED = (STATUS, ACTIONS, PROGRESS, SINCE, REASON, LOCKED)

#: api name -> (type, label, options); choice options are filled by `sync_choices`.
PROCESS_FIELDS: dict[str, tuple[str, dict, dict]] = {
    STAGE: ("choice", {"en": "Stage", "pl": "Etap"}, {}),
    STATUS: ("choice", {"en": "Status", "pl": "Status"}, {"choices": STATUS_CHOICES}),
    ACTIONS: ("multi_choice", {"en": "Completed actions", "pl": "Wykonane działania"}, {}),
    PROGRESS: (
        "percent",
        {"en": "Progress", "pl": "Postęp"},
        {"decimal_places": 0, "min": 0, "max": 100},
    ),
    SINCE: ("datetime", {"en": "In the stage since", "pl": "W etapie od"}, {}),
    REASON: ("choice", {"en": "Lost reason", "pl": "Powód przegranej"}, {}),
    LOCKED: ("boolean", {"en": "Locked", "pl": "Zablokowana"}, {}),
    PROBABILITY: (
        "percent",
        {"en": "Probability", "pl": "Prawdopodobieństwo"},
        {"decimal_places": 0, "min": 0, "max": 100},
    ),
    CLOSED_AT: ("datetime", {"en": "Closed at", "pl": "Data zamknięcia"}, {}),
    VALUE: ("money", {"en": "Value", "pl": "Wartość"}, {}),
    EXPECTED: ("date", {"en": "Expected close date", "pl": "Planowana data zamknięcia"}, {}),
}

DEFAULT_LOST_REASONS = [
    {"key": "price", "name": {"en": "Price", "pl": "Cena"}},
    {"key": "competitor", "name": {"en": "Chose a competitor", "pl": "Wybór konkurencji"}},
    {"key": "no_decision", "name": {"en": "No decision", "pl": "Brak decyzji"}},
    {"key": "other", "name": {"en": "Other", "pl": "Inny"}},
]


def has_processes(entity) -> bool:
    """Does the entity type (a spec or a row) carry the process fields?"""
    return all(entity.has_field(name) for name in (STAGE, STATUS, ACTIONS))


def lost_reasons() -> list[dict]:
    """The installation's lost reasons, in order (the shipped ones until an admin saves)."""
    row = SalesSettings.objects.filter(pk=SalesSettings.SINGLETON_ID).first()
    return list(row.lost_reasons) if row is not None and row.lost_reasons else DEFAULT_LOST_REASONS


def _choices(entity_id: int) -> dict[str, list[dict]]:
    stages = Stage.objects.filter(pipeline__entity_type_id=entity_id).order_by(
        "pipeline__position", "pipeline_id", "position", "id"
    )
    stage_choices, action_choices = [], []
    for stage in stages.prefetch_related("actions"):
        stage_choices.append({"value": stage.key, "label": stage.name, "color": stage.colour})
        action_choices += [{"value": a.key, "label": a.name} for a in stage.actions.all()]
    reasons = [{"value": r["key"], "label": r["name"]} for r in lost_reasons()]
    return {STAGE: stage_choices, ACTIONS: action_choices, REASON: reasons}


def enable(user, slug: str) -> list[str]:
    """Give the entity type the process fields it lacks; the names added.

    A field of one of those names but another type makes the type unfit (400).
    """
    schema = SchemaService()
    entity = EntityType.objects.alive().by_slug(slug)
    live = {f.api_name: f for f in entity.fields.alive()}
    wrong = [
        n for n, (kind, _l, _o) in PROCESS_FIELDS.items() if n in live and live[n].type != kind
    ]
    if wrong:
        raise PipelineInvalid(
            _("The fields %(names)s of this type are not what a sales process needs.")
            % {"names": ", ".join(wrong)},
            field="entity_type",
        )
    choices = _choices(entity.pk)
    added = []
    for name, (kind, label, options) in PROCESS_FIELDS.items():
        if name in live:
            continue
        if name in choices:
            options = {"choices": choices[name]}
        schema.add_field(
            user, slug, api_name=name, label=label, type=kind, options=options, is_system=True
        )
        added.append(name)
    return added


def sync_choices(user, slug: str, *, confirm_loss: bool = False) -> None:
    """Write the type's stage, action and lost-reason choices from the rows, where changed."""
    schema = SchemaService()
    entity = EntityType.objects.alive().by_slug(slug)
    current = {
        f.api_name: f for f in entity.fields.alive().filter(api_name__in=[STAGE, ACTIONS, REASON])
    }
    for name, choices in _choices(entity.pk).items():
        field = current.get(name)
        if field is None or not choices or field.options.get("choices") == choices:
            continue
        schema.update_field(
            user, slug, name, options={"choices": choices}, confirm_loss=confirm_loss
        )


def pipelines_of(entity_id: int) -> list[Pipeline]:
    """The entity type's pipelines with their stages and actions, in order."""
    return list(
        Pipeline.objects.filter(entity_type_id=entity_id).prefetch_related("stages__actions")
    )
