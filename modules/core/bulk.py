"""Writing many new rows at once: COPY on PostgreSQL, `bulk_create` elsewhere.

    copy_insert(Model, objects)       # every object gets its primary key
    with gc_paused():                 # one bounded batch of many short-lived objects
        ...

`bulk_create` on PostgreSQL sends each column as one array literal that the driver
quotes value by value in Python; for thousands of wide rows (an import) that quoting
costs more than the insert. COPY streams the same values through the driver's own
encoders. Primary keys are taken from the table's sequence up front (one query), so
callers can write rows that point at the new ones. Like `bulk_create`, no signals are
sent and `save()` is not called; fields' `pre_save` runs (auto_now and the like). The
COPY passes the connection's execute wrappers like any query.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connections, models, router

#: Django's own field classes whose stored value is the attribute as it is (text, whole
#: numbers, yes/no, keys): COPY takes it without Django preparing it value by value.
AS_IS = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.IntegerField,
    models.PositiveBigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
)


def copy_insert(model, objects: Sequence, *, using: str | None = None) -> None:
    """Insert `objects` (new instances of `model`) and set their primary keys."""
    if not objects:
        return
    using = using or router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._base_manager.using(using).bulk_create(objects)
        return
    opts = model._meta
    as_is = [field for field in opts.concrete_fields if _as_is(field)]
    prepared = [field for field in opts.concrete_fields if not _as_is(field)]
    names = [field.attname for field in as_is]
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    columns = ", ".join(quote(field.column) for field in [*as_is, *prepared])

    def stream(sql, params, many, context):
        with context["cursor"].cursor.copy(sql) as copy:
            for obj in objects:
                values = obj.__dict__
                copy.write_row(
                    [values[name] for name in names]
                    + [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in prepared]
                )

    with connection.cursor() as cursor:
        _assign_keys(cursor, opts, table, [obj for obj in objects if obj.pk is None])
        _wrapped(connection, cursor, stream)(f"COPY {table} ({columns}) FROM STDIN", None)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = using


def _wrapped(connection, cursor, executor):
    """`executor` behind the connection's execute wrappers, as Django runs a query: COPY
    goes to the driver's cursor, and what watches every statement sees it too."""
    for wrapper in reversed(connection.execute_wrappers):
        executor = functools.partial(wrapper, executor)
    context = {"connection": connection, "cursor": cursor}
    return lambda sql, params: executor(sql, params, False, context)


def _as_is(field) -> bool:
    if type(field) in AS_IS:
        return True
    return type(field) is models.ForeignKey and type(field.target_field) in AS_IS


def _assign_keys(cursor, opts, table: str, objects: list) -> None:
    if not objects:
        return
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [table, opts.pk.column, len(objects)],
    )
    for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
        obj.pk = pk


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cycle collector while a bounded batch (an import chunk) builds
    thousands of objects: each pass it would start walks every live object, and
    reference counting still frees what the batch drops. It runs again afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
