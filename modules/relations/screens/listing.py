"""A record list narrowed to the records related to one record (the profile's "Show all").

    GET records/companies/?relation=3.target&related_to=12    # the branches of company 12

`relation` names the side the listed records play (`<type id>.<side>`, or a bare type
id for any side) and `related_to` the other record. The list says what it shows
("Related to Acme SA as Branch") with a link that clears it; a value that names no
relation or record of this type is said in a message and the list is left whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from modules.core.exceptions import TesseraError
from modules.relations.services import RelationService, live_visible
from modules.relations.specs import BOTH, SOURCE, TARGET, Side

PARAMS = ("relation", "related_to")


@dataclass
class RelatedFilter:
    """What the parameters asked: a condition and its notice, or an error."""

    q: Q | None = None
    notice: str = ""
    error: str = ""
    clear_url: str = ""


def _far_label(side: Side) -> str:
    """What the listed records (playing `side`) are to the other record."""
    if side.side == BOTH:
        return side.label
    return Side(side.type, TARGET if side.side == SOURCE else SOURCE).label


def related_filter(request, entity) -> RelatedFilter | None:
    """The filter the request's parameters ask for, or None when they are not both there."""
    key = request.GET.get("relation", "").strip()
    other_id = request.GET.get("related_to", "").strip()
    if not key or not other_id:
        return None
    rest = request.GET.copy()
    for name in (*PARAMS, "p"):
        rest.pop(name, None)
    clear_url = request.path + (f"?{rest.urlencode()}" if rest else "")
    service = RelationService()
    try:
        condition = service.related_q(request.user, entity, key, other_id)
        sides = service.filter_sides(entity, key)
    except TesseraError as error:
        return RelatedFilter(error=error.detail, clear_url=clear_url)
    other = live_visible(request.user, sides[0].other_id, [int(other_id)]).first()
    if other is None:
        return RelatedFilter(
            q=Q(pk__in=[]),
            error=_("No record has the id %(id)s.") % {"id": other_id},
            clear_url=clear_url,
        )
    labels = ", ".join(dict.fromkeys(_far_label(s) for s in sides))
    return RelatedFilter(
        q=condition,
        notice=_("Related to %(title)s as %(label)s.") % {"title": other, "label": labels},
        clear_url=clear_url,
    )
