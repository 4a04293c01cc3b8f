"""How metamodel writes entity rows: through the record service, which sits above it.

A type conversion copies converted values into the new column. Entity rows have one
writer, `RecordService`, but records imports metamodel, not the other way round; so
records registers its writer here in its `AppConfig.ready()`:

    rows.register_writer(RecordService().store_columns)   # records
    rows.store_columns(model, changed, ["f_12"])           # metamodel.conversion
"""

from __future__ import annotations

from collections.abc import Callable

ColumnWriter = Callable[[object, list, list], None]

_writer: list[ColumnWriter] = []


def register_writer(writer: ColumnWriter) -> None:
    """Have `writer(model, rows, names)` write the attributes `names` of existing rows."""
    _writer[:] = [writer]


def store_columns(model, rows: list, names: list[str]) -> None:
    """Write the attributes `names` of `rows` (instances of `model`) as they are: no version
    bump, no history, no preparers."""
    assert _writer, "No row writer: the records app registers one in RecordsConfig.ready()."
    _writer[0](model, rows, names)
