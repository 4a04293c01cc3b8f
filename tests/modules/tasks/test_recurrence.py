"""Repeating tasks against calendars checked by hand (Europe/Warsaw changes to summer time
on 29 March 2026 and back on 25 October 2026)."""

import datetime as dt
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from modules.tasks import recurrence
from modules.tasks.exceptions import TaskInvalid

WARSAW = ZoneInfo("Europe/Warsaw")
UTC = dt.UTC


def task(due, rule, zone="Europe/Warsaw"):
    return SimpleNamespace(due_at=due, starts_at=None, repetition=rule, time_zone=zone, moment=due)


def utc(*parts):
    return dt.datetime(*parts, tzinfo=UTC)


def test_a_weekly_task_keeps_its_wall_clock_time_across_the_spring_change():
    # given Mondays at 09:00 in Warsaw from 23 March 2026 (CET, UTC+1)
    monday = task(dt.datetime(2026, 3, 23, 9, tzinfo=WARSAW), "FREQ=WEEKLY;BYDAY=MO")
    # when the occurrences of three weeks are listed
    found = recurrence.occurrences(monday, utc(2026, 3, 20), utc(2026, 4, 7))
    # then each is at 09:00 local: 08:00 UTC before the change, 07:00 UTC after it
    assert [m.astimezone(UTC) for m in found] == [
        utc(2026, 3, 23, 8),
        utc(2026, 3, 30, 7),
        utc(2026, 4, 6, 7),
    ]


def test_a_daily_task_over_the_autumn_change():
    # given every day at 18:30 in Warsaw, from Saturday 24 October 2026 (CEST, UTC+2)
    daily = task(dt.datetime(2026, 10, 24, 18, 30, tzinfo=WARSAW), "FREQ=DAILY;COUNT=3")
    # when listed
    found = recurrence.occurrences(daily, utc(2026, 10, 1), utc(2026, 11, 1))
    # then Sunday's is at 17:30 UTC (CET again), Saturday's at 16:30 UTC
    assert [m.astimezone(UTC) for m in found] == [
        utc(2026, 10, 24, 16, 30),
        utc(2026, 10, 25, 17, 30),
        utc(2026, 10, 26, 17, 30),
    ]


def test_monthly_on_the_last_weekday_and_on_the_31st():
    # given the last working day of each month at 10:00, from January 2027
    last = task(
        dt.datetime(2027, 1, 29, 10, tzinfo=WARSAW), "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
    )
    found = recurrence.occurrences(last, utc(2027, 1, 1), utc(2027, 5, 1))
    # then (checked on a calendar) Fri 29 Jan, Fri 26 Feb, Wed 31 Mar, Fri 30 Apr
    assert [m.date() for m in found] == [
        dt.date(2027, 1, 29),
        dt.date(2027, 2, 26),
        dt.date(2027, 3, 31),
        dt.date(2027, 4, 30),
    ]
    # and a rule on the 31st skips the months without one
    the_31st = task(dt.datetime(2027, 1, 31, 10, tzinfo=WARSAW), "FREQ=MONTHLY;BYMONTHDAY=31")
    found = recurrence.occurrences(the_31st, utc(2027, 1, 1), utc(2027, 8, 1))
    assert [m.date() for m in found] == [
        dt.date(2027, 1, 31),
        dt.date(2027, 3, 31),
        dt.date(2027, 5, 31),
        dt.date(2027, 7, 31),
    ]


def test_until_as_a_date_is_the_end_of_that_day_in_the_tasks_zone():
    # given every other day from Friday 27 March 2026, until 2 April (a date, no Z)
    start = dt.datetime(2026, 3, 27, 23, 30, tzinfo=WARSAW)
    rule = recurrence.normalised_rule("rrule:freq=daily;interval=2;until=20260402", start)
    # then the rule is stored with UNTIL at the end of 2 April in Warsaw, in UTC
    assert rule == "FREQ=DAILY;INTERVAL=2;UNTIL=20260402T215959Z"
    found = recurrence.occurrences(task(start, rule), utc(2026, 3, 1), utc(2026, 5, 1))
    assert [m.date() for m in found] == [
        dt.date(2026, 3, 27),
        dt.date(2026, 3, 29),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 2),
    ]


def test_the_next_occurrence_of_a_yearly_task_on_the_29th_of_february():
    leap = task(dt.datetime(2028, 2, 29, 12, tzinfo=WARSAW), "FREQ=YEARLY")
    assert recurrence.following(leap) == dt.datetime(2032, 2, 29, 12, tzinfo=WARSAW)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=SOMETIMES",
        "FREQ=MINUTELY",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;BYDAY=XX",
        "FREQ=WEEKLY;COUNT=-1",
        "FREQ=DAILY;INTERVAL=99999999999999999999999",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=DAILY\nDTSTART:20260101T000000Z",
        "FREQ=DAILY;UNTIL=yesterday",
        "FREQ=DAILY;UNTIL=20200101T000000Z",
        "\uff26\uff32\uff25\uff31=DAILY",
        "",
        "FREQ=MONTHLY;BYSETPOS=400;BYDAY=MO",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",
        "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31",
        "FREQ=DAILY;BYHOUR=3",
        "FREQ=DAILY;COUNT=2;UNTIL=20300101T000000Z",
    ],
)
def test_a_malformed_rule_is_refused_with_a_reason_and_at_once(rule):
    start = dt.datetime(2026, 6, 1, 9, tzinfo=WARSAW)
    began = time.monotonic()
    with pytest.raises(TaskInvalid) as error:
        recurrence.parse(rule, start)
    assert list(error.value.errors) == ["repetition"]
    # dateutil would look until year 9999 for a rule that never matches
    assert time.monotonic() - began < 0.5
