"""Regional formats: numbers, money, dates and times as the user chose to read them."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from modules.core import formats

POLISH = formats.RegionalFormat(date="dmy_dot", time="24h", number="space_comma")
NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("space_comma", f"330{NBSP}000,00"),
        ("comma_dot", "330,000.00"),
        ("dot_comma", "330.000,00"),
        ("apostrophe_dot", "330\u2019000.00"),
    ],
)
def test_a_number_takes_the_separators_of_the_chosen_style(style, expected):
    with formats.using(formats.RegionalFormat(number=style)):
        assert formats.number(Decimal("330000"), 2) == expected


def test_money_is_the_formatted_amount_then_its_currency():
    with formats.using(POLISH):
        assert formats.money(Decimal("330000"), "PLN", 2) == f"330{NBSP}000,00{NBSP}PLN"
        assert formats.money(Decimal("-1234.5"), "EUR", 0) == f"-1{NBSP}235{NBSP}EUR"
        assert formats.money(None, "PLN") == ""


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("dmy_dot", "07.03.2026"),
        ("iso", "2026-03-07"),
        ("dmy_slash", "07/03/2026"),
        ("mdy_slash", "03/07/2026"),
    ],
)
def test_a_date_takes_the_chosen_style(style, expected):
    with formats.using(formats.RegionalFormat(date=style)):
        assert formats.date(dt.date(2026, 3, 7)) == expected


def test_a_moment_is_written_in_the_active_time_zone():
    moment = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    with formats.using(POLISH), timezone.override(zoneinfo.ZoneInfo("Europe/Warsaw")):
        assert formats.moment(moment) == "01.01.2027 00:30"
    us = formats.RegionalFormat(date="mdy_slash", time="12h")
    with formats.using(us), timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        assert formats.moment(moment) == "12/31/2026 06:30 PM"


def test_nothing_chosen_follows_the_interface_language():
    with translation.override("pl"):
        assert formats.date(dt.date(2026, 3, 7)) == "07.03.2026"
        assert formats.number(1234567, 0) == f"1{NBSP}234{NBSP}567"
    with translation.override("en"):
        assert formats.date(dt.date(2026, 3, 7)) == "2026-03-07"
        assert formats.number(1234567, 0) == "1,234,567"


def test_a_style_no_longer_offered_falls_back_to_the_language_default():
    with translation.override("pl"), formats.using(formats.RegionalFormat(date="gone")):
        assert formats.date(dt.date(2026, 3, 7)) == "07.03.2026"


@given(
    st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=2),
    st.sampled_from(sorted(formats.NUMBER_STYLES)),
)
def test_a_formatted_number_reads_back_as_the_same_value(value, style):
    with formats.using(formats.RegionalFormat(number=style)):
        text = formats.number(value, 2)
    decimal_mark = "," if style in ("space_comma", "dot_comma") else "."
    digits = "".join(c for c in text if c.isdigit() or c in (decimal_mark, "-"))
    assert Decimal(digits.replace(",", ".")) == value


def test_the_users_date_style_comes_first_among_the_input_formats():
    with formats.using(formats.RegionalFormat(date="mdy_slash")):
        accepted = formats.input_formats()
    assert accepted[0] == "%m/%d/%Y" and "%d/%m/%Y" not in accepted
