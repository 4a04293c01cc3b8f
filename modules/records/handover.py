"""Hand everything of one user over to another: every entity type, every object role.

    preview(admin, alice.pk)               # [Move(entity="deals", role="owner", count=12), ...]
    hand_over(admin, alice.pk, bob.pk)     # the same list, after moving them to Bob

Owner is a column of the record; participant and responsible are grants. Each role
moves through `RecordService.change_user` (so permissions, versions and history are
handled as for a bulk change on a list), in chunks of its limit, all in one transaction:
a refusal anywhere moves nothing. Records in the trash stay as they are; the
author (who created a record) is a fact, not handed over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from modules.access.models import ObjectRole, RecordGrant
from modules.access.spec import access_spec
from modules.accounts.exceptions import HandOverInvalid, UserNotFound
from modules.accounts.models import User
from modules.accounts.services import AccountService
from modules.metamodel.runtime import get_snapshot
from modules.records.services import BULK_LIMIT, RecordService


@dataclass(frozen=True)
class Move:
    """How many records of one entity type one role moves on."""

    entity: str
    entity_label: str
    role: str
    role_label: str
    count: int


def _record_ids(entity, model, role: str, user_id: int) -> list[int]:
    live = model.objects.alive()
    if role == ObjectRole.OWNER:
        rows = live.filter(owner_id=user_id)
    else:
        held = RecordGrant.objects.filter(entity_type_id=entity.id, role=role, user_id=user_id)
        rows = live.filter(pk__in=held.values("record_id"))
    return list(rows.order_by("pk").values_list("pk", flat=True))


def _roles(entity) -> list[str]:
    return [ObjectRole.OWNER.value, *(str(r) for r in access_spec(entity).granted_roles)]


def _plan(user_id: int) -> list[tuple[Move, list[int]]]:
    snapshot = get_snapshot()
    plan = []
    for entity in sorted(snapshot.entities, key=lambda e: e.slug):
        model = snapshot.model(entity.slug)
        for role in _roles(entity):
            ids = _record_ids(entity, model, role, user_id)
            if ids:
                move = Move(
                    entity=entity.slug,
                    entity_label=str(entity.display_label_plural),
                    role=role,
                    role_label=str(ObjectRole(role).label),
                    count=len(ids),
                )
                plan.append((move, ids))
    return plan


def preview(actor, from_user: Any) -> list[Move]:
    """What a hand-over from `from_user` would move, per entity type and role."""
    AccountService.require_administrator(actor)
    user = AccountService.get_user(from_user)
    return [move for move, _ids in _plan(user.pk)]


def hand_over(actor, from_user: Any, to_user: Any) -> list[Move]:
    """Move every live record `from_user` owns or takes part in to `to_user`."""
    AccountService.require_administrator(actor)
    source = AccountService.get_user(from_user)
    try:
        target = AccountService.get_user(to_user)
    except UserNotFound:
        raise HandOverInvalid(_("Choose the user who takes over."), field="to_user") from None
    if target.pk == source.pk:
        raise HandOverInvalid(_("Choose another user to take over."), field="to_user")
    if not target.is_active:
        raise HandOverInvalid(_("Choose an active user to take over."), field="to_user")
    service = RecordService()
    with transaction.atomic():
        # Neither user changes status (deleted, suspended) while their records move.
        list(User.objects.select_for_update().filter(pk__in=[source.pk, target.pk]))
        plan = _plan(source.pk)
        for move, ids in plan:
            for start in range(0, len(ids), BULK_LIMIT):
                chunk = ids[start : start + BULK_LIMIT]
                if move.role == ObjectRole.OWNER:
                    service.change_user(actor, move.entity, chunk, role="owner", users=[target.pk])
                    continue
                service.change_user(
                    actor, move.entity, chunk, role=move.role, users=[target.pk], mode="add"
                )
                service.change_user(
                    actor, move.entity, chunk, role=move.role, users=[source.pk], mode="remove"
                )
    return [move for move, _ids in plan]
