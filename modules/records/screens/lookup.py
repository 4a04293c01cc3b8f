"""Type-ahead for records: the admin's lookup behind relation pickers.

    GET /records/companies/lookup/?q=acm  ->  [{"id": 12, "title": "Acme"}, ...]

Only live records the user may see are found, by the type's basic searchable fields
(every word of `q` in one of them; a number also finds the record with that id).
Records the user may only list are titled by their basic fields, so nothing beyond
what their list shows leaks. Exact ids first, then titles starting with the text,
then by title; an empty `q` gives the newest records.
"""

from __future__ import annotations

import string
from functools import reduce
from operator import and_, or_

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec

#: How many records one lookup returns.
LOOKUP_LIMIT = 20
#: Words of a query that count (so a pasted paragraph is not a huge query).
MAX_WORDS = 5
#: Longer numbers are no record's id (and would overflow the id column).
MAX_ID_DIGITS = 18


@never_cache
@require_GET
def record_lookup(request, entity_slug: str):
    """Up to LOOKUP_LIMIT records of the type matching `q`, as `[{"id", "title"}]`."""
    snapshot = get_snapshot()
    try:
        entity, model = snapshot.entity(entity_slug), snapshot.model(entity_slug)
    except EntityTypeNotFound:
        raise Http404 from None
    rows = model.objects.alive().visible_to(request.user)
    rows = find(rows, entity, " ".join(request.GET.get("q", "").split()))
    return JsonResponse([{"id": r.pk, "title": str(r)} for r in rows[:LOOKUP_LIMIT]], safe=False)


def find(rows, entity: EntitySpec, text: str):
    """`rows` matching `text`, best first (see the module docstring)."""
    if not text:
        return rows.order_by("-pk")
    fields = searched_fields(entity)
    words = text.split()[:MAX_WORDS]
    by_id = text.isdecimal() and len(text) <= MAX_ID_DIGITS
    matches = []
    if fields:
        specs = [entity.field(name) for name in fields]
        found = (reduce(or_, (s.type_class.search_q(s, w) for s in specs)) for w in words)
        matches.append(reduce(and_, found))
    if by_id:
        matches.append(Q(pk=int(text)))
    if not matches:
        return rows.none()
    ranks = [When(pk=int(text), then=Value(0))] if by_id else []
    if fields:
        starts = reduce(or_, (Q(**{f"{n}__istartswith": words[0]}) for n in fields))
        ranks.append(When(starts, then=Value(1)))
    rank = Case(*ranks, default=Value(2), output_field=IntegerField())
    order = [F(n).asc(nulls_last=True) for n in ordering_fields(entity)]
    return (
        rows.filter(reduce(or_, matches))
        .alias(lookup_rank=rank)
        .order_by("lookup_rank", *order, "pk")
    )


def searched_fields(entity: EntitySpec) -> list[str]:
    """The basic fields a lookup searches: readable on every record the user may list."""
    return [s.api_name for s in entity.fields if s.is_basic and s.type_class.searchable]


def ordering_fields(entity: EntitySpec) -> list[str]:
    """The searched fields in the title's order (the title sorts), else as they come."""
    fields = searched_fields(entity)
    named = [n for _t, n, _f, _c in string.Formatter().parse(entity.title_template or "") if n]
    in_title = [n for n in named if n in fields]
    return in_title or fields
