"""Whole access worlds for the property-based oracle, and the rules written plainly over them.

    @given(world=worlds())
    def test_x(world, django_user_model):
        built = build(world)                         # teams, users, settings, records
        ref = Reference(world)
        ref.listed(world.viewer, world.records[0])   # what the viewer may list, open and do

Hypothesis draws a team tree, users with roles in teams, the system-role matrix, object
roles and their permission sets, companies with owners, authors, participants, responsible
holders and visibilities, a company's headquarters (a relation type allowing one), persons
linking to those companies, and one viewer whose every
channel the oracle tests compare against `Reference`. The reference is written from the
rules (DESIGN §5, docs/architecture.md "The access engine"), never from the engine's code.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from modules.access.services import AccessService
from modules.accounts.models import Membership, Team
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from modules.relations.models import RelationType
from modules.relations.services import RelationService

VISIBILITIES = ("public", "non_public", "hidden")
RECORD_ACTIONS = ("view", "edit", "delete", "change_user", "change_visibility", "view_history")
TYPE_ACTIONS = ("add", "export", "import")
ENTITY = "companies"
LINKING = "persons"

#: A world is built and read through the database and HTTP: its time depends on the load of
#: the machine, not on the code under test, so no deadline. Failures print the blob that
#: replays them (`@reproduce_failure`); the example database is kept where it can be.
ORACLE = settings(
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_numbers = itertools.count(1)


@dataclass(frozen=True)
class World:
    parents: list
    memberships: list  # per user: [(team index, role)]
    system: dict  # system role -> actions
    roles: frozenset  # object roles the entity type has
    objects: dict  # object role -> actions
    records: tuple  # companies, as dicts of indexes
    links: tuple = ()  # per person: the index of the company it links to, or None
    viewer: int = 0
    target: int = 0  # a company the viewer's writes aim at
    other: int = 0  # another company, whose name the viewer's writes clash with
    heir: int = 0  # a user the viewer hands the target over to
    headquarters: int | None = None  # the company the target is a branch of


@st.composite
def worlds(draw) -> World:
    n_teams = draw(st.integers(1, 4))
    parents = [None] + [draw(st.none() | st.integers(0, i - 1)) for i in range(1, n_teams)]
    n_users = draw(st.integers(2, 4))
    membership = st.tuples(st.integers(0, n_teams - 1), st.sampled_from(["manager", "user"]))
    memberships = [
        draw(st.lists(membership, max_size=2, unique_by=lambda m: m[0])) for _ in range(n_users)
    ]
    actions = st.frozensets(st.sampled_from(RECORD_ACTIONS))
    system_actions = st.frozensets(st.sampled_from(RECORD_ACTIONS + TYPE_ACTIONS))
    system = {"manager": draw(system_actions), "user": draw(system_actions)}
    roles = frozenset(
        {"owner"} | draw(st.sets(st.sampled_from(["author", "responsible", "participant"])))
    )
    objects = {role: draw(actions) for role in sorted(roles)}
    someone = st.integers(0, n_users - 1)
    some_team = st.integers(0, n_teams - 1)
    records = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "owner": someone,
                    "author": someone,
                    "visibility": st.sampled_from(VISIBILITIES),
                    "participant": st.tuples(
                        st.frozensets(someone, max_size=2), st.frozensets(some_team, max_size=2)
                    ),
                    "responsible": st.tuples(
                        st.frozensets(someone, max_size=1), st.frozensets(some_team, max_size=1)
                    ),
                    "secret": st.booleans(),
                    "employees": st.integers(0, 100),
                }
            ),
            min_size=1,
            max_size=6,
        )
    )
    company = st.integers(0, len(records) - 1)
    links = draw(st.lists(st.none() | company, max_size=3))
    return World(
        parents=parents,
        memberships=memberships,
        system=system,
        roles=roles,
        objects=objects,
        records=tuple(records),
        links=tuple(links),
        viewer=draw(someone),
        target=draw(company),
        other=draw(company),
        heir=draw(someone),
        headquarters=draw(st.none() | company),
    )


class Reference:
    """The rules, written plainly, over the drawn world (indexes, not database rows)."""

    def __init__(self, world: World):
        self.w = world

    def teams_of(self, u: int) -> set[int]:
        return {t for t, _role in self.w.memberships[u]}

    def role(self, u: int) -> str:
        return "manager" if any(r == "manager" for _t, r in self.w.memberships[u]) else "user"

    def below(self, team: int) -> set[int]:
        found, grew = {team}, True
        while grew:
            grew = False
            for t, parent in enumerate(self.w.parents):
                if parent in found and t not in found:
                    found.add(t)
                    grew = True
        return found

    def managed_members(self, u: int) -> set[int]:
        teams = set()
        for t, r in self.w.memberships[u]:
            if r == "manager":
                teams |= self.below(t)
        return {v for v in range(len(self.w.memberships)) if self.teams_of(v) & teams}

    def roles_on(self, u: int, rec: dict) -> set[str]:
        held = set()
        if rec["owner"] == u:
            held.add("owner")
        if "author" in self.w.roles and rec["author"] == u:
            held.add("author")
        for role in ("participant", "responsible"):
            users, teams = rec[role]
            if role in self.w.roles and (u in users or self.teams_of(u) & teams):
                held.add(role)
        return held

    def granted(self, u, rec) -> set[str]:
        return set().union(*(self.w.objects[r] for r in self.roles_on(u, rec)))

    def system(self, u, action: str) -> bool:
        """The system role's matrix allows the action (add, import, export: per type)."""
        return action in self.w.system[self.role(u)]

    def opens(self, u, rec) -> bool:
        return (
            rec["visibility"] == "public"
            or bool(self.roles_on(u, rec))
            or rec["owner"] in self.managed_members(u)
        )

    def full(self, u, rec) -> bool:
        return "view" in self.granted(u, rec) or (self.system(u, "view") and self.opens(u, rec))

    def listed(self, u, rec) -> bool:
        return self.full(u, rec) or (self.system(u, "view") and rec["visibility"] == "non_public")

    def may(self, u, action, rec) -> bool:
        if not self.full(u, rec):
            return False
        return action in self.granted(u, rec) or (self.system(u, action) and self.opens(u, rec))


@dataclass
class Built:
    """The database rows of a world: users, teams and record ids by the world's indexes."""

    users: list
    teams: list
    ids: list  # company ids
    people: list = field(default_factory=list)  # person ids
    admin: object = None

    def client(self, user) -> APIClient:
        api = APIClient()
        api.force_authenticate(user)
        return api


def quick_user(*, admin: bool = False):
    """A user without a usable password: hashing one costs more than the rest of a world."""
    name = f"oracle{next(_numbers)}"
    return get_user_model().objects.create_user(
        username=name, email=f"{name}@example.com", is_superuser=admin, is_staff=admin
    )


def configure(world: World, admin) -> None:
    """The companies' access settings of the world."""
    service = AccessService()
    service.update_visibility(admin, ENTITY, allowed=list(VISIBILITIES), default="public")
    service.update_permissions(
        admin,
        ENTITY,
        object_roles=sorted(world.roles),
        system={role: sorted(actions) for role, actions in world.system.items()},
        objects={role: sorted(actions) for role, actions in world.objects.items()},
    )
    service.update_participants(admin, ENTITY, creator_team=False, users=[], teams=[])


def build(world: World, admin=None) -> Built:
    """The world in the database, written as the system through the services."""
    admin = admin or quick_user(admin=True)
    configure(world, admin)
    teams = []
    for i, parent in enumerate(world.parents):
        teams.append(
            Team.objects.create(
                name=f"team-{next(_numbers)}-{i}",
                parent=None if parent is None else teams[parent],
            )
        )
    users = [quick_user() for _ in world.memberships]
    for user, memberships in zip(users, world.memberships, strict=True):
        for team, role in memberships:
            Membership.objects.create(user=user, team=teams[team], role=role)
    model, ids = get_model(ENTITY), []
    for i, rec in enumerate(world.records):
        p_users, p_teams = rec["participant"]
        record = RecordService().create(
            None,
            ENTITY,
            {
                "name": f"R{i}",
                "tax_number": f"T{i}",
                "street": "zz-secret" if rec["secret"] else "plain",
                "employees": rec["employees"],
            },
            owner=users[rec["owner"]],
            visibility=rec["visibility"],
            participants=(
                {"users": [users[u].pk for u in p_users], "teams": [teams[t].pk for t in p_teams]}
                if "participant" in world.roles
                else None
            ),
        )
        r_users, r_teams = rec["responsible"]
        if "responsible" in world.roles and (r_users or r_teams):
            RecordService().change_user(
                None,
                ENTITY,
                [record.pk],
                role="responsible",
                users=[users[u].pk for u in r_users],
                teams=[teams[t].pk for t in r_teams],
            )
        model.objects.filter(pk=record.pk).update(created_by=users[rec["author"]])
        ids.append(record.pk)
    if world.headquarters not in (None, world.target):
        RelationService().add(
            admin,
            ENTITY,
            ids[world.target],
            headquarters_type(),
            ids[world.headquarters],
            side="target",
        )
    people = [
        RecordService()
        .create(
            None,
            LINKING,
            {
                "first_name": f"P{k}",
                "last_name": "Oracle",
                "company": None if company is None else ids[company],
            },
            owner=admin,
            visibility="public",
            participants={"users": [], "teams": []},
        )
        .pk
        for k, company in enumerate(world.links)
    ]
    return Built(users=users, teams=teams, ids=ids, people=people, admin=admin)


def headquarters_type() -> int:
    """The shipped relation type a branch has at most one of (max_sources 1)."""
    return RelationType.objects.get(key="headquarters_branch").pk


def competitors_type() -> int:
    """The shipped symmetric relation type (no limits)."""
    return RelationType.objects.get(key="competitors").pk


def changed(rec: dict, **values) -> dict:
    """The record as it would be after a write (for asking the reference about it)."""
    return {**rec, **values}


def names_no_record(text: str, ids) -> bool:
    """The text mentions none of the ids as a number of its own (`#12`, `12`, `id 12`)."""
    return not any(re.search(rf"(?<![\w.]){pk}(?![\w.])", text) for pk in ids)
