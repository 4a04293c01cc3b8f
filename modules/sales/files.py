"""Files attached to completed actions: size-checked on the way in, downloaded only through
a route that checks the record, always as an attachment.

    check_upload(file)                     # raises ProcessRefused (400 on `file`)
    download(user, "deals", 7, completion_id)   # a FileResponse, or 404
"""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _

from modules.access import engine
from modules.core.exceptions import NotFound
from modules.sales.exceptions import ProcessRefused
from modules.sales.models import Completion

#: The largest file a completion takes.
MAX_BYTES = 10 * 1024 * 1024


def check_upload(file) -> None:
    """Refuse an empty or too large file."""
    if file.size == 0:
        raise ProcessRefused(_("The file is empty."), field="file")
    if file.size > MAX_BYTES:
        raise ProcessRefused(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            field="file",
        )


def download(user, record, completion_id) -> FileResponse:
    """The file of a completion of `record` (already loaded for `user`), as an attachment."""
    if not engine.is_open(user, record):
        raise NotFound(_("Not found."))
    completion = Completion.objects.filter(
        pk=completion_id, entity_type_id=record.entity.id, record_id=record.pk
    ).first()
    if completion is None or not completion.file:
        raise NotFound(_("Not found."))
    name = completion.file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        completion.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
