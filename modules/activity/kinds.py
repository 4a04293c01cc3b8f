"""The kinds of timeline entries activity declares: notes, and the record's changes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modules.activity import access, timeline
from modules.activity.models import Note
from modules.activity.services import NoteService


def note_rows(queryset, user):
    """A page's notes with their counts and whether `user` likes them, in one query."""
    return NoteService().with_counts(queryset, user)


def note_json(note, user) -> dict:
    """A note as the API shows it (on the timeline and in /api/v1/notes/)."""
    return {
        "id": note.pk,
        "body": note.body,
        "visibility": note.visibility,
        "tags": list(note.tags),
        "published_at": note.at.isoformat(),
        "author": {"id": note.user_id, "name": str(note.user) if note.user_id else ""},
        "files": [
            {"id": f["id"], "name": f["name"], "size": f["size"], "url": download_url(f["id"])}
            for f in note.files
        ],
        "comment_count": getattr(note, "comment_count", None) or 0,
        "like_count": getattr(note, "like_count", None) or 0,
        "liked": bool(getattr(note, "liked", False)),
        "version": note.version,
        "mine": bool(user is not None and note.user_id == getattr(user, "pk", None)),
    }


def download_url(attachment_id: int) -> str:
    """Where a note's file is downloaded (the access-checked view of the API)."""
    return reverse("api-note-file", args=[attachment_id])


def register() -> None:
    """Declare the `change` and `note` kinds."""
    timeline.register_kind(timeline.EntryKind(type="change", label=_("Change")))
    timeline.register_kind(
        timeline.EntryKind(
            type="note",
            label=_("Note"),
            model=Note,
            visible=access.entries_q,
            rows=note_rows,
            present=note_json,
            template="activity/entries/note.html",
        )
    )
