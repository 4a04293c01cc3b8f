"""A record's sales process: its stage, the actions done, won, lost and the lock.

    process = ProcessService()
    process.state(user, "deals", 7)                              # what the panel shows
    process.complete(user, "deals", 7, "send_offer", note="Sent on Monday")
    process.move(user, "deals", 7, "negotiation", version=4)     # stale version: 409
    process.win(user, "deals", 7)      # refused while a mandatory action is open
    process.lose(user, "deals", 7, "price")
    process.unlock(manager, "deals", 7)

Every change of the record goes through `RecordService.update` (so the access engine
decides, history records it and the version moves); who completed an action, when and with
which note is a `Completion` row. Who may do what (docs/security.md): moving, completing,
winning and losing need the right to edit the record; an action may further narrow who
completes it (managers of the owner, administrators, chosen users); unlocking a won record
is for administrators and managers of its owner. The signals of `modules.sales.signals` and
the e-mails of `notify` follow the commit.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.access import engine
from modules.access.spec import user_access
from modules.core.exceptions import PermissionDenied
from modules.core.i18n import localized
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService
from modules.sales import fields as pf
from modules.sales import files, notify, signals
from modules.sales.exceptions import ProcessConflict, ProcessesOff, ProcessRefused
from modules.sales.guard import RecordLocked, process_writing, to_the_minute
from modules.sales.models import Action, Completers, Completion, NoteRule, Pipeline, Stage


def progress_of(pipeline: Pipeline, done: set[str]) -> int:
    """The weights of the done actions over all the pipeline's weights, in percent."""
    weights = {a.key: a.weight for s in pipeline.stages.all() for a in s.actions.all()}
    total = sum(weights.values())
    if total <= 0:
        return 0
    return round(100 * sum(w for k, w in weights.items() if k in done) / total)


def is_manager_of(user, record) -> bool:
    """Is the user an administrator, or a manager of a team the record's owner is in?"""
    access = user_access(user)
    return access is None or access.is_admin or access.manages(record.owner_id)


class ProcessService:
    """Reads and moves one record's process."""

    # -- reads ---------------------------------------------------------------------
    def load(self, user, slug: str, record_id: Any):
        """The record (404 if the user may not see it) and its pipeline."""
        entity = get_snapshot().entity(slug)
        if not pf.has_processes(entity):
            raise ProcessesOff(_("This type has no sales process."))
        record = RecordService().get(user, slug, record_id)
        return record, self.pipeline_of(entity, getattr(record, pf.STAGE))

    @staticmethod
    def pipeline_of(entity, stage_key: str | None) -> Pipeline:
        stage = (
            Stage.objects.filter(pipeline__entity_type_id=entity.id, key=stage_key)
            .select_related("pipeline")
            .first()
        )
        if stage is None:
            raise ProcessRefused(_("This record is in no stage of a pipeline."))
        return (
            Pipeline.objects.filter(pk=stage.pipeline_id).prefetch_related("stages__actions").get()
        )

    def state(self, user, slug: str, record_id: Any) -> dict:
        """The record's process as its panel and the API show it."""
        record, pipeline = self.load(user, slug, record_id)
        if not engine.is_open(user, record):
            # Listed with its basic fields only: the process is not among them.
            raise PermissionDenied(_("You may not read this record's process."))
        done = {
            c.action_id: c
            for c in Completion.objects.filter(
                entity_type_id=record.entity.id, record_id=record.pk
            ).select_related("completed_by")
        }
        may_edit = engine.can(user, "edit", record)
        locked = bool(getattr(record, pf.LOCKED))
        status = getattr(record, pf.STATUS)
        stages = []
        for stage in pipeline.stages.all():
            actions = []
            for action in stage.actions.all():
                completion = done.get(action.pk)
                actions.append(
                    {
                        "key": action.key,
                        "name": localized(action.name),
                        "weight": action.weight,
                        "mandatory": action.mandatory,
                        "note": action.note,
                        "done": completion is not None,
                        "completed_by": _user_name(completion.completed_by) if completion else None,
                        "completed_at": completion.completed_at if completion else None,
                        "completion_note": completion.note if completion else "",
                        "file": f"/api/v1/{slug}/{record.pk}/process/files/{completion.pk}/"
                        if completion and completion.file
                        else None,
                        "may_complete": may_edit
                        and not locked
                        and status == pf.OPEN
                        and self._may_complete(user, record, action),
                    }
                )
            stages.append(
                {
                    "key": stage.key,
                    "name": localized(stage.name),
                    "probability": stage.probability,
                    "colour": stage.colour,
                    "current": stage.key == getattr(record, pf.STAGE),
                    "actions": actions,
                }
            )
        return {
            "id": record.pk,
            "version": record.version,
            "pipeline": {"id": pipeline.pk, "key": pipeline.key, "name": localized(pipeline.name)},
            "stage": getattr(record, pf.STAGE),
            "status": status,
            "lost_reason": getattr(record, pf.REASON),
            "locked": locked,
            "progress": int(getattr(record, pf.PROGRESS) or 0),
            "stage_since": getattr(record, pf.SINCE),
            "missing": [localized(a.name) for a in self._missing(pipeline, done)],
            "may": {
                "move": may_edit and not locked,
                "win": may_edit and not locked and status != pf.WON,
                "lose": may_edit and not locked and status != pf.LOST,
                "unlock": locked and may_edit and is_manager_of(user, record),
            },
            "stages": stages,
        }

    # -- changes -------------------------------------------------------------------
    @transaction.atomic
    def move(self, user, slug: str, record_id: Any, stage_key: str, *, version=None):
        """Move the record to another stage of its pipeline; a won or lost one reopens."""
        record, pipeline = self.load(user, slug, record_id)
        self._check_open_for_change(record, version)
        stage = next((s for s in pipeline.stages.all() if s.key == stage_key), None)
        if stage is None:
            raise ProcessRefused(
                _("There is no stage '%(key)s' in this record's pipeline.") % {"key": stage_key},
                field="stage",
            )
        old = getattr(record, pf.STAGE)
        values = {pf.STAGE: stage.key, pf.PROBABILITY: stage.probability}
        if old != stage.key:
            values[pf.SINCE] = to_the_minute(timezone.now())
        if getattr(record, pf.STATUS) != pf.OPEN:
            values.update({pf.STATUS: pf.OPEN, pf.REASON: None, pf.CLOSED_AT: None})
        saved = self._write(user, slug, record, values, version, "move")
        if old != stage.key:
            self._send(signals.stage_changed, slug, record, user, old=old, new=stage.key)
        return saved

    @transaction.atomic
    def complete(
        self, user, slug: str, record_id: Any, action_key: str, *, note="", file=None, version=None
    ):
        """Mark an action done, with the note (and file) it asks for."""
        record, pipeline = self.load(user, slug, record_id)
        action = self._action(pipeline, action_key)
        self._check_open_for_change(record, version)
        if getattr(record, pf.STATUS) != pf.OPEN:
            raise ProcessRefused(
                _("Only an open record's actions can be completed."), field="action"
            )
        if not engine.can(user, "edit", record) or not self._may_complete(user, record, action):
            raise PermissionDenied(_("You may not complete this action."))
        note = (note or "").strip()
        errors = {}
        if action.note in (NoteRule.NOTE, NoteRule.FILE) and not note:
            errors["note"] = [_("This action needs a note.")]
        if action.note == NoteRule.FILE and file is None:
            errors["file"] = [_("This action needs a file.")]
        if file is not None and "file" not in errors:
            try:
                files.check_upload(file)
            except ProcessRefused as refusal:
                errors.update(refusal.errors)
        if errors:
            raise ProcessRefused(_("Some values are not valid."), errors=errors)
        done = set(getattr(record, pf.ACTIONS) or [])
        if action.key in done:
            raise ProcessConflict(_("This action is done already."))
        done.add(action.key)
        saved = self._write(
            user, slug, record, self._actions_values(pipeline, done), version, "complete_action"
        )
        completion = Completion(
            entity_type_id=record.entity.id,
            record_id=record.pk,
            action=action,
            completed_by=user if getattr(user, "pk", None) else None,
            completed_at=timezone.now(),
            note=note,
        )
        if file is not None:
            completion.file.save(file.name, file, save=False)
        completion.save()
        notify.after_commit(record.entity, saved, action, completion, user)
        self._send(
            signals.action_completed, slug, record, user, action=action, completion=completion
        )
        return saved

    @transaction.atomic
    def reopen(self, user, slug: str, record_id: Any, action_key: str, *, version=None):
        """Mark a done action as not done."""
        record, pipeline = self.load(user, slug, record_id)
        action = self._action(pipeline, action_key)
        self._check_open_for_change(record, version)
        if not engine.can(user, "edit", record) or not self._may_complete(user, record, action):
            raise PermissionDenied(_("You may not reopen this action."))
        done = set(getattr(record, pf.ACTIONS) or [])
        if action.key not in done:
            raise ProcessConflict(_("This action is not done."))
        done.discard(action.key)
        saved = self._write(
            user, slug, record, self._actions_values(pipeline, done), version, "reopen_action"
        )
        Completion.objects.filter(
            entity_type_id=record.entity.id, record_id=record.pk, action=action
        ).delete()
        self._send(signals.action_reopened, slug, record, user, action=action)
        return saved

    @transaction.atomic
    def win(self, user, slug: str, record_id: Any, *, version=None):
        """Won: refused while a mandatory action is open; the record is locked."""
        record, pipeline = self.load(user, slug, record_id)
        self._check_open_for_change(record, version)
        if getattr(record, pf.STATUS) == pf.WON:
            raise ProcessConflict(_("This record is won already."))
        done = Completion.objects.filter(entity_type_id=record.entity.id, record_id=record.pk)
        missing = self._missing(pipeline, {c.action_id: c for c in done})
        if missing:
            names = [localized(a.name) for a in missing]
            raise ProcessRefused(
                _("Complete the mandatory actions first: %(names)s.") % {"names": ", ".join(names)},
                errors={"actions": names},
                extra={"missing": [a.key for a in missing]},
            )
        values = {
            pf.STATUS: pf.WON,
            pf.REASON: None,
            pf.CLOSED_AT: timezone.now(),
            pf.LOCKED: True,
            pf.PROBABILITY: 100,
        }
        saved = self._write(user, slug, record, values, version, "win")
        self._send(signals.deal_won, slug, record, user)
        return saved

    @transaction.atomic
    def lose(self, user, slug: str, record_id: Any, reason: str, *, version=None):
        """Lost, for one of the lost reasons."""
        record, _pipeline = self.load(user, slug, record_id)
        self._check_open_for_change(record, version)
        if reason not in {r["key"] for r in pf.lost_reasons()}:
            raise ProcessRefused(
                _("There is no lost reason '%(key)s'.") % {"key": reason}, field="reason"
            )
        values = {
            pf.STATUS: pf.LOST,
            pf.REASON: reason,
            pf.CLOSED_AT: timezone.now(),
            pf.PROBABILITY: 0,
        }
        saved = self._write(user, slug, record, values, version, "lose")
        self._send(signals.deal_lost, slug, record, user, reason=reason)
        return saved

    @transaction.atomic
    def unlock(self, user, slug: str, record_id: Any, *, version=None):
        """Let a won record be changed again (administrators, managers of its owner)."""
        record, _pipeline = self.load(user, slug, record_id)
        if not getattr(record, pf.LOCKED):
            raise ProcessConflict(_("This record is not locked."))
        if not is_manager_of(user, record):
            raise PermissionDenied(
                _("Only administrators and managers of the owner may unlock it.")
            )
        return self._write(user, slug, record, {pf.LOCKED: False}, version, "unlock")

    # -- helpers -------------------------------------------------------------------
    @staticmethod
    def _action(pipeline: Pipeline, key: str) -> Action:
        for stage in pipeline.stages.all():
            for action in stage.actions.all():
                if action.key == key:
                    return action
        raise ProcessRefused(
            _("There is no action '%(key)s' in this record's pipeline.") % {"key": key},
            field="action",
        )

    @staticmethod
    def _missing(pipeline: Pipeline, done: dict) -> list[Action]:
        return [
            a
            for s in pipeline.stages.all()
            for a in s.actions.all()
            if a.mandatory and a.pk not in done
        ]

    @staticmethod
    def _may_complete(user, record, action: Action) -> bool:
        access = user_access(user)
        if access is None or access.is_admin:
            return True
        if action.completers == Completers.MANAGERS:
            return access.manages(record.owner_id)
        if action.completers == Completers.ADMINISTRATORS:
            return False
        if action.completers == Completers.USERS:
            return access.user_id in action.completer_users
        return True

    @staticmethod
    def _check_open_for_change(record, version) -> None:
        if version is not None and version != record.version:
            raise ProcessConflict(
                _("Someone else changed this record meanwhile; reload it and try again."),
                extra={"version": record.version},
            )
        if getattr(record, pf.LOCKED):
            raise RecordLocked(
                _("This record was won and is locked; someone allowed must unlock it.")
            )

    def _actions_values(self, pipeline: Pipeline, done: set[str]) -> dict:
        return {pf.ACTIONS: sorted(done), pf.PROGRESS: progress_of(pipeline, done)}

    @staticmethod
    def _write(user, slug, record, values, version, action):
        with process_writing():
            return RecordService().update(
                user, slug, record.pk, values, expected_version=version, action=action
            )

    @staticmethod
    def _send(signal, slug, record, user, **kwargs) -> None:
        record_id = record.pk
        transaction.on_commit(
            lambda: signal.send(
                ProcessService, entity=slug, record_id=record_id, user=user, **kwargs
            )
        )


def _user_name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()
