"""A streaming reader of the first sheet of an OpenDocument spreadsheet (.ods).

    for cells in rows(zipfile.ZipFile(upload)):
        ...                                   # [str | float | date | datetime | bool | None]

odfpy (what tablib uses) builds the whole document in memory; this reads
`content.xml` with defusedxml's iterparse and drops each row once it is read, so
memory stays flat however long the sheet is. Repeated empty rows and cells (ODS
writes "1048576 empty rows") are never expanded.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ROW = f"{{{TABLE}}}table-row"
CELLS = (f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell")
SHEET = f"{{{TABLE}}}table"
#: A non-empty cell or row repeated more than this is refused, not expanded.
MAX_REPEAT = 1024


class UnsafeXml(ValueError):
    """Raised when a workbook's XML declares a DOCTYPE or entities, or is malformed."""


def check_prolog(head: bytes) -> None:
    """Refuse an XML part whose prolog declares a DOCTYPE (entity bombs, external files)."""
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise UnsafeXml(_("The workbook declares XML entities, which are not allowed."))


def rows(archive: zipfile.ZipFile) -> Iterator[list]:
    """Each row of the first sheet as a list of cell values."""
    try:
        member = archive.open("content.xml")
    except KeyError as error:
        raise UnsafeXml(_("The workbook has no content.")) from error
    with member:
        try:
            yield from _sheet_rows(member)
        except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as error:
            raise UnsafeXml(
                _("The workbook declares XML entities, which are not allowed.")
            ) from error
        except SyntaxError as error:  # ElementTree's ParseError
            raise UnsafeXml(_("The workbook's XML is damaged.")) from error


def _sheet_rows(member) -> Iterator[list]:
    events = iterparse(member, events=("start", "end"), forbid_dtd=True)
    depth = 0
    for event, element in events:
        if element.tag == SHEET:
            if event == "end":
                return
            depth += 1
            continue
        if event != "end" or element.tag != ROW or depth != 1:
            continue
        cells = _row_cells(element)
        repeat = int(element.get(f"{{{TABLE}}}number-rows-repeated", "1"))
        element.clear()
        if not any(c is not None for c in cells):
            yield []
            continue
        if repeat > MAX_REPEAT:
            raise UnsafeXml(_("The workbook repeats a row too many times."))
        for _times in range(repeat):
            yield list(cells)


def _row_cells(row) -> list:
    cells: list[Any] = []
    for cell in row:
        if cell.tag not in CELLS:
            continue
        value = _value(cell)
        repeat = int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1"))
        if value is None:
            cells.extend([None] * min(repeat, MAX_REPEAT))
            continue
        if repeat > MAX_REPEAT:
            raise UnsafeXml(_("The workbook repeats a cell too many times."))
        cells.extend([value] * repeat)
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _value(cell) -> Any:
    kind = cell.get(f"{{{OFFICE}}}value-type")
    if kind in ("float", "percentage", "currency"):
        return _number(cell.get(f"{{{OFFICE}}}value"))
    if kind == "date":
        raw = cell.get(f"{{{OFFICE}}}date-value", "")
        try:
            return dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)
        except ValueError:
            return raw
    if kind == "boolean":
        return cell.get(f"{{{OFFICE}}}boolean-value") == "true"
    paragraphs = ["".join(p.itertext()) for p in cell if p.tag == f"{{{TEXT}}}p"]
    text = "\n".join(paragraphs)
    return text if text else None


def _number(raw: str | None) -> Any:
    try:
        number = Decimal(raw or "")
    except InvalidOperation:
        return raw
    return int(number) if number == number.to_integral_value() and abs(number) < 10**15 else number
