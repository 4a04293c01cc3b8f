"""Folding text for search: lower case, no diacritics, Polish letters included."""

from hypothesis import given
from hypothesis import strategies as st

from modules.core.folding import fold


def test_polish_letters_fold_to_their_base_letters():
    assert fold("Żółta Spółka") == "zolta spolka"
    assert fold("ŁÓDŹ, Wróbel, Kraków, Gdańsk, Częstochowa") == (
        "lodz, wrobel, krakow, gdansk, czestochowa"
    )


@given(st.text(max_size=50))
def test_folding_twice_changes_nothing(text):
    once = fold(text)
    assert fold(once) == once
