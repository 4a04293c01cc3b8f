"""Each user's calendar feed: a secret, revocable iCal address of their tasks.

    url_token = FeedService().renew(user)      # the token, shown once; the old one stops
    FeedService().revoke(user)                 # the address answers 404 from now on
    body = FeedService().read(url_token)       # text/calendar; FeedNotFound (404) if revoked

Only the token's SHA-256 is stored. The feed holds the tasks the user is responsible for
or a member of (directly or through a team) that they may still see, read when the feed
is read (`access.taking_part_q`, a part of `access.visible_q` that admits them whatever
the task's privacy or its records), so a member taken off a task or a user deactivated
loses it at once. Each dated task is a VEVENT (calendars show events; few show
to-dos), with its repetition as an RRULE in the task's zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar.parser import Contentline
from icalendar.prop import vText

from modules.tasks import access
from modules.tasks.exceptions import TaskNotFound
from modules.tasks.models import CalendarFeed, Priority, Task

#: RFC 5545 priorities: 1 highest, 9 lowest.
PRIORITIES = {Priority.HIGH: 1, Priority.NORMAL: 5, Priority.LOW: 9}


class FeedNotFound(TaskNotFound):
    """Raised when a calendar feed address is unknown or was revoked."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FeedService:
    """The one writer of calendar feeds, and their reader."""

    def active(self, user) -> CalendarFeed | None:
        """The user's feed, None when they have none."""
        return CalendarFeed.objects.filter(user=user).first()

    def renew(self, user) -> str:
        """A new secret token for the user's feed; any previous address stops working."""
        token = secrets.token_urlsafe(32)
        CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _digest(token)})
        return token

    def revoke(self, user) -> None:
        """The user's feed address stops working."""
        CalendarFeed.objects.filter(user=user).delete()

    def owner(self, token: str):
        """The user whose feed `token` opens; FeedNotFound otherwise."""
        if not isinstance(token, str) or not 20 <= len(token) <= 100:
            raise FeedNotFound(_("Not found."))
        feed = (
            CalendarFeed.objects.select_related("user")
            .filter(token_hash=_digest(token), user__is_active=True)
            .first()
        )
        if feed is None:
            raise FeedNotFound(_("Not found."))
        return feed.user

    def tasks(self, user):
        """The tasks the feed of `user` holds: taking part, seen, dated."""
        # Taking part is read now, so a member taken off a task, a team left or a user
        # deactivated (`owner`) loses it at once. `access.visible_q` admits everyone taking
        # part, private or not, whatever they may open: asking it too would only repeat
        # its per-record checks for nothing.
        return (
            Task.objects.filter(access.taking_part_q(user))
            .exclude(due_at__isnull=True, starts_at__isnull=True)
            .select_related("type")
            .order_by("id")
        )

    def read(self, token: str) -> bytes:
        """The feed as iCalendar text."""
        user = self.owner(token)
        return calendar(self.tasks(user).iterator(chunk_size=1000))


def calendar(tasks) -> bytes:
    """`tasks` as one VCALENDAR of VEVENTs.

    Written line by line with the icalendar library's value types (`vText` escapes text)
    and content lines (`Contentline` folds them at 75 octets): building a `Component` per
    task and its parameters cost ten times serialising the same rows to JSON.
    """
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        b"BEGIN:VCALENDAR",
        b"VERSION:2.0",
        b"PRODID:-//Tessera//Tasks//EN",
        _line("X-WR-CALNAME", _text(_("Tessera tasks"))),
    ]
    for task in tasks:
        lines += event_lines(task, stamp)
    lines.append(b"END:VCALENDAR")
    return b"\r\n".join(lines) + b"\r\n"


def _text(value: str) -> str:
    return vText(value).to_ical().decode()


def _line(name: str, value: str) -> bytes:
    return Contentline(f"{name}:{value}").to_ical()


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(task: Task, stamp: str) -> list[bytes]:
    """One task as the content lines of a VEVENT."""
    zone = ZoneInfo(task.time_zone)
    start = (task.starts_at or task.due_at).astimezone(zone)
    end = (task.due_at or task.starts_at).astimezone(zone)
    # Calendars show events without a done mark of their own: the summary carries it.
    summary = f"✓ {task.name}" if task.done_at else task.name
    lines = [
        b"BEGIN:VEVENT",
        f"UID:task-{task.pk}@tessera".encode(),
        f"DTSTAMP:{stamp}".encode(),
        f"LAST-MODIFIED:{_utc(task.updated_at)}".encode(),
        _line("SUMMARY", _text(summary)),
    ]
    if task.description:
        lines.append(_line("DESCRIPTION", _text(task.description)))
    if task.all_day:
        lines.append(f"DTSTART;VALUE=DATE:{start:%Y%m%d}".encode())
        lines.append(f"DTEND;VALUE=DATE:{end.date() + dt.timedelta(days=1):%Y%m%d}".encode())
    else:
        # A repetition runs in the task's zone (wall-clock time), so the start names it.
        lines.append(_line(f"DTSTART;TZID={task.time_zone}", f"{start:%Y%m%dT%H%M%S}"))
        if end > start:
            lines.append(_line(f"DTEND;TZID={task.time_zone}", f"{end:%Y%m%dT%H%M%S}"))
    lines.append(f"PRIORITY:{PRIORITIES.get(task.priority, 5)}".encode())
    if task.type_id:
        lines.append(_line("CATEGORIES", _text(task.type.name)))
    if task.repetition:
        lines.append(_line("RRULE", task.repetition))
    lines.append(b"END:VEVENT")
    return lines
