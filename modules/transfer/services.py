"""ImportService: upload, dry run, run (a Celery task) and undo of imports.

    service = ImportService()
    batch = service.upload(user, "persons", uploaded_file)          # columns, suggestion
    batch = service.dry_run(user, batch.pk, mapping={"Imię": "first_name"}, mode="create")
    service.run(user, batch.pk)                                      # queued after commit
    service.undo(user, batch.pk)

Only users with the entity type's import permission import; updates touch only
records they may edit. `execute` (the task's body) writes in one transaction: an
import with invalid rows writes nothing unless `skip_invalid` was chosen.
"""

from __future__ import annotations

import logging
import uuid

from celery import signature
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.access import engine
from modules.metamodel.runtime import get_snapshot
from modules.transfer import matching, reading
from modules.transfer.exceptions import (
    ImportInvalid,
    ImportNotFound,
    ImportRefused,
    ImportStateConflict,
)
from modules.transfer.models import ImportBatch, Mode, Status
from modules.transfer.pipeline import Pipeline, chunks
from modules.transfer.progress import Progress
from modules.transfer.undo import undo_batch

logger = logging.getLogger(__name__)

#: The task that runs a queued import (`tasks.run_import`), sent by name: the tasks call
#: this module, not the other way round.
RUN_IMPORT = "modules.transfer.tasks.run_import"


class RolledBack(Exception):
    """Raised inside the run's transaction to undo its writes (invalid rows, all or nothing)."""


def check_import_allowed(user, entity) -> None:
    """Refuse a user without the import permission on the entity type."""
    if not engine.can(user, "import", entity=entity):
        raise ImportRefused(
            _("You may not import %(type)s.") % {"type": entity.display_label_plural}
        )


def check_match_keys(user, entity, match_on: list[str]) -> None:
    """Refuse match-on fields the user cannot read on every record they may list."""
    unreadable = matching.unreadable_keys(user, entity, match_on)
    if unreadable:
        labels = ", ".join(
            entity.field(name).display_label for name in match_on if name in unreadable
        )
        raise ImportInvalid(
            _(
                "Records you may list but not open withhold %(fields)s from you; "
                "match on fields you can read on every record."
            )
            % {"fields": labels},
            field="match_on",
        )


class ImportService:
    """Imports of one user into one entity type, from upload to undo."""

    # -- reading -----------------------------------------------------------------------
    def get(self, user, batch_id) -> ImportBatch:
        """An import of this user (an administrator sees every import); a dead run is failed."""
        rows = ImportBatch.objects.select_related("entity_type")
        if not _is_admin(user):
            rows = rows.filter(user=user)
        try:
            batch = rows.get(pk=int(batch_id))
        except (ImportBatch.DoesNotExist, TypeError, ValueError, OverflowError):
            raise ImportNotFound(_("No such import.")) from None
        fail_if_dead(batch)
        return batch

    def history(self, user, entity_slug: str):
        """The imports into an entity type, newest first (the user's own, or all for admins)."""
        entity = get_snapshot().entity(entity_slug)
        rows = ImportBatch.objects.filter(entity_type_id=entity.id).order_by("-created_at")
        return rows if _is_admin(user) else rows.filter(user=user)

    # -- steps -------------------------------------------------------------------------
    def upload(self, user, entity_slug: str, upload: UploadedFile) -> ImportBatch:
        """Read the file through once (limits, format, header) and keep it for the next steps."""
        entity = get_snapshot().entity(entity_slug)
        check_import_allowed(user, entity)
        name = upload.name or ""
        info = reading.inspect_file(upload.file, name, size=upload.size)
        batch = ImportBatch(
            entity_type_id=entity.id,
            user=user,
            file_name=name[-255:],
            file_format=info.file_format,
            reading=info.reading,
            columns=info.columns,
            total=info.total,
            mapping=matching.suggest(info.columns, entity),
        )
        upload.seek(0)
        batch.file.save(f"{uuid.uuid4().hex}.{info.file_format}", upload, save=False)
        batch.save()
        return batch

    def dry_run(
        self,
        user,
        batch_id,
        *,
        mapping: dict,
        mode: str = Mode.CREATE,
        match_on: list | None = None,
        skip_invalid: bool = False,
    ) -> ImportBatch:
        """Check every row with this mapping; the totals and row errors, nothing written."""
        batch = self.get(user, batch_id)
        if batch.status not in (Status.UPLOADED, Status.CHECKED):
            raise ImportStateConflict(_("This import has already run."))
        entity = get_snapshot().model_by_id(batch.entity_type_id).entity
        check_import_allowed(user, entity)
        batch.mapping = self._clean_mapping(entity, batch.columns, mapping)
        batch.mode = self._clean_mode(mode)
        batch.match_on = self._clean_match_on(entity, batch, match_on or [])
        check_match_keys(user, entity, batch.match_on)
        batch.skip_invalid = bool(skip_invalid)
        self._check_required_mapped(entity, batch)
        pipeline = self._pass(user, batch, write=False)
        batch.totals, batch.errors = dict(pipeline.totals), pipeline.errors
        batch.status = Status.CHECKED
        batch.save()
        return batch

    def run(self, user, batch_id) -> ImportBatch:
        """Queue the checked import; the task starts once this transaction commits."""
        batch = self.get(user, batch_id)
        check_import_allowed(user, get_snapshot().model_by_id(batch.entity_type_id).entity)
        if batch.status != Status.CHECKED:
            raise ImportStateConflict(_("Check the import with a dry run first."))
        batch.status, batch.task_id = Status.QUEUED, uuid.uuid4().hex
        batch.done = 0
        batch.save(update_fields=["status", "task_id", "done"])
        task_id, pk = batch.task_id, batch.pk
        transaction.on_commit(lambda: signature(RUN_IMPORT).apply_async(args=[pk], task_id=task_id))
        return batch

    def undo(self, user, batch_id) -> ImportBatch:
        """Trash what the import created and restore what it updated, where unchanged since."""
        batch = self.get(user, batch_id)
        check_import_allowed(user, get_snapshot().model_by_id(batch.entity_type_id).entity)
        if batch.status != Status.DONE:
            raise ImportStateConflict(_("Only a finished import can be undone."))
        return undo_batch(user, batch)

    def retry(self, user, batch_id) -> ImportBatch:
        """Take a failed import back to its mapping, with its file, mapping and choices, so it
        is checked (dry run) and run again without uploading the file again. A failed import
        wrote nothing (its one transaction rolled back), so nothing needs undoing first."""
        batch = self.get(user, batch_id)
        check_import_allowed(user, get_snapshot().model_by_id(batch.entity_type_id).entity)
        again = {
            "status": Status.UPLOADED,
            "totals": {},
            "errors": [],
            "error": "",
            "done": 0,
            "task_id": "",
            "started_at": None,
            "heartbeat_at": None,
            "finished_at": None,
        }
        # Only from FAILED, in one statement: two retries at once take it back once.
        if not ImportBatch.objects.filter(pk=batch.pk, status=Status.FAILED).update(**again):
            raise ImportStateConflict(_("Only a failed import can be tried again."))
        for name, value in again.items():
            setattr(batch, name, value)
        return batch

    # -- the task's body -----------------------------------------------------------------
    def execute(self, batch_id: int) -> ImportBatch | None:
        """Carry out a queued import in one transaction, with progress on its own connection."""
        batch = ImportBatch.objects.select_related("user").filter(pk=batch_id).first()
        if batch is None or batch.status != Status.QUEUED:
            return batch
        user = batch.user
        now = timezone.now()
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=Status.RUNNING, started_at=now, heartbeat_at=now, done=0
        )
        batch.status = Status.RUNNING
        try:
            entity = get_snapshot().model_by_id(batch.entity_type_id).entity
            if user is None or not user.is_active:
                raise ImportRefused(_("The user who started this import is no longer active."))
            check_import_allowed(user, entity)
            check_match_keys(user, entity, batch.match_on)
            with Progress(batch.pk) as progress, transaction.atomic():
                pipeline = self._pass(user, batch, write=True, progress=progress)
                if pipeline.failed:
                    raise RolledBack
                self._finish(batch, Status.DONE, pipeline)
        except RolledBack:
            self._finish(
                batch, Status.FAILED, pipeline, _("Some rows are not valid; nothing was imported.")
            )
        except Exception as error:
            logger.exception("Import %s failed", batch.pk)
            message = getattr(error, "detail", None) or _("The import failed: %(error)s") % {
                "error": error
            }
            self._finish(batch, Status.FAILED, None, str(message))
        transaction.on_commit(lambda: notify(batch))
        return batch

    def _pass(self, user, batch: ImportBatch, *, write: bool, progress=None) -> Pipeline:
        pipeline = Pipeline(user, batch, write=write)
        done = 0
        with (
            batch.file.open("rb") as source,
            reading.open_rows(source, batch.file_format, batch.reading) as (_columns, rows),
        ):
            for chunk in chunks(rows):
                pipeline.feed(chunk)
                done += len(chunk)
                if progress is not None:
                    progress.report(done=done)
        return pipeline

    def _finish(self, batch: ImportBatch, status: str, pipeline, error: str = "") -> None:
        batch.status, batch.error, batch.finished_at = status, error, timezone.now()
        fields = ["status", "error", "finished_at"]
        if pipeline is not None:
            batch.totals, batch.errors = dict(pipeline.totals), pipeline.errors
            batch.done = batch.total
            fields += ["totals", "errors", "done"]
        ImportBatch.objects.filter(pk=batch.pk).update(**{f: getattr(batch, f) for f in fields})

    # -- checks of the choices -------------------------------------------------------------
    def _clean_mapping(self, entity, columns: list[str], mapping) -> dict:
        if not isinstance(mapping, dict):
            raise ImportInvalid(_("Give the mapping as {column: field}."), field="mapping")
        allowed = {spec.api_name for spec in matching.importable_fields(entity)}
        errors, cleaned, used = {}, {}, {}
        for column, api_name in mapping.items():
            if not api_name:
                continue
            if column not in columns:
                errors[f"mapping.{column}"] = [_("The file has no such column.")]
            elif api_name not in allowed:
                errors[f"mapping.{column}"] = [_("Choose a field to import into.")]
            elif api_name in used:
                errors[f"mapping.{column}"] = [
                    _("Column %(other)s is already mapped to this field.")
                    % {"other": used[api_name]}
                ]
            else:
                cleaned[column], used[api_name] = api_name, column
        if errors:
            raise ImportInvalid(_("The mapping does not fit."), errors=errors)
        if not cleaned:
            raise ImportInvalid(_("Map at least one column to a field."), field="mapping")
        return cleaned

    def _clean_mode(self, mode) -> str:
        if mode not in Mode.values:
            raise ImportInvalid(
                _("Mode must be one of: %(modes)s.") % {"modes": ", ".join(Mode.values)},
                field="mode",
            )
        return mode

    def _clean_match_on(self, entity, batch: ImportBatch, match_on) -> list[str]:
        if batch.mode == Mode.CREATE:
            return []
        if not isinstance(match_on, list) or not match_on:
            raise ImportInvalid(
                _("Choose the fields to match existing records on."), field="match_on"
            )
        mapped = set(batch.mapping.values())
        for name in match_on:
            if name not in mapped or not entity.field(name).type_class.can_be_unique:
                raise ImportInvalid(
                    _("Match on mapped fields that hold one value each: %(name)s is not one.")
                    % {"name": name},
                    field="match_on",
                )
        return list(dict.fromkeys(match_on))

    def _check_required_mapped(self, entity, batch: ImportBatch) -> None:
        if batch.mode == Mode.UPDATE:
            return
        mapped = set(batch.mapping.values())
        missing = [
            spec.display_label
            for spec in matching.importable_fields(entity)
            if spec.required and spec.api_name not in mapped
        ]
        if missing:
            raise ImportInvalid(
                _("Map a column to every required field: %(fields)s.")
                % {"fields": ", ".join(missing)},
                field="mapping",
            )


def _is_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def fail_if_dead(batch: ImportBatch) -> bool:
    """Mark a running import failed when its worker stopped reporting (killed, lost)."""
    if not batch.lease_expired():
        return False
    message = _("The import stopped (its worker was lost); nothing was imported.")
    updated = ImportBatch.objects.filter(
        pk=batch.pk, status=Status.RUNNING, heartbeat_at=batch.heartbeat_at
    ).update(status=Status.FAILED, error=message, finished_at=timezone.now())
    if updated:
        batch.status, batch.error = Status.FAILED, message
    return bool(updated)


def notify(batch: ImportBatch) -> None:
    """Tell the user by e-mail that the import ended (the admin shows it on its next page)."""
    user = batch.user
    if user is None or not user.email:
        return
    if batch.status == Status.DONE:
        subject = _("Import of %(file)s finished") % {"file": batch.file_name}
    else:
        subject = _("Import of %(file)s failed") % {"file": batch.file_name}
    totals = batch.totals or {}
    body = _("New: %(new)s, updated: %(updated)s, invalid: %(invalid)s. %(error)s") % {
        "new": totals.get("new", 0),
        "updated": totals.get("updated", 0),
        "invalid": totals.get("invalid", 0),
        "error": batch.error,
    }
    send_mail(subject, body, None, [user.email], fail_silently=True)
