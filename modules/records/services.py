"""RecordService: the only writer of entity rows.

    service = RecordService()
    deal = service.create(user, "deals", {"name": "Renewal", "value": {"amount": "1200"}})
    service.update(user, "deals", deal.pk, {"name": "Renewal 2027"}, expected_version=1)
    service.delete(user, "deals", deal.pk)       # to the trash
    service.restore(user, "deals", deal.pk)

Values are validated by the field types; a stale `expected_version` is a conflict;
only the fields named in an update are written, so concurrent edits of different
fields both survive. Every call asks the access engine first: a record the user may
not see is missing (404), an action the user may not take is refused (403).
The service is put together from parts: bulk actions (`records.bulk`), value checks
(`records.values`), sharing checks (`records.sharing`) and the bulk write primitives the
import, undo, recompute and type conversion use (`records.writes`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.access import engine, grants
from modules.core.exceptions import PermissionDenied
from modules.history import recorder
from modules.metamodel.runtime import get_snapshot
from modules.records import hooks, numbering
from modules.records.bulk import BULK_LIMIT, BulkActions
from modules.records.exceptions import RecordConflict, RecordInvalid, RecordNotFound
from modules.records.sharing import SharingChecks, refuse
from modules.records.values import ValueChecks
from modules.records.writes import Effects, RowWrites, writes

__all__ = ["BULK_LIMIT", "VISIBILITIES", "Effects", "RecordService"]

VISIBILITIES = ("public", "non_public", "hidden")


class RecordService(RowWrites, BulkActions, ValueChecks, SharingChecks):
    """Create, update, trash and restore records of any entity type.

    Preparers: `create`, `update` (and so `bulk_update`) and `restore` run the preparers
    registered in `records.hooks` (segmentation scores and segments the record by its type's
    scheme) as they write it.
    History: every write leaves a RowHistory row per record it changed (`history.recorder`),
    in the same transaction; the rows of one bulk call share a batch id.
    """

    def get(self, user, entity_slug: str, record_id: Any, *, trashed: bool = False):
        """A record the user may see (flagged open or restricted); else RecordNotFound."""
        model = get_snapshot().model(entity_slug)
        rows = model.objects.visible_to(user)
        return self._load(model, record_id, trashed=trashed, rows=rows)

    @writes
    def create(
        self,
        user,
        entity_slug: str,
        values: dict,
        *,
        owner=None,
        visibility: str | None = None,
        participants: dict | None = None,
    ):
        """A new record; owner, visibility and participants default per entity type."""
        snapshot = get_snapshot()
        entity, model = snapshot.entity(entity_slug), snapshot.model(entity_slug)
        if not engine.can(user, "add", entity=entity):
            raise refuse("add")
        record = model()
        invited = self._participants(entity, participants) if participants is not None else None
        self._check_new_sharing(user, entity, owner, visibility, invited)
        cleaned = self._clean(model, values, user=user, creating=True)
        hooks.check_write(user, entity, record, cleaned, True)
        for spec in entity.fields:
            given = cleaned.get(spec.api_name)
            if given is None and spec.type_class.allocates_on_create:
                # Left empty (or sent empty by a form): the next number.
                given = numbering.allocate(spec, user)
            if given is not None:
                spec.type_class.set_value(record, spec, given)
        record.owner = self._owner(owner) if owner is not None else user
        record.visibility = self._visibility(entity, visibility)
        record.created_by = record.updated_by = user
        hooks.prepare(entity, record)
        hooks.assign(user, entity, record, owner_given=owner is not None)
        record.save(force_insert=True)
        users, teams = invited if invited is not None else grants.defaults(entity, user)
        changes = recorder.created(entity, record)
        if users or teams:
            grants.write(entity, [record.pk], "participant", users, teams)
            changes["role.participant"] = [None, {"users": sorted(users), "teams": sorted(teams)}]
        recorder.log(user, entity, "create", record.pk, changes, title=entity.title_of(record))
        return record

    @writes
    def update(
        self,
        user,
        entity_slug: str,
        record_id: Any,
        values: dict,
        *,
        expected_version: int | None = None,
        owner=None,
        visibility: str | None = None,
        participants: dict | None = None,
        action: str = "",
        batch: str = "",
    ):
        """Write the named values; owner, visibility and participants change only when given.

        `action` and `batch` label the history row (a bulk edit passes its own).
        """
        snapshot = get_snapshot()
        entity, model = snapshot.entity(entity_slug), snapshot.model(entity_slug)
        record = self._load(model, record_id, lock=True, user=user)
        invited = self._participants(entity, participants) if participants is not None else None
        held = None
        if invited is not None:
            held = recorder.holders_of(entity, [record.pk], "participant")[record.pk]
        self._check_sharing(user, record, owner, visibility, invited, held)
        if values and not engine.can(user, "edit", record):
            raise refuse("edit")
        if expected_version is not None:
            self._check_version(user, record, expected_version)
        values = self._without_unread_blanks(user, record, values)
        cleaned = self._clean(model, values, user=user, creating=False, current=record)
        hooks.check_write(user, entity, record, cleaned, False)
        before = recorder.values_of(entity, record)
        granted: dict = {}
        changed = self._set_changed(entity, record, cleaned, owner, visibility)
        if invited is not None:
            users, teams = invited
            grants.write(entity, [record.pk], "participant", users, teams)
            record._access_roles = None
            now = {"users": sorted(users), "teams": sorted(teams)}
            granted = recorder.role_changes("participant", held, now)
        if changed:
            changed.extend(hooks.prepare(entity, record))
            record.updated_by = user
            record.updated_at = timezone.now()
            record.version = F("version") + 1
            record.save(update_fields=[*changed, "updated_by", "updated_at", "version"])
            record.refresh_from_db(fields=["version"])
        changes = {**recorder.diff(before, recorder.values_of(entity, record)), **granted}
        recorder.log(
            user,
            entity,
            "update",
            record.pk,
            changes,
            action=action,
            batch=batch,
            title=entity.title_of(record),
        )
        return record

    @writes
    def delete(self, user, entity_slug: str, record_id: Any) -> None:
        """Move a record to the trash; it keeps its data (and its number)."""
        model = get_snapshot().model(entity_slug)
        record = self._load(model, record_id, lock=True, user=user)
        if not engine.can(user, "delete", record):
            raise refuse("delete")
        self._trash([record], model, user)

    @writes
    def restore(self, user, entity_slug: str, record_id: Any):
        """Bring a record back from the trash, scored by the current scheme."""
        model = get_snapshot().model(entity_slug)
        record = self._load(model, record_id, lock=True, trashed=True, user=user)
        if not engine.can(user, "delete", record):
            raise refuse("delete")
        conflicts = hooks.restore_conflicts(user, model.entity, record.pk)
        if conflicts:
            raise RecordConflict(
                _("This record cannot be restored: %(list)s") % {"list": " ".join(conflicts)}
            )
        # Scored afresh: the scheme may have changed while the record was in the trash.
        self.restore_rows(user, model, [record], Effects(history="restore"))
        return record

    # -- helpers -------------------------------------------------------------------
    def _load(
        self,
        model,
        record_id: Any,
        *,
        lock: bool = False,
        trashed: bool = False,
        user=None,
        rows=None,
    ):
        if rows is None:
            rows = model.objects.filter(engine.visible_q(user, model.entity))
        rows = rows.trashed() if trashed else rows.alive()
        if lock:
            rows = rows.select_for_update()
        try:
            return rows.get(pk=int(record_id))
        except (model.DoesNotExist, TypeError, ValueError, OverflowError):
            raise RecordNotFound(_("No such record.")) from None

    def _load_many(self, model, ids: Any, user, *actions: str) -> list:
        """Every named record, locked; one missing or refused id refuses them all (a refusal
        of `change_visibility` names the `visibility` field too)."""
        if (
            not isinstance(ids, list)
            or not ids
            or any(isinstance(i, bool) or not isinstance(i, int) for i in ids)
        ):
            raise RecordInvalid(_("Give a non-empty list of record ids."), field="ids")
        if len(ids) > BULK_LIMIT:
            raise RecordInvalid(
                _("Act on at most %(limit)s records at once.") % {"limit": BULK_LIMIT},
                field="ids",
            )
        wanted = set(ids)
        rows = model.objects.alive().filter(engine.visible_q(user, model.entity), pk__in=wanted)
        records = list(rows.select_for_update().order_by("pk"))
        missing = wanted - {r.pk for r in records}
        if missing:
            raise RecordNotFound(
                _("No such records: %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))},
                extra={"ids": sorted(missing)},
            )
        engine.prime_roles(user, records)
        refused, fields = [], {}
        for record in records:
            denied = [a for a in actions if not engine.can(user, a, record)]
            if denied:
                refused.append(record.pk)
            if "change_visibility" in denied:
                fields["visibility"] = [_("You may not change the visibility of these records.")]
        if refused:
            raise PermissionDenied(
                _("You may not do this with records: %(ids)s.")
                % {"ids": ", ".join(map(str, refused))},
                errors=fields,
                extra={"ids": refused},
            )
        return records

    def _trash(self, records: list, model, user, *, action: str = "") -> None:
        batch = recorder.new_batch() if len(records) > 1 else ""
        self.trash_rows(user, model, records, Effects(history="delete", action=action, batch=batch))

    def _set_changed(self, entity, record, cleaned: dict, owner, visibility) -> list[str]:
        """Set the cleaned values, owner and visibility that differ; the attributes set."""
        changed: list[str] = []
        for name, value in cleaned.items():
            spec = entity.field(name)
            if spec.type_class.get_value(record, spec) != value:
                spec.type_class.set_value(record, spec, value)
                changed.extend(spec.type_class.attribute_names(spec.api_name))
        if owner is not None and self._owner(owner).pk != record.owner_id:
            record.owner = self._owner(owner)
            changed.append("owner")
        if visibility is not None and visibility != record.visibility:
            record.visibility = self._visibility(entity, visibility)
            changed.append("visibility")
        return changed
