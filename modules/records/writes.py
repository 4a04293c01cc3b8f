"""Bulk writes of entity rows: the primitives every writer of many records goes through.

    effects = Effects(history="import", action="import", batch=key, numbering=True,
                      defaults=True, participants=True)
    records = RecordService().insert_rows(user, model, [{"name": "Acme"}], effects)
    RecordService().update_rows(user, model, [(record, {"city": "Gdańsk"})], effects)

The import, its undo, segmentation's recompute and a type conversion call these; so do the
record service's own one-record and bulk actions. Each call says what it does besides
writing the rows (`Effects`): which history it leaves, whether the version moves (a
recompute or a conversion does not, so open forms keep theirs), whether numbers are
allocated, preparers run (`records.hooks`: segmentation's scorer) and default owner,
visibility and participants given. The primitives check no permissions: their callers did.
While one runs, `is_writing()` is true; the test suite's guard refuses any other write to
an entity table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from modules.access import grants
from modules.access.spec import access_spec
from modules.core.bulk import copy_insert
from modules.history import recorder
from modules.history.models import RowHistory
from modules.records import hooks, numbering

_writing: ContextVar[bool] = ContextVar("records_writing", default=False)
#: What a record's changed-by stamp and version are written as.
STAMPS = ("updated_by", "updated_at")


@contextmanager
def writing() -> Iterator[None]:
    """Mark the rows written inside as written by the record service."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def is_writing() -> bool:
    """Whether the record service is writing entity rows in this context."""
    return _writing.get()


def writes(method: Callable) -> Callable:
    """A record service method that writes rows: in one transaction, marked as the writer's."""

    @wraps(method)
    def wrapper(*args, **kwargs):
        with transaction.atomic(), writing():
            return method(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Effects:
    """What a bulk write does besides writing the rows.

    `history` is the history operation to record ("create", "update", "import", …; None for
    none), labelled with `action` and `batch`. `bump_version` moves each record's version
    (and `stamp` its changed-by and changed-at), `prepare` runs the preparers, `numbering`
    allocates numbers for new records, `defaults` gives new records the acting user as owner
    and author and the type's default visibility, `participants` the type's participants.
    `titles` names each record in its history row.
    """

    history: str | None = None
    action: str = ""
    batch: str = ""
    bump_version: bool = True
    stamp: bool = True
    prepare: bool = True
    numbering: bool = False
    defaults: bool = False
    participants: bool = False
    titles: bool = True


class RowWrites:
    """The bulk primitives of `RecordService` (no permission checks: callers check)."""

    @writes
    def insert_rows(self, user, model, rows: list[dict], effects: Effects) -> list:
        """New records of `model` from `{api name: value}` dicts, with their primary keys.

        On PostgreSQL the rows are streamed with COPY (`core.bulk.copy_insert`).
        """
        if not rows:
            return []
        entity = model.entity
        numbered = [s for s in entity.fields if s.type_class.allocates_on_create]
        numbers = {
            spec.api_name: numbering.allocate_many(spec, user, len(rows))
            for spec in (numbered if effects.numbering else [])
        }
        now = timezone.now()
        base = {"created_at": now, "updated_at": now}
        if effects.defaults:
            user_id = getattr(user, "pk", None)
            visibility = access_spec(entity).default_visibility
            base.update(
                owner_id=user_id,
                created_by_id=user_id,
                updated_by_id=user_id,
                visibility=visibility,
            )
        setters = {spec.api_name: (spec, spec.type_class.set_value) for spec in entity.fields}
        records = []
        for index, values in enumerate(rows):
            record = model(**base)
            for api_name, value in values.items():
                spec, set_value = setters[api_name]
                set_value(record, spec, value)
            for api_name, allocated in numbers.items():
                spec, set_value = setters[api_name]
                set_value(record, spec, allocated[index])
            if effects.prepare:
                hooks.prepare(entity, record)
            records.append(record)
        copy_insert(model, records)
        if effects.participants:
            users, teams = grants.defaults(entity, user)
            if users or teams:
                grants.write(entity, [r.pk for r in records], "participant", users, teams)
        if effects.history:
            readers = recorder.field_readers(entity)
            changes = [recorder.created(entity, r, readers) for r in records]
            self._history(user, entity, records, changes, effects)
        return records

    @writes
    def update_rows(
        self,
        user,
        model,
        edits: list[tuple],
        effects: Effects,
        *,
        apply: Callable | None = None,
        fields: tuple[str, ...] = (),
    ) -> list[tuple]:
        """Write `{api name: value}` onto each `(record, values)`; the `(record, changes)`
        of those that changed (the others are left alone).

        `apply(record)` changes a record further (a recompute's scheme) and `fields` names
        the attributes it may change.
        """
        entity = model.entity
        readers = recorder.field_readers(entity)
        names, changed = set(fields), []
        for record, values in edits:
            old = recorder.values_of(entity, record, readers)
            for api_name, value in values.items():
                spec = entity.field(api_name)
                spec.type_class.set_value(record, spec, value)
                names.update(spec.type_class.attribute_names(api_name))
            if apply is not None:
                apply(record)
            if effects.prepare:
                names.update(hooks.prepare(entity, record))
            diff = recorder.diff(old, recorder.values_of(entity, record, readers))
            if diff:
                changed.append((record, diff))
        if not changed:
            return []
        records = [record for record, _diff in changed]
        self._stamp(user, records, effects)
        concrete = {f.name for f in model._meta.concrete_fields}
        written = [n for n in sorted(names) if n in concrete] + self._stamp_fields(effects)
        model.objects.bulk_update(records, written)
        if effects.history:
            self._history(user, entity, records, [d for _r, d in changed], effects)
        return changed

    @writes
    def trash_rows(self, user, model, records: list, effects: Effects) -> None:
        """Move records to the trash; they keep their data (and their numbers)."""
        if not records:
            return
        now = timezone.now()
        stamps = {"updated_by": user, "updated_at": now} if effects.stamp else {}
        if effects.bump_version:
            stamps["version"] = F("version") + 1
        model.objects.filter(pk__in=[r.pk for r in records]).update(deleted_at=now, **stamps)
        if effects.history:
            self._history(user, model.entity, records, [{} for _r in records], effects)

    @writes
    def restore_rows(self, user, model, records: list, effects: Effects) -> list:
        """Bring records back from the trash (prepared afresh: the scheme may have changed
        meanwhile); returns them as stored."""
        entity = model.entity
        for record in records:
            before = recorder.values_of(entity, record)
            changed = hooks.prepare(entity, record) if effects.prepare else []
            values = {name: getattr(record, name) for name in changed}
            stamps = {"updated_by": user, "updated_at": timezone.now()} if effects.stamp else {}
            if effects.bump_version:
                stamps["version"] = F("version") + 1
            model.objects.filter(pk=record.pk).update(deleted_at=None, **stamps, **values)
            record.refresh_from_db()
            if effects.history:
                changes = recorder.diff(before, recorder.values_of(entity, record))
                self._history(user, entity, [record], [changes], effects)
        return records

    @writes
    def update_in_sql(self, user, entity, statement: SqlUpdate, effects: Effects) -> int:
        """Run a set-based update of `entity`'s table; returns how many rows it changed.

        With history, each row the statement returns (`id` and a jsonb `changes`) gets a
        history row from the same statement, so history costs no round trip per record.
        The statement writes the version itself if it moves: none does so far.
        """
        assert not (effects.bump_version or effects.stamp or effects.titles), (
            "A set-based update writes only what its statement sets and names no record in "
            "history; pass bump_version=False, stamp=False and titles=False."
        )
        sql, params = statement.sql, list(statement.params)
        if effects.history:
            sql, params = self._with_history_sql(user, entity, statement, effects)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    @writes
    def store_columns(self, model, rows: list, names: list[str]) -> None:
        """Write the attributes `names` of `rows` as they are: a type conversion's new
        column (no version, stamp, preparer or history; a physical model works too)."""
        model.objects.bulk_update(rows, names)

    # -- helpers -------------------------------------------------------------------
    def _stamp(self, user, records: list, effects: Effects) -> None:
        now = timezone.now()
        for record in records:
            if effects.stamp:
                record.updated_by_id, record.updated_at = getattr(user, "pk", None), now
            if effects.bump_version:
                record.version += 1

    def _stamp_fields(self, effects: Effects) -> list[str]:
        return [*(STAMPS if effects.stamp else ()), *(["version"] if effects.bump_version else [])]

    def _history(self, user, entity, records: list, changes: list, effects: Effects) -> None:
        entries = [
            recorder.Entry(r.pk, c, title=entity.title_of(r) if effects.titles else "")
            for r, c in zip(records, changes, strict=True)
        ]
        recorder.log_many(
            user, entity, effects.history, entries, action=effects.action, batch=effects.batch
        )

    def _with_history_sql(self, user, entity, statement: SqlUpdate, effects: Effects):
        history = connection.ops.quote_name(RowHistory._meta.db_table)
        ctes = f"{statement.ctes}, " if statement.ctes else ""
        sql = (
            f"WITH {ctes}changed AS ({statement.update}) "
            f"INSERT INTO {history} (entity_type_id, record_id, user_id, at, operation, "
            "action, batch, title, changes, labels) "
            "SELECT %s, id, %s, now(), %s, %s, %s, '', changes, '{}'::jsonb FROM changed"
        )
        params = [
            *statement.params,
            entity.id,
            getattr(user, "pk", None),
            effects.history,
            effects.action,
            effects.batch,
        ]
        return sql, params


@dataclass(frozen=True)
class SqlUpdate:
    """A set-based UPDATE … RETURNING id, <jsonb> AS changes, after optional CTEs."""

    ctes: str
    update: str
    params: tuple

    @property
    def sql(self) -> str:
        """The statement on its own."""
        return f"WITH {self.ctes} {self.update}" if self.ctes else self.update
