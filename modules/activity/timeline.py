"""The kinds of entries a record's timeline lists, declared by the modules that own them.

Activity sits below the modules that put entries on a timeline (tasks, the mailbox), so
they declare their kind here, from their `AppConfig.ready()`:

    timeline.register_kind(
        timeline.EntryKind(
            type="task",                        # stored in TimelineEntry.kind; ?kind=task
            label=_("Task"),
            model=TaskEvent,                    # a django-polymorphic subclass of TimelineEntry
            visible=task_visible,               # (user) -> Q over TimelineEntry, or None
            rows=with_task,                     # (queryset, user) -> queryset, for one query
            present=task_json,                  # (entry, user) -> dict: the API's `data`
            template="tasks/timeline_entry.html",  # the entry on the profile's timeline
        )
    )

A user sees an entry only on the timeline of a record they may open, and only if the
entry's kind admits them: `visible(user)` is a condition on `TimelineEntry` rows of that
kind (the subclass's own columns reached through Django's link to the child,
`<model name>__<field>`, e.g. `Q(note__visibility="everyone") | Q(user_id=user.pk)`),
ANDed with `kind = type` and evaluated by the database, so a page is one query whatever
hides what. `None` admits everyone who may open the record. Every channel that lists
entries (the timeline screen, `/api/v1/{slug}/{id}/timeline/`) goes through
`reader.page()`, which reads a page in at most one query plus one per kind on it: `rows`
may add `select_related` and annotations, but must not make a page read more.

The kind `change` (notable changes of the record, read from modules/history's rows, not
stored as entries) is built in; `note` is registered by this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from modules.core.registry import Registry


def _everyone(user) -> Q | None:
    return None


def _as_is(queryset: QuerySet, user) -> QuerySet:
    return queryset


def _nothing(entry, user) -> dict:
    return {}


@dataclass(frozen=True)
class EntryKind:
    """One kind of timeline entry: its key, label, model and how a user sees it."""

    #: The key: stored in `TimelineEntry.kind` (at most 40 characters), the API's `kind`.
    type: str
    label: Any
    #: The django-polymorphic subclass of `TimelineEntry` holding the entries; None only
    #: for the built-in `change`, which reads history rows.
    model: type | None = None
    #: `visible(user)`: the condition narrowing this kind's entries to what `user` may see,
    #: on `TimelineEntry` rows; None for no narrowing beyond opening the record.
    visible: Callable[[Any], Q | None] = _everyone
    #: `rows(queryset, user)`: the queryset of one page's entries of this kind, with what
    #: `present` and the template read (select_related, annotations) in the same query.
    rows: Callable[[QuerySet, Any], QuerySet] = _as_is
    #: `present(entry, user)`: the entry's own data as JSON (the API's `data`).
    present: Callable[[Any, Any], dict] = _nothing
    #: The template of one entry on the profile's timeline (`entry`, `data` in context).
    template: str = "activity/entries/entry.html"


entry_kinds: Registry[EntryKind] = Registry("timeline kind")


def register_kind(kind: EntryKind) -> EntryKind:
    """Declare a kind of timeline entry; a key registered twice raises `RegistryError`."""
    assert len(kind.type) <= 40, "a timeline kind's key has at most 40 characters"
    return entry_kinds.register(kind)


def kinds() -> list[EntryKind]:
    """Every declared kind, in the order of registration."""
    return list(entry_kinds)
