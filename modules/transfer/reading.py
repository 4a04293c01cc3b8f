"""Reading uploaded tables (csv, xls, xlsx, ods) row by row, treating every file as hostile.

    info = inspect_file(uploaded, "people.csv")     # format, reading, columns, row count
    with open_rows(path_or_file, info.file_format, info.reading) as (columns, rows):
        for number, cells in rows:                   # number: the row's line in the file
            ...

The format is told by the content, not the name; a name that says otherwise is refused.
Limits (settings): IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, and for the zip formats
IMPORT_MAX_UNPACKED_BYTES and IMPORT_MAX_PACKING_RATIO (zip bombs). XML parts with a
DOCTYPE (entity expansion, external entities) are refused before any parser sees them;
the parsers are defusedxml's besides. Rows stream: memory does not grow with the file.
Only the first sheet of a workbook is read; formula cells give their saved value.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

import charset_normalizer
from django.conf import settings
from django.utils.translation import gettext as _

from modules.transfer import ods
from modules.transfer.exceptions import (
    ImportFileInvalid,
    ImportFileTooLarge,
    ImportFileUnsupported,
)

FORMATS = ("csv", "xls", "xlsx", "ods")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
#: Letters that tell cp1250 and ISO-8859-2 apart when a file is not UTF-8.
POLISH = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
#: The encodings a file that is not UTF-8 is read in (charset-normalizer's names).
LEGACY_ENCODINGS = ("cp1250", "iso8859_2", "cp1252")
MAX_COLUMNS = 1024


@dataclass
class FileInfo:
    """What one read of a file found: how to read it again and what it holds."""

    file_format: str
    reading: dict = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    total: int = 0


def inspect_file(upload: IO[bytes], name: str, size: int | None = None) -> FileInfo:
    """Check an uploaded file all the way through; raise ImportFile* on anything wrong."""
    size = size if size is not None else _size(upload)
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileTooLarge(
            _("The file is larger than %(limit)s MB.")
            % {"limit": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    if size == 0:
        raise ImportFileInvalid(_("The file is empty."))
    file_format = detect_format(upload, name)
    reading = _csv_reading(upload) if file_format == "csv" else {}
    upload.seek(0)
    with open_rows(upload, file_format, reading) as (columns, rows):
        total = 0
        for _number, _cells in rows:
            total += 1
            if total > settings.IMPORT_MAX_ROWS:
                raise ImportFileTooLarge(
                    _("The file has more than %(limit)s rows.")
                    % {"limit": settings.IMPORT_MAX_ROWS}
                )
    if total == 0:
        raise ImportFileInvalid(_("The file has a header but no rows."))
    upload.seek(0)
    return FileInfo(file_format, reading, columns, total)


def detect_format(upload: IO[bytes], name: str) -> str:
    """csv, xls, xlsx or ods, by content; the name's extension must agree."""
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise ImportFileUnsupported(_("Upload a .csv, .xls, .xlsx or .ods file."))
    upload.seek(0)
    head = upload.read(SAMPLE_BYTES)
    upload.seek(0)
    if head.startswith(OLE2_MAGIC):
        found = "xls"
    elif head.startswith(ZIP_MAGIC):
        found = _zip_format(upload)
    elif b"\x00" in head:
        raise ImportFileUnsupported(_("The file is not a table this import can read."))
    else:
        found = "csv"
    if found != extension:
        raise ImportFileUnsupported(
            _("The file is named .%(named)s but holds a %(found)s file.")
            % {"named": extension, "found": found}
        )
    return found


@contextmanager
def open_rows(source: IO[bytes], file_format: str, reading: dict):
    """(columns, rows): the header's names and an iterator of (row number, cells)."""
    source.seek(0)
    try:
        if file_format == "csv":
            raw = _csv_rows(source, reading)
        elif file_format == "xlsx":
            raw = _xlsx_rows(source)
        elif file_format == "ods":
            _check_zip(source)
            raw = ods.rows(zipfile.ZipFile(source))
        else:
            raw = _xls_rows(source)
        numbered = ((n, _trimmed(cells)) for n, cells in enumerate(raw, start=1))
        rows = ((n, cells) for n, cells in numbered if any(_filled(c) for c in cells))
        header = next(rows, None)
        if header is None:
            raise ImportFileInvalid(_("The file is empty."))
        yield header_names(header[1]), _guarded(rows)
    except (csv.Error, UnicodeDecodeError, zipfile.BadZipFile) as error:
        raise ImportFileInvalid(
            _("The file could not be read: %(reason)s") % {"reason": error}
        ) from error
    except ods.UnsafeXml as error:
        raise ImportFileInvalid(str(error)) from error


def header_names(cells: list) -> list[str]:
    """The header row as names; blank ones get "Column N", repeated ones are refused."""
    names = [str(c).strip() if _filled(c) else "" for c in cells]
    names = [name or _("Column %(n)s") % {"n": i} for i, name in enumerate(names, start=1)]
    seen: dict[str, int] = {}
    repeated = []
    for name in names:
        key = name.casefold()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            repeated.append(name)
    if repeated:
        raise ImportFileInvalid(
            _("Column names must differ; repeated: %(names)s.") % {"names": ", ".join(repeated)}
        )
    return names


def _guarded(rows: Iterator) -> Iterator:
    for number, cells in rows:
        if len(cells) > MAX_COLUMNS:
            raise ImportFileInvalid(_("The file has too many columns."))
        yield number, cells


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _trimmed(cells) -> list:
    cells = list(cells)
    while cells and not _filled(cells[-1]):
        cells.pop()
    return cells


def _size(upload: IO[bytes]) -> int:
    upload.seek(0, io.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    return size


# -- csv -------------------------------------------------------------------------------
def _csv_reading(upload: IO[bytes]) -> dict:
    upload.seek(0)
    sample = upload.read(SAMPLE_BYTES)
    encoding = _encoding(upload, sample)
    text = sample.decode(encoding, errors="ignore")
    return {"encoding": encoding, "delimiter": _delimiter(text)}


def _encoding(upload: IO[bytes], sample: bytes) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes so; else cp1250 or ISO-8859-2."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    upload.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    try:
        while chunk := upload.read(SAMPLE_BYTES):
            decoder.decode(chunk)
            offset += len(chunk)
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError as error:
        if _mostly_utf8(sample):
            raise ImportFileInvalid(
                _(
                    "The file is not valid UTF-8 (byte %(position)s). Save it as UTF-8 "
                    "and upload it again."
                )
                % {"position": offset + error.start + 1}
            ) from error
    return _legacy_encoding(sample)


def _mostly_utf8(sample: bytes) -> bool:
    """Whether a file that is not valid UTF-8 is UTF-8 with a broken spot: more letters
    decode as UTF-8 than fail. A cp1250 file may hold a pair that looks like UTF-8 ("ół"
    is F3 B3) but fails at most of its other letters."""
    text = sample.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    decoded = sum(1 for c in text if c > "\x7f" and c != "\ufffd")
    return decoded > broken


def _legacy_encoding(sample: bytes) -> str:
    """A single-byte encoding: of those charset-normalizer finds plausible among the ones
    spreadsheets save Central and Western European text in, the one that reads the most
    Polish letters and no control characters (on a few names it cannot tell cp1250, ISO-8859-2
    and cp1252 apart itself); its own order breaks ties."""
    found = charset_normalizer.from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS))
    candidates = [match.encoding for match in found]
    if not candidates:
        raise ImportFileInvalid(
            _("The file's encoding could not be told. Save it as UTF-8 and upload it again.")
        )

    def score(encoding: str) -> tuple[int, int]:
        text = sample.decode(encoding, errors="replace")
        controls = sum(1 for c in text if "\x80" <= c <= "\x9f" or c == "\ufffd")
        polish = sum(1 for c in text if c in POLISH) - 10 * controls
        return polish, -candidates.index(encoding)

    return max(candidates, key=score)


def _delimiter(text: str) -> str:
    lines = text.splitlines()[:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","


def _csv_rows(source: IO[bytes], reading: dict) -> Iterator[list]:
    text = io.TextIOWrapper(source, encoding=reading.get("encoding", "utf-8"), newline="")
    try:
        yield from csv.reader(text, delimiter=reading.get("delimiter", ","))
    finally:
        # Leave the source open for its owner; it may be closed already if the reader
        # was abandoned half-way.
        with suppress(ValueError):
            text.detach()


# -- zip formats ---------------------------------------------------------------------
def _zip_format(upload: IO[bytes]) -> str:
    try:
        archive = zipfile.ZipFile(upload)
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = archive.read("mimetype")[:100]
            if mimetype.strip() == b"application/vnd.oasis.opendocument.spreadsheet":
                return "ods"
        if "xl/workbook.xml" in names:
            return "xlsx"
    except zipfile.BadZipFile as error:
        raise ImportFileInvalid(_("The file is a damaged zip archive.")) from error
    finally:
        upload.seek(0)
    raise ImportFileUnsupported(_("The zip file is neither an xlsx nor an ods workbook."))


def _check_zip(source: IO[bytes]) -> None:
    """Refuse zip bombs and XML with a DOCTYPE before any parser opens a member."""
    try:
        archive = zipfile.ZipFile(source)
        unpacked = 0
        for info in archive.infolist():
            unpacked += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES or (
                info.file_size > 1024 * 1024 and ratio > settings.IMPORT_MAX_PACKING_RATIO
            ):
                raise ImportFileTooLarge(_("The workbook unpacks to more than is allowed."))
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as member:
                    ods.check_prolog(member.read(4096))
    except zipfile.BadZipFile as error:
        raise ImportFileInvalid(_("The file is a damaged zip archive.")) from error
    finally:
        source.seek(0)


def _xlsx_rows(source: IO[bytes]) -> Iterator[tuple]:
    import openpyxl

    _check_zip(source)
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise ImportFileInvalid(_("The workbook could not be opened.")) from error
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _xls_rows(source: IO[bytes]) -> Iterator[list]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=source.read(), on_demand=True)
        sheet = book.sheet_by_index(0)
    except xlrd.XLRDError as error:
        raise ImportFileInvalid(_("The workbook could not be opened.")) from error
    for index in range(sheet.nrows):
        yield [_xls_value(cell, book.datemode) for cell in sheet.row(index)]


def _xls_value(cell, datemode: int) -> Any:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        value = xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        return value.date() if value.time() == value.min.time() else value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    return cell.value
