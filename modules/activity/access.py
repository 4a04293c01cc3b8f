"""Who reads a note: someone who may open its record, and whom its visibility admits.

    Note.objects.filter(notes_q(user))            # notes `user` may read (records aside)
    TimelineEntry.objects.filter(entries_q(user)) # the same on the timeline's base rows
    admits(user, note)                            # one note, in Python

"Only me" admits the author alone; "me and my managers" the author and the managers of
the author's teams up the team tree (a manager of a team reads its members' notes and
those of the members of its sub-teams: `UserAccess.managed_members`); "everyone" everyone
who may open the record. Administrators are not included in the first two (docs/security.md).
The record itself is checked by the callers through the access engine (`record_for`).
`None` as the user is the system: every note.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from modules.access import engine
from modules.access.spec import user_access
from modules.activity.models import NoteVisibility
from modules.metamodel.runtime import get_model
from modules.records.exceptions import RecordNotFound

#: The history rows of notes carry the level they were written at in `batch`.
HISTORY_BATCH = "note:{level}"
NOTE_ACTIONS = ("note_add", "note_edit", "note_delete")


def _admitted(user, prefix: str, author: str) -> Q | None:
    access = user_access(user)
    if access is None:
        return None
    condition = Q(**{f"{prefix}visibility": NoteVisibility.EVERYONE})
    if access.user_id:
        condition |= Q(**{author: access.user_id})
    if access.managed_members:
        condition |= Q(
            **{
                f"{prefix}visibility": NoteVisibility.MANAGERS,
                f"{author}__in": sorted(access.managed_members),
            }
        )
    return condition


def notes_q(user) -> Q | None:
    """The notes `user`'s level admits, as a condition on `Note` rows (None: all)."""
    return _admitted(user, "", "user_id")


def entries_q(user) -> Q | None:
    """The same on `TimelineEntry` rows of the kind `note` (the timeline's seam)."""
    return _admitted(user, "note__", "user_id")


def admits(user, note) -> bool:
    """Does the note's visibility admit `user`?"""
    access = user_access(user)
    if access is None:
        return True
    if note.visibility == NoteVisibility.EVERYONE:
        return True
    if access.user_id and note.user_id == access.user_id:
        return True
    return note.visibility == NoteVisibility.MANAGERS and access.manages(note.user_id)


def history_q(user, whole: bool) -> Q | None:
    """History rows of notes `user` may read: none where they see the record in part;
    else those written at a level that admits them (the row's user is the author)."""
    access = user_access(user)
    if access is None:
        return None
    others = ~Q(action__in=NOTE_ACTIONS)
    if not whole:
        return others
    level = {
        value: HISTORY_BATCH.format(level=value)
        for value in (NoteVisibility.EVERYONE, NoteVisibility.MANAGERS)
    }
    condition = others | Q(batch=level[NoteVisibility.EVERYONE])
    if access.user_id:
        condition |= Q(user_id=access.user_id)
    if access.managed_members:
        condition |= Q(
            batch=level[NoteVisibility.MANAGERS], user_id__in=sorted(access.managed_members)
        )
    return condition


def record_for(user, entity, record_id, *, brief: bool = False) -> Any:
    """The live record `user` may open, else `RecordNotFound` (hidden or missing alike);
    `brief` reads only what the engine reads of it (id, owner, author, visibility), which
    is all the timeline needs.

    One query: the engine's "may open" condition (`engine.open_q`, the same rule as
    `engine.is_open`) on the record's row."""
    model = get_model(entity.slug)
    pk = record_key(record_id)
    rows = model.objects.alive().filter(engine.open_q(user, entity))
    if brief:
        rows = rows.only("pk", "owner_id", "created_by_id", "visibility")
    record = rows.filter(pk=pk).first() if pk else None
    if record is None:
        raise RecordNotFound(_("Record not found."))
    return record


def record_key(value: Any) -> int | None:
    """A positive bigint from a number or its digits; None for anything else."""
    if isinstance(value, bool):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number < 2**63 else None
