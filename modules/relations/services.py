"""RelationService: the relations of records, read and written through the access engine.

    service = RelationService()
    service.of(user, "companies", [acme.pk])            # {acme.pk: [Linked, ...]}
    service.add(user, "companies", acme.pk, hq_type.id, krakow.pk, side="source")
    service.remove(user, "companies", acme.pk, relation_id)
    rows.filter(service.related_q(user, companies, "3.target", acme.pk))   # its branches

Reading: a relation shows only while the record at its other end is live (not in
the trash) and visible to the user, so the trash takes relations out of sight and a restore
brings them back. Writing needs the right to edit the record, and the other record
must be one the user may see. Limits (`max_targets`, `max_sources`) count live
relations and are checked under row locks of both records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from modules.access import engine
from modules.core.exceptions import PermissionDenied
from modules.history import recorder
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService
from modules.relations import specs
from modules.relations.exceptions import RelationInvalid, RelationNotFound, RelationsOff
from modules.relations.models import Relation
from modules.relations.specs import BOTH, SOURCE, TARGET, Side


@dataclass
class Linked:
    """One relation of a record, seen from that record: the other record and its label."""

    id: int
    side: Side
    other: Any

    @property
    def label(self) -> str:
        return self.side.label


def _other_end(side: Side, row: Relation, own_id: int) -> int | None:
    """The id at the other end of `row` when `own_id` plays `side` in it, else None."""
    if side.side == BOTH:
        if row.source_id == own_id:
            return row.target_id
        return row.source_id if row.target_id == own_id else None
    own = row.target_id if side.side == TARGET else row.source_id
    if own != own_id:
        return None
    return row.source_id if side.side == TARGET else row.target_id


def _rows_q(sides: list[Side], ids) -> Q:
    """Relation rows where one of `ids` plays one of `sides`."""
    condition = Q(pk__in=[])
    for side in sides:
        if side.side == BOTH:
            on_either = Q(source_id__in=ids) | Q(target_id__in=ids)
            condition |= Q(relation_type_id=side.type.id) & on_either
        else:
            condition |= Q(relation_type_id=side.type.id, **{f"{side.own_column}__in": ids})
    return condition


def live_visible(user, entity_id: int, ids):
    """The live records of an entity type among `ids` that `user` may see (flagged)."""
    model = get_snapshot().model_by_id(entity_id)
    return model.objects.alive().filter(pk__in=ids).visible_to(user)


class RelationService:
    """Relations of records: list, add, remove, replace one side (forms), filter."""

    # -- reading -------------------------------------------------------------------
    def of(self, user, entity_slug: str, record_ids: list[int]) -> dict[int, list[Linked]]:
        """Each record's relations to records the user may see, in type order.

        One query for the relation rows and one per entity type at the other ends,
        however many records and relations there are.
        """
        entity = get_snapshot().entity(entity_slug)
        sides = specs.sides_of(entity)
        result: dict[int, list[Linked]] = {pk: [] for pk in record_ids}
        if not sides or not record_ids:
            return result
        rows = list(Relation.objects.filter(_rows_q(sides, record_ids)).order_by("id"))
        ends: list[tuple[int, Side, int, int]] = []
        wanted: dict[int, set[int]] = {}
        for side in sides:
            for row in rows:
                if row.relation_type_id != side.type.id:
                    continue
                for own_id in {row.source_id, row.target_id} & result.keys():
                    other_id = _other_end(side, row, own_id)
                    if other_id is not None:
                        ends.append((own_id, side, row.pk, other_id))
                        wanted.setdefault(side.other_id, set()).add(other_id)
        others = {
            entity_id: {r.pk: r for r in live_visible(user, entity_id, ids)}
            for entity_id, ids in wanted.items()
        }
        for own_id, side, relation_id, other_id in ends:
            other = others[side.other_id].get(other_id)
            if other is not None:
                result[own_id].append(Linked(relation_id, side, other))
        return result

    def related_q(self, user, entity, key: str, other_id: Any) -> Q:
        """Records of `entity` related to record `other_id` through the side `key`.

        `key` is `<type id>.<side>` (the side the listed records play) or a bare type
        id, meaning any side of that type. An other record the user may not see, or
        one in the trash, has no related records.
        """
        chosen = self.filter_sides(entity, key)
        if not str(other_id).isdecimal() or len(str(other_id)) > 18:
            raise RelationInvalid(_("Give a record id."), field="related_to")
        other_id = int(other_id)
        condition = Q(pk__in=[])
        for side in chosen:
            if not live_visible(user, side.other_id, [other_id]).exists():
                continue
            rows = Relation.objects.filter(relation_type_id=side.type.id)
            if side.side == BOTH:
                condition |= Q(pk__in=rows.filter(source_id=other_id).values("target_id"))
                condition |= Q(pk__in=rows.filter(target_id=other_id).values("source_id"))
            else:
                linked = rows.filter(**{side.other_column: other_id}).values(side.own_column)
                condition |= Q(pk__in=linked)
        return condition

    def filter_sides(self, entity, key: str) -> list[Side]:
        """The sides a `relation=` filter names: `<type id>.<side>` or a type id."""
        sides = specs.sides_of(entity)
        type_id, _dot, side_name = str(key).partition(".")
        chosen = [
            s for s in sides if str(s.type.id) == type_id and (not side_name or s.side == side_name)
        ]
        if not chosen:
            raise RelationInvalid(
                _("Records of this type take no relation '%(key)s'.") % {"key": key},
                field="relation",
            )
        return chosen

    # -- writing -------------------------------------------------------------------
    @transaction.atomic
    def add(
        self,
        user,
        entity_slug: str,
        record_id: Any,
        relation_type: Any,
        other_id: Any,
        *,
        side: str | None = None,
    ) -> Linked:
        """Relate a record to another one; `side` says which end the record is when the
        type links records of one type (a headquarters is the source, a branch the target)."""
        record = self._editable(user, entity_slug, record_id)
        chosen = self._side(record.entity, relation_type, side)
        other = self._other(user, chosen, other_id)
        return self._link(user, record, chosen, other)

    @transaction.atomic
    def remove(self, user, entity_slug: str, record_id: Any, relation_id: Any) -> None:
        """Remove one relation of a record (one whose other end the user may see)."""
        record = self._editable(user, entity_slug, record_id)
        if not str(relation_id).isdecimal() or len(str(relation_id)) > 18:
            raise RelationNotFound(_("No such relation."))
        found = [
            linked
            for linked in self.of(user, entity_slug, [record.pk])[record.pk]
            if linked.id == int(relation_id)
        ]
        if not found:
            raise RelationNotFound(_("No such relation."))
        Relation.objects.filter(pk=found[0].id).delete()
        self._log(user, record, found[0].side, found[0].other, added=False)

    @transaction.atomic
    def replace(self, user, entity_slug: str, record_id: Any, key: str, other_ids) -> None:
        """Make the record's relations on side `key` exactly `other_ids` (a form's field).

        Relations to records the user may not see are left as they are.
        """
        record = self._editable(user, entity_slug, record_id)
        chosen = specs.side(record.entity, key)
        if chosen is None:
            raise RelationInvalid(_("There is no such relation type."), field=key)
        wanted = list(dict.fromkeys(int(i) for i in other_ids))
        current = {
            linked.other.pk: linked
            for linked in self.of(user, entity_slug, [record.pk])[record.pk]
            if linked.side == chosen
        }
        gone = [linked for pk, linked in current.items() if pk not in wanted]
        Relation.objects.filter(pk__in=[linked.id for linked in gone]).delete()
        for linked in gone:
            self._log(user, record, chosen, linked.other, added=False)
        for other_id in wanted:
            if other_id not in current:
                self._link(user, record, chosen, self._other(user, chosen, other_id, field=key))

    # -- checks --------------------------------------------------------------------
    def _editable(self, user, entity_slug: str, record_id: Any):
        if not specs.enabled():
            raise RelationsOff(_("Relations are switched off in the settings."))
        record = RecordService().get(user, entity_slug, record_id)
        if not engine.can(user, "edit", record):
            raise PermissionDenied(_("You may not change the relations of this record."))
        # Locked, so two users cannot both take a record's last free place.
        type(record).objects.select_for_update().filter(pk=record.pk).exists()
        return record

    def _side(self, entity, relation_type: Any, side: str | None) -> Side:
        sides = [s for s in specs.sides_of(entity) if str(s.type.id) == str(relation_type)]
        if side is not None:
            sides = [s for s in sides if s.side == side]
        if not sides:
            raise RelationInvalid(
                _("Records of this type take no such relation."), field="relation_type"
            )
        if len(sides) > 1:
            raise RelationInvalid(
                _(
                    "Say which end of the relation this record is: 'source' (%(source)s) "
                    "or 'target' (%(target)s)."
                )
                % {
                    "source": sides[0].type.source_label_text,
                    "target": sides[0].type.target_label_text,
                },
                field="side",
            )
        return sides[0]

    def _other(self, user, side: Side, other_id: Any, *, field: str = "other_id"):
        if isinstance(other_id, bool) or not str(other_id).isdecimal() or len(str(other_id)) > 18:
            raise RelationInvalid(_("Give the other record's id."), field=field)
        found = live_visible(user, side.other_id, [int(other_id)]).select_for_update().first()
        if found is None:
            # The same words as for a missing id: nothing about a record the user may not see.
            raise RelationInvalid(_("No record has the id %(id)s.") % {"id": other_id}, field=field)
        return found

    def _link(self, user, record, side: Side, other) -> Linked:
        if other.pk == record.pk and side.other_id == side.own_entity_id:
            raise RelationInvalid(_("A record cannot be related to itself."), field="other_id")
        if side.side == BOTH:
            source_id, target_id = sorted((record.pk, other.pk))
        elif side.side == SOURCE:
            source_id, target_id = record.pk, other.pk
        else:
            source_id, target_id = other.pk, record.pk
        spec = side.type
        if Relation.objects.filter(
            relation_type_id=spec.id, source_id=source_id, target_id=target_id
        ).exists():
            raise RelationInvalid(_("These records are already related so."), field="other_id")
        far = Side(spec, BOTH if side.side == BOTH else (TARGET if side.side == SOURCE else SOURCE))
        # The count takes in relations to records the user may not see, so the words say
        # only which end is full: no title, no number, nothing about the unseen ends.
        full = {
            "record": _("This record already has as many %(label)s relations as allowed."),
            "other": _("The other record already has as many %(label)s relations as allowed."),
        }
        for end, holder, holder_side in (("record", record, side), ("other", other, far)):
            limit = holder_side.limit
            if limit is not None and self._count(holder_side, holder.pk) >= limit:
                raise RelationInvalid(full[end] % {"label": holder_side.label}, field="other_id")
        row = Relation.objects.create(
            relation_type_id=spec.id, source_id=source_id, target_id=target_id, created_by=user
        )
        self._log(user, record, side, other, added=True)
        return Linked(row.pk, side, other)

    def _log(self, user, record, side: Side, other, *, added: bool) -> None:
        """A history row on each of the two records: the other one added or removed."""
        for own, own_side, far in ((record, side, other), (other, side.far, record)):
            change = [None, far.pk] if added else [far.pk, None]
            entity = type(own).entity
            recorder.log(
                user,
                entity,
                "update",
                own.pk,
                {own_side.history_key: change},
                action="relation_add" if added else "relation_remove",
                title=entity.title_of(own),
                labels={own_side.history_key: own_side.raw_label},
            )

    def _count(self, side: Side, own_id: int) -> int:
        """Live relations of record `own_id` on `side` (their other ends not in the trash)."""
        live = get_snapshot().model_by_id(side.other_id).objects.alive()
        rows = Relation.objects.filter(relation_type_id=side.type.id)
        if side.side == BOTH:
            live_ids = live.values("pk")
            return (
                rows.filter(source_id=own_id, target_id__in=live_ids).count()
                + rows.filter(target_id=own_id, source_id__in=live_ids).count()
            )
        return rows.filter(
            **{side.own_column: own_id, f"{side.other_column}__in": live.values("pk")}
        ).count()

    def restore_conflicts(self, user, entity, record_id: int) -> list[str]:
        """What restoring a trashed record would break: its relations coming back would
        give a live record more relations than its type allows. Only a record `user` may
        open is named; the others share one sentence per label, so they are not counted."""
        problems = []
        sides = specs.sides_of(entity)
        rows = list(Relation.objects.filter(_rows_q(sides, [record_id])))
        for side in sides:
            if side.side == BOTH:
                far = side
            else:
                far = Side(side.type, SOURCE if side.side == TARGET else TARGET)
            if far.limit is None:
                continue
            for row in rows:
                other_id = (
                    _other_end(side, row, record_id)
                    if row.relation_type_id == side.type.id
                    else None
                )
                if other_id is None:
                    continue
                other = live_visible(None, side.other_id, [other_id]).first()
                if other is not None and self._count(far, other_id) >= far.limit:
                    if engine.is_open(user, other):
                        message = _("%(other)s already has as many %(label)s relations as allowed.")
                    else:
                        message = _(
                            "A related record already has as many %(label)s relations as allowed."
                        )
                    problems.append(message % {"other": other, "label": far.label})
        return list(dict.fromkeys(problems))


def move_relations(user, entity, kept_id: int, merged_id: int) -> dict[str, int]:
    """The merge mover of relations: the merged record's relations move to the kept one.

    A relation the kept record already has with the same record and type, or one that
    would link the kept record to itself, is dropped instead of moved.
    """
    moved = 0
    for end, other in (("source", "target"), ("target", "source")):
        rows = Relation.objects.filter(
            **{f"relation_type__{end}_id": entity.id, f"{end}_id": merged_id}
        ).select_for_update()
        for relation in rows:
            far = getattr(relation, f"{other}_id")
            taken = Relation.objects.filter(
                relation_type_id=relation.relation_type_id,
                **{f"{end}_id": kept_id, f"{other}_id": far},
            ).exists()
            if taken or far == kept_id:
                relation.delete()
                continue
            setattr(relation, f"{end}_id", kept_id)
            relation.save(update_fields=[f"{end}_id"])
            moved += 1
    return {"relations": moved}
