"""Repeating tasks: RFC 5545 RRULEs read by python-dateutil, in the task's time zone.

    rule = parse("FREQ=WEEKLY;BYDAY=MO", start)       # TaskInvalid (400) when malformed
    occurrences(task, since, until)                    # the task's moments in a range
    following(task)                                    # the moment after the task's own

The rule runs on the task's moment as a wall-clock time in its zone (a ZoneInfo-aware
start), so a task at 09:00 in Europe/Warsaw stays at 09:00 across a change of daylight
saving time. Only the rule itself is taken (no DTSTART, EXDATE or RDATE lines): the
start is the task's. UNTIL is stored in UTC (`...Z`), as RFC 5545 asks of a start with a
time zone; a date or a time without `Z` is read in the task's zone (a date: to its end).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr
from django.utils.translation import gettext as _

from modules.tasks.exceptions import TaskInvalid

#: What a rule may be made of: NAME=VALUE pairs joined by semicolons.
RULE_PATTERN = re.compile(r"[A-Z]+=[A-Z0-9,+\-]+(;[A-Z]+=[A-Z0-9,+\-]+)*")
FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
#: The rule parts a task's repetition may use: the time of day is the task's own.
ALLOWED_PARTS = {
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
}
#: A rule must give a date within this long after its start.
FIRST_WITHIN = dt.timedelta(days=5 * 366)
#: At most this many occurrences of one task are listed for one range.
MAX_OCCURRENCES = 1000


def _refuse(message: str):
    return TaskInvalid(message, field="repetition")


def normalise(text: str) -> str:
    """The rule as stored: upper case, no `RRULE:` prefix, no spaces around it."""
    text = text.strip().upper()
    return text.removeprefix("RRULE:")


def parse(text: str, start: dt.datetime) -> rrule:
    """The rule from `start` (aware, in the task's zone); TaskInvalid when it is malformed,
    of a frequency below a day, or gives no date within five years."""
    text = normalise(text)
    if not RULE_PATTERN.fullmatch(text):
        raise _refuse(_("Give a repetition rule like FREQ=WEEKLY;BYDAY=MO (RFC 5545)."))
    parts = dict(part.split("=", 1) for part in text.split(";"))
    if parts.get("FREQ") not in FREQUENCIES:
        raise _refuse(_("A task repeats daily, weekly, monthly or yearly (FREQ)."))
    problem = _impossible(parts)
    if problem:
        raise _refuse(problem)
    if "UNTIL" in parts:
        text = text.replace(f"UNTIL={parts['UNTIL']}", f"UNTIL={_until_utc(parts['UNTIL'], start)}")
    try:
        rule = rrulestr(text, dtstart=start)
        first = rule.after(start, inc=False)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise _refuse(
            _("The repetition rule is not valid: %(reason)s") % {"reason": str(error)[:200]}
        ) from None
    if first is None or first - start > FIRST_WITHIN:
        raise _refuse(_("The repetition rule gives no date within five years."))
    return rule


def _numbers(value: str) -> list[int] | None:
    try:
        return [int(v) for v in value.split(",")]
    except ValueError:
        return None


def _impossible(parts: dict[str, str]) -> str:
    """Why the rule is outside what a task may repeat by ("" when it is not).

    dateutil looks for a rule's next date until year 9999 when none matches, which takes
    seconds (`INTERVAL=0` never ends), so the parts are held to what can always match:
    a positive interval and count, weekdays (with an ordinal only monthly or yearly),
    days of the month that some chosen month has, and BYSETPOS within the candidates.
    """
    unknown = set(parts) - ALLOWED_PARTS
    if unknown:
        return _("A task's repetition may not use %(parts)s.") % {
            "parts": ", ".join(sorted(unknown))
        }
    for key, most in (("INTERVAL", 999), ("COUNT", 999)):
        numbers = _numbers(parts[key]) if key in parts else [1]
        if numbers is None or len(numbers) != 1 or not 1 <= numbers[0] <= most:
            return _("%(part)s must be a whole number from 1 to %(most)s.") % {
                "part": key,
                "most": most,
            }
    if "COUNT" in parts and "UNTIL" in parts:
        return _("Give COUNT or UNTIL, not both.")
    frequency = parts["FREQ"]
    days = parts.get("BYDAY", "").split(",") if "BYDAY" in parts else []
    ordinal_limit = {"MONTHLY": 5, "YEARLY": 53}.get(frequency, 0)
    for day in days:
        match = re.fullmatch(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)", day)
        ordinal = int(match.group(1)) if match and match.group(1) else None
        if not match or (ordinal is not None and not 1 <= abs(ordinal) <= ordinal_limit):
            return _("BYDAY takes weekdays (MO to SU); ordinals (1MO, -1FR) monthly or yearly.")
    months = _numbers(parts["BYMONTH"]) if "BYMONTH" in parts else list(range(1, 13))
    if months is None or not all(1 <= m <= 12 for m in months):
        return _("BYMONTH takes months from 1 to 12.")
    if "BYMONTHDAY" in parts:
        monthdays = _numbers(parts["BYMONTHDAY"])
        if monthdays is None or not all(1 <= abs(d) <= 31 for d in monthdays):
            return _("BYMONTHDAY takes days from 1 to 31 (or -1 to -31 from the end).")
        lengths = [calendar.monthrange(2028, m)[1] for m in months]
        if not any(abs(d) <= length for d in monthdays for length in lengths):
            return _("No chosen month has the chosen day.")
    if "BYSETPOS" in parts:
        positions = _numbers(parts["BYSETPOS"])
        per_period = {"WEEKLY": 1, "MONTHLY": 4, "YEARLY": 4 * len(months)}.get(frequency, 0)
        most = per_period * len(days)
        if (
            "BYMONTHDAY" in parts
            or positions is None
            or not all(1 <= abs(p) <= most for p in positions)
        ):
            return _("BYSETPOS picks among the weekdays of BYDAY, at most %(most)s.") % {
                "most": most
            }
    return ""


def _until_utc(value: str, start: dt.datetime) -> str:
    """UNTIL in UTC: a date means the end of that day, a time without Z a wall-clock time,
    both in the zone of `start`; anything else is left for the parser to refuse."""
    if value.endswith("Z"):
        return value
    for pattern, extra in (("%Y%m%d", dt.timedelta(days=1, seconds=-1)), ("%Y%m%dT%H%M%S", None)):
        try:
            moment = dt.datetime.strptime(value, pattern)
        except ValueError:
            continue
        local = moment.replace(tzinfo=start.tzinfo) + (extra or dt.timedelta())
        return local.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return value


def normalised_rule(text: str, start: dt.datetime | None) -> str:
    """The rule as stored: normalised, with UNTIL in UTC when the task has a start."""
    text = normalise(text)
    if start is None or not RULE_PATTERN.fullmatch(text):
        return text
    parts = dict(part.split("=", 1) for part in text.split(";"))
    if "UNTIL" in parts:
        text = text.replace(f"UNTIL={parts['UNTIL']}", f"UNTIL={_until_utc(parts['UNTIL'], start)}")
    return text


def local_start(task) -> dt.datetime | None:
    """The task's moment as a wall-clock time in its zone (None: the task has no date)."""
    moment = task.moment
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(task.time_zone))


def occurrences(task, since: dt.datetime, until: dt.datetime) -> list[dt.datetime]:
    """The task's moments from `since` up to `until` (both included), in its zone; a task
    that does not repeat has its own moment only."""
    start = local_start(task)
    if start is None:
        return []
    if not task.repetition:
        return [start] if since <= start <= until else []
    rule = parse(task.repetition, start)
    found = []
    for moment in rule.xafter(since, inc=True):
        if moment > until or len(found) >= MAX_OCCURRENCES:
            break
        found.append(moment)
    return found


def following(task) -> dt.datetime | None:
    """The moment of the occurrence after this one, None when the rule has ended."""
    start = local_start(task)
    if start is None or not task.repetition:
        return None
    return parse(task.repetition, start).after(start, inc=False)
