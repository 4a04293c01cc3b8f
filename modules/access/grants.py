"""Object-role grants on records: participants and responsible users or teams.

    holders(entity, [12, 13])        # {12: {"participant": {"users": [3], "teams": [1]}}, ...}
    write(entity, 12, "participant", users=[3], teams=[1], mode="replace")
    rows.filter(held_by_q(entity.id, "participant", [3]))   # records user 3 takes part in

Owner and author are columns of the record; the other roles live in RecordGrant rows.
Only RecordService calls the writers, inside its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import OuterRef, Q
from django.db.models.functions import JSONObject
from django.utils.translation import gettext as _

from modules.access.models import RecordGrant
from modules.access.spec import OPEN_FLAG, AccessSpec, access_spec, user_access
from modules.accounts.models import Team
from modules.core.exceptions import TesseraError
from modules.core.values import is_digits

MODES = ("replace", "add", "remove")
#: The attribute `attach` sets on records: {role: {"users": [...], "teams": [...]}}.
HOLDERS = "grant_holders"
#: The annotation `with_holders` adds: the record's grants, read with the record.
GRANT_ROWS = "_grant_rows"
#: The key of each granted role in a record's JSON.
ROLE_KEYS = {"participant": "participants", "responsible": "responsible"}


class GrantInvalid(TesseraError):
    """Raised when a grant names unknown or inactive users or teams, or a role the type lacks."""

    code = "invalid"


def empty(spec: AccessSpec) -> dict:
    """No holders for each granted role of the type."""
    return {role: {"users": [], "teams": []} for role in spec.granted_roles}


def holders(entity, record_ids: Iterable[int]) -> dict[int, dict]:
    """Who holds each granted role on each record, in one query."""
    spec = access_spec(entity)
    ids = list(record_ids)
    found = {pk: empty(spec) for pk in ids}
    if not spec.granted_roles or not ids:
        return found
    rows = RecordGrant.objects.filter(
        entity_type_id=spec.entity_id, record_id__in=ids, role__in=spec.granted_roles
    ).values_list("record_id", "role", "user_id", "team_id")
    for record_id, role, user_id, team_id in rows.order_by("id"):
        slot = found[record_id][role]
        if user_id is not None:
            slot["users"].append(user_id)
        else:
            slot["teams"].append(team_id)
    return found


def with_holders(queryset, entity):
    """`queryset` whose rows bring their grants along (PostgreSQL: an array subquery per
    row), so a page of records and its participants cost one query; unchanged elsewhere."""
    spec = access_spec(entity)
    if not spec.granted_roles or connections[queryset.db].vendor != "postgresql":
        return queryset
    rows = (
        RecordGrant.objects.filter(
            entity_type_id=spec.entity_id, record_id=OuterRef("pk"), role__in=spec.granted_roles
        )
        .order_by("id")
        .values(grant=JSONObject(role="role", user="user_id", team="team_id"))
    )
    return queryset.annotate(**{GRANT_ROWS: ArraySubquery(rows)})


def read_along(spec: AccessSpec, record) -> dict | None:
    """The holders `with_holders` read with `record`, or None when it read none."""
    rows = getattr(record, GRANT_ROWS, None)
    if rows is None:
        return None
    found = empty(spec)
    for row in rows:
        slot = found[row["role"]]
        if row["user"] is not None:
            slot["users"].append(row["user"])
        else:
            slot["teams"].append(row["team"])
    return found


def attach(entity, records: list) -> None:
    """Set `grant_holders` on each record that may show them and lacks them, in at most
    one query (none when the rows were read `with_holders`)."""
    spec = access_spec(entity)
    if not spec.granted_roles:
        return
    missing = []
    for record in records:
        if not getattr(record, OPEN_FLAG, True) or getattr(record, HOLDERS, None) is not None:
            continue
        held = read_along(spec, record)
        if held is None:
            missing.append(record)
        else:
            setattr(record, HOLDERS, held)
    if not missing:
        return
    held = holders(entity, [r.pk for r in missing])
    for record in missing:
        setattr(record, HOLDERS, held[record.pk])


def held_by_q(entity_id: int, role: str, user_ids: Iterable[int]) -> Q:
    """Records on which one of the users holds `role` through a grant to them (one subquery)."""
    held = RecordGrant.objects.filter(entity_type_id=entity_id, role=role, user_id__in=user_ids)
    return Q(pk__in=held.values("record_id"))


def check_role(spec: AccessSpec, role: str) -> None:
    """Refuse a role the entity type does not keep as grants."""
    if role not in spec.granted_roles:
        raise GrantInvalid(
            _("This entity type has no role '%(role)s'.") % {"role": role}, field="role"
        )


def _ids(values, field: str) -> list[int]:
    if values is None:
        return []
    if not isinstance(values, list | tuple | set | frozenset) or any(
        isinstance(v, bool) or not is_digits(str(v)) for v in values
    ):
        raise GrantInvalid(_("Give a list of ids."), field=field)
    return sorted({int(v) for v in values})


def clean(users=None, teams=None, *, active_only: bool = True) -> tuple[list[int], list[int]]:
    """Ids of active users and existing teams; anything else is a GrantInvalid.

    `active_only=False` accepts suspended and deleted users too: taking a grant away from
    someone who has left must stay possible.
    """
    user_ids, team_ids = _ids(users, "users"), _ids(teams, "teams")
    users_found = get_user_model().objects.filter(pk__in=user_ids)
    if active_only:
        users_found = users_found.filter(is_active=True)
    active = set(users_found.values_list("pk", flat=True))
    if set(user_ids) - active:
        raise GrantInvalid(_("Choose active users."), field="users")
    known = set(Team.objects.filter(pk__in=team_ids).values_list("pk", flat=True))
    if set(team_ids) - known:
        raise GrantInvalid(_("There is no such team."), field="teams")
    return user_ids, team_ids


def write(
    entity, record_ids: Iterable[int], role: str, users, teams, *, mode: str = "replace"
) -> None:
    """Replace, add or remove holders of `role` on the records (ids already checked)."""
    spec = access_spec(entity)
    check_role(spec, role)
    if mode not in MODES:
        raise GrantInvalid(
            _("Mode must be one of: %(modes)s.") % {"modes": ", ".join(MODES)}, field="mode"
        )
    ids = list(record_ids)
    rows = RecordGrant.objects.filter(entity_type_id=spec.entity_id, record_id__in=ids, role=role)
    if mode == "replace":
        rows.delete()
    if mode == "remove":
        rows.filter(user_id__in=users).delete()
        rows.filter(team_id__in=teams).delete()
        return
    new = [
        RecordGrant(entity_type_id=spec.entity_id, record_id=pk, role=role, user_id=u)
        for pk in ids
        for u in users
    ] + [
        RecordGrant(entity_type_id=spec.entity_id, record_id=pk, role=role, team_id=t)
        for pk in ids
        for t in teams
    ]
    RecordGrant.objects.bulk_create(new, ignore_conflicts=True)


def defaults(entity, user) -> tuple[list[int], list[int]]:
    """The participants a new record gets: the type's defaults and the creator's teams."""
    spec = access_spec(entity)
    if "participant" not in spec.roles:
        return [], []
    teams = set(spec.default_teams)
    access = user_access(user)
    if spec.creator_team_participates and access is not None:
        teams.update(access.team_ids)
    return sorted(spec.default_users), sorted(teams)
