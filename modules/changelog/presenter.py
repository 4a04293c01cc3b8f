"""RowHistory as people read it: labels, readable values, and redaction for the viewer.

    shown = present(viewer, rows, masks={(entity_id, record_id): {"name", "email"}})
    shown[0].changes[0].label, shown[0].changes[0].before_text   # "Stage", "Lead"

Values are looked up a page at a time: one query per lookup field type, one for the
users and teams named, one per entity type at the far end of relations, so a page
costs the same for 1 and 50 rows. Linked records are titled only if the viewer may
see them; a value pointing at a record the viewer may not see (out of their sight, or in
the trash) is shown as nothing, its raw value as None, and the row names its key in
`restricted_fields` (`modules/access/links.py`). A `mask` (the api names of fields the
viewer reads, None: all) redacts every other key: its values are not shown at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from modules.access.links import seen_values
from modules.access.models import ObjectRole, Visibility
from modules.accounts.models import Team
from modules.core.i18n import localized
from modules.history import hooks
from modules.history.models import RowHistory
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot

EMPTY = "—"


@dataclass
class ShownChange:
    """One changed value of one row."""

    key: str
    label: str
    before: Any = None
    after: Any = None
    before_text: str = EMPTY
    after_text: str = EMPTY
    redacted: bool = False


@dataclass
class ShownRow:
    """One RowHistory row, ready for a template, an API response or a spreadsheet."""

    row: RowHistory
    user_name: str
    entity_label: str
    operation_label: str
    changes: list[ShownChange] = field(default_factory=list)
    #: Set by the change log: "live", "trash" or "gone", and the profile's (or restore) URL.
    record_state: str = "gone"
    record_url: str = ""
    #: Keys of the changes with a value pointing at a record the viewer may not see.
    restricted_fields: list[str] = field(default_factory=list)
    #: The record's title as written then; empty where the viewer sees the record in part,
    #: since it may have been made of fields they may not read.
    title: str = ""

    @property
    def action_label(self) -> str:
        return action_label(self.row.action) if self.row.action else ""


def action_label(action: str) -> str:
    """What an action key means, as people read it (unknown keys as they are)."""
    labels = {
        "bulk_update": _("bulk edit"),
        "bulk_delete": _("bulk delete"),
        "change_user": _("hand-over"),
        "relation_add": _("relation added"),
        "relation_remove": _("relation removed"),
        "recompute": _("segmentation re-scoring"),
        "import": _("import"),
        "import_undo": _("import undone"),
        "anonymise": _("anonymisation"),
        "note_add": _("note added"),
        "note_edit": _("note edited"),
        "note_delete": _("note deleted"),
        "task_add": _("task added"),
        "task_update": _("task changed"),
        "task_done": _("task done or not done"),
        "task_delete": _("task deleted"),
    }
    return str(labels.get(action, action))


def record_key_label(key: str) -> str | None:
    """The label of a key every record has, translated now (not snapshotted)."""
    labels = {
        "owner": _("Owner"),
        "visibility": _("Visibility"),
        "score": _("Score"),
        "segment": _("Segment"),
    }
    if key in labels:
        return labels[key]
    if key.startswith("role."):
        role = key.removeprefix("role.")
        return str(dict(ObjectRole.choices).get(role, role))
    return None


def present(viewer, rows: Iterable[RowHistory], *, masks: dict | None = None) -> list[ShownRow]:
    """Rows with labels and readable values; `masks[(entity id, record id)]` redacts."""
    rows = list(rows)
    masks = masks or {}
    snapshot = get_snapshot()
    specs = {}
    for row in rows:
        if row.entity_type_id not in specs:
            try:
                specs[row.entity_type_id] = snapshot.model_by_id(row.entity_type_id).entity
            except EntityTypeNotFound:
                specs[row.entity_type_id] = None
    texts, withheld = _texts(viewer, rows, specs, masks)
    users = _actor_names(rows)
    shown = []
    for row in rows:
        entity = specs[row.entity_type_id]
        mask = masks.get((row.entity_type_id, row.record_id))
        changes = [
            _change(row, key, values, entity, mask, texts, withheld)
            for key, values in row.changes.items()
        ]
        restricted = sorted(
            key
            for key, values in row.changes.items()
            if _readable(key, entity, mask)
            and any((row.entity_type_id, key, _hashable(v)) in withheld for v in values)
        )
        shown.append(
            ShownRow(
                row=row,
                user_name=users.get(row.user_id, "") if row.user_id else _("System"),
                entity_label=localized(entity.label) if entity else str(row.entity_type_id),
                operation_label=str(row.get_operation_display()),
                changes=changes,
                restricted_fields=restricted,
                title=row.title if mask is None else "",
            )
        )
    return shown


def _change(row, key: str, values, entity, mask, texts: dict, withheld: set) -> ShownChange:
    label = record_key_label(key) or localized(row.labels.get(key)) or key
    if not _readable(key, entity, mask):
        return ShownChange(key, label, redacted=True)
    before, after = (
        None if (row.entity_type_id, key, _hashable(v)) in withheld else v for v in values
    )
    return ShownChange(
        key,
        label,
        before,
        after,
        texts.get((row.entity_type_id, key, _hashable(before)), EMPTY),
        texts.get((row.entity_type_id, key, _hashable(after)), EMPTY),
    )


def _readable(key: str, entity, mask) -> bool:
    if mask is None:
        return True
    if entity is None or not key.isdecimal():
        return False
    names = {str(spec.id): spec.api_name for spec in entity.fields}
    return names.get(key) in mask


def _texts(viewer, rows, specs, masks) -> tuple[dict, set]:
    """`{(entity id, key, value): text}` for every value on the page, looked up in bulk,
    and the `(entity id, key, value)`s pointing at records the viewer may not see."""
    wanted: dict[tuple[int, str], list] = defaultdict(list)
    for row in rows:
        entity = specs[row.entity_type_id]
        mask = masks.get((row.entity_type_id, row.record_id))
        for key, values in row.changes.items():
            if _readable(key, entity, mask):
                wanted[(row.entity_type_id, key)].extend(v for v in values if v is not None)
    texts: dict = {}
    people = [v for (_e, key), vs in wanted.items() if key == "owner" for v in vs]
    people += [
        u
        for (_e, key), vs in wanted.items()
        if key.startswith("role.")
        for v in vs
        for u in v.get("users", [])
    ]
    users = _user_names(people)
    teams = _team_names(
        t
        for (_e, key), vs in wanted.items()
        if key.startswith("role.")
        for v in vs
        for t in v.get("teams", [])
    )
    far = _far_titles(viewer, wanted)
    withheld: set = set()
    for (entity_id, key), values in wanted.items():
        entity = specs[entity_id]
        rendered = _render(viewer, entity, key, values, users, teams, far)
        for value, text in zip(values, rendered, strict=True):
            texts[(entity_id, key, _hashable(value))] = text
        withheld.update((entity_id, key, v) for v in _withheld(viewer, entity, key, values, far))
    return texts, withheld


def _withheld(viewer, entity, key: str, values: list, far: dict) -> set:
    """The values of one key that point at records the viewer may not see."""
    other = _far_entity(key)
    if other is not None:
        return {v for v in values if (other, v) not in far}
    if key.startswith("relation."):
        # A relation type in the trash (or relations switched off): the far end can't be
        # checked, so its ids are withheld from everyone.
        return set(values)
    spec = _field(entity, key)
    if spec is None or not spec.type_class.needs_target_entity:
        return set()
    ids = {v for v in values if isinstance(v, int) and not isinstance(v, bool)}
    return ids - seen_values(spec, ids, viewer)


def _render(viewer, entity, key, values, users, teams, far) -> list[str]:
    if key == "owner":
        return [users.get(v, f"#{v}") for v in values]
    if key == "visibility":
        return [str(dict(Visibility.choices).get(v, v)) for v in values]
    if key.startswith("role."):
        return [
            ", ".join(
                [users.get(u, f"#{u}") for u in v.get("users", [])]
                + [teams.get(t, f"#{t}") for t in v.get("teams", [])]
            )
            or EMPTY
            for v in values
        ]
    if key.startswith("relation."):
        other = _far_entity(key)
        return [far.get((other, v), EMPTY) for v in values]
    spec = _field(entity, key)
    if spec is None:
        return [str(v) for v in values]
    return spec.type_class.history_texts(spec, values, viewer=viewer)


def _field(entity, key: str):
    if entity is None or not key.isdecimal():
        return None
    return next((spec for spec in entity.fields if spec.id == int(key)), None)


def _far_titles(viewer, wanted) -> dict:
    """`{(entity id, record id): title}` of records at the far end of relations, for
    those the viewer may see (live ones)."""
    by_entity: dict[int, set] = defaultdict(set)
    for (_entity_id, key), values in wanted.items():
        other = _far_entity(key)
        if other is not None:
            by_entity[other].update(values)
    snapshot = get_snapshot()
    titles = {}
    for other, ids in by_entity.items():
        model = snapshot.model_by_id(other)
        rows = model.objects.alive().filter(pk__in=ids).visible_to(viewer)
        titles.update({(other, r.pk): str(r) for r in rows})
    return titles


def _far_entity(key: str) -> int | None:
    """The entity type at the far end of a `relation.<type id>.<side>` key."""
    if not key.startswith("relation."):
        return None
    _prefix, type_id, side = key.split(".", 2)
    return hooks.far_end(int(type_id), side) if type_id.isdecimal() else None


def _actor_names(rows: list[RowHistory]) -> dict[int, str]:
    """The name of each row's user: from the row when it was read with its user."""
    loaded = RowHistory._meta.get_field("user")
    names = {r.user_id: str(r.user) for r in rows if r.user_id and loaded.is_cached(r)}
    names.update(_user_names(r.user_id for r in rows if r.user_id and r.user_id not in names))
    return names


def _user_names(ids) -> dict[int, str]:
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=ids)}


def _team_names(ids) -> dict[int, str]:
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value
