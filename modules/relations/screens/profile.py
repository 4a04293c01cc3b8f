"""The relations panel of a record's profile, and its add and remove actions.

    context["relations"] = relations_panel(request.user, entity, record)   # None: no panel
    record_urlpatterns("companies")     # add and remove, under records/companies/

The panel lists the record's relations grouped by side ("Branch", "Headquarters"),
each other record a link to its profile with its list columns on hover or focus
(basic ones only where the user may only list it). Reading costs one query for the
relations and one per entity type at their other ends, however many there are; link
fields (users, records) are left out of the details so they add none.

    POST records/<slug>/<pk>/relations/add/                 side=<type id>.<side>, other-<side>=<id>
    POST records/<slug>/<pk>/relations/<relation id>/remove/

Both write through `RelationService`, say what happened as a Wagtail message and go
back to the profile.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from modules.access import engine
from modules.access.spec import OPEN_FLAG
from modules.core.exceptions import PermissionDenied as Refused
from modules.core.exceptions import TesseraError
from modules.core.widgets import PickerWidget
from modules.metamodel.field_types.base import LinkType
from modules.metamodel.runtime import get_snapshot
from modules.records.exceptions import RecordNotFound
from modules.relations import specs
from modules.relations.services import RelationService
from modules.relations.specs import BOTH, SOURCE, TARGET, Side

#: How many of the other record's fields the hover card shows.
CARD_FIELDS = 5


def far_side(side: Side) -> str:
    """The side the other records play: a headquarters' branches are targets."""
    if side.side == BOTH:
        return BOTH
    return TARGET if side.side == SOURCE else SOURCE


def side_name(side: Side) -> str:
    """A side as the add form offers it: "Branch (Headquarters — Branch)"."""
    if side.type.symmetric:
        return side.label
    return f"{side.label} ({side.type})"


def card(other, viewer) -> list[tuple[str, str]]:
    """The other record's key fields: its list columns, basic ones only if restricted.

    Link fields are left out: naming a linked user or record would cost a query each.
    """
    entity = other.entity
    open_ = getattr(other, OPEN_FLAG, True)
    rows = []
    for spec in entity.column_fields(CARD_FIELDS):
        if isinstance(spec.type_class, LinkType) or not (open_ or spec.is_basic):
            continue
        value = spec.type_class.get_value(other, spec)
        value = spec.type_class.display_value(spec, value, viewer=viewer)
        if value not in (None, ""):
            rows.append((spec.display_label, value))
    return rows


def picker_id(side: Side) -> str:
    """The id of the text input that looks up the other record of `side`."""
    return f"relation-other-{side.type.id}-{side.side}"


def relations_panel(user, entity, record) -> dict | None:
    """What the profile's relations panel shows, or None when there is no panel."""
    sides = specs.sides_of(entity)
    if not sides:
        return None
    linked = RelationService().of(user, entity.slug, [record.pk])[record.pk]
    snapshot = get_snapshot()
    can_edit = engine.can(user, "edit", record)
    groups = []
    for side in sides:
        other_entity = snapshot.model_by_id(side.other_id).entity
        items = [
            {
                "id": link.id,
                "title": str(link.other),
                "url": reverse(f"records_{other_entity.slug}:inspect", args=[link.other.pk]),
                "card": card(link.other, user),
                "remove_url": reverse(
                    f"records_{entity.slug}:relation_remove", args=[record.pk, link.id]
                ),
            }
            for link in linked
            if link.side == side
        ]
        list_url = reverse(f"records_{other_entity.slug}:index")
        picker = None
        if can_edit:
            widget = PickerWidget(
                reverse(f"records_{other_entity.slug}:lookup"),
                placeholder=_("Type to search %(entity)s…")
                % {"entity": other_entity.display_label_plural},
            )
            picker = widget.render(f"other-{side.key}", None, attrs={"id": picker_id(side)})
        groups.append(
            {
                "key": side.key,
                "label": side.label,
                "name": side_name(side),
                "entity": other_entity.display_label_plural,
                "items": items,
                "show_all": f"{list_url}?relation={side.type.id}.{far_side(side)}"
                f"&related_to={record.pk}",
                "picker": picker,
                "picker_id": picker_id(side),
            }
        )
    # Two sides with one label ("Project" of Project — Client and of Project — Subcontractor)
    # are told apart by their type.
    labels = [g["label"] for g in groups]
    for group in groups:
        if labels.count(group["label"]) > 1:
            group["label"] = group["name"]
    return {
        "groups": groups,
        "linked": bool(linked),
        "can_edit": can_edit,
        "add_url": reverse(f"records_{entity.slug}:relation_add", args=[record.pk]),
        "media": PickerWidget("").media,
    }


def _profile(entity_slug: str, pk) -> str:
    return reverse(f"records_{entity_slug}:inspect", args=[pk])


def record_urlpatterns(entity_slug: str) -> list:
    """Add and remove relations from the profile, under `records/<slug>/`."""
    common = {"entity_slug": entity_slug}
    return [
        path("<int:pk>/relations/add/", add_relation, common, name="relation_add"),
        path(
            "<int:pk>/relations/<int:relation_id>/remove/",
            remove_relation,
            common,
            name="relation_remove",
        ),
    ]


@require_POST
def add_relation(request, entity_slug: str, pk: int):
    """POST: relate the record to the one picked for the chosen side."""
    key = request.POST.get("side", "")
    type_id, _dot, side = key.partition(".")
    other = request.POST.get(f"other-{key}", "").strip()
    if not other:
        messages.error(request, _("Choose the record to relate."))
        return redirect(_profile(entity_slug, pk))
    try:
        linked = RelationService().add(
            request.user, entity_slug, pk, type_id, other, side=side or None
        )
    except RecordNotFound:
        raise Http404 from None
    except Refused as refusal:
        return defaults.permission_denied(request, PermissionDenied(refusal.detail))
    except TesseraError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _("%(other)s added as %(label)s.") % {"other": linked.other, "label": linked.label},
        )
    return redirect(_profile(entity_slug, pk))


@require_POST
def remove_relation(request, entity_slug: str, pk: int, relation_id: int):
    """POST: remove one relation of the record."""
    try:
        RelationService().remove(request.user, entity_slug, pk, relation_id)
    except RecordNotFound:
        raise Http404 from None
    except Refused as refusal:
        return defaults.permission_denied(request, PermissionDenied(refusal.detail))
    except TesseraError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Relation removed."))
    return redirect(_profile(entity_slug, pk))
