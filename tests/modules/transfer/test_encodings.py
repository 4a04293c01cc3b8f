"""Polish CSV files in the encodings spreadsheets save them in are read as written.

"Żółta Spółka" in cp1250 holds F3 B3 ("ół"), a pair that looks like UTF-8; the file is
still not UTF-8, and must not be refused as broken UTF-8.
"""

import io

import pytest

from modules.transfer import reading
from modules.transfer.exceptions import ImportFileInvalid

ROWS = [
    ["Nazwa", "Miasto", "Osoba"],
    ["Żółta Spółka", "Łódź", "Weronika Wróbel"],
    ["Zakład Ślusarski Źdźbło", "Wrocław", "Jędrzej Kaźmierczak"],
    ["Przedsiębiorstwo Ąę", "Gdańsk", "Błażej Cieślak"],
]


def read(content: bytes):
    info = reading.inspect_file(io.BytesIO(content), "firmy.csv")
    with reading.open_rows(io.BytesIO(content), info.file_format, info.reading) as (cols, rows):
        return info.reading["encoding"], cols, [cells for _n, cells in rows]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250", "iso8859_2"])
@pytest.mark.parametrize("rows", [ROWS, ROWS[:2]], ids=["several rows", "one row"])
def test_polish_text_reads_back_in_each_encoding(encoding, rows):
    content = "".join(";".join(row) + "\r\n" for row in rows).encode(encoding)
    _found, columns, read_rows = read(content)
    assert columns == rows[0]
    assert read_rows == rows[1:]


def test_the_cp1250_pair_that_looks_like_utf8_is_not_taken_for_broken_utf8():
    content = "Nazwa\nŻółta Spółka\n".encode("cp1250")
    assert b"\xf3\xb3" in content
    encoding, _columns, rows = read(content)
    assert (encoding, rows) == ("cp1250", [["Żółta Spółka"]])


def test_utf8_with_one_broken_letter_is_still_refused_naming_the_byte():
    content = "Nazwa;Miasto\nŻółta Spółka;Łódź\n".encode() + b"Gda\xc5;X\n"
    with pytest.raises(ImportFileInvalid, match="UTF-8 \\(byte 43\\)"):
        read(content)
