"""`ETag` on a record's answers and `If-Match` on its writes (412 when it is stale).

    response["ETag"] = etag(record_json)            # '"42.7"': record 42 at version 7
    expected = if_match_version(request, lambda: record_json)  # None without If-Match

The tag names the record and its version, which every write moves, so it is a strong
validator for writes (`If-Match` compares strongly). `If-Match: *` matches any version of
a record the caller may see. The check and the write are one: the version a matching tag
names is handed to the service as the expected version, so a change landing in between is
refused too (412, not the `version` key's 409).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from modules.core.exceptions import TesseraError


class PreconditionFailed(TesseraError):
    """Raised when `If-Match` names a version other than the record's current one."""

    code = "precondition_failed"
    status = 412


def etag(record: dict) -> str | None:
    """The ETag of a record's JSON; None for one shown restricted (it carries no version)."""
    version = record.get("version")
    if version is None or record.get("restricted"):
        return None
    return f'"{record["id"]}.{version}"'


def if_match_version(request, load: Callable[[], dict]) -> int | None:
    """The version `If-Match` expects (None without the header); PreconditionFailed if stale.

    `load()` reads the record as the caller sees it, only when the header is there.
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    record = load()
    current = etag(record)
    tags = [tag.strip() for tag in header.split(",")]
    if current is not None and ("*" in tags or current in tags):
        return record["version"]
    raise PreconditionFailed(
        _("The record changed since you read it (If-Match): read it again, then write."),
        extra={"etag": current} if current else None,
    )


def refused(stale: Exception) -> PreconditionFailed:
    """A stale write that `If-Match` named: the version changed between check and write."""
    return PreconditionFailed(str(stale))
