"""A page of metadata changes, newest first, merged from the history of several models.

    page = change_page({kind: kind.history().filter(history_user=alice)}, number=2)
    for change in page.object_list:
        change.when, change.who, change.kind_label, change.name, change.operation_label
        change.fields   # [FieldChange(label, before, after), ...]

The queries do not grow with the page: two for the merged, paginated list, then per
kind on the page one for its rows and one for their previous rows (plus one per
many-to-many field), and one per model that changed foreign keys point at. Saves that
changed nothing an administrator reads (a version bump) are left out of the page, so
a page may show fewer than `per_page` lines.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from simple_history import utils as history_utils

from modules.metamodel.config_history.kinds import HistoryKind
from modules.metamodel.config_history.values import NOISE, json_changes, readable

PER_PAGE = 50

OPERATIONS = {
    "+": pgettext_lazy("configuration change", "created"),
    "~": pgettext_lazy("configuration change", "changed"),
    "-": pgettext_lazy("configuration change", "deleted"),
    "trash": gettext_lazy("moved to the trash"),
    "restore": gettext_lazy("restored from the trash"),
}


@dataclass
class FieldChange:
    """One field's value before and after a change, as text."""

    label: str
    before: str
    after: str


@dataclass
class Change:
    """One historical row: who changed which object when, and how."""

    when: datetime.datetime
    who: str
    kind: HistoryKind
    name: str
    entity: str
    operation: str
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)

    @property
    def operation_label(self) -> str:
        return str(OPERATIONS[self.operation])


def merged(sources: dict[HistoryKind, models.QuerySet]) -> models.QuerySet:
    """`(kind, history_id, history_date)` of every source's rows, newest first."""
    parts = [
        rows.order_by()
        .annotate(kind=Value(kind.type, output_field=CharField()))
        .values_list("kind", "history_id", "history_date")
        for kind, rows in sources.items()
    ]
    assert parts, "Give change_page at least one kind of history."
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("-history_date", "-history_id", "kind")


def change_page(
    sources: dict[HistoryKind, models.QuerySet], number: Any = 1, per_page: int = PER_PAGE
) -> Page:
    """The page `number` of the merged changes; `object_list` holds `Change`s."""
    page = Paginator(merged(sources), per_page).get_page(number)
    by_type = {kind.type: kind for kind in sources}
    wanted: dict[str, list[int]] = defaultdict(list)
    rows = list(page.object_list)
    for kind_type, history_id, _date in rows:
        wanted[kind_type].append(history_id)
    loaded = {kind_type: load_records(by_type[kind_type], ids) for kind_type, ids in wanted.items()}
    names = related_names([record for records in loaded.values() for record in records.values()])
    changes = [
        describe(by_type[kind_type], loaded[kind_type][history_id], names)
        for kind_type, history_id, _date in rows
    ]
    # A save that changed only bookkeeping (the schema version) is not worth a line.
    page.object_list = [c for c in changes if c.operation != "~" or c.fields]
    return page


def m2m_fields(record) -> list:
    """The many-to-many fields the model keeps history of."""
    return list(getattr(record, "_history_m2m_fields", []) or [])


def load_records(kind: HistoryKind, ids: list[int]) -> dict[int, Any]:
    """The page's rows of one kind, each with `previous` (its row before), by history id."""
    history = kind.model.history
    pk = kind.model._meta.pk.attname
    previous = (
        history.filter(**{pk: OuterRef(pk)})
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    m2m = [f.name for f in getattr(kind.model, "_history_m2m_fields", [])]
    records = list(
        history.filter(history_id__in=ids)
        .select_related("history_user", *kind.related)
        .prefetch_related(*m2m)
        .annotate(previous_id=Subquery(previous))
    )
    earlier = {
        r.history_id: r
        for r in history.filter(history_id__in=[r.previous_id for r in records if r.previous_id])
        .select_related(*kind.related)
        .prefetch_related(*m2m)
    }
    for record in records:
        record.previous = earlier.get(record.previous_id)
        record.changes = raw_changes(record)
    return {record.history_id: record for record in records}


def raw_changes(record) -> list[tuple[models.Field, Any, Any]]:
    """`(model field, before, after)` of every field the change touched."""
    previous = record.previous
    if record.history_type != "~" or previous is None:
        return []
    m2m = m2m_fields(record)
    delta = record.diff_against(previous, excluded_fields=NOISE | {f.name for f in m2m})
    meta = record.instance_type._meta
    changes = [(meta.get_field(c.field), c.old, c.new) for c in delta.changes]
    for m2m_field in m2m:
        column = f"{history_utils.get_m2m_reverse_field_name(m2m_field)}_id"
        before, after = (
            sorted(getattr(row, column) for row in getattr(r, m2m_field.name).all())
            for r in (previous, record)
        )
        if before != after:
            changes.append((m2m_field, before, after))
    return changes


def related_names(records: list) -> dict[tuple[type, Any], str]:
    """`(model, pk) -> name` of every row a changed foreign key or m2m field points at."""
    wanted: dict[type, set] = defaultdict(set)
    for record in records:
        for model_field, before, after in record.changes:
            if model_field.is_relation:
                for value in (before, after):
                    values = value if isinstance(value, list) else [value]
                    wanted[model_field.related_model].update(v for v in values if v is not None)
    names = {}
    for model, pks in wanted.items():
        rows = model._default_manager.filter(pk__in=pks)
        if any(f.name == "entity_type" and f.is_relation for f in model._meta.fields):
            rows = rows.select_related("entity_type")
        for row in rows:
            names[(model, row.pk)] = getattr(row, "display_label", None) or str(row)
    return names


def field_changes(kind: HistoryKind, record, names: dict) -> list[FieldChange]:
    """The readable before and after of each changed field."""
    result = []
    for model_field, before, after in record.changes:
        label = kind.field_label(model_field.name)
        if isinstance(model_field, models.JSONField):
            result += [FieldChange(*change) for change in json_changes(label, before, after)]
        elif model_field.many_to_many:
            texts = (
                ", ".join(readable(model_field, pk, names) for pk in value) or "—"
                for value in (before, after)
            )
            result.append(FieldChange(label, *texts))
        else:
            result.append(
                FieldChange(
                    label, readable(model_field, before, names), readable(model_field, after, names)
                )
            )
    # `{}` and `{"en": ""}` differ in the database but both read as empty.
    return [change for change in result if change.before != change.after]


def operation(record) -> str:
    """`+ ~ -`, or trash / restore when that is all a change did."""
    previous = record.previous
    if record.history_type == "~" and previous is not None and hasattr(record, "deleted_at"):
        if previous.deleted_at is None and record.deleted_at is not None:
            return "trash"
        if previous.deleted_at is not None and record.deleted_at is None:
            return "restore"
    return record.history_type


def describe(kind: HistoryKind, record, names: dict) -> Change:
    """The `Change` the list shows for one historical row."""
    user = record.history_user
    return Change(
        when=record.history_date,
        who=str(user) if user is not None else _("system"),
        kind=kind,
        name=kind.name(record),
        entity=kind.entity_label(record),
        operation=operation(record),
        fields=field_changes(kind, record, names),
    )
