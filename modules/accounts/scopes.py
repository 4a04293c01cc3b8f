"""What an API token may do: its scopes, and the scope each API request needs.

    needed = required_scope(request, view, user)   # "read", "write:deals", "admin" or None
    allows(token.scopes, needed)                # True when one of the scopes covers it

Scopes narrow a token, they never widen its user: a request a token's scopes allow is
still judged by the access engine as its user's. Reads need `read`. A write to the
records of an entity type (the record routes under `/{slug}/`, their relations, imports
and bulk actions) needs `write:<slug>` or `write` (every type). A write to metadata,
users, teams or the account needs `admin`; any other write (notes, tasks, …) `write`.
`leads:intake` opens the lead intake endpoint, and only it opens it. A view may name its
own scope with `required_scope(request, user)`; None means the view needs none (a token
manages itself).
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS

from modules.metamodel.runtime import get_snapshot

READ = "read"
WRITE = "write"
ADMIN = "admin"
LEAD_INTAKE = "leads:intake"
WRITE_PREFIX = "write:"
#: The scopes that do not name an entity type.
FIXED_SCOPES = (READ, WRITE, ADMIN, LEAD_INTAKE)
#: Writes under these paths are administration; other writes outside the record routes
#: (notes, tasks, …) are a user's own work and need `write`.
ADMIN_PATHS = tuple(f"/api/v1/{area}/" for area in ("meta", "users", "teams", "account"))
#: What a token had before tokens had scopes, and what a password sign-in gets: all of it.
FULL = [READ, WRITE, ADMIN]


def write_scope(slug: str) -> str:
    """The scope of writes to the records of one entity type."""
    return f"{WRITE_PREFIX}{slug}"


def allows(scopes: list[str], needed: str | None) -> bool:
    """Whether a token with `scopes` may make a request that needs `needed`."""
    if needed is None or needed in scopes:
        return True
    return needed.startswith(WRITE_PREFIX) and WRITE in scopes


def required_scope(request, view, user) -> str | None:
    """The scope the request of `user` needs, from its method and the view serving it.

    It runs while the request is being authenticated: `request.user` is not there yet.
    """
    own = getattr(view, "required_scope", None)
    if callable(own):
        return own(request, user)
    if request.method in SAFE_METHODS:
        return READ
    # The record routes' views name their entity type (`entity_slug`, or the URL's slug).
    if hasattr(type(view), "entity_slug"):
        slug = view.entity_slug or view.kwargs.get("slug")
        if slug in {entity.slug for entity in get_snapshot().entities}:
            return write_scope(slug)
        return None  # no such entity type: the view answers its 404
    if request.path.startswith(ADMIN_PATHS):
        return ADMIN
    return WRITE


def known_scopes() -> list[str]:
    """Every scope a token may be given now: the fixed ones and one per entity type."""
    slugs = sorted(entity.slug for entity in get_snapshot().entities)
    return [*FIXED_SCOPES, *(write_scope(slug) for slug in slugs)]
