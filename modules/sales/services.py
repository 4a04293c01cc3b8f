"""SalesService: the only writer of pipelines and lost reasons.

    service = SalesService()
    pipeline = service.create(admin, {"name": "VIP", "stages": [...]})
    service.update(admin, pipeline.pk, {..., "version": 1, "reassign": {"demo": "offer"}})
    service.set_lost_reasons(admin, {"reasons": [{"name": "Price"}]})

Order inside each change: check the administrator, validate the whole payload (errors by
place, nothing saved), write the rows, move the records of removed stages (through
`RecordService`), re-write the choices of the process fields (a schema change) — all in
one transaction. A record's own process is `modules.sales.process`.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from modules.core.i18n import localized
from modules.core.permissions import require_administrator
from modules.metamodel.models import EntityType
from modules.metamodel.runtime import get_snapshot
from modules.records.services import Effects, RecordService
from modules.sales import fields
from modules.sales.exceptions import PipelineInvalid, PipelineNotFound, StalePipeline
from modules.sales.models import Action, Pipeline, SalesSettings, Stage
from modules.sales.validation import (
    ACTION_DEFAULTS,
    KEY,
    STAGE_DEFAULTS,
    check_pipeline,
    make_key,
    name_forms,
)

DENIED = "Only administrators may change sales processes."


def describe(pipeline: Pipeline) -> dict[str, Any]:
    """A pipeline as the API shows it."""
    return {
        "id": pipeline.pk,
        "entity_type": pipeline.entity_type.slug,
        "key": pipeline.key,
        "name": pipeline.name,
        "position": pipeline.position,
        "segments": list(pipeline.segments),
        "version": pipeline.version,
        "stages": [
            {
                "key": s.key,
                "name": s.name,
                "probability": s.probability,
                "colour": s.colour,
                "actions": [
                    {
                        "key": a.key,
                        "name": a.name,
                        "weight": a.weight,
                        "mandatory": a.mandatory,
                        "completers": a.completers,
                        "completer_users": list(a.completer_users),
                        "note": a.note,
                        "notify": list(a.notify),
                        "notify_users": list(a.notify_users),
                        "task_template": a.task_template,
                    }
                    for a in s.actions.all()
                ],
            }
            for s in pipeline.stages.all()
        ],
    }


class SalesService:
    """Creates, replaces and removes pipelines; keeps the lost reasons."""

    # -- reads ---------------------------------------------------------------------
    def all(self, slug: str | None = None) -> list[Pipeline]:
        rows = Pipeline.objects.select_related("entity_type").prefetch_related("stages__actions")
        rows = rows.filter(entity_type__deleted_at__isnull=True)
        if slug is not None:
            rows = rows.filter(entity_type__slug=slug)
        return list(rows.order_by("entity_type_id", "position", "id"))

    def get(self, pipeline_id: Any) -> Pipeline:
        try:
            return (
                Pipeline.objects.select_related("entity_type")
                .prefetch_related("stages__actions")
                .get(pk=int(pipeline_id), entity_type__deleted_at__isnull=True)
            )
        except (Pipeline.DoesNotExist, TypeError, ValueError, OverflowError):
            raise PipelineNotFound(_("No such pipeline.")) from None

    # -- pipelines -----------------------------------------------------------------
    def create(self, user, data: dict) -> Pipeline:
        """A new pipeline; the entity type gets the process fields if it lacks them."""
        require_administrator(user, _(DENIED))
        entity = EntityType.objects.alive().by_slug(data.get("entity_type") or "deals")
        with transaction.atomic():
            EntityType.objects.select_for_update(no_key=True).filter(pk=entity.pk).first()
            others = list(Pipeline.objects.filter(entity_type=entity))
            payload = self._checked(data, entity, others)
            position = data.get("position")
            if position is None:
                position = (max((p.position for p in others), default=0) + 1) if others else 0
            pipeline = Pipeline(
                entity_type=entity,
                key=payload["key"],
                name=payload["name"],
                position=position,
                segments=payload["segments"],
                updated_by=user,
            )
            pipeline.definition = definition_of(pipeline, payload)
            pipeline.save()
            self._write_stages(pipeline, payload["stages"])
            self._finish_after(user, pipeline, entity.slug)
        return self.get(pipeline.pk)

    def update(self, user, pipeline_id: Any, data: dict) -> Pipeline:
        """Replace a pipeline whole; records of removed stages move as `reassign` says."""
        require_administrator(user, _(DENIED))
        with transaction.atomic():
            pipeline = self._locked(pipeline_id)
            if data.get("version") is not None and data["version"] != pipeline.version:
                raise StalePipeline(_("Someone else changed this pipeline; load it again."))
            entity = pipeline.entity_type
            others = list(Pipeline.objects.filter(entity_type=entity).exclude(pk=pipeline.pk))
            payload = self._checked({**data, "key": data.get("key", pipeline.key)}, entity, others)
            kept = {s["key"] for s in payload["stages"]}
            self._reassign(user, entity, pipeline, kept, data.get("reassign") or {})
            pipeline.name, pipeline.key = payload["name"], payload["key"]
            pipeline.segments = payload["segments"]
            if data.get("position") is not None:
                pipeline.position = data["position"]
            pipeline.version += 1
            pipeline.updated_by = user
            pipeline.definition = definition_of(pipeline, payload)
            pipeline.save()
            self._write_stages(pipeline, payload["stages"])
            self._finish_after(user, pipeline, entity.slug)
        return self.get(pipeline.pk)

    def delete(self, user, pipeline_id: Any, reassign: dict | None = None) -> None:
        """Remove a pipeline; its records move as `reassign` says (to another pipeline)."""
        require_administrator(user, _(DENIED))
        with transaction.atomic():
            pipeline = self._locked(pipeline_id)
            entity = pipeline.entity_type
            if not Pipeline.objects.filter(entity_type=entity).exclude(pk=pipeline.pk).exists():
                raise PipelineInvalid(
                    _("A type with a sales process keeps at least one pipeline."), field="id"
                )
            targets = set(
                Stage.objects.filter(pipeline__entity_type=entity)
                .exclude(pipeline=pipeline)
                .values_list("key", flat=True)
            )
            self._reassign(user, entity, pipeline, set(), reassign or {}, targets=targets)
            pipeline.delete()
            fields.sync_choices(user, entity.slug, confirm_loss=True)

    # -- lost reasons --------------------------------------------------------------
    def lost_reasons(self) -> dict:
        row = SalesSettings.objects.filter(pk=SalesSettings.SINGLETON_ID).first()
        return {"reasons": fields.lost_reasons(), "version": row.version if row else 0}

    def set_lost_reasons(self, user, data: dict) -> dict:
        """Replace the list of lost reasons (at least one; names and keys unique)."""
        require_administrator(user, _(DENIED))
        reasons = [dict(r) for r in data["reasons"]]
        errors: dict[str, list[str]] = {}
        if not reasons:
            errors["reasons"] = [_("Keep at least one lost reason.")]
        names: set[str] = set()
        keys: set[str] = set()
        for i, reason in enumerate(reasons):
            forms = name_forms(reason["name"])
            if not forms:
                errors.setdefault(f"reasons.{i}.name", []).append(_("Give the reason a name."))
            if forms & names:
                errors.setdefault(f"reasons.{i}.name", []).append(_("This name is listed twice."))
            names |= forms
            if reason.get("key") is None:
                reason["key"] = make_key(reason["name"], keys, "reason")
            elif not KEY.match(reason["key"]) or reason["key"] in keys:
                errors.setdefault(f"reasons.{i}.key", []).append(
                    _("Give a key of lower-case letters, digits, - and _, used once.")
                )
            keys.add(reason["key"])
        if errors:
            raise PipelineInvalid(_("Some values are not valid."), errors=errors)
        with transaction.atomic():
            row, _created = SalesSettings.objects.select_for_update().get_or_create(
                pk=SalesSettings.SINGLETON_ID
            )
            if data.get("version") is not None and data["version"] != row.version:
                raise StalePipeline(_("Someone else changed the lost reasons; load them again."))
            row.lost_reasons = [{"key": r["key"], "name": r["name"]} for r in reasons]
            row.version += 1
            row.updated_by = user
            row.save()
            slugs = set(Pipeline.objects.values_list("entity_type__slug", flat=True))
            for slug in sorted(slugs):
                fields.sync_choices(user, slug, confirm_loss=True)
        return self.lost_reasons()

    # -- helpers -------------------------------------------------------------------
    def _locked(self, pipeline_id: Any) -> Pipeline:
        pipeline = self.get(pipeline_id)
        EntityType.objects.select_for_update(no_key=True).filter(pk=pipeline.entity_type_id).first()
        return (
            Pipeline.objects.select_for_update().select_related("entity_type").get(pk=pipeline.pk)
        )

    def _checked(self, data: dict, entity: EntityType, others: list[Pipeline]) -> dict:
        payload = {
            "name": data["name"],
            "key": data.get("key"),
            "segments": list(data.get("segments") or []),
            "stages": [
                {
                    **STAGE_DEFAULTS,
                    **s,
                    "actions": [{**ACTION_DEFAULTS, **a} for a in s.get("actions", [])],
                }
                for s in data["stages"]
            ],
        }
        other_stages = Stage.objects.filter(pipeline__in=others)
        errors = check_pipeline(
            payload,
            others_stage_keys=set(other_stages.values_list("key", flat=True)),
            others_action_keys=set(
                Action.objects.filter(stage__in=other_stages).values_list("key", flat=True)
            ),
            others_segments={s: localized(p.name) for p in others for s in p.segments},
        )
        if payload["key"] is None:
            payload["key"] = make_key(payload["name"], {p.key for p in others}, "pipeline")
        elif payload["key"] in {p.key for p in others}:
            errors.setdefault("key", []).append(_("Another pipeline of this type has this key."))
        if errors:
            raise PipelineInvalid(_("Some values are not valid."), errors=errors)
        return payload

    def _reassign(self, user, entity, pipeline, kept: set, reassign: dict, targets=None) -> None:
        """Move the records of the pipeline's stages not in `kept` as `reassign` says."""
        removed = set(pipeline.stages.values_list("key", flat=True)) - kept
        targets = kept if targets is None else targets
        if not removed or not fields.has_processes(get_snapshot().entity(entity.slug)):
            return
        model = get_snapshot().model(entity.slug)
        held = {}
        for key in removed:
            count = model.objects.filter(**{fields.STAGE: key}).count()
            if count:
                held[key] = count
        errors: dict[str, list[str]] = {}
        for key, count in sorted(held.items()):
            target = reassign.get(key)
            if target is None:
                errors[f"reassign.{key}"] = [
                    _("%(count)s records are in this stage: say which stage they move to.")
                    % {"count": count}
                ]
            elif target not in targets:
                errors[f"reassign.{key}"] = [
                    _("There is no stage '%(key)s' to move them to.") % {"key": target}
                ]
        for key in set(reassign) - set(held):
            errors[f"reassign.{key}"] = [
                _("No records are in a removed stage '%(key)s'.") % {"key": key}
            ]
        if errors:
            raise PipelineInvalid(_("Some values are not valid."), errors=errors)
        for key in held:
            records = list(model.objects.filter(**{fields.STAGE: key}).select_for_update())
            RecordService().update_rows(
                user,
                model,
                [(r, {fields.STAGE: reassign[key]}) for r in records],
                Effects(history="update", action="reassign_stage"),
            )

    def _write_stages(self, pipeline: Pipeline, stages: list[dict]) -> None:
        """Replace the pipeline's stages and actions, keeping rows (and their completions)
        whose key stays."""
        old_stages = {s.key: s for s in pipeline.stages.all()}
        old_actions = {a.key: a for a in Action.objects.filter(stage__pipeline=pipeline)}
        kept_actions = {a["key"] for s in stages for a in s["actions"]}
        Action.objects.filter(stage__pipeline=pipeline).exclude(key__in=kept_actions).delete()
        for position, data in enumerate(stages):
            stage = old_stages.pop(data["key"], None) or Stage(pipeline=pipeline, key=data["key"])
            stage.name, stage.position = data["name"], position
            stage.probability, stage.colour = data["probability"], data["colour"]
            stage.save()
            for index, item in enumerate(data["actions"]):
                action = old_actions.get(item["key"]) or Action(key=item["key"])
                action.stage, action.position = stage, index
                for name in (
                    "name",
                    "weight",
                    "mandatory",
                    "completers",
                    "completer_users",
                    "note",
                    "notify",
                    "notify_users",
                    "task_template",
                ):
                    setattr(action, name, item[name])
                action.save()
        Stage.objects.filter(pk__in=[s.pk for s in old_stages.values()]).delete()

    def _finish_after(self, user, pipeline: Pipeline, slug: str) -> None:
        """PostgreSQL changes the fields in the pipeline's own transaction; SQLite cannot
        change a table inside one, so there the change follows the commit."""
        if connection.vendor == "postgresql":
            self._finish(user, pipeline, slug)
        else:
            transaction.on_commit(lambda: self._finish(user, pipeline, slug))

    def _finish(self, user, pipeline: Pipeline, slug: str) -> None:
        """Give the type its process fields and re-write their choices."""
        fields.enable(user, slug)
        fields.sync_choices(user, slug, confirm_loss=True)


def definition_of(pipeline: Pipeline, payload: dict) -> dict:
    """What the configuration history keeps of a saved pipeline."""
    return {
        "key": payload["key"],
        "name": payload["name"],
        "position": pipeline.position,
        "segments": payload["segments"],
        "stages": payload["stages"],
    }
