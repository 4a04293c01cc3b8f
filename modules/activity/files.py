"""What a note's attachment may be: its size, its type told by its content, no zip bombs.

    kind = check_upload(upload)      # AttachmentRefused, or the type it will be served as

Only the types below are taken, each recognised by its first bytes (and, for the zip
formats, by the members the format requires), so a file's name cannot smuggle in another
type: HTML, SVG, scripts and programs are refused whatever they are called. Zip formats
(docx, xlsx, pptx, odt, ods, odp) are refused when their members would unpack beyond
NOTE_ATTACHMENT_MAX_UNPACKED_BYTES or pack more tightly than NOTE_ATTACHMENT_MAX_RATIO
(a zip bomb named .docx). Files are served only by the access-checked download view, as
attachments with `nosniff`.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from modules.core.exceptions import TesseraError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NAME_LENGTH = 200


class AttachmentRefused(TesseraError):
    """Raised when an uploaded file is too large, of a refused type, or damaged."""

    code = "attachment_refused"


@dataclass(frozen=True)
class FileKind:
    """An accepted type: what it is served as and how its content is recognised."""

    content_type: str
    #: `check(head, upload)`: is the content what the extension says?
    check: Callable[[bytes, IO[bytes]], bool]


def _starts(*prefixes: bytes) -> Callable[[bytes, IO[bytes]], bool]:
    return lambda head, upload: head.startswith(prefixes)


def _webp(head: bytes, upload) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _text(head: bytes, upload) -> bool:
    return b"\x00" not in head


def _zip_with(member: str) -> Callable[[bytes, IO[bytes]], bool]:
    def check(head: bytes, upload) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        names = _checked_zip(upload)
        return member in names

    return check


KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", _starts(b"%PDF-")),
    "png": FileKind("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": FileKind("image/jpeg", _starts(b"\xff\xd8\xff")),
    "jpeg": FileKind("image/jpeg", _starts(b"\xff\xd8\xff")),
    "gif": FileKind("image/gif", _starts(b"GIF87a", b"GIF89a")),
    "webp": FileKind("image/webp", _webp),
    "txt": FileKind("text/plain; charset=utf-8", _text),
    "csv": FileKind("text/csv; charset=utf-8", _text),
    "doc": FileKind("application/msword", _starts(OLE2)),
    "xls": FileKind("application/vnd.ms-excel", _starts(OLE2)),
    "ppt": FileKind("application/vnd.ms-powerpoint", _starts(OLE2)),
    "docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_with("word/document.xml"),
    ),
    "xlsx": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_with("xl/workbook.xml"),
    ),
    "pptx": FileKind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _zip_with("ppt/presentation.xml"),
    ),
    "odt": FileKind("application/vnd.oasis.opendocument.text", _zip_with("mimetype")),
    "ods": FileKind("application/vnd.oasis.opendocument.spreadsheet", _zip_with("mimetype")),
    "odp": FileKind("application/vnd.oasis.opendocument.presentation", _zip_with("mimetype")),
}


def _checked_zip(upload: IO[bytes]) -> set[str]:
    """The member names of a zip that is no bomb; AttachmentRefused otherwise."""
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise AttachmentRefused(_("The file is a damaged archive."), field="files") from None
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    limit = settings.NOTE_ATTACHMENT_MAX_UNPACKED_BYTES
    ratio = settings.NOTE_ATTACHMENT_MAX_RATIO
    if unpacked > limit or unpacked > max(packed, 1) * ratio:
        raise AttachmentRefused(
            _("The file unpacks to far more than its size; it is refused."), field="files"
        )
    return {member.filename for member in members}


def clean_name(name: str) -> str:
    """The file's name without folders, control characters or a leading dot."""
    base = os.path.basename(str(name).replace("\\", "/"))
    base = "".join(
        c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C"
    )
    base = base.strip().lstrip(".")
    return base[-NAME_LENGTH:] or "file"


def check_upload(upload) -> tuple[str, str]:
    """(cleaned name, content type) of an acceptable upload; AttachmentRefused otherwise."""
    name = clean_name(getattr(upload, "name", "") or "")
    limit = settings.NOTE_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise AttachmentRefused(
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)},
            field="files",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = KINDS.get(extension)
    if kind is None:
        raise AttachmentRefused(
            _("Files of this type are not accepted: %(name)s. Accepted: %(types)s.")
            % {"name": name, "types": ", ".join(sorted(KINDS))},
            field="files",
        )
    upload.seek(0)
    head = upload.read(512)
    if not kind.check(head, upload):
        raise AttachmentRefused(
            _("%(name)s is not the kind of file its name says.") % {"name": name},
            field="files",
        )
    upload.seek(0)
    return name, kind.content_type
