"""List filters of the admin screens, built from the field types (`admin_filter`)."""

from __future__ import annotations

import django_filters
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from modules.access import engine, grants
from modules.access.models import ObjectRole
from modules.access.spec import access_spec
from modules.accounts.filters import UserFilter
from modules.core.values import StorableFilterSetMixin
from modules.metamodel.runtime.builder import class_name
from modules.metamodel.runtime.snapshot import SchemaSnapshot
from modules.records.screens import extensions
from modules.records.services import VISIBILITIES


def _build(snapshot: SchemaSnapshot, slug: str):
    entity, model = snapshot.entity(slug), snapshot.model(slug)
    filters = {}
    for spec in entity.fields:
        admin_filter = spec.type_class.admin_filter(spec)
        if admin_filter is not None:
            filters[spec.api_name] = _name_range_inputs(admin_filter)
    filters["owner"] = UserFilter(field_name="owner", label=_("Owner"))
    for role in access_spec(entity).granted_roles:
        filters[str(role)] = GrantHolderFilter(
            field_name=str(role), label=ObjectRole(role).label, role=str(role), entity=entity
        )
    # Filters of modules above records (segmentation's segment and score).
    for name, contributed in extensions.list_filters(entity).items():
        filters[name] = _name_range_inputs(contributed)
    filters["visibility"] = django_filters.MultipleChoiceFilter(
        field_name="visibility", label=_("Visibility"), choices=[(v, v) for v in VISIBILITIES]
    )
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(
        f"{class_name(entity)}AdminFilterSet",
        (StorableFilterSetMixin, WagtailFilterSet),
        {**filters, "Meta": meta},
    )


class GrantHolderFilter(UserFilter):
    """Records on which one of the chosen users holds a granted role (participant, ...).

    Only records the user may open count: who takes part in a record is not shown on a
    non-public record they may only list, so filtering by it must not reveal it either.
    """

    def __init__(self, *args, role: str, entity, **kwargs):
        super().__init__(*args, **kwargs)
        self.role, self.entity = role, entity

    def filter(self, qs, value):
        if not value:
            return qs
        user = self.parent.request.user
        held = grants.held_by_q(self.entity.id, self.role, [u.pk for u in value])
        return qs.filter(held, engine.open_q(user, self.entity))


def _name_range_inputs(admin_filter):
    """Give a range filter's two inputs a placeholder and a name ("From", "To").

    Wagtail shows the filter's label once above two bare text inputs.
    """
    if not isinstance(admin_filter, django_filters.RangeFilter) or "widget" in admin_filter.extra:
        return admin_filter
    widget = admin_filter.field_class.widget()
    for input_widget, bound in zip(widget.widgets, (_("From"), _("To")), strict=True):
        input_widget.attrs.update(
            {"placeholder": bound, "aria-label": format_lazy("{}: {}", admin_filter.label, bound)}
        )
    admin_filter.extra["widget"] = widget
    return admin_filter


def record_admin_filterset(snapshot: SchemaSnapshot, slug: str):
    """The admin list's filters of an entity type, built once per snapshot."""
    return snapshot.memo(("admin-filterset", slug, get_language()), lambda: _build(snapshot, slug))
