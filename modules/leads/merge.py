"""Merge two records of one entity type: one is kept, the other goes to the trash.

    MergeService().merge(user, "persons", kept_id=12, merged_id=40,
                         values={"email": "merged", "phone": "kept"})

The user needs `edit` on both records. For each field the caller names `kept` or
`merged`; a field not named keeps the kept record's value, or takes the merged one's when
the kept record's is empty. Then, in one transaction: the merged record's grants move to
the kept one; records of any type whose relation fields point at the merged record point
at the kept one (`RecordService.update_rows`); every merge mover of `records.hooks` moves
its links (relations; notes, tasks and timeline entries when their modules register); the
merged record goes to the trash (history action `merge`), then the kept record takes the
chosen values through `RecordService` (so a unique value can move), and a `MergeLink`
points from the merged record to the kept one. History is not rewritten: both records'
history shows the merge. Restoring the merged record from the trash leaves the moved links
on the kept record.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from modules.access import engine, grants
from modules.core.exceptions import TesseraError
from modules.history import recorder
from modules.leads.models import MergeLink
from modules.metamodel.runtime import get_snapshot
from modules.records import hooks
from modules.records.services import Effects, RecordService
from modules.records.sharing import refuse

SIDES = ("kept", "merged")
MERGED_KEY = "merged_record"
MERGED_LABEL = {"en": "Merged record", "pl": "Scalony rekord"}
KEPT_KEY = "merged_into"
KEPT_LABEL = {"en": "Merged into", "pl": "Scalony z rekordem"}


class MergeInvalid(TesseraError):
    """Raised when a merge names the same record twice or fields that do not exist."""

    code = "invalid"


def _is_empty(spec, value) -> bool:
    return spec.type_class.is_empty(value)


class MergeService:
    """Merges duplicates through `RecordService` and the access engine."""

    records = RecordService()

    def fields(self, entity) -> list:
        """The fields a merge chooses between (numbers allocated on create keep theirs)."""
        return [s for s in entity.fields if not s.type_class.allocates_on_create]

    def _pair(self, user, slug: str, kept_id: Any, merged_id: Any) -> tuple:
        if str(kept_id) == str(merged_id):
            raise MergeInvalid(_("Choose another record to merge with."), field="merged")
        kept = self.records.get(user, slug, kept_id)
        merged = self.records.get(user, slug, merged_id)
        for record in (kept, merged):
            if not engine.can(user, "edit", record):
                raise refuse("edit")
        return kept, merged

    def preview(self, user, slug: str, kept_id: Any, merged_id: Any) -> tuple:
        """(kept, merged, [(spec, kept value, merged value, default side)]) for a form."""
        kept, merged = self._pair(user, slug, kept_id, merged_id)
        entity = get_snapshot().entity(slug)
        rows = []
        for spec in self.fields(entity):
            a, b = spec.type_class.get_value(kept, spec), spec.type_class.get_value(merged, spec)
            side = "merged" if _is_empty(spec, a) and not _is_empty(spec, b) else "kept"
            rows.append((spec, a, b, side))
        return kept, merged, rows

    @transaction.atomic
    def merge(self, user, slug: str, kept_id: Any, merged_id: Any, *, values: Any = None) -> dict:
        """Merge `merged_id` into `kept_id`; what moved, by kind."""
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise MergeInvalid(
                _("Give an object of field names to kept or merged."), field="values"
            )
        snapshot = get_snapshot()
        entity, model = snapshot.entity(slug), snapshot.model(slug)
        self._pair(user, slug, kept_id, merged_id)
        first, second = sorted([int(kept_id), int(merged_id)])
        locked = {r.pk: r for r in model.objects.select_for_update().filter(pk__in=[first, second])}
        kept, merged = locked[int(kept_id)], locked[int(merged_id)]
        names = {spec.api_name: spec for spec in self.fields(entity)}
        errors = {}
        for name, side in values.items():
            if name not in names:
                errors[f"values.{name}"] = [_("No such field to merge.")]
            elif side not in SIDES:
                errors[f"values.{name}"] = [_("Choose kept or merged.")]
        if errors:
            raise MergeInvalid(_("The merge is not valid."), errors=errors)
        taken = {}
        for name, spec in names.items():
            a, b = spec.type_class.get_value(kept, spec), spec.type_class.get_value(merged, spec)
            side = values.get(name) or (
                "merged" if _is_empty(spec, a) and not _is_empty(spec, b) else "kept"
            )
            if side == "merged" and a != b:
                taken[name] = spec.type_class.to_json(spec, b)
        moved = {"fields": len(taken)}
        moved["grants"] = self._move_grants(entity, kept.pk, merged.pk)
        moved["links"] = self._move_relation_fields(user, snapshot, entity, kept.pk, merged.pk)
        moved.update(hooks.move_links(user, entity, kept.pk, merged.pk))
        # To the trash first: a unique value the kept record takes over is then free.
        self.records.trash_rows(user, model, [merged], Effects(history="delete", action="merge"))
        if taken:
            self.records.update(user, slug, kept.pk, taken, action="merge")
        recorder.log(
            user,
            entity,
            "update",
            kept.pk,
            {MERGED_KEY: [None, f"{merged} (#{merged.pk})"]},
            action="merge",
            title=entity.title_of(kept),
            labels={MERGED_KEY: MERGED_LABEL},
        )
        recorder.log(
            user,
            entity,
            "update",
            merged.pk,
            {KEPT_KEY: [None, f"{kept} (#{kept.pk})"]},
            action="merge",
            title=entity.title_of(merged),
            labels={KEPT_KEY: KEPT_LABEL},
        )
        MergeLink.objects.create(
            entity_slug=slug, kept_id=kept.pk, merged_id=merged.pk, user=user, moved=moved
        )
        return moved

    def _move_grants(self, entity, kept_id: int, merged_id: int) -> int:
        held = grants.holders(entity, [merged_id])[merged_id]
        count = 0
        for role, holders in held.items():
            if holders["users"] or holders["teams"]:
                grants.write(
                    entity, [kept_id], role, holders["users"], holders["teams"], mode="add"
                )
                grants.write(entity, [merged_id], role, [], [])
                count += len(holders["users"]) + len(holders["teams"])
        return count

    def _move_relation_fields(self, user, snapshot, entity, kept_id: int, merged_id: int) -> int:
        """Records whose relation fields point at the merged record point at the kept one."""
        count = 0
        for other in snapshot.entities:
            linking = [
                s
                for s in other.fields
                if s.target_entity_id == entity.id and s.type_class.needs_target_entity
            ]
            if not linking:
                continue
            model = snapshot.model(other.slug)
            for spec in linking:
                attname = f"{spec.api_name}_id"
                rows = list(
                    model.objects.alive().filter(**{attname: merged_id}).select_for_update()
                )
                if rows:
                    self.records.update_rows(
                        user,
                        model,
                        [(row, {spec.api_name: kept_id}) for row in rows],
                        Effects(history="update", action="merge"),
                    )
                    count += len(rows)
        return count
