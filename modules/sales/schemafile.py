"""The `sales` key of `schemas/*.yaml`: the pipelines a built-in type ships with.

    sales:
      replaces: stage          # an old choice field the process takes over (optional)
      pipelines:
        - key: sales
          name: {en: Sales, pl: Sprzedaż}
          stages:
            - key: lead
              name: {en: Lead, pl: Lead}
              probability: 10
              actions:
                - {key: first_call, name: {en: First call}, weight: 2, mandatory: true}

`sync_schemas` creates the shipped pipelines through `SalesService` when the type has none
yet; pipelines an administrator made or changed are left alone. `replaces` names a choice
field whose codes are stage keys (and `won`/`lost`, which become the status, the record
staying in the last stage): its records move into the process (`closed_at` set on won and
lost ones that have none), then the field goes to the trash. `export_schema` writes the
stored pipelines back out in the same shape.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from modules.metamodel.models import EntityType
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.schemafiles.sections import Section, register_section
from modules.metamodel.services import SchemaService
from modules.records.services import Effects, RecordService
from modules.sales import fields as pf
from modules.sales.guard import process_writing
from modules.sales.models import Pipeline
from modules.sales.services import SalesService
from modules.sales.validation import ACTION_DEFAULTS

LABEL = {"$ref": "#/$defs/label"}
KEY = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,62}$"}
ACTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "key": KEY,
        "name": LABEL,
        "weight": {"type": "integer", "minimum": 0, "maximum": 1000},
        "mandatory": {"type": "boolean"},
        "completers": {"enum": ["editors", "managers", "administrators", "users"]},
        "note": {"enum": ["none", "note", "file"]},
        "notify": {
            "type": "array",
            "items": {"enum": ["administrators", "managers", "participants"]},
        },
        "task_template": {"type": "string"},
    },
}
STAGE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "key": KEY,
        "name": LABEL,
        "probability": {"type": "integer", "minimum": 0, "maximum": 100},
        "colour": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
        "actions": {"type": "array", "items": ACTION},
    },
}
SCHEMA = {
    "type": "object",
    "description": "The sales pipelines of the type (see modules/sales).",
    "additionalProperties": False,
    "required": ["pipelines"],
    "properties": {
        "replaces": {"type": "string"},
        "pipelines": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "stages"],
                "properties": {
                    "key": KEY,
                    "name": LABEL,
                    "segments": {"type": "array", "items": {"type": "string"}},
                    "stages": {"type": "array", "minItems": 1, "items": STAGE},
                },
            },
        },
    },
}


def _payload(slug: str, pipeline: dict) -> dict:
    return {
        "entity_type": slug,
        "key": pipeline.get("key"),
        "name": pipeline["name"],
        "segments": pipeline.get("segments", []),
        "stages": [
            {
                "key": stage.get("key"),
                "name": stage["name"],
                "probability": stage.get("probability", 0),
                "colour": stage.get("colour", "#4a90d9"),
                "actions": [{**ACTION_DEFAULTS, **a} for a in stage.get("actions", [])],
            }
            for stage in pipeline["stages"]
        ],
    }


def apply_pipelines(user, slug: str, now: Any, before: Any) -> list[str]:
    """Create the shipped pipelines if the type has none; take over a replaced field."""
    lines = []
    entity = EntityType.objects.alive().by_slug(slug)
    if Pipeline.objects.filter(entity_type=entity).exists():
        lines.append(_("pipelines exist, left as they are"))
    else:
        for pipeline in now["pipelines"]:
            SalesService().create(user, _payload(slug, pipeline))
        lines.append(_("%(count)s pipelines created") % {"count": len(now["pipelines"])})
    replaced = now.get("replaces")
    if replaced and entity.fields.alive().filter(api_name=replaced, type="choice").exists():
        moved = migrate_choice(slug, replaced)
        SchemaService().trash_field(None, slug, replaced, confirm_in_use=True, retire_builtin=True)
        lines.append(
            _(
                "%(count)s records moved from '%(field)s' into the process; "
                "the field is in the trash"
            )
            % {"count": moved, "field": replaced}
        )
    return lines


def migrate_choice(slug: str, field: str) -> int:
    """Move every record's old choice into its process; how many records were written."""
    model = get_snapshot().model(slug)
    pipeline = (
        Pipeline.objects.filter(entity_type_id=model.entity.id).prefetch_related("stages").first()
    )
    stages = list(pipeline.stages.all())
    keys = {s.key: s for s in stages}
    last = stages[-1]
    now = timezone.now()
    edits = []
    for record in model.objects.order_by("pk").iterator(chunk_size=1000):
        code = getattr(record, field)
        values: dict[str, Any] = {
            pf.STATUS: pf.OPEN,
            pf.ACTIONS: [],
            pf.PROGRESS: 0,
            pf.LOCKED: False,
        }
        if code in (pf.WON, pf.LOST):
            values.update({pf.STAGE: last.key, pf.STATUS: code})
            if getattr(record, pf.CLOSED_AT) is None:
                values[pf.CLOSED_AT] = record.updated_at or now
            values[pf.LOCKED] = code == pf.WON
        else:
            stage = keys.get(code, stages[0])
            values[pf.STAGE] = stage.key
            if getattr(record, pf.PROBABILITY) is None:
                values[pf.PROBABILITY] = stage.probability
        values[pf.SINCE] = record.updated_at or now
        edits.append((record, values))
    with process_writing():
        for start in range(0, len(edits), 1000):
            RecordService().update_rows(
                None,
                model,
                edits[start : start + 1000],
                Effects(history="update", action="process_migration", bump_version=False),
            )
    return len(edits)


def export_pipelines(entity) -> dict | None:
    """The stored pipelines, sparse: no default weights, flags and empty lists."""
    rows = SalesService().all(entity.slug)
    if not rows:
        return None
    out = []
    for row in rows:
        item = {"key": row.key, "name": row.name}
        if row.segments:
            item["segments"] = list(row.segments)
        item["stages"] = []
        for stage in row.stages.all():
            data = {
                "key": stage.key,
                "name": stage.name,
                "probability": stage.probability,
                "colour": stage.colour,
            }
            actions = []
            for action in stage.actions.all():
                a = {"key": action.key, "name": action.name}
                for name in (
                    "weight",
                    "mandatory",
                    "completers",
                    "note",
                    "notify",
                    "task_template",
                ):
                    value = getattr(action, name)
                    if value != ACTION_DEFAULTS[name]:
                        a[name] = value
                actions.append(a)
            if actions:
                data["actions"] = actions
            item["stages"].append(data)
        out.append(item)
    return {"pipelines": out}


def register() -> None:
    """Accept and apply the `sales` key of definition files."""
    register_section(
        Section(key="sales", schema=SCHEMA, apply=apply_pipelines, export=export_pipelines)
    )
