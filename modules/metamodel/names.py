"""The rules for names admins type: field api names and entity type slugs.

    check_field_name("sales_potential")   # returns the name or raises InvalidName
    check_entity_slug("meta")              # raises InvalidName: reserved

Names never reach SQL: columns are `f_<id>` and tables `ent_<id>`. These rules keep
names safe as model attributes, API keys and query parameters.
"""

import keyword
import re

from django.db import models
from django.utils.translation import gettext as _

from modules.metamodel.exceptions import InvalidName

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

SYSTEM_FIELD_NAMES = frozenset(
    {
        "id",
        "pk",
        "owner",
        "owner_id",
        "visibility",
        "version",
        "created_at",
        "updated_at",
        "created_by",
        "created_by_id",
        "updated_by",
        "updated_by_id",
        "deleted_at",
        "score",
        "segment",
        "participants",
        "participant_teams",
        "responsible",
        "restricted",
        "title",
        "relations",
        "history",
        "entity",
        "entity_type",
    }
)
QUERY_PARAMETERS = frozenset(
    {
        "fields",
        "search",
        "ordering",
        "count",
        "page_size",
        "cursor",
        "format",
        "expand",
        "include_deleted",
        "related_to",
        "relation_type",
        "q",
        "page",
        "limit",
        "offset",
    }
)
RESERVED_SLUGS = frozenset(
    {
        "meta",
        "auth",
        "schema",
        "docs",
        "history",
        "imports",
        "users",
        "teams",
        "account",
        "search",
        "me",
        "api",
        "admin",
        "static",
        "media",
        "trash",
        "bulk",
        "export",
        # Tasks are static models served at /api/v1/tasks/ (modules/tasks).
        "tasks",
    }
)


def _model_attributes() -> frozenset[str]:
    names = {n for n in dir(models.Model) if not n.startswith("__")}
    names |= {"objects", "save", "delete", "clean", "check", "full_clean", "get_value"}
    # What the runtime base class adds: its class attributes and Django's
    # get_next_by_/get_previous_by_ methods of its date-time columns.
    names |= {"schema_key"}
    names |= {
        f"get_{way}_by_{column}"
        for way in ("next", "previous")
        for column in ("created_at", "updated_at")
    }
    return frozenset(n.lower() for n in names)


RESERVED_FIELD_NAMES = (
    SYSTEM_FIELD_NAMES
    | QUERY_PARAMETERS
    | _model_attributes()
    | frozenset(keyword.kwlist + keyword.softkwlist)
)


def _check_shape(name: object, what: str, key: str) -> str:
    # fullmatch: `$` would also let a final newline through.
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise InvalidName(
            _(
                "%(what)s must start with a lowercase letter and use only lowercase letters, "
                "digits and underscores (at most 63)."
            )
            % {"what": what},
            field=key,
        )
    if "__" in name or name.endswith("_"):
        raise InvalidName(
            _("%(what)s may not contain '__' or end with '_'.") % {"what": what}, field=key
        )
    return name


def check_field_name(name: object) -> str:
    """Return `name` if it may be a field's api name; raise InvalidName otherwise."""
    name = _check_shape(name, _("An API name"), "api_name")
    if name in RESERVED_FIELD_NAMES or re.fullmatch(r"f_\d+.*", name):
        raise InvalidName(
            _("'%(name)s' is reserved; choose another API name.") % {"name": name}, field="api_name"
        )
    return name


def check_entity_slug(slug: object) -> str:
    """Return `slug` if it may name an entity type; raise InvalidName otherwise."""
    slug = _check_shape(slug, _("An API name"), "slug")
    if slug in RESERVED_SLUGS:
        raise InvalidName(
            _("'%(name)s' is reserved; choose another API name.") % {"name": slug}, field="slug"
        )
    return slug
