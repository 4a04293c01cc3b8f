"""Links to records the viewer may not see: withheld the same way on every channel.

    links = Links.of(viewer, entity, records)          # one query per link field
    links.value(record, spec)        # the stored id, or None when withheld
    links.title(record, spec)        # the linked record's title as the viewer reads it, or ""
    links.restricted(record)         # ["company"]: the withheld fields, sorted

A link (a field whose type `needs_target_entity`, as `relation`; such a type answers
`linked_records`) is withheld
from a viewer when its target is not in the viewer's list of the target type: out of
their sight, or in the trash. It is shown as empty (null in JSON, a blank cell) and the
field is named in `restricted_fields`, so neither a title nor an id of such a record
leaves the server. A non-public target the viewer may list shows its id and a title
made of its basic fields only, as the list of that type shows it.

The viewer is always passed in: `None` is the system, which sees every live record.
A list page reads the answer along with its rows (`flag`), so the page stays one query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Subquery

from modules.metamodel.runtime.specs import EntitySpec

#: Annotation set on rows by `flag`: does the viewer see the record the link points at?
FLAG = "_sees_{}"


def link_fields(entity: EntitySpec) -> list:
    """The fields of `entity` whose values point at records."""
    return [spec for spec in entity.fields if spec.type_class.needs_target_entity]


def flag(queryset, viewer, entity: EntitySpec):
    """`queryset` with, per link field, whether `viewer` sees its target (the target's id,
    or None), read in the same query instead of one more query per page.

    A scalar subquery, not EXISTS: PostgreSQL may plan an EXISTS in the select list as a hash
    of every visible target (it counts on the outer scan's million rows, not the page's 50);
    a scalar subquery is always an index probe per row of the page."""
    flags = {}
    for spec in link_fields(entity):
        seen = spec.type_class.linked_records(spec, viewer)
        attname = queryset.model._meta.get_field(spec.api_name).attname
        probe = seen.filter(pk=OuterRef(attname)).values("pk")[:1]
        flags[FLAG.format(spec.api_name)] = Subquery(probe)
    return queryset.annotate(**flags) if flags else queryset


class Links:
    """What one viewer may see of the records a batch of records links to."""

    def __init__(self, viewer, entity: EntitySpec, seen: dict[str, dict[Any, str | None]]):
        self.viewer, self.entity = viewer, entity
        #: {api name: {linked id: title (None when only the id was asked for)}}
        self.seen = seen

    @classmethod
    def of(cls, viewer, entity: EntitySpec, records, *, titles: bool = False, names=None) -> Links:
        """Look up the targets of `records`' links (of the fields in `names`, if given):
        one query per link field with values, none for rows `flag` marked already
        (unless `titles` are wanted)."""
        records = list(records)
        seen: dict[str, dict[Any, str | None]] = {}
        for spec in link_fields(entity):
            if names is not None and spec.api_name not in names:
                continue
            name, values = spec.api_name, _values(records, spec)
            flagged = FLAG.format(name)
            if not titles and all(hasattr(r, flagged) for r in records):
                seen[name] = {
                    spec.type_class.get_value(r, spec): None for r in records if getattr(r, flagged)
                }
            elif not values:
                seen[name] = {}
            else:
                rows = spec.type_class.linked_records(spec, viewer).filter(pk__in=values)
                if titles:
                    seen[name] = {r.pk: str(r) for r in rows}
                else:
                    seen[name] = dict.fromkeys(rows.values_list("pk", flat=True))
        return cls(viewer, entity, seen)

    def withheld(self, record, spec) -> bool:
        """Does `record`'s value of `spec` point at a record the viewer may not see?"""
        if spec.api_name not in self.seen:
            return False
        value = spec.type_class.get_value(record, spec)
        return value is not None and value not in self.seen[spec.api_name]

    def value(self, record, spec) -> Any:
        """The stored value, or None when it is withheld."""
        return None if self.withheld(record, spec) else spec.type_class.get_value(record, spec)

    def title(self, record, spec) -> str:
        """The linked record's title as the viewer may read it ("" when none or withheld)."""
        value = self.value(record, spec)
        return "" if value is None else self.seen[spec.api_name].get(value) or ""

    def text(self, record, spec) -> str:
        """The value as a screen writes it for the viewer: a link's title (looked up
        already), or the type's own text in the viewer's regional format."""
        if spec.api_name in self.seen:
            return self.title(record, spec)
        value = spec.type_class.get_value(record, spec)
        return spec.type_class.display_text(spec, value, viewer=self.viewer)

    def restricted(self, record, names=None) -> list[str]:
        """The withheld fields of `record` (among `names`, if given), sorted."""
        return sorted(
            spec.api_name
            for spec in link_fields(self.entity)
            if (names is None or spec.api_name in names) and self.withheld(record, spec)
        )


def withheld_link_exists(queryset, viewer, spec) -> bool:
    """Does a record of `queryset` link, by `spec`, to a record out of `viewer`'s sight? Then
    filtering or sorting by that field would tell its id apart (one EXISTS). A link to a
    record in the trash they may see gives nothing away: its id is in their trash list."""
    seen = spec.type_class.linked_records(spec, viewer, live=False)
    attname = queryset.model._meta.get_field(spec.api_name).attname
    linking = queryset.filter(**{f"{attname}__isnull": False})
    return linking.exclude(Exists(seen.filter(pk=OuterRef(attname)))).exists()


def _values(records: list, spec) -> set:
    return {spec.type_class.get_value(r, spec) for r in records} - {None}


def seen_values(spec, values, viewer) -> set:
    """Of `values` of one link field, those pointing at a record `viewer` may see; one
    query (none for a type that links to no record: every value is seen)."""
    wanted = {v for v in values if v is not None}
    linked = spec.type_class.linked_records(spec, viewer)
    if linked is None or not wanted:
        return wanted
    return set(linked.filter(pk__in=wanted).values_list("pk", flat=True))
