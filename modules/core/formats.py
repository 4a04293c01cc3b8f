"""How the screens write dates, times, numbers and money for the signed-in user.

    with formats.using(formats.RegionalFormat(date="dmy_dot", number="space_comma")):
        formats.number(Decimal("1234.5"), places=2)        # "1 234,50"
        formats.money(Decimal("330000"), "PLN", places=2)   # "330 000,00 PLN"
        formats.date(dt.date(2026, 12, 7))                  # "07.12.2026"

One format is active per request (set from the user's regional settings by
`accounts.middleware.RegionalMiddleware`, the language's defaults otherwise). Only screens
and screen exports use it; the API and its exports write ISO dates and plain decimals,
whoever asks. Number grouping comes from Babel, through the locale whose separators the
user chose.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DateStyle:
    """One way of writing a calendar date: for screens, input and spreadsheets."""

    label: str
    strftime: str
    excel: str


@dataclass(frozen=True)
class TimeStyle:
    """One way of writing a time of day."""

    label: str
    strftime: str
    excel: str


@dataclass(frozen=True)
class NumberStyle:
    """Group and decimal separators, as the Babel locale that uses them writes numbers."""

    label: str
    babel_locale: str


DATE_STYLES = {
    "dmy_dot": DateStyle(_("31.12.2026 (day.month.year)"), "%d.%m.%Y", "dd.mm.yyyy"),
    "iso": DateStyle(_("2026-12-31 (year-month-day)"), "%Y-%m-%d", "yyyy-mm-dd"),
    "dmy_slash": DateStyle(_("31/12/2026 (day/month/year)"), "%d/%m/%Y", "dd/mm/yyyy"),
    "mdy_slash": DateStyle(_("12/31/2026 (month/day/year)"), "%m/%d/%Y", "mm/dd/yyyy"),
}
TIME_STYLES = {
    "24h": TimeStyle(_("17:30 (24-hour clock)"), "%H:%M", "hh:mm"),
    "12h": TimeStyle(_("5:30 PM (12-hour clock)"), "%I:%M %p", "h:mm AM/PM"),
}
NUMBER_STYLES = {
    "space_comma": NumberStyle(_("1 234 567,89"), "pl"),
    "comma_dot": NumberStyle(_("1,234,567.89"), "en"),
    "dot_comma": NumberStyle(_("1.234.567,89"), "de"),
    "apostrophe_dot": NumberStyle(_("1\u2019234\u2019567.89"), "de_CH"),
}

#: What a user who chose nothing gets, by interface language.
LANGUAGE_DEFAULTS = {
    "pl": {"date": "dmy_dot", "time": "24h", "number": "space_comma"},
    "en": {"date": "iso", "time": "24h", "number": "comma_dot"},
}


@dataclass(frozen=True)
class RegionalFormat:
    """A date, time and number style, by key (blank: the active language's default)."""

    date: str = ""
    time: str = ""
    number: str = ""

    def resolved(self, language: str | None = None) -> RegionalFormat:
        """Blanks (and keys no longer offered) replaced by the language's defaults."""
        lang = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        defaults = LANGUAGE_DEFAULTS.get(lang, LANGUAGE_DEFAULTS["en"])
        return RegionalFormat(
            date=self.date if self.date in DATE_STYLES else defaults["date"],
            time=self.time if self.time in TIME_STYLES else defaults["time"],
            number=self.number if self.number in NUMBER_STYLES else defaults["number"],
        )

    @property
    def date_style(self) -> DateStyle:
        return DATE_STYLES[self.resolved().date]

    @property
    def time_style(self) -> TimeStyle:
        return TIME_STYLES[self.resolved().time]

    @property
    def number_style(self) -> NumberStyle:
        return NUMBER_STYLES[self.resolved().number]


_NOTHING_CHOSEN = RegionalFormat()
_active: ContextVar[RegionalFormat | None] = ContextVar("regional_format", default=None)


def current() -> RegionalFormat:
    """The active format (the language's defaults when nothing was activated)."""
    return _active.get() or _NOTHING_CHOSEN


@contextlib.contextmanager
def using(regional: RegionalFormat) -> Iterator[RegionalFormat]:
    """Activate `regional` for the block (a request, a test, an export)."""
    token = _active.set(regional)
    try:
        yield regional
    finally:
        _active.reset(token)


def choices(styles: dict) -> list[tuple[str, str]]:
    """Form choices of a style table, the language's default first."""
    return [("", _("As the interface language has it"))] + [
        (key, style.label) for key, style in styles.items()
    ]


def _pattern(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places > 0 else "")


def number(value: int | Decimal | float | None, places: int = 0) -> str:
    """`value` with the user's separators and exactly `places` decimals ("" when None)."""
    if value is None:
        return ""
    style = current().number_style
    # Half up, as people round; Babel alone would round half to even.
    quantized = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format_decimal(
        quantized, format=_pattern(places), locale=style.babel_locale, decimal_quantization=True
    )


def money(amount: Decimal | None, currency: str | None, places: int = 2) -> str:
    """An amount with the user's separators, then its currency code: "330 000,00 PLN"."""
    if amount is None:
        return ""
    text = number(amount, places)
    return f"{text}\N{NO-BREAK SPACE}{currency}" if currency else text


def date(value: dt.date | None) -> str:
    """A calendar date in the user's date style."""
    if value is None:
        return ""
    return value.strftime(current().date_style.strftime)


def time(value: dt.time | None) -> str:
    """A time of day in the user's time style."""
    if value is None:
        return ""
    return value.strftime(current().time_style.strftime)


def moment(value: dt.datetime | None) -> str:
    """A moment in the active time zone: the user's date style, then their time style."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{date(local.date())} {time(local.time())}"


def excel_number_format(places: int, currency: str | None = None) -> str:
    """A spreadsheet number format: the reader's own separators, `places` decimals."""
    text = "#,##0" + ("." + "0" * places if places > 0 else "")
    return f'{text} "{currency}"' if currency else text


def excel_date_format() -> str:
    """A spreadsheet date format in the user's date style."""
    return current().date_style.excel


def excel_moment_format() -> str:
    """A spreadsheet date-and-time format in the user's styles."""
    regional = current()
    return f"{regional.date_style.excel} {regional.time_style.excel}"


def input_formats() -> list[str]:
    """Date input formats a form accepts from the user, their own style first."""
    own = current().date_style.strftime
    others = [s.strftime for s in DATE_STYLES.values() if s.strftime != own]
    # Day-first and month-first slashes read the same text two ways: take only the
    # user's own when it is one of them.
    if own in ("%d/%m/%Y", "%m/%d/%Y"):
        others = [f for f in others if f not in ("%d/%m/%Y", "%m/%d/%Y")]
    return [own, *others]
