"""Saved views of a list: personal or shared filters, columns and sort, a default per role.

    service = SavedViewService()
    view = service.create(ann, "persons", name="Kraków", filters={"city": "Kraków"},
                          columns=["first_name", "city"], ordering="-updated_at")
    service.visible(ann, "persons")           # her own views and the shared ones
    service.default_for(ann, "persons")       # the shared view her role opens with, if any
    service.query_string(view)                # "city=Kraków&ordering=-updated_at"

A view stores what the list's query string takes, checked against the entity type's fields,
so a view never asks for more than its user could type: applying it goes through the same
list and the same access checks (a filter on a value the user may not read is refused there).
Another user's personal view answers as missing. Only its owner changes a view; shared
views and role defaults are for administrators.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from modules.accounts.models import Membership, Role
from modules.core.exceptions import NotFound, PermissionDenied, TesseraError
from modules.metamodel.models import EntityType
from modules.metamodel.runtime import get_snapshot
from modules.records.models import SavedView

#: List parameters a view may hold besides field filters.
SYSTEM_FILTERS = {"owner", "segment", "visibility", "score_min", "score_max"}
SYSTEM_COLUMNS = {"owner", "updated_at", "created_at", "segment", "score"}
MAX_FILTERS = 30
MAX_VALUE = 500
#: The order in which a user's roles pick the default view.
ROLE_ORDER = [Role.ADMINISTRATOR, Role.MANAGER, Role.USER]


class SavedViewInvalid(TesseraError):
    """Raised when a saved view's name, filters, columns or sort are not valid."""

    code = "invalid_view"


class SavedViewNotFound(NotFound):
    """Raised when no saved view the user may see has the given id."""

    code = "not_found"


class SavedViewService:
    """The only writer of saved views."""

    def visible(self, user, slug: str):
        """The user's own views of `slug` and the shared ones, by name."""
        entity = _entity(slug)
        return SavedView.objects.filter(entity_type=entity).filter(Q(owner=user) | Q(shared=True))

    def get(self, user, slug: str, pk) -> SavedView:
        view = self.visible(user, slug).filter(pk=pk).first()
        if view is None:
            raise SavedViewNotFound(_("There is no such view."))
        return view

    def default_for(self, user, slug: str) -> SavedView | None:
        """The shared view the user's highest role opens the list with, if there is one."""
        roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
        if _administrator(user):
            roles.add(Role.ADMINISTRATOR)
        defaults = {
            v.default_for_role: v
            for v in self.visible(user, slug).filter(shared=True).exclude(default_for_role="")
        }
        return next((defaults[r] for r in ROLE_ORDER if r in roles and r in defaults), None)

    def create(self, user, slug: str, **values) -> SavedView:
        entity = _entity(slug)
        view = SavedView(entity_type=entity, owner=user)
        self._apply(user, slug, view, values, creating=True)
        with transaction.atomic():
            self._free_default(view)
            view.save()
        return view

    def update(self, user, slug: str, pk, **values) -> SavedView:
        view = self.get(user, slug, pk)
        if view.owner_id != user.pk:
            raise PermissionDenied(_("Only the owner of a view may change it."))
        self._apply(user, slug, view, values, creating=False)
        with transaction.atomic():
            self._free_default(view)
            view.save()
        return view

    def delete(self, user, slug: str, pk) -> None:
        view = self.get(user, slug, pk)
        if view.owner_id != user.pk and not _administrator(user):
            raise PermissionDenied(_("Only the owner of a view may delete it."))
        view.delete()

    @staticmethod
    def query_string(view: SavedView) -> str:
        """The list's query string that shows `view`."""
        params = dict(view.filters)
        if view.search:
            params["q"] = view.search
        if view.ordering:
            params["ordering"] = view.ordering
        return urlencode(params)

    # -- checks -------------------------------------------------------------------------
    def _apply(self, user, slug: str, view: SavedView, values: dict, *, creating: bool) -> None:
        entity = get_snapshot().entity(slug)
        errors: dict[str, list[str]] = {}
        if "name" in values or creating:
            name = " ".join(str(values.get("name") or "").split())
            if not name or len(name) > 100:
                errors["name"] = [_("Give the view a name of 1 to 100 characters.")]
            view.name = name
        if "filters" in values:
            view.filters = _filters(entity, values["filters"], errors)
        if "search" in values:
            search = str(values["search"] or "").strip()
            if len(search) > 200:
                errors["search"] = [_("A search has at most 200 characters.")]
            view.search = search
        if "columns" in values:
            view.columns = _columns(entity, values["columns"], errors)
        if "ordering" in values:
            view.ordering = _ordering(entity, values["ordering"], errors)
        if "shared" in values:
            view.shared = bool(values["shared"])
        if "default_for_role" in values:
            view.default_for_role = values["default_for_role"] or ""
            if view.default_for_role not in {"", *Role.values}:
                errors["default_for_role"] = [_("Pick a system role.")]
        if (view.shared or view.default_for_role) and not _administrator(user):
            errors.setdefault("shared", []).append(
                _("Only administrators share views or make them a role's default.")
            )
        if view.default_for_role and not view.shared:
            errors["default_for_role"] = [_("Only a shared view can be a role's default.")]
        if errors:
            raise SavedViewInvalid(_("The view is not valid."), errors=errors)

    @staticmethod
    def _free_default(view: SavedView) -> None:
        """A role has one default view: the new one takes the place of the old."""
        if view.default_for_role:
            SavedView.objects.filter(
                entity_type=view.entity_type, default_for_role=view.default_for_role
            ).exclude(pk=view.pk).update(default_for_role="")


def _administrator(user) -> bool:
    return bool(getattr(user, "is_administrator", False))


def _entity(slug: str) -> EntityType:
    get_snapshot().entity(slug)  # a type out of the snapshot answers as missing
    return EntityType.objects.alive().by_slug(slug)


def _filters(entity, filters, errors) -> dict:
    if not isinstance(filters, dict) or len(filters) > MAX_FILTERS:
        errors["filters"] = [
            _("Give at most %(n)s filters as names and values.") % {"n": MAX_FILTERS}
        ]
        return {}
    cleaned = {}
    for key, value in filters.items():
        name, _sep, lookup = str(key).partition("__")
        known = name in SYSTEM_FILTERS or (
            entity.has_field(name)
            and (not lookup or lookup in entity.field(name).type_class.lookups)
        )
        if not known:
            errors[f"filters.{key}"] = [_("This list has no such filter.")]
        elif not isinstance(value, (str, int, float, bool)) or len(str(value)) > MAX_VALUE:
            errors[f"filters.{key}"] = [_("Give a value of at most 500 characters.")]
        else:
            cleaned[str(key)] = str(value)
    return cleaned


def _columns(entity, columns, errors) -> list:
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        errors["columns"] = [_("Give the columns as a list of field names.")]
        return []
    unknown = [c for c in columns if c not in SYSTEM_COLUMNS and not entity.has_field(c)]
    if unknown or len(set(columns)) != len(columns):
        errors["columns"] = [_("Name each column once, by a field of this list.")]
        return []
    return columns


def _ordering(entity, ordering, errors) -> str:
    text = str(ordering or "").strip()
    keys = [k for k in text.split(",") if k]
    for key in keys:
        name = key.removeprefix("-")
        sortable = name in SYSTEM_COLUMNS or (
            entity.has_field(name) and entity.field(name).type_class.sortable
        )
        if not sortable:
            errors["ordering"] = [_("This list cannot be sorted by %(name)s.") % {"name": name}]
            return ""
    return ",".join(keys)
