"""Bulk actions on records: all or nothing, one refusal or invalid value writes nothing.

    service.bulk_create(user, "deals", [{"name": "A"}, {"name": "B"}])   # their ids
    service.bulk_update(user, "deals", [1, 2], {"source": "referral"})
    service.bulk_delete(user, "deals", [1, 2])
    service.change_user(user, "deals", [1, 2], role="owner", users=[7])

`BulkActions` is a part of `RecordService`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.access import engine, grants
from modules.access.spec import access_spec
from modules.history import recorder
from modules.metamodel.runtime import get_snapshot
from modules.records.exceptions import RecordInvalid, ValueUnavailable
from modules.records.sharing import refuse
from modules.records.writes import Effects, writes

#: The most records one bulk call names or makes.
BULK_LIMIT = 1000


def _same(value: Any) -> Any:
    """A unique value as the database compares it (text in any letter case)."""
    return value.casefold() if isinstance(value, str) else value


class BulkActions:
    """The bulk actions of `RecordService` (the API's and the screens' bulk bar)."""

    @writes
    def bulk_create(self, user, entity_slug: str, items: Any) -> list[int]:
        """New records from a list of field values, all or none: every invalid value of
        every item is reported (`records.<index>.<field>`), and then nothing is written.

        Owner, visibility and participants are the type's defaults; numbers are allocated
        in one go. The rows go through the bulk path (`insert_rows`, COPY on PostgreSQL).
        """
        snapshot = get_snapshot()
        entity, model = snapshot.entity(entity_slug), snapshot.model(entity_slug)
        if not engine.can(user, "add", entity=entity):
            raise refuse("add")
        if not isinstance(items, list) or not 1 <= len(items) <= BULK_LIMIT:
            raise RecordInvalid(
                _("Give 1 to %(limit)s records as a list.") % {"limit": BULK_LIMIT},
                field="records",
            )
        numbered = {s.api_name for s in entity.fields if s.type_class.allocates_on_create}
        errors: dict[str, list[str]] = {}
        unavailable = False
        rows: list[dict] = []
        for index, values in enumerate(items):
            given = sorted(numbered & set(values)) if isinstance(values, dict) else []
            for name in given:
                errors[f"records.{index}.{name}"] = [_("Numbered automatically here.")]
            try:
                rows.append(self._clean(model, values, user=user, creating=True))
            except RecordInvalid as invalid:
                unavailable = unavailable or isinstance(invalid, ValueUnavailable)
                key = f"records.{index}"
                errors.update({f"{key}.{name}": m for name, m in invalid.errors.items()})
                if not invalid.errors:
                    errors[key] = [invalid.detail]
        errors.update(self._repeated_unique_values(entity, rows))
        if errors:
            kind = ValueUnavailable if unavailable else RecordInvalid
            raise kind(_("Some values are not valid."), errors=errors)
        effects = Effects(
            history="create",
            action="bulk_create",
            batch=recorder.new_batch(),
            numbering=True,
            defaults=True,
            participants=True,
        )
        return [record.pk for record in self.insert_rows(user, model, rows, effects)]

    @staticmethod
    def _repeated_unique_values(entity, rows: list[dict]) -> dict[str, list[str]]:
        """A unique field's value given to two records of one call: both are named."""
        errors: dict[str, list[str]] = {}
        for spec in (s for s in entity.fields if s.unique):
            first: dict[Any, int] = {}
            for index, row in enumerate(rows):
                value = row.get(spec.api_name)
                if value is None:
                    continue
                earlier = first.setdefault(_same(value), index)
                if earlier != index:
                    errors[f"records.{index}.{spec.api_name}"] = [
                        _("Record %(index)s of this call has the same value.") % {"index": earlier}
                    ]
        return errors

    @writes
    def bulk_delete(self, user, entity_slug: str, ids: Any) -> int:
        model = get_snapshot().model(entity_slug)
        records = self._load_many(model, ids, user, "delete")
        self._trash(records, model, user, action="bulk_delete")
        return len(records)

    @writes
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

    @writes
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
