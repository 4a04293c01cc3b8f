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
from modules.access.links import seen_values
from modules.access.spec import access_spec
from modules.core.exceptions import PermissionDenied
from modules.core.values import is_digits
from modules.history import recorder
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec
from modules.records import hooks, numbering
from modules.records.exceptions import (
    RecordConflict,
    RecordInvalid,
    RecordNotFound,
    StaleRecord,
    ValueUnavailable,
)

VISIBILITIES = ("public", "non_public", "hidden")
BULK_LIMIT = 1000
#: The permission a change of each of who owns, takes part in and sees a record needs.
SHARING_ACTIONS = {
    "owner": "change_user",
    "participants": "change_user",
    "visibility": "change_visibility",
}


def refuse(action: str) -> PermissionDenied:
    """The 403 for an action the user may not take on a record they can see."""
    messages = {
        "add": _("You may not add records of this type."),
        "edit": _("You may not edit this record."),
        "delete": _("You may not delete this record."),
    }
    return PermissionDenied(messages.get(action, _("You may not do this.")))


def unavailable_message() -> str:
    """What a unique value held by a record the user may not open is told: no record named."""
    return _("This value is not available.")


def refuse_sharing(fields: list[str]) -> None:
    """The 403 naming each of owner, participants and visibility the user may not set."""
    if not fields:
        return
    messages = {
        "owner": _("You may not change the owner of this record."),
        "participants": _("You may not change who takes part in this record."),
        "visibility": _("You may not change the visibility of this record."),
    }
    raise PermissionDenied(
        " ".join(messages[f] for f in fields), errors={f: [messages[f]] for f in fields}
    )


def _user_id(owner) -> int | None:
    """The id an owner is given by (a user or an id), without reading the database."""
    value = getattr(owner, "pk", owner)
    if isinstance(value, bool) or not is_digits(str(value)):
        return None
    return int(value)


class RecordService:
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
        invited = self._participants(entity, participants) if participants is not None else None
        self._check_new_sharing(user, entity, owner, visibility, invited)
        cleaned = self._clean(model, values, user=user, creating=True)
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
        conflicts = hooks.restore_conflicts(user, model.entity, record.pk)
        if conflicts:
            raise RecordConflict(
                _("Restoring it would bring back relations beyond their limits: %(list)s")
                % {"list": " ".join(conflicts)}
            )
        # Scored afresh: the scheme may have changed while the record was in the trash.
        before = recorder.values_of(model.entity, record)
        rescored = {}
        if hooks.prepare(model.entity, record):
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
    def bulk_update(
        self, user, entity_slug: str, ids: Any, values: dict, *, visibility: str | None = None
    ) -> int:
        """The same values (and visibility) on every record; one refusal or invalid value
        writes nothing. Values need `edit`, a visibility `change_visibility` on each record."""
        model = get_snapshot().model(entity_slug)
        actions = [
            action
            for action, wanted in (("edit", values), ("change_visibility", visibility is not None))
            if wanted
        ]
        # Missing or refused ids answer before an empty change does, as for any bulk call.
        records = self._load_many(model, ids, user, *(actions or ["edit"]))
        if not actions:
            raise RecordInvalid(_("Name at least one field to change."), field="values")
        batch = recorder.new_batch()
        for record in records:
            self.update(
                user,
                entity_slug,
                record.pk,
                values or {},
                visibility=visibility,
                action="bulk_update",
                batch=batch,
            )
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
        grants.check_role(access_spec(entity), role)
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
            # Even a value equal to the stored one: else a 200 against a 400 would confirm
            # a guess at a link withheld from the caller.
            if spec.target_entity_id and cleaned[name] is not None:
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
        taken, unavailable = self._unique_errors(
            model, cleaned, current.pk if current else None, user
        )
        errors.update(taken)
        if unavailable:
            errors.update(unavailable)
            raise ValueUnavailable(_("Some values are not available."), errors=errors)
        if errors:
            raise RecordInvalid(_("Some values are not valid."), errors=errors)
        return cleaned

    def _without_unread_blanks(self, user, record, values: Any) -> Any:
        """`values` less the empty ones for fields the user cannot read on `record`: a link
        to a record hidden from them (or in the trash), a field masked to them. A PUT of
        what they were shown (null there) or a null keeps the stored value: nobody clears
        what they never saw. An explicit new value still replaces it."""
        if not isinstance(values, dict):
            return values
        entity = record.entity
        blanks = [
            entity.field(name)
            for name, value in values.items()
            if entity.has_field(name) and entity.field(name).type_class.is_empty(value)
        ]
        if not blanks:
            return values
        mask = engine.field_mask(user, record)
        unread = set()
        for spec in blanks:
            stored = spec.type_class.get_value(record, spec)
            if stored is None:
                continue
            if (mask is not None and spec.api_name not in mask) or not seen_values(
                spec, {stored}, user
            ):
                unread.add(spec.api_name)
        return {name: value for name, value in values.items() if name not in unread}

    def _unique_errors(self, model, cleaned: dict, own_id: int | None, user) -> tuple[dict, dict]:
        """({name: [message]} for values a record the user may open holds, the same for
        values only records the user may not open hold). The second kind names no record
        and reads alike for a hidden and a masked holder, so it reveals neither."""
        taken, unavailable = {}, {}
        for name, value in cleaned.items():
            spec = model.entity.field(name)
            if not spec.unique or value is None:
                continue
            lookup = {f"{name}__iexact" if isinstance(value, str) else name: value}
            clash = model.objects.filter(deleted_at__isnull=True, **lookup)
            if own_id is not None:
                clash = clash.exclude(pk=own_id)
            if clash.filter(engine.open_q(user, model.entity)).exists():
                taken[name] = [_("Another record already has this value.")]
            elif clash.exists():
                unavailable[name] = [unavailable_message()]
        return taken, unavailable

    def _check_version(self, user, record, expected_version: int) -> None:
        """Refuse a stale `expected_version`, telling the stored version only to a user who
        may open the record. On one they may only list, they never read its version, so any
        version they send is stale: answering 200 for the right one would reveal it."""
        if not engine.is_open(user, record):
            raise StaleRecord(
                _(
                    "Someone else changed this record since you opened it. "
                    "Reload it and apply your change again."
                ),
                field="version",
            )
        if expected_version == record.version:
            return
        raise StaleRecord(
            _(
                "Someone else changed this record since you opened it (version %(theirs)s, "
                "yours %(yours)s). Reload it and apply your change again."
            )
            % {"theirs": record.version, "yours": expected_version},
            field="version",
            extra={"current_version": record.version},
        )

    def _check_new_sharing(self, user, entity, owner, visibility, invited) -> None:
        """Who owns, takes part in and sees a new record: beyond the caller and the type's
        defaults, the caller's system role must allow it (no one holds a role on a record
        that does not exist yet)."""
        refused = []
        may_hand_over = engine.can(user, "change_user", entity=entity)
        caller = {user.pk} if user is not None else set()
        if owner is not None and not may_hand_over and _user_id(owner) not in caller:
            refused.append("owner")
        if invited is not None and not may_hand_over:
            default_users, default_teams = grants.defaults(entity, user)
            users, teams = invited
            if set(users) - caller - set(default_users) or set(teams) - set(default_teams):
                refused.append("participants")
        if (
            visibility is not None
            and visibility != access_spec(entity).default_visibility
            and not engine.can(user, "change_visibility", entity=entity)
        ):
            refused.append("visibility")
        refuse_sharing(refused)

    def _check_sharing(self, user, record, owner, visibility, invited, held) -> None:
        """A change of owner or participants needs `change_user` on the record, a change of
        visibility `change_visibility`; a value sent unchanged needs nothing.

        Owner and participants of a record the user may not open count as changed whenever
        they are sent: else 200 against 403 would tell whether a guess was right.
        """
        opens = engine.can(user, "view", record)
        changed = {
            "owner": owner is not None and (not opens or _user_id(owner) != record.owner_id),
            "participants": invited is not None
            and (not opens or {"users": invited[0], "teams": invited[1]} != held),
            "visibility": visibility is not None and visibility != record.visibility,
        }
        refuse_sharing(
            [
                name
                for name, differs in changed.items()
                if differs and not engine.can(user, SHARING_ACTIONS[name], record)
            ]
        )

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
        spec = access_spec(entity)
        if visibility is None:
            return spec.default_visibility
        if visibility not in spec.allowed:
            raise RecordInvalid(
                _("Visibility must be one of: %(values)s.") % {"values": ", ".join(spec.allowed)},
                field="visibility",
            )
        return visibility

    def _participants(self, entity, participants: Any) -> tuple[list[int], list[int]]:
        if "participant" not in access_spec(entity).roles:
            raise RecordInvalid(
                _("Records of this type have no participants."), field="participants"
            )
        if not isinstance(participants, dict) or set(participants) - {"users", "teams"}:
            raise RecordInvalid(
                _('Give participants as {"users": [ids], "teams": [ids]}.'),
                field="participants",
            )
        return grants.clean(participants.get("users"), participants.get("teams"))
