"""Checking (and, in a run, writing) an import chunk by chunk in one pass over the file.

    pipeline = Pipeline(user, batch, write=True)
    for chunk in chunks(rows, CHUNK_ROWS):
        pipeline.feed(chunk)          # parse, match, check, then bulk-write the chunk
    pipeline.totals, pipeline.errors, pipeline.failed

Cells are parsed by the field types (`parse_text`); user and relation columns are
resolved by natural key with one query per column and chunk (`parse_many`). Records to
update are matched on the `match_on` fields with one query per chunk among the records
the user may edit (any other record is as if it did not exist); unique fields are checked
within the file and against the database. A value held only by records the user may not
open is not checked in a dry run (it would tell what they hold) and is refused in a run
with words that name no record.
A run writes each valid chunk through `RecordService.insert_rows` / `update_rows` (COPY
on PostgreSQL, numbers allocated in bulk, every record prepared, history in bulk) and the
undo rows in bulk. Once a row is invalid
(and invalid rows are not skipped) nothing more is written and the caller rolls the
transaction back: an import applies whole or not at all, and checking goes on so the
report names every bad row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from modules.access import engine
from modules.core.bulk import copy_insert, gc_paused
from modules.metamodel.runtime import get_snapshot
from modules.records.services import Effects, RecordService
from modules.records.sharing import unavailable_message
from modules.transfer.models import ImportBatch, ImportedRow, Mode

CHUNK_ROWS = 1000
#: The report keeps this many row errors; the totals count them all.
ERROR_LIMIT = 500
TOTAL_KEYS = ("new", "updated", "unchanged", "skipped", "invalid")
MISSING = object()
#: Distinct texts per column whose parsed value is kept, and the kinds of value kept (a
#: shared list or dict could be changed through one record and show up in another).
MEMO_SIZE = 4096
MEMO_TYPES = (str, int, Decimal, dt.date, ValidationError)


def chunks(rows: Iterable, size: int = CHUNK_ROWS) -> Iterator[list]:
    """Lists of up to `size` items of `rows`."""
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def cell_text(value: Any) -> str:
    """A cell as text (a number read from a workbook as 12.0 reads "12")."""
    if type(value) is str:
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return "" if value is None else str(value)


def _key(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


class Pipeline:
    """One pass of an import over its rows: check every row, write the valid chunks."""

    def __init__(self, user, batch: ImportBatch, *, write: bool):
        self.user, self.batch, self.write = user, batch, write
        self.model = get_snapshot().model_by_id(batch.entity_type_id)
        self.entity = self.model.entity
        position = {name: index for index, name in enumerate(batch.columns)}
        self.mapped = [
            (position[column], column, self.entity.field(api_name))
            for column, api_name in batch.mapping.items()
            if api_name
        ]
        self.column_of = {spec.api_name: column for _i, column, spec in self.mapped}
        self.match_on = [self.entity.field(name) for name in batch.match_on]
        self.unique = [spec for _i, _c, spec in self.mapped if spec.unique]
        self.required = [
            spec
            for spec in self.entity.fields
            if spec.required and not spec.type_class.allocates_on_create
        ]
        self.resolved: dict[str, dict | None] = {}
        self.memo: dict[str, dict[str, Any]] = {}
        self.seen_keys: dict[tuple, int] = {}
        self.seen_unique: dict[str, dict[Any, int]] = {spec.api_name: {} for spec in self.unique}
        self.totals: Counter = Counter(dict.fromkeys(TOTAL_KEYS, 0))
        self.errors: list[dict] = []

    @property
    def failed(self) -> bool:
        """Invalid rows were found and the import may not skip them."""
        return bool(self.totals["invalid"]) and not self.batch.skip_invalid

    # -- one chunk ---------------------------------------------------------------------
    def feed(self, chunk: list[tuple[int, list]]) -> None:
        """Check a chunk of (row number, cells); write its valid rows unless failed."""
        with gc_paused():
            self._feed(chunk)

    def _feed(self, chunk: list[tuple[int, list]]) -> None:
        problems: dict[int, list[tuple[str, str]]] = {}
        parsed = self._parse(chunk, problems)
        self._taken = self._taken_values(parsed)
        targets = self._match(parsed, problems) if self.batch.mode != Mode.CREATE else {}
        creates, updates = [], []
        for number, values in parsed:
            record = targets.get(number)
            if number not in problems and record is None and self.batch.mode == Mode.UPDATE:
                self.totals["skipped"] += 1
                continue
            if record is None:
                self._check_required(number, values, problems)
            self._check_unique(number, values, record, problems)
            if number in problems:
                self._report(number, problems[number])
            elif record is None:
                creates.append(values)
            else:
                updates.append((record, values))
        if self.write and not self.failed:
            self._create(creates)
            self._update(updates)
        else:
            self.totals["new"] += len(creates)
            self.totals["updated"] += len(updates)

    def _report(self, number: int, problems: list[tuple[str, str]]) -> None:
        self.totals["invalid"] += 1
        for column, message in problems:
            if len(self.errors) < ERROR_LIMIT:
                self.errors.append({"row": number, "column": column, "message": message})

    # -- checking ----------------------------------------------------------------------
    def _parse(self, chunk, problems) -> list[tuple[int, dict]]:
        columns = [
            (
                index,
                column,
                spec.api_name,
                spec,
                self._lookup(index, spec, chunk),
                self.memo.setdefault(spec.api_name, {}),
            )
            for index, column, spec in self.mapped
        ]
        parsed = []
        for number, cells in chunk:
            values = {}
            width = len(cells)
            for index, column, api_name, spec, found, memo in columns:
                cell = cells[index] if index < width else None
                text = cell_text(cell).strip()
                if not text:
                    values[api_name] = None
                    continue
                if found is not None:
                    result = found.get(text, MISSING)
                    if result is MISSING:
                        result = ValidationError(
                            _("Nothing called %(value)s was found.") % {"value": text}
                        )
                else:
                    result = memo.get(text, MISSING) if type(cell) is str else MISSING
                    if result is MISSING:
                        result = self._parse_cell(spec, cell, text, memo)
                if isinstance(result, ValidationError):
                    problems.setdefault(number, []).append((column, " ".join(result.messages)))
                else:
                    values[api_name] = result
            parsed.append((number, values))
        return parsed

    def _parse_cell(self, spec, cell: Any, text: str, memo: dict) -> Any:
        """The cell's value, or the ValidationError saying why it has none. Text cells'
        results are kept per column (up to MEMO_SIZE texts) when they are immutable, so a
        value repeated down a column (a status, a city, a yes/no) is parsed once."""
        kind = spec.type_class
        if isinstance(cell, (bool, int, Decimal, dt.date)):
            try:
                return kind.parse_text(spec, cell)
            except (ValidationError, TypeError, AttributeError):
                pass  # the type wants text; it gets it below
        try:
            result = kind.parse_text(spec, text)
        except ValidationError as error:
            result = error
        if type(cell) is str and len(memo) < MEMO_SIZE and isinstance(result, MEMO_TYPES):
            memo[text] = result
        return result

    def _lookup(self, index: int, spec, chunk) -> dict | None:
        """{text: value} for a natural-key column (one query), or None to parse cell by cell."""
        cache = self.resolved.get(spec.api_name, {})
        if cache is None:
            return None
        texts = {cell_text(c[index]).strip() for _n, c in chunk if index < len(c)} - {""}
        found = spec.type_class.parse_many(spec, texts - set(cache), viewer=self.user)
        if found is None:
            self.resolved[spec.api_name] = None
            return None
        cache.update(found)
        self.resolved[spec.api_name] = cache
        return cache

    def _check_required(self, number: int, values: dict, problems) -> None:
        for spec in self.required:
            if values.get(spec.api_name) is None:
                column = self.column_of.get(spec.api_name, spec.display_label)
                problems.setdefault(number, []).append((column, _("This field is required.")))

    def _check_unique(self, number: int, values: dict, record, problems) -> None:
        for spec in self.unique:
            value = values.get(spec.api_name)
            if value is None:
                continue
            seen = self.seen_unique[spec.api_name]
            first = seen.setdefault(_key(value), number)
            holders = self._taken.get(spec.api_name, {}).get(_key(value), {})
            others = [opens for pk, opens in holders.items() if record is None or pk != record.pk]
            if first != number:
                message = _("Row %(row)s has the same value.") % {"row": first}
            elif any(others):
                message = _("Another record already has this value.")
            elif others and self.write:
                message = unavailable_message()
            else:
                continue
            problems.setdefault(number, []).append((self.column_of[spec.api_name], message))

    def _match(self, parsed, problems) -> dict[int, Any]:
        """The record each row updates (row number -> record), one query for the chunk."""
        keys: dict[int, tuple] = {}
        for number, values in parsed:
            key = tuple(_key(values.get(spec.api_name)) for spec in self.match_on)
            if any(part is None for part in key):
                if number not in problems:
                    problems.setdefault(number, []).append(
                        (
                            self.column_of.get(self.match_on[0].api_name, ""),
                            _("Give a value to match existing records on."),
                        )
                    )
                continue
            first = self.seen_keys.setdefault(key, number)
            if first != number:
                problems.setdefault(number, []).append(
                    (
                        self.column_of[self.match_on[0].api_name],
                        _("Row %(row)s matches the same record.") % {"row": first},
                    )
                )
                continue
            keys[number] = key
        if not keys:
            return {}
        rows = self._live()
        for position, spec in enumerate(self.match_on):
            values = {key[position] for key in keys.values()}
            rows = self._filter_in(rows, spec, values)
        if self.write:
            rows = rows.select_for_update()
        candidates = list(rows)
        engine.prime_roles(self.user, candidates)
        found: dict[tuple, list] = {}
        for record in candidates:
            # A record the user may not edit is no match: naming or counting it would tell
            # what it holds.
            if engine.can(self.user, "edit", record):
                key = tuple(_key(spec.type_class.get_value(record, spec)) for spec in self.match_on)
                found.setdefault(key, []).append(record)
        targets = {}
        for number, key in keys.items():
            group = found.get(key, [])
            if len(group) > 1:
                column = self.column_of[self.match_on[0].api_name]
                message = _("Matches %(count)s records.") % {"count": len(group)}
                problems.setdefault(number, []).append((column, message))
            elif group:
                targets[number] = group[0]
        return targets

    def _taken_values(self, parsed) -> dict[str, dict]:
        """{api name: {value: {record id: may the user open it}}} of the chunk's unique
        values already stored (two queries per unique column)."""
        taken = {}
        for spec in self.unique:
            values = {
                _key(v[spec.api_name]) for _n, v in parsed if v.get(spec.api_name) is not None
            }
            if not values:
                continue
            rows = self._filter_in(self.model.objects.alive(), spec, values)
            opened = set(
                rows.filter(engine.open_q(self.user, self.entity)).values_list("pk", flat=True)
            )
            holders = taken[spec.api_name] = {}
            for r in rows.only("pk", *self._attributes([spec])):
                value = _key(spec.type_class.get_value(r, spec))
                holders.setdefault(value, {})[r.pk] = r.pk in opened
        return taken

    def _live(self):
        return self.model.objects.alive().filter(engine.visible_q(self.user, self.entity))

    def _filter_in(self, rows, spec, values: set):
        if any(isinstance(v, str) for v in values):
            alias = f"_folded_{spec.api_name}"
            return rows.alias(**{alias: Lower(spec.api_name)}).filter(**{f"{alias}__in": values})
        return rows.filter(**{f"{spec.api_name}__in": values})

    def _attributes(self, specs) -> list[str]:
        names = {n for spec in specs for n in spec.type_class.attribute_names(spec.api_name)}
        return [f.name for f in self.model._meta.concrete_fields if f.name in names]

    # -- writing -----------------------------------------------------------------------
    def _effects(self) -> Effects:
        return Effects(
            history="import",
            action="import",
            batch=self.batch.batch_key,
            numbering=True,
            defaults=True,
            participants=True,
        )

    def _create(self, rows: list[dict]) -> None:
        if not rows:
            return
        records = RecordService().insert_rows(self.user, self.model, rows, self._effects())
        copy_insert(
            ImportedRow,
            [
                ImportedRow(batch=self.batch, record_id=r.pk, created=True, version=r.version)
                for r in records
            ],
        )
        self.totals["new"] += len(records)

    def _update(self, rows: list[tuple[Any, dict]]) -> None:
        edits = [
            (record, {name: value for name, value in values.items() if value is not None})
            for record, values in rows
        ]
        changed = RecordService().update_rows(self.user, self.model, edits, self._effects())
        self.totals["unchanged"] += len(rows) - len(changed)
        if not changed:
            return
        ImportedRow.objects.bulk_create(
            ImportedRow(
                batch=self.batch,
                record_id=r.pk,
                created=False,
                version=r.version,
                before={key: pair[0] for key, pair in diff.items()},
            )
            for r, diff in changed
        )
        self.totals["updated"] += len(changed)
