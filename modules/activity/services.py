"""NoteService: the only writer of notes, their tags, files, comments and likes.

    service = NoteService()
    note = service.create(user, "persons", 42, body="<p>Called, wants a quote</p>",
                          visibility="managers", tags=["call"], files=[upload])
    service.update(user, note.pk, {"body": "<p>Quote sent</p>"}, expected_version=1)
    service.comment(user, note.pk, "Thanks!")
    service.like(user, note.pk)
    service.delete(user, note.pk)

`move_entries` moves a merged record's timeline to the record it was merged into.

Every call asks the access engine first: a note is read only by someone who may open its
record and whom its visibility admits (`access.py`); any other note, and a note on a
record the user may not open, is missing (404, the same words as a missing id). Only the
author edits or deletes a note. Each write is one transaction and leaves a row in the
record's history (action `note_add`, `note_edit`, `note_delete`), which only readers the
note admits see (`access.history_q`, registered with modules/history).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from modules.access import engine
from modules.activity import access, files, text
from modules.activity.models import (
    Note,
    NoteAttachment,
    NoteComment,
    NoteLike,
    NoteTag,
    NoteVisibility,
    TimelineEntry,
)
from modules.core.exceptions import Conflict, NotFound, PermissionDenied, TesseraError
from modules.core.values import storable_moment
from modules.history import recorder
from modules.metamodel.runtime import get_snapshot

MAX_TAGS = 20
TAG_LENGTH = 50
COMMENT_LENGTH = 5000
#: Characters of a note's text kept in its history row.
HISTORY_TEXT = 500
#: From the most to the least restricted.
LEVELS = (NoteVisibility.PRIVATE, NoteVisibility.MANAGERS, NoteVisibility.EVERYONE)
FIELDS = ("body", "visibility", "tags", "published_at")
#: The labels of a note's keys in the record's history (`note.<id>[.<part>]`).
HISTORY_LABELS = {
    "": gettext_noop("Note"),
    "visibility": gettext_noop("Note: visible to"),
    "tags": gettext_noop("Note: tags"),
    "published": gettext_noop("Note: date"),
    "files": gettext_noop("Note: files"),
}


class NoteNotFound(NotFound):
    """Raised for a note (or a note's record) that is missing or that the user may not read."""

    code = "not_found"


class NoteInvalid(TesseraError):
    """Raised when a note's values do not pass their checks; nothing is written."""

    code = "invalid"


class StaleNote(Conflict):
    """Raised when an edit names a version older than the stored one."""

    code = "stale_version"


def not_found() -> NoteNotFound:
    """The one answer for a missing note and one the user may not read."""
    return NoteNotFound(_("Not found."))


class NoteService:
    """Notes on records, as users may read and write them."""

    # -- reading --------------------------------------------------------------------
    def readable(self, user) -> QuerySet:
        """Notes on live records `user` may open, that their visibility admits."""
        notes = Note.objects.non_polymorphic()
        level = access.notes_q(user)
        if level is not None:
            notes = notes.filter(level)
        records = Q(pk__in=[])
        for entity in get_snapshot().entities:
            model = get_snapshot().model(entity.slug)
            opened = model.objects.alive().filter(engine.open_q(user, entity)).values("pk")
            records |= Q(entity_type_id=entity.id, record_id__in=opened)
        return notes.filter(records)

    def of_record(self, user, entity_slug: str, record_id: Any) -> tuple[Any, QuerySet]:
        """The record (which `user` may open) and its notes `user` may read."""
        entity = self._entity(entity_slug)
        record = self._record(user, entity, record_id)
        notes = Note.objects.non_polymorphic().filter(entity_type_id=entity.id, record_id=record.pk)
        level = access.notes_q(user)
        return record, notes.filter(level) if level is not None else notes

    def get(self, user, note_id: Any) -> Note:
        """A note `user` may read; else NoteNotFound."""
        pk = access.record_key(note_id)
        note = Note.objects.non_polymorphic().filter(pk=pk).first() if pk else None
        if note is None or not access.admits(user, note):
            raise not_found()
        self._record(user, _entity_of(note), note.record_id)
        return note

    def one(self, note_id: int) -> QuerySet:
        """The note `note_id` as a queryset (for `with_counts`), the caller having checked
        that the user may read it."""
        return Note.objects.non_polymorphic().filter(pk=note_id)

    def with_counts(self, notes: QuerySet, user) -> QuerySet:
        """Notes with `comment_count`, `like_count` and `liked` (by `user`) in one query."""
        comments = NoteComment.objects.filter(note=OuterRef("pk"))
        likes = NoteLike.objects.filter(note=OuterRef("pk"))
        return notes.select_related("user").annotate(
            comment_count=_count(comments),
            like_count=_count(likes),
            liked=Exists(likes.filter(user_id=getattr(user, "pk", 0) or 0)),
        )

    def attachment(self, user, attachment_id: Any) -> NoteAttachment:
        """A file of a note `user` may read; else NoteNotFound."""
        pk = access.record_key(attachment_id)
        found = NoteAttachment.objects.filter(pk=pk).first() if pk else None
        if found is None:
            raise not_found()
        self.get(user, found.note_id)
        return found

    def comments(self, user, note_id: Any) -> QuerySet:
        note = self.get(user, note_id)
        return note.comments.select_related("user")

    # -- writing --------------------------------------------------------------------
    def create(
        self,
        user,
        entity_slug: str,
        record_id: Any,
        values: dict,
        *,
        uploads: list | tuple = (),
    ) -> Note:
        """A note on a record `user` may open; `values`: body (required), visibility,
        tags, published_at."""
        entity = self._entity(entity_slug)
        if user is None or not getattr(user, "pk", None):
            raise PermissionDenied(_("Sign in to write notes."))
        with self._files_kept_on_success() as saved, transaction.atomic():
            record = self._record(user, entity, record_id)
            cleaned = self._clean(values, creating=True, uploads=uploads)
            note = Note(
                entity_type_id=entity.id,
                record_id=record.pk,
                user=user,
                body=cleaned["body"],
                visibility=cleaned.get("visibility", NoteVisibility.EVERYONE),
                tags=cleaned.get("tags", []),
                at=cleaned.get("published_at") or timezone.now(),
            )
            note.save()
            self._store_tags(note)
            self._attach(note, uploads, saved)
            self._log(user, entity, record, note, "note_add", None, _summary(note))
        return note

    def update(
        self,
        user,
        note_id: Any,
        values: dict,
        *,
        expected_version: int | None = None,
        uploads: list | tuple = (),
        remove_files: list | tuple = (),
    ) -> Note:
        """Change what `values` names (and add or remove files); the author only."""
        with self._files_kept_on_success() as saved, transaction.atomic():
            note = self._own(user, note_id, lock=True)
            entity = _entity_of(note)
            record = self._record(user, entity, note.record_id)
            if expected_version is not None and expected_version != note.version:
                raise StaleNote(
                    _("Someone changed this note meanwhile; reload it."),
                    extra={"current_version": note.version},
                )
            removing = self._removed(note, remove_files)
            cleaned = self._clean(
                values, creating=False, uploads=uploads, keeping=len(note.files) - len(removing)
            )
            before = _summary(note)
            for name in ("body", "visibility", "tags"):
                if name in cleaned:
                    setattr(note, name, cleaned[name])
            if cleaned.get("published_at"):
                note.at = cleaned["published_at"]
            gone = [a.file.name for a in removing]
            dropped = {a.pk for a in removing}
            for attachment in removing:
                attachment.delete()
            note.files = [f for f in note.files if f["id"] not in dropped]
            self._attach(note, uploads, saved)
            after = _summary(note)
            if before == after:
                return note
            note.version += 1
            note.save()
            if "tags" in cleaned:
                self._store_tags(note)
            self._log(user, entity, record, note, "note_edit", before, after)
            transaction.on_commit(lambda: _delete_files(gone))
        return note

    def delete(self, user, note_id: Any) -> None:
        """Delete a note with its files, comments and likes; the author only."""
        with transaction.atomic():
            note = self._own(user, note_id, lock=True)
            entity = _entity_of(note)
            record = self._record(user, entity, note.record_id)
            gone = list(note.attachments.values_list("file", flat=True))
            self._log(user, entity, record, note, "note_delete", _summary(note), None)
            note.delete()
            transaction.on_commit(lambda: _delete_files(gone))

    def comment(self, user, note_id: Any, body: Any) -> NoteComment:
        """A comment on a note `user` may read."""
        if not isinstance(body, str) or not body.strip():
            raise NoteInvalid(errors={"body": [_("Write the comment.")]})
        if len(body) > COMMENT_LENGTH or "\x00" in body:
            raise NoteInvalid(
                errors={"body": [_("At most %(n)s characters.") % {"n": COMMENT_LENGTH}]}
            )
        with transaction.atomic():
            note = self.get(user, note_id)
            return NoteComment.objects.create(note=note, user=user, body=body.strip())

    def like(self, user, note_id: Any, *, liked: bool = True) -> int:
        """Like (or stop liking) a note `user` may read; the number of likes after."""
        with transaction.atomic():
            note = self.get(user, note_id)
            if liked:
                NoteLike.objects.get_or_create(note=note, user=user)
            else:
                NoteLike.objects.filter(note=note, user=user).delete()
            return NoteLike.objects.filter(note=note).count()

    # -- checks ---------------------------------------------------------------------
    def _entity(self, entity_slug: str):
        try:
            return get_snapshot().entity(str(entity_slug))
        except NotFound:
            raise not_found() from None

    def _record(self, user, entity, record_id):
        try:
            return access.record_for(user, entity, record_id)
        except NotFound:
            raise not_found() from None

    def _own(self, user, note_id: Any, *, lock: bool = False) -> Note:
        note = self.get(user, note_id)
        if lock:
            note = Note.objects.non_polymorphic().select_for_update().get(pk=note.pk)
        if not user or note.user_id != user.pk:
            raise PermissionDenied(_("Only its author may change or delete a note."))
        return note

    def _clean(
        self, values: Any, *, creating: bool, uploads=(), keeping: int = 0
    ) -> dict[str, Any]:
        if not isinstance(values, dict):
            raise NoteInvalid(_("Give the note's values as an object."))
        errors: dict[str, list[str]] = {}
        unknown = sorted(set(values) - set(FIELDS))
        for name in unknown:
            errors[name] = [_("Unknown field.")]
        cleaned: dict[str, Any] = {}
        if creating or "body" in values:
            cleaned["body"] = _clean_body(values.get("body"), errors)
        if "visibility" in values:
            if values["visibility"] not in NoteVisibility.values:
                errors["visibility"] = [
                    _("Choose one of: %(values)s.") % {"values": ", ".join(NoteVisibility.values)}
                ]
            else:
                cleaned["visibility"] = values["visibility"]
        if "tags" in values:
            cleaned["tags"] = _clean_tags(values["tags"], errors)
        if values.get("published_at") not in (None, ""):
            cleaned["published_at"] = _clean_moment(values["published_at"], errors)
        uploads = list(uploads)
        if keeping + len(uploads) > settings.NOTE_ATTACHMENTS_PER_NOTE:
            errors.setdefault("files", []).append(
                _("A note holds at most %(n)s files.") % {"n": settings.NOTE_ATTACHMENTS_PER_NOTE}
            )
        for upload in uploads:
            try:
                upload.checked = files.check_upload(upload)
            except files.AttachmentRefused as error:
                errors.setdefault("files", []).append(str(error.detail))
        if errors:
            raise NoteInvalid(_("The note was not saved."), errors=errors)
        return cleaned

    def _removed(self, note: Note, remove_files) -> list[NoteAttachment]:
        wanted = [access.record_key(pk) for pk in remove_files]
        if None in wanted:
            raise NoteInvalid(errors={"remove_files": [_("Give the ids of this note's files.")]})
        found = list(note.attachments.filter(pk__in=wanted))
        if len(found) != len(set(wanted)):
            raise NoteInvalid(errors={"remove_files": [_("Give the ids of this note's files.")]})
        return found

    # -- writes of the parts --------------------------------------------------------
    @contextmanager
    def _files_kept_on_success(self):
        """Files stored during a write that fails are deleted again."""
        saved: list[str] = []
        try:
            yield saved
        except BaseException:
            _delete_files(saved)
            raise

    def _attach(self, note: Note, uploads, saved: list[str]) -> None:
        for upload in uploads:
            name, content_type = upload.checked
            attachment = NoteAttachment(
                note=note, name=name, size=upload.size, content_type=content_type
            )
            attachment.file.save(name, upload, save=False)
            saved.append(attachment.file.name)
            attachment.save()
            note.files = [*note.files, {"id": attachment.pk, "name": name, "size": upload.size}]
        if uploads:
            Note.objects.non_polymorphic().filter(pk=note.pk).update(files=note.files)

    def _store_tags(self, note: Note) -> None:
        NoteTag.objects.filter(note=note).delete()
        NoteTag.objects.bulk_create(
            [NoteTag(note=note, name=name) for name in {t.casefold() for t in note.tags}]
        )

    def _log(self, user, entity, record, note: Note, action: str, before, after) -> None:
        changes, labels = {}, {}
        for part in ("", "visibility", "tags", "published", "files"):
            old = (before or {}).get(part or "text")
            new = (after or {}).get(part or "text")
            if old != new:
                key = f"note.{note.pk}" + (f".{part}" if part else "")
                changes[key] = [old, new]
                labels[key] = _in_every_language(HISTORY_LABELS[part])
        levels = [s["level"] for s in (before, after) if s]
        level = min(levels, key=LEVELS.index)
        recorder.log(
            user,
            entity,
            "update",
            record.pk,
            changes,
            action=action,
            batch=access.HISTORY_BATCH.format(level=level),
            title=entity.title_of(record),
            labels=labels,
        )


def move_entries(user, entity, kept_id: int, merged_id: int) -> dict[str, int]:
    """The merge mover of the timeline (`records.hooks`): every entry of the merged record,
    of every kind (notes and what other modules put there), moves to the kept record."""
    moved = TimelineEntry.objects.filter(entity_type_id=entity.id, record_id=merged_id).update(
        record_id=kept_id
    )
    return {"timeline_entries": moved}


def _entity_of(note: Note):
    """The entity type of a note's record; NoteNotFound when it is in the trash."""
    try:
        return get_snapshot().model_by_id(note.entity_type_id).entity
    except NotFound:
        raise not_found() from None


def _count(rows: QuerySet) -> Subquery:
    return Subquery(
        rows.order_by().values("note").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def _clean_body(value: Any, errors: dict) -> str:
    if not isinstance(value, str) or not value.strip():
        errors["body"] = [_("Write the note.")]
        return ""
    if "\x00" in value:
        errors["body"] = [_("The text holds a character that cannot be stored.")]
        return ""
    body = text.clean_body(value)
    if not text.plain_text(body):
        errors["body"] = [_("Write the note.")]
    elif len(body) > text.MAX_LENGTH:
        errors["body"] = [_("At most %(n)s characters.") % {"n": text.MAX_LENGTH}]
    return body


def _clean_tags(value: Any, errors: dict) -> list[str]:
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        errors["tags"] = [_("Give the tags as a list of texts.")]
        return []
    tags, seen = [], set()
    for tag in (" ".join(t.split()) for t in value):
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > TAG_LENGTH or "\x00" in tag:
            errors["tags"] = [_("A tag has at most %(n)s characters.") % {"n": TAG_LENGTH}]
            return []
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        errors["tags"] = [_("At most %(n)s tags.") % {"n": MAX_TAGS}]
        return []
    return tags


def _clean_moment(value: Any, errors: dict) -> dt.datetime | None:
    moment = value if isinstance(value, dt.datetime) else None
    if isinstance(value, str):
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
    if moment is None:
        errors["published_at"] = [_("Give a date and time (ISO 8601).")]
        return None
    if timezone.is_naive(moment):
        try:
            moment = timezone.make_aware(moment)
        except (ValueError, OverflowError):
            errors["published_at"] = [_("This moment is out of range.")]
            return None
    try:
        return storable_moment(moment)
    except ValueError as error:
        errors["published_at"] = [str(error)]
        return None


def _summary(note: Note) -> dict:
    """What a note's history row keeps of it (plain text, cut short)."""
    plain = text.plain_text(note.body)
    return {
        "text": plain[:HISTORY_TEXT] + ("…" if len(plain) > HISTORY_TEXT else ""),
        "visibility": str(NoteVisibility(note.visibility).label),
        "tags": ", ".join(note.tags),
        "published": timezone.localtime(note.at).strftime("%Y-%m-%d %H:%M"),
        "files": ", ".join(f["name"] for f in note.files),
        "level": note.visibility,
    }


def _in_every_language(message: str) -> dict[str, str]:
    """A label in every language, as history keeps field labels."""
    labels = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = _(message)
    return labels


def _delete_files(names) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
