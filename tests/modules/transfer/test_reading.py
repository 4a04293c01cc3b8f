import csv
import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import UploadedFile
from hypothesis import given
from hypothesis import strategies as st

from modules.metamodel.runtime import get_model
from modules.transfer import reading
from modules.transfer.exceptions import ImportFileInvalid, ImportFileTooLarge, ImportFileUnsupported
from modules.transfer.export import csv_lines
from modules.transfer.matching import normalize
from tests.fixtures.transfer import table_bytes, upload_file, xlsx_bytes

POLISH = [["Imię", "Nazwisko"], ["Żaneta", "Łęcka-Ćwik"], ["Ścibor", "Źdźbło"]]


def inspect(name, content):
    return reading.inspect_file(io.BytesIO(content), name)


def rows_of(name, content):
    info = inspect(name, content)
    with reading.open_rows(io.BytesIO(content), info.file_format, info.reading) as (cols, rows):
        return cols, [cells for _n, cells in rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250", "iso8859_2"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_in_common_encodings_and_delimiters_reads_the_same(encoding, delimiter):
    # given
    text = "\n".join(delimiter.join(row) for row in POLISH) + "\n"
    # when
    columns, rows = rows_of("people.csv", text.encode(encoding))
    # then
    assert columns == POLISH[0]
    assert rows == POLISH[1:]


def test_an_empty_file_is_refused():
    with pytest.raises(ImportFileInvalid, match="empty"):
        inspect("a.csv", b"")


def test_a_header_without_rows_is_refused():
    with pytest.raises(ImportFileInvalid, match="no rows"):
        inspect("a.csv", "Imię;Nazwisko\n".encode())


def test_broken_utf8_is_refused_naming_the_byte():
    # given valid UTF-8 Polish text with one cut multi-byte letter
    content = "Imię,Nazwisko\nŻaneta,Nowak\n".encode() + b"J\xc5,X\n"
    # when / then
    with pytest.raises(ImportFileInvalid, match="UTF-8"):
        inspect("a.csv", content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("people.csv", table_bytes("xlsx", ["a"], [[1]])),
        ("people.xlsx", b"a,b\n1,2\n"),
        ("people.ods", table_bytes("xlsx", ["a"], [[1]])),
        ("people.xls", b"a,b\n1,2\n"),
        ("people.pdf", b"%PDF-1.4"),
    ],
)
def test_an_extension_that_does_not_fit_the_content_is_refused(name, content):
    with pytest.raises(ImportFileUnsupported):
        inspect(name, content)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, settings):
    # given a 100 MB file on disk (sparse: no time spent writing it)
    path = tmp_path / "big.csv"
    with open(path, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    started = time.monotonic()
    # when / then
    with open(path, "rb") as handle, pytest.raises(ImportFileTooLarge):
        reading.inspect_file(handle, "big.csv", size=UploadedFile(handle).size)
    assert time.monotonic() - started < 1


def test_too_many_rows_are_refused_in_bounded_time(settings):
    # given 200k rows over a 100k limit
    settings.IMPORT_MAX_ROWS = 100_000
    content = ("name\n" + "x\n" * 200_000).encode()
    started = time.monotonic()
    # when / then
    with pytest.raises(ImportFileTooLarge, match="100000"):
        inspect("many.csv", content)
    assert time.monotonic() - started < 10


def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _replace(content: bytes, member: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    members = {name: source.read(name) for name in source.namelist()}
    members[member] = data
    return _zip(members)


@pytest.mark.parametrize("file_format", ["xlsx", "ods"])
def test_a_zip_bomb_is_refused(file_format):
    # given a workbook with a member that unpacks a thousand times its packed size
    content = _replace(table_bytes(file_format, ["a"], [[1]]), "bomb.xml", b"\0" * 50_000_000)
    started = time.monotonic()
    # when / then
    with pytest.raises(ImportFileTooLarge):
        rows_of(f"bomb.{file_format}", content)
    assert time.monotonic() - started < 5


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<worksheet>&lol2;</worksheet>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet>&e;</worksheet>"""


@pytest.mark.parametrize("payload", [LAUGHS, EXTERNAL])
@pytest.mark.parametrize(
    ("file_format", "member"), [("xlsx", "xl/worksheets/sheet1.xml"), ("ods", "content.xml")]
)
def test_xml_entities_in_a_workbook_are_refused(file_format, member, payload):
    # given
    content = _replace(table_bytes(file_format, ["a"], [[1]]), member, payload)
    # when / then
    with pytest.raises(ImportFileInvalid, match="entities"):
        rows_of(f"evil.{file_format}", content)


def test_repeated_header_names_are_refused():
    with pytest.raises(ImportFileInvalid, match=r"(?i)e-mail"):
        inspect("a.csv", b"E-mail,Name,e-mail\nx,y,z\n")


def test_a_formula_cell_gives_its_saved_value_never_the_formula():
    # given an xlsx whose formula has no saved value (openpyxl writes none)
    content = xlsx_bytes([["Imię", "Nazwisko"], ["=1+2", "Nowak"]])
    # when
    _columns, rows = rows_of("f.xlsx", content)
    # then
    assert rows == [[None, "Nowak"]]


def test_the_stored_file_reads_the_same_on_every_pass():
    # given the dry run and the run each read the stored file again
    content = table_bytes("ods", *POLISH[:1], POLISH[1:])
    assert rows_of("p.ods", content) == rows_of("p.ods", content)


def test_bad_files_through_the_service_write_nothing(imports, admin):
    # given
    before = get_model("persons").objects.count()
    # when
    for name, content in [("a.csv", b""), ("a.csv", b"a,a\n1,2\n"), ("a.xlsx", b"PK\x03\x04xx")]:
        with pytest.raises((ImportFileInvalid, ImportFileUnsupported)):
            imports.upload(admin, "persons", upload_file(name, content))
    # then
    assert get_model("persons").objects.count() == before


@given(st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), min_size=1, max_size=30))
def test_header_matching_ignores_case_and_diacritics(name):
    # then any casing of a name and its NFD spelling compare equal
    import unicodedata

    assert (
        normalize(name.upper()) == normalize(name.lower()) or name.upper().lower() != name.lower()
    )
    assert normalize(unicodedata.normalize("NFD", name)) == normalize(name)


def test_polish_labels_match_their_plain_spelling():
    assert normalize("Imię") == normalize("imie") == normalize(" IMIE ")
    assert normalize("Źródło") == normalize("zrodlo")
    assert normalize("Telefon komórkowy") == normalize("telefon_komorkowy")


cell_text = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=40).filter(
    lambda t: t.strip() == t
)


@given(st.lists(st.lists(cell_text, min_size=2, max_size=2), min_size=1, max_size=10))
def test_csv_export_then_read_gives_the_values_back(rows):
    # given values that are not blank rows and not formula-like
    rows = [r for r in rows if any(r) and not any(c.startswith(("=", "+", "-", "@")) for c in r)]
    if not rows:
        return
    # when
    content = "".join(csv_lines(["A", "B"], iter(rows))).encode()
    columns, read = rows_of("r.csv", content)
    # then
    assert columns == ["A", "B"]
    assert [r + [""] * (2 - len(r)) for r in read] == [r for r in rows]


def test_csv_round_trip_keeps_delimiters_and_newlines_inside_cells():
    rows = [["a;b", "line 1\nline 2"], ['quote "x"', "tab\tin"]]
    content = "".join(csv_lines(["A", "B"], iter(rows))).encode()
    assert rows_of("r.csv", content)[1] == rows
    assert list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:] == rows
