"""The access engine: one place that answers who may see and do what with records.

    Person.objects.visible_to(user)            # records the user may list, flagged open or not
    queryset.filter(visible_q(user, entity))   # the same as one SQL condition
    open_q(user, entity)                       # ... of those, the ones the user may open
    field_mask(user, record)                   # None, or the basic field names only
    can(user, "delete", record)                # one action on one record (or on the type)

Rules (DESIGN §5): Administrators may do everything. Others get the union of what
their system role (Manager or User, a matrix per entity type) and their object roles
on the record (Owner, Author, Responsible, Participant; grants to users or teams)
allow. A public record opens to every user whose role may view the type; a
non-public one is listed to them with its basic fields only; a hidden one does not
exist for them. Object roles and a manager's team tree open any record (`OPENERS`:
"may open" once, as SQL and as a test of a row).

`None` as the user means the system itself (scheduled jobs, `load_demo`): no limits.
Every channel (API, admin, exports, bulk, pickers, jobs) calls these functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.lookups import IsNull
from django.db.models.query import ModelIterable

from modules.access import grants
from modules.access.models import GRANTED_ROLES, ObjectRole, RecordGrant, Visibility
from modules.access.spec import OPEN_FLAG, AccessSpec, UserAccess, access_spec, user_access
from modules.accounts.models import Membership
from modules.core.lookups import InArray
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec

#: Rows flagged per grants query when a scoped list is read (a page is one batch).
FLAG_BATCH = 500
#: Up to this many members of a manager's teams are written into the query as a list.
MANAGED_MEMBERS_INLINE = 2000


def _manager_q(access: UserAccess) -> Q | None:
    """Records owned by a member of the teams the manager leads: the members read with the
    user's access, as a list (no scan of memberships per query) unless there are very many."""
    if not access.managed_members:
        return None
    if len(access.managed_members) <= MANAGED_MEMBERS_INLINE:
        return Q(InArray(F("owner_id"), sorted(access.managed_members)))
    members = Membership.objects.filter(team_id__in=access.subtree_ids).values("user_id")
    return Q(owner_id__in=members)


def _holders_q(access: UserAccess) -> Q:
    holders = Q(user_id=access.user_id)
    if access.team_ids:
        holders |= Q(team_id__in=access.team_ids)
    return holders


def _roles_q(access: UserAccess, spec: AccessSpec, roles, *, per_row: bool = False) -> list[Q]:
    """Conditions for 'the user holds one of `roles` on the record'.

    Grants are looked up either as `id IN (the user's granted record ids)` — hashed once
    per query; right when few records qualify, so the scan starts from the grants — or,
    with `per_row`, as an index probe per candidate row (`grant_record`): right when most
    rows already qualify by visibility, so only the few remaining rows are probed and a
    first page never builds the hash of every grant the user's teams hold.
    """
    parts = []
    if ObjectRole.OWNER in roles:
        parts.append(Q(owner_id=access.user_id))
    if ObjectRole.AUTHOR in roles:
        parts.append(Q(created_by_id=access.user_id))
    granted = [r for r in GRANTED_ROLES if r in roles]
    if granted:
        held = RecordGrant.objects.filter(
            _holders_q(access), entity_type_id=spec.entity_id, role__in=granted
        )
        if per_row:
            probe = held.filter(record_id=OuterRef("pk")).values("pk")[:1]
            parts.append(Q(IsNull(Subquery(probe), False)))
        else:
            parts.append(Q(id__in=held.values("record_id")))
    return parts


def _any(parts: list[Q | None]) -> Q:
    parts = [p for p in parts if p is not None]
    return reduce(or_, parts) if parts else Q(pk__in=[])


@dataclass(frozen=True)
class Opener:
    """One reason a record opens (every field readable) to a user whose system role may
    view its type, written once as an SQL condition and once as a test of a fetched row."""

    #: `sql(access, spec)`: the conditions (ORed; None: none) the list query is built from.
    sql: Callable[[UserAccess, AccessSpec], list[Q | None]]
    #: `test(access, record, roles)`: the same on one record, given the user's roles on it.
    test: Callable[[UserAccess, Any, frozenset[str]], bool]


#: "May open": the record is public, the user holds an object role on it, or the user
#: manages its owner's team. Lists filter by `sql`; flagged rows and `can()` run `test`.
OPENERS = (
    Opener(
        sql=lambda access, spec: [Q(visibility=Visibility.PUBLIC)],
        test=lambda access, record, roles: record.visibility == Visibility.PUBLIC,
    ),
    Opener(
        sql=lambda access, spec: _roles_q(access, spec, spec.roles, per_row=True),
        test=lambda access, record, roles: bool(roles),
    ),
    Opener(
        sql=lambda access, spec: [_manager_q(access)],
        test=lambda access, record, roles: access.manages(record.owner_id),
    ),
)


def opens(access: UserAccess, record, roles: frozenset[str]) -> bool:
    """Does `record` open to a user whose system role may view its type (`OPENERS`)?"""
    return any(opener.test(access, record, roles) for opener in OPENERS)


def _conditions(user, entity) -> tuple[Q, Q] | None:
    """(may list, may open) for a non-administrator; None when nothing is limited."""
    access = user_access(user)
    if access is None or access.is_admin:
        return None
    spec = access_spec(entity)
    viewers = spec.roles_allowing("view")
    if not spec.system_allows(access.role, "view"):
        opened = _any(_roles_q(access, spec, viewers))
        return opened, opened
    public, *others = [opener.sql(access, spec) for opener in OPENERS]
    # Listed: what opens, and any non-public record besides.
    listed = [Q(visibility__in=[Visibility.PUBLIC, Visibility.NON_PUBLIC])]
    listed += [part for parts in others for part in parts]
    return _any(listed), _any(public + listed[1:])


def visible_q(user, entity) -> Q:
    """Records of `entity` the user may see at all (listed, maybe only basic fields)."""
    conditions = _conditions(user, entity)
    return Q() if conditions is None else conditions[0]


def open_q(user, entity) -> Q:
    """Records of `entity` the user may open: every field readable."""
    conditions = _conditions(user, entity)
    return Q() if conditions is None else conditions[1]


def may_meet_restricted(user, entity) -> bool:
    """Could the user's list hold a record with masked fields?"""
    access = user_access(user)
    if access is None or access.is_admin:
        return False
    return access_spec(entity).system_allows(access.role, "view")


def scoped(queryset, user, entity):
    """`queryset` limited to what the user may see, each row flagged open or restricted."""
    conditions = _conditions(user, entity)
    if conditions is None:
        return queryset
    listed, _opened = conditions
    queryset = queryset.filter(listed)
    if may_meet_restricted(user, entity):
        # The flag is set on the fetched rows (FlaggedIterable), not computed in SQL: a
        # CASE repeating the open condition doubled the planning and the grant lookups.
        flagged = type(
            "FlaggedIterable", (FlaggedIterable,), {"user": user, "entity": _spec_of(entity)}
        )
        queryset = queryset._chain()
        queryset._iterable_class = flagged
    return queryset


def _spec_of(entity) -> EntitySpec:
    return get_snapshot().entity(entity) if isinstance(entity, str) else entity


class FlaggedIterable(ModelIterable):
    """Model rows, each flagged open or restricted for `user`, with the page's grants.

    One query reads the grants of every fetched row: it tells which rows the user holds
    a role on (and so opens), and gives the open rows their participants, which the
    serializer would otherwise read in a query of its own.
    """

    user = None
    entity: EntitySpec

    def __iter__(self):
        batch = []
        for row in super().__iter__():
            batch.append(row)
            if len(batch) == FLAG_BATCH:
                yield from self._flag(batch)
                batch = []
        yield from self._flag(batch)

    def _flag(self, rows: list) -> list:
        if not rows:
            return rows
        access, spec = user_access(self.user), access_spec(self.entity)
        held = {}
        if spec.granted_roles:
            along = {r.pk: grants.read_along(spec, r) for r in rows}
            if None in along.values():
                along = grants.holders(self.entity, [r.pk for r in rows])
            held = along
        teams = set(access.team_ids)
        for row in rows:
            granted = {
                role
                for role, holders in held.get(row.pk, {}).items()
                if access.user_id in holders["users"] or teams.intersection(holders["teams"])
            }
            is_open = opens(access, row, _roles_held(access, spec, row, granted))
            setattr(row, OPEN_FLAG, is_open)
            if is_open and row.pk in held:
                setattr(row, grants.HOLDERS, held[row.pk])
        return rows


def restricted_exists(queryset, user, entity) -> bool:
    """Does `queryset` (already scoped) hold a record the user may not open?"""
    if not may_meet_restricted(user, entity):
        return False
    return queryset.exclude(open_q(user, entity)).exists()


def roles_on(user, record) -> frozenset[str]:
    """The object roles the user holds on `record` (one query for granted roles)."""
    access = user_access(user)
    if access is None or not access.user_id:
        return frozenset()
    cache = getattr(record, "_access_roles", None)
    if cache is None or cache[0] != access.user_id:
        prime_roles(user, [record])
    return record._access_roles[1]


def prime_roles(user, records: list) -> None:
    """Work out the user's object roles on many records of one type with one query, so
    `can()` over a bulk selection costs no query per record."""
    access = user_access(user)
    if access is None or not access.user_id or not records:
        return
    spec = access_spec(records[0].entity)
    granted: dict[int, set[str]] = {}
    saved = [r.pk for r in records if r.pk is not None]
    if spec.granted_roles and saved:
        rows = RecordGrant.objects.filter(
            _holders_q(access),
            entity_type_id=spec.entity_id,
            record_id__in=saved,
            role__in=spec.granted_roles,
        ).values_list("record_id", "role")
        for record_id, role in rows:
            granted.setdefault(record_id, set()).add(role)
    for record in records:
        roles = _roles_held(access, spec, record, granted.get(record.pk, set()))
        record._access_roles = (access.user_id, roles)


def _roles_held(access: UserAccess, spec: AccessSpec, record, granted: set[str]) -> frozenset:
    """The user's object roles on `record`: `granted` (read from its grants) and the roles
    its own columns give (owner, author)."""
    roles = set(granted)
    if record.owner_id == access.user_id:
        roles.add(ObjectRole.OWNER.value)
    if ObjectRole.AUTHOR in spec.roles and record.created_by_id == access.user_id:
        roles.add(ObjectRole.AUTHOR.value)
    return frozenset(roles)


def is_open(user, record) -> bool:
    """May the user read every field of `record`?"""
    flag = getattr(record, OPEN_FLAG, None)
    if flag is not None:
        return bool(flag)
    return can(user, "view", record)


def field_mask(user, record) -> frozenset[str] | None:
    """None when the user reads every field; else the api names of the basic fields."""
    if is_open(user, record):
        return None
    return frozenset(spec.api_name for spec in record.entity.fields if spec.is_basic)


def can(user, action: str, record: Any = None, *, entity: EntitySpec | str | None = None) -> bool:
    """May the user do `action` on `record` (or, with `entity`, on the type at all)?"""
    access = user_access(user)
    if access is None or access.is_admin:
        return True
    if not access.user_id:
        return False
    spec = access_spec(record.entity if record is not None else entity)
    system = spec.system_allows(access.role, action)
    if record is None:
        return system
    roles = roles_on(user, record)
    granted = frozenset().union(*(spec.objects.get(r, ()) for r in roles))
    opened = opens(access, record, roles)
    may_view = "view" in granted or (spec.system_allows(access.role, "view") and opened)
    if action == "view" or not may_view:
        return may_view
    return action in granted or (system and opened)
