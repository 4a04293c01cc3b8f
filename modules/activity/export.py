"""A record's notes as an Excel workbook: what the reader may read, newest first.

data = notes_xlsx(user, record, notes)     # notes: NoteService().of_record(...)[1]
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from modules.activity import text
from modules.activity.models import NoteVisibility
from modules.activity.services import NoteService
from modules.core.spreadsheets import xlsx_bytes

CHUNK = 1000


def notes_xlsx(user, record, notes) -> bytes:
    """One row per note: date, author, visibility, tags, text, files, comments, likes."""
    header = [
        _("Published"),
        _("Author"),
        _("Visible to"),
        _("Tags"),
        _("Text"),
        _("Files"),
        _("Comments"),
        _("Likes"),
    ]
    rows = NoteService().with_counts(notes, user).order_by("-at", "-id")
    return xlsx_bytes(
        _("Notes"),
        header,
        (
            [
                note.at,
                str(note.user) if note.user_id else "",
                str(NoteVisibility(note.visibility).label),
                ", ".join(note.tags),
                text.plain_text(note.body),
                ", ".join(f["name"] for f in note.files),
                note.comment_count or 0,
                note.like_count or 0,
            ]
            for note in rows.iterator(chunk_size=CHUNK)
        ),
    )
