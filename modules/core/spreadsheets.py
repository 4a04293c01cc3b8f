"""Spreadsheets Tessera writes: cells safe to open, workbooks streamed row by row.

    data = xlsx_bytes(_("Changes"), ["When", "Who"], rows)     # rows: iterables of cells
    escape_formula("=HYPERLINK(...)")                            # "'=HYPERLINK(...)"
    escape_formula(-5)                                           # -5 (numbers are not text)

A text cell starting with `= + - @`, a tab or a carriage return would be run as a
formula by spreadsheet programs (CSV/formula injection), so it gets a leading quote.
Control characters other than tab and line breaks, which the API stores but XML cannot
hold, become U+FFFD: a record with one would otherwise fail the whole export.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limit on a sheet's name.
SHEET_NAME_LENGTH = 31


def escape_formula(value: Any) -> Any:
    """Text that would run as a formula, made plain text, and control characters an xlsx
    cannot hold replaced by U+FFFD; other values unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_cell(value: Any) -> Any:
    """The value as a cell: text that could run as a formula is quoted; dates stay dates
    (aware date-times in the current time zone, as spreadsheets have no zones)."""
    if isinstance(value, str):
        return escape_formula(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def xlsx_bytes(title: str, header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A one-sheet workbook, written in openpyxl's streaming mode."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(title)[:SHEET_NAME_LENGTH])
    sheet.append([safe_cell(str(h)) for h in header])
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
