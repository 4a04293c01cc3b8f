"""The base of every domain exception Tessera's services raise.

    raise FieldNameInvalid(_("..."), field="api_name")

The API maps them to `{"code", "detail", "errors"}`; the admin shows them as form
errors. Services never raise DRF or HTTP exceptions.
"""

from typing import Any


class TesseraError(Exception):
    """Raised by services when a request cannot be carried out."""

    code = "error"
    status = 400

    def __init__(
        self,
        detail: Any = None,
        *,
        errors: dict[str, list[str]] | None = None,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ):
        self.detail = str(detail) if detail is not None else str(self.__doc__ or self.code)
        self.errors = dict(errors or {})
        if field and not self.errors:
            self.errors[field] = [self.detail]
        self.extra = dict(extra or {})
        super().__init__(self.detail)

    def as_dict(self) -> dict[str, Any]:
        """The one error shape of the API contract."""
        return {"code": self.code, "detail": self.detail, "errors": self.errors, **self.extra}


class PermissionDenied(TesseraError):
    """Raised when the acting user may not do what was asked."""

    code = "permission_denied"
    status = 403


class NotFound(TesseraError):
    """Raised when a thing does not exist or the user may not see it."""

    code = "not_found"
    status = 404


class Conflict(TesseraError):
    """Raised when a write is based on stale data or collides with another."""

    code = "conflict"
    status = 409
