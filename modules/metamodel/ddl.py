"""The only module that runs DDL; `SchemaService` calls it inside `schema_change()`.

    with schema_change(entity_type_id=et.pk) as tables:   # one transaction, version bumped
        tables.add_columns(field_row)

One transaction holds the metadata write, the DDL and the version bump
(`schema_editor(atomic=True)` as the outermost transaction, so it works on
PostgreSQL and SQLite). On PostgreSQL `SET LOCAL lock_timeout` keeps a waiting
ALTER from queueing live traffic behind it for longer; a timeout rolls back, leaves
the table alone as long, and retries.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, models, transaction

from modules.core.folding import FUNCTION as FOLD_FUNCTION
from modules.metamodel.exceptions import SchemaBusy
from modules.metamodel.models import EntityType, FieldDefinition, SchemaState
from modules.metamodel.runtime.builder import build_models, feature_fields
from modules.metamodel.runtime.snapshot import load_entities

logger = logging.getLogger(__name__)

LOCK_NOT_AVAILABLE = "55P03"


class Tables:
    """DDL on entity tables, through Django's schema editor and the physical models."""

    def __init__(self, editor):
        self.editor = editor
        self._models: dict[int, type] | None = None

    @property
    def is_postgres(self) -> bool:
        return connection.vendor == "postgresql"

    def create_table(self, entity_type: EntityType) -> None:
        model = physical_model(entity_type.pk)
        self.editor.create_model(model)
        # Unmanaged models get no indexes from Django; lists filter by owner and trash.
        for column in ("owner", "deleted_at"):
            self.editor.add_index(
                model, models.Index(fields=[column], name=f"{entity_type.db_table}_{column}_idx")
            )

    def add_columns(self, field: FieldDefinition) -> None:
        model = physical_model(field.entity_type_id)
        for model_field in self._model_fields(model, field):
            self.editor.add_field(model, model_field)
        if field.type_class.indexed:
            self._add_index(model, field)
        if field.type_class.searchable and self.is_postgres:
            sql = search_index_sql(field.entity_type.db_table, field.column, concurrently=True)
            transaction.on_commit(lambda: _build_index(sql, search_index_name(field)))

    def drop_columns(self, field: FieldDefinition) -> None:
        model = physical_model(field.entity_type_id)
        for name in (index_name(field), search_index_name(field)):
            self.editor.execute(f"DROP INDEX IF EXISTS {self.editor.quote_name(name)}")
        for model_field in self._model_fields(model, field):
            self.editor.remove_field(model, model_field)

    def add_feature_columns(self, entity_type: EntityType) -> None:
        """Columns a newly enabled feature needs that the table does not have yet."""
        model = physical_model(entity_type.pk)
        with connection.cursor() as cursor:
            existing = {
                c.name
                for c in connection.introspection.get_table_description(
                    cursor, entity_type.db_table
                )
            }
        for name in feature_fields(model.entity):
            model_field = model._meta.get_field(name)
            if model_field.column not in existing:
                self.editor.add_field(model, model_field)

    def _model_fields(self, model, field: FieldDefinition) -> list[models.Field]:
        """The model fields behind a field's attributes (`x` and `x_id` are one field)."""
        found: dict[str, models.Field] = {}
        for attname in field.type_class.attribute_names(field.column):
            model_field = model._meta.get_field(attname)
            found.setdefault(model_field.name, model_field)
        return list(found.values())

    def _add_index(self, model, field: FieldDefinition) -> None:
        index = models.Index(fields=[field.column], name=index_name(field))
        if not self.is_postgres:
            self.editor.add_index(model, index)
            return
        # CONCURRENTLY cannot run in a transaction: build it once this one commits,
        # so writers are never blocked by the index build.
        sql = str(index.create_sql(model, self.editor, concurrently=True))
        transaction.on_commit(lambda: _build_index(sql, index.name))


def _build_index(sql: str, name: str) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    except Exception:
        logger.exception("Building index %s failed", name)


def physical_model(entity_type_id: int):
    """The table as it is now: every column, trashed fields included (rebuilt per call)."""
    _apps, built = build_models(load_entities(include_trashed=True), physical=True)
    return built[entity_type_id]


def index_name(field: FieldDefinition) -> str:
    """The name of the index a field type asks for (`indexed = True`)."""
    return f"ent_{field.entity_type_id}_{field.column}_idx"


def search_index_name(field) -> str:
    """The name of a searchable field's trigram index (PostgreSQL)."""
    return f"ent_{field.entity_type_id}_{field.column}_fold_idx"


def search_index_sql(table: str, column: str, *, concurrently: bool) -> str:
    """The trigram index on `tessera_fold(column)` that serves the folded search lookups
    (`modules/core/folding.py`): a word anywhere in the value, without case or accents."""
    name = f"{table}_{column}_fold_idx"
    how = "CONCURRENTLY " if concurrently else ""
    return (
        f'CREATE INDEX {how}IF NOT EXISTS "{name}" ON "{table}" '
        f'USING gin ({FOLD_FUNCTION}("{column}") gin_trgm_ops)'
    )


@contextmanager
def schema_change(entity_type_id: int | None = None) -> Iterator[Tables]:
    """One schema change: lock, yield the table editor, bump the version; all or nothing."""
    with connection.schema_editor(atomic=True) as editor:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, true)",
                    [f"{settings.SCHEMA_LOCK_TIMEOUT_MS}ms"],
                )
                # ALTER TABLE refuses to run while deferred FK checks of earlier writes
                # in the same transaction are pending; run those checks now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if entity_type_id is not None:
            # Serialise changes per entity type: the second waits and then sees the first.
            # FOR NO KEY UPDATE, not FOR UPDATE: a record write checks its history row's
            # foreign key to this row (FOR KEY SHARE) when it commits, while holding its
            # lock on the entity table. Under FOR UPDATE that check would wait for this
            # change, which waits for the table: a deadlock, and one of the two fails.
            list(EntityType.objects.select_for_update(no_key=True).filter(pk=entity_type_id))
        yield Tables(editor)
        SchemaState.bump()


def with_retries(work):
    """Run `work()` (which opens `schema_change`) again when a table lock timed out."""
    attempts = settings.SCHEMA_LOCK_RETRIES + 1
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError as error:
            if getattr(getattr(error, "__cause__", None), "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            logger.warning("Schema change waited too long for a lock (attempt %s)", attempt + 1)
            if attempt + 1 == attempts:
                raise SchemaBusy() from error
            # While the ALTER waited, requests for the table queued behind it. Leave the
            # table alone as long before the next attempt, so they all get through: a
            # shorter pause lets the next attempt catch the same requests again.
            time.sleep(settings.SCHEMA_LOCK_TIMEOUT_MS / 1000)
    raise AssertionError("unreachable")
