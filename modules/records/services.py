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
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.access import engine, grants
from modules.core.exceptions import PermissionDenied
from modules.core.values import is_digits
from modules.history import recorder
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec
from modules.records import numbering
from modules.records.exceptions import RecordConflict, RecordInvalid, RecordNotFound, StaleRecord
from modules.segmentation.scoring import score_record

VISIBILITIES = ("public", "non_public", "hidden")
BULK_LIMIT = 1000


def refuse(action: str) -> PermissionDenied:
    """The 403 for an action the user may not take on a record they can see."""
    messages = {
        "add": _("You may not add records of this type."),
        "edit": _("You may not edit this record."),
        "delete": _("You may not delete this record."),
        "change_user": _("You may not change who owns or takes part in this record."),
    }
    return PermissionDenied(messages.get(action, _("You may not do this.")))


class RecordService:
    """Create, update, trash and restore records of any entity type.

    Segmentation: `create`, `update` (and so `bulk_update`) and `restore` score the
    record by its entity type's scheme (`segmentation.scoring`) as they write it.
    History: every write leaves a RowHistory row per record it changed (`history.recorder`),
    in the same transaction; the rows of one bulk call share a batch id.
    """

    def get(self, user, entity_slug: str, record_id: Any, *, trashed: bool = False):
        """A record the user may see (flagged open or restricted); else RecordNotFound."""
        model = get_snapshot().model(entity_slug)
        rows = engine.scoped(model.objects.all(), user, model.entity)
        return self._load(model, record_id, trashed=trashed, rows=rows)

    @transaction.atomic
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
        cleaned = self._clean(model, values, user=user, creating=True)
        invited = self._participants(entity, participants) if participants is not None else None
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
        score_record(entity, record)
        record.save(force_insert=True)
        users, teams = invited if invited is not None else grants.defaults(entity, user)
        changes = recorder.created(entity, record)
        if users or teams:
            grants.write(entity, [record.pk], "participant", users, teams)
            changes["role.participant"] = [None, {"users": sorted(users), "teams": sorted(teams)}]
        recorder.log(user, entity, "create", record.pk, changes, title=entity.title_of(record))
        return record

    @transaction.atomic
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
        handing_over = (owner is not None and self._owner(owner).pk != record.owner_id) or (
            participants is not None
        )
        if handing_over and not engine.can(user, "change_user", record):
            raise refuse("change_user")
        if (values or visibility is not None) and not engine.can(user, "edit", record):
            raise refuse("edit")
        if expected_version is not None and expected_version != record.version:
            raise StaleRecord(
                _(
                    "Someone else changed this record since you opened it (version %(theirs)s, "
                    "yours %(yours)s). Reload it and apply your change again."
                )
                % {"theirs": record.version, "yours": expected_version},
                field="version",
                extra={"current_version": record.version},
            )
        cleaned = self._clean(model, values, user=user, creating=False, current=record)
        before = recorder.values_of(entity, record)
        granted: dict = {}
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
        if participants is not None:
            users, teams = self._participants(entity, participants)
            held = recorder.holders_of(entity, [record.pk], "participant")[record.pk]
            grants.write(entity, [record.pk], "participant", users, teams)
            record._access_roles = None
            now = {"users": sorted(users), "teams": sorted(teams)}
            granted = recorder.role_changes("participant", held, now)
        if changed:
            changed.extend(score_record(entity, record))
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

    @transaction.atomic
    def delete(self, user, entity_slug: str, record_id: Any) -> None:
        """Move a record to the trash; it keeps its data (and its number)."""
        model = get_snapshot().model(entity_slug)
        record = self._load(model, record_id, lock=True, user=user)
        if not engine.can(user, "delete", record):
            raise refuse("delete")
        self._trash([record], model, user)

    @transaction.atomic
    def restore(self, user, entity_slug: str, record_id: Any):
        """Bring a record back from the trash, scored by the current scheme."""
        model = get_snapshot().model(entity_slug)
        record = self._load(model, record_id, lock=True, trashed=True, user=user)
        if not engine.can(user, "delete", record):
            raise refuse("delete")
        from modules.relations.services import RelationService

        conflicts = RelationService().restore_conflicts(user, model.entity, record.pk)
        if conflicts:
            raise RecordConflict(
                _("Restoring it would bring back relations beyond their limits: %(list)s")
                % {"list": " ".join(conflicts)}
            )
        # Scored afresh: the scheme may have changed while the record was in the trash.
        before = recorder.values_of(model.entity, record)
        rescored = {}
        if score_record(model.entity, record):
            rescored = {"score": record.score, "segment": record.segment}
        model.objects.filter(pk=record.pk).update(
            deleted_at=None,
            updated_by=user,
            updated_at=timezone.now(),
            version=F("version") + 1,
            **rescored,
        )
        record.refresh_from_db()
        changes = recorder.diff(before, recorder.values_of(model.entity, record))
        title = model.entity.title_of(record)
        recorder.log(user, model.entity, "restore", record.pk, changes, title=title)
        return record

    # -- bulk: all or nothing --------------------------------------------------------
    @transaction.atomic
    def bulk_delete(self, user, entity_slug: str, ids: Any) -> int:
        model = get_snapshot().model(entity_slug)
        records = self._load_many(model, ids, user, "delete")
        self._trash(records, model, user, action="bulk_delete")
        return len(records)

    @transaction.atomic
    def bulk_update(self, user, entity_slug: str, ids: Any, values: dict) -> int:
        """The same values on every record; one refusal or invalid value writes nothing."""
        model = get_snapshot().model(entity_slug)
        records = self._load_many(model, ids, user, "edit")
        if not values:
            raise RecordInvalid(_("Name at least one field to change."), field="values")
        batch = recorder.new_batch()
        for record in records:
            self.update(user, entity_slug, record.pk, values, action="bulk_update", batch=batch)
        return len(records)

    @transaction.atomic
    def change_user(
        self, user, entity_slug: str, ids: Any, *, role: str, users=None, teams=None, mode="replace"
    ) -> int:
        """Hand records over: a new owner, or participants/responsible replaced, added, removed."""
        model = get_snapshot().model(entity_slug)
        entity = model.entity
        records = self._load_many(model, ids, user, "change_user")
        pks = [r.pk for r in records]
        if role == "owner":
            user_ids, team_ids = grants.clean(users, teams)
            if len(user_ids) != 1 or team_ids or mode != "replace":
                raise RecordInvalid(
                    _("A record has exactly one owner: give one user and mode 'replace'."),
                    field="users",
                )
            new_owner = self._owner(user_ids[0])
            model.objects.filter(pk__in=pks).exclude(owner_id=new_owner.pk).update(
                owner=new_owner,
                updated_by=user,
                updated_at=timezone.now(),
                version=F("version") + 1,
            )
            entries = [
                recorder.Entry(r.pk, {"owner": [r.owner_id, new_owner.pk]}, entity.title_of(r))
                for r in records
                if r.owner_id != new_owner.pk
            ]
            recorder.log_many(
                user, entity, "update", entries, action="change_user", batch=recorder.new_batch()
            )
            return len(pks)
        grants.check_role(engine.access_spec(entity), role)
        user_ids, team_ids = grants.clean(users, teams, active_only=mode != "remove")
        before = recorder.holders_of(entity, pks, role)
        grants.write(entity, pks, role, user_ids, team_ids, mode=mode)
        after = recorder.holders_of(entity, pks, role)
        model.objects.filter(pk__in=pks).update(
            updated_by=user, updated_at=timezone.now(), version=F("version") + 1
        )
        entries = [
            recorder.Entry(
                r.pk, recorder.role_changes(role, before[r.pk], after[r.pk]), entity.title_of(r)
            )
            for r in records
        ]
        recorder.log_many(
            user, entity, "update", entries, action="change_user", batch=recorder.new_batch()
        )
        return len(pks)

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
        rows = rows.filter(deleted_at__isnull=not trashed)
        if lock:
            rows = rows.select_for_update()
        try:
            return rows.get(pk=int(record_id))
        except (model.DoesNotExist, TypeError, ValueError, OverflowError):
            raise RecordNotFound(_("No such record.")) from None

    def _load_many(self, model, ids: Any, user, action: str) -> list:
        """Every named record, locked; one missing or refused id refuses them all."""
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
        rows = model.objects.filter(
            engine.visible_q(user, model.entity), deleted_at__isnull=True, pk__in=wanted
        )
        records = list(rows.select_for_update().order_by("pk"))
        missing = wanted - {r.pk for r in records}
        if missing:
            raise RecordNotFound(
                _("No such records: %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))},
                extra={"ids": sorted(missing)},
            )
        engine.prime_roles(user, records)
        refused = [r.pk for r in records if not engine.can(user, action, r)]
        if refused:
            raise PermissionDenied(
                _("You may not do this with records: %(ids)s.")
                % {"ids": ", ".join(map(str, refused))},
                extra={"ids": refused},
            )
        return records

    def _trash(self, records: list, model, user, *, action: str = "") -> None:
        model.objects.filter(pk__in=[r.pk for r in records]).update(
            deleted_at=timezone.now(),
            updated_by=user,
            updated_at=timezone.now(),
            version=F("version") + 1,
        )
        entity = model.entity
        entries = [recorder.Entry(r.pk, {}, entity.title_of(r)) for r in records]
        batch = recorder.new_batch() if len(records) > 1 else ""
        recorder.log_many(user, entity, "delete", entries, action=action, batch=batch)

    def _clean(self, model, values: Any, *, user, creating: bool, current=None) -> dict:
        entity: EntitySpec = model.entity
        if not isinstance(values, dict):
            raise RecordInvalid(_("Give the values as an object of field names."))
        errors: dict[str, list[str]] = {}
        cleaned: dict[str, Any] = {}
        for name, value in values.items():
            if not entity.has_field(name):
                errors[name] = [_("There is no field '%(name)s'.") % {"name": name}]
                continue
            spec = entity.field(name)
            try:
                cleaned[name] = spec.type_class.clean(spec, value)
            except ValidationError as error:
                errors[name] = list(error.messages)
                continue
            unchanged = (
                current is not None and spec.type_class.get_value(current, spec) == cleaned[name]
            )
            if spec.target_entity_id and cleaned[name] is not None and not unchanged:
                target = get_snapshot().model_by_id(spec.target_entity_id)
                seen = target.objects.filter(engine.visible_q(user, target.entity))
                if not seen.filter(pk=cleaned[name]).exists():
                    # The same words as for a missing id: nothing about the hidden record.
                    errors[name] = [_("No record has the id %(id)s.") % {"id": cleaned[name]}]
                    continue
            if spec.required and cleaned[name] is None:
                errors[name] = [_("This field is required.")]
        if creating:
            for spec in entity.fields:
                if (
                    spec.required
                    and spec.api_name not in values
                    and not spec.type_class.allocates_on_create
                ):
                    errors[spec.api_name] = [_("This field is required.")]
        errors.update(self._unique_errors(model, cleaned, current.pk if current else None))
        if errors:
            raise RecordInvalid(_("Some values are not valid."), errors=errors)
        return cleaned

    def _unique_errors(self, model, cleaned: dict, own_id: int | None) -> dict:
        errors = {}
        for name, value in cleaned.items():
            spec = model.entity.field(name)
            if not spec.unique or value is None:
                continue
            lookup = {f"{name}__iexact" if isinstance(value, str) else name: value}
            clash = model.objects.filter(deleted_at__isnull=True, **lookup)
            if own_id is not None:
                clash = clash.exclude(pk=own_id)
            if clash.exists():
                errors[name] = [_("Another record already has this value.")]
        return errors

    def _owner(self, owner):
        """A user object for an owner given as a user or an id; only active users own."""
        user_model = get_user_model()
        if isinstance(owner, user_model) and owner.is_active:
            return owner
        if not isinstance(owner, bool) and is_digits(str(owner)):
            found = user_model.objects.filter(pk=int(owner), is_active=True).first()
            if found is not None:
                return found
        raise RecordInvalid(_("Choose an active user as the owner."), field="owner")

    def _visibility(self, entity, visibility: str | None) -> str:
        spec = engine.access_spec(entity)
        if visibility is None:
            return spec.default_visibility
        if visibility not in spec.allowed:
            raise RecordInvalid(
                _("Visibility must be one of: %(values)s.") % {"values": ", ".join(spec.allowed)},
                field="visibility",
            )
        return visibility

    def _participants(self, entity, participants: Any) -> tuple[list[int], list[int]]:
        if "participant" not in engine.access_spec(entity).roles:
            raise RecordInvalid(
                _("Records of this type have no participants."), field="participants"
            )
        if not isinstance(participants, dict) or set(participants) - {"users", "teams"}:
            raise RecordInvalid(
                _('Give participants as {"users": [ids], "teams": [ids]}.'),
                field="participants",
            )
        return grants.clean(participants.get("users"), participants.get("teams"))
