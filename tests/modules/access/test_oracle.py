"""A property-based oracle for the access engine.

Hypothesis draws whole worlds: a team tree, users with roles in teams, the system-role
matrix, object roles and their permission sets, and records with owners, authors,
participants, responsible holders and visibilities. A plain-Python reference written
from the rules (DESIGN §5, issue "Access") says what each user may list, open and do;
every channel must agree with it: API list, detail, count, search, filters, the
refusal of filters on masked fields, single edits, bulk deletes and the admin export.
"""

import csv
import io
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from modules.access.services import AccessService
from modules.accounts.models import Membership, Team
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService

VISIBILITIES = ("public", "non_public", "hidden")
ACTIONS = ("view", "edit", "delete")
ENTITY = "companies"


@dataclass
class World:
    parents: list
    memberships: list  # per user: [(team index, role)]
    system: dict
    roles: set
    objects: dict
    records: list = field(default_factory=list)


@st.composite
def worlds(draw) -> World:
    n_teams = draw(st.integers(1, 4))
    parents = [None] + [draw(st.none() | st.integers(0, i - 1)) for i in range(1, n_teams)]
    n_users = draw(st.integers(2, 4))
    membership = st.tuples(st.integers(0, n_teams - 1), st.sampled_from(["manager", "user"]))
    memberships = [
        draw(st.lists(membership, max_size=2, unique_by=lambda m: m[0])) for _ in range(n_users)
    ]
    actions = st.sets(st.sampled_from(ACTIONS))
    system = {
        "manager": draw(st.sets(st.sampled_from([*ACTIONS, "export"]))),
        "user": draw(st.sets(st.sampled_from([*ACTIONS, "export"]))),
    }
    roles = {"owner"} | draw(st.sets(st.sampled_from(["author", "responsible", "participant"])))
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
                        st.sets(someone, max_size=2), st.sets(some_team, max_size=2)
                    ),
                    "responsible": st.tuples(
                        st.sets(someone, max_size=1), st.sets(some_team, max_size=1)
                    ),
                    "secret": st.booleans(),
                    "employees": st.integers(0, 100),
                }
            ),
            min_size=1,
            max_size=6,
        )
    )
    return World(parents, memberships, system, roles, objects, records)


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

    def opens(self, u, rec) -> bool:
        return (
            rec["visibility"] == "public"
            or bool(self.roles_on(u, rec))
            or rec["owner"] in self.managed_members(u)
        )

    def full(self, u, rec) -> bool:
        system = self.w.system[self.role(u)]
        return "view" in self.granted(u, rec) or ("view" in system and self.opens(u, rec))

    def listed(self, u, rec) -> bool:
        system = self.w.system[self.role(u)]
        return self.full(u, rec) or ("view" in system and rec["visibility"] == "non_public")

    def may(self, u, action, rec) -> bool:
        if not self.full(u, rec):
            return False
        system = self.w.system[self.role(u)]
        return action in self.granted(u, rec) or (action in system and self.opens(u, rec))


def build(world: World, make_user, admin):
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
    teams = []
    for i, parent in enumerate(world.parents):
        teams.append(
            Team.objects.create(name=f"team-{i}", parent=None if parent is None else teams[parent])
        )
    users = [make_user() for _ in world.memberships]
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
    return users, ids


def results(api, query=""):
    response = api.get(f"/api/v1/{ENTITY}/?page_size=500{query}")
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


def check_user(ref: Reference, u: int, user, ids: list[int]) -> None:
    recs = ref.w.records
    api = APIClient()
    api.force_authenticate(user)
    listed = {ids[i] for i, rec in enumerate(recs) if ref.listed(u, rec)}
    full = {ids[i] for i, rec in enumerate(recs) if ref.full(u, rec)}

    rows = results(api)
    assert set(rows) == listed
    assert {pk for pk, row in rows.items() if not row["restricted"]} == full
    count = api.get(f"/api/v1/{ENTITY}/?count=true").json()["count"]
    assert count == len(listed)

    for pk in ids:
        detail = api.get(f"/api/v1/{ENTITY}/{pk}/")
        if pk not in listed:
            assert detail.status_code == 404
            continue
        assert detail.json()["restricted"] is (pk not in full)
        assert ("street" in detail.json()) is (pk in full)

    secret = {ids[i] for i, rec in enumerate(recs) if rec["secret"]}
    assert set(results(api, "&search=zz-secret")) == secret & full
    assert set(results(api, "&search=R")) == listed
    assert set(results(api, "&name=R0")) == listed & {ids[0]}

    filtered = api.get(f"/api/v1/{ENTITY}/?page_size=500&employees__gte=50")
    ordered = api.get(f"/api/v1/{ENTITY}/?page_size=500&ordering=employees")
    if listed - full:
        assert filtered.status_code == 400 and ordered.status_code == 400
    else:
        big = {ids[i] for i, rec in enumerate(recs) if rec["employees"] >= 50}
        assert {row["id"] for row in filtered.json()["results"]} == listed & big
        by_employees = [row["id"] for row in ordered.json()["results"]]
        employees = {ids[i]: rec["employees"] for i, rec in enumerate(recs)}
        assert [employees[pk] for pk in by_employees] == sorted(employees[pk] for pk in listed)

    for i, pk in enumerate(ids):
        with transaction.atomic():
            edit = api.patch(f"/api/v1/{ENTITY}/{pk}/", {"employees": 7}, format="json")
            transaction.set_rollback(True)
        expected = 200 if ref.may(u, "edit", recs[i]) else 403 if pk in listed else 404
        assert edit.status_code == expected, (i, edit.content)

    with transaction.atomic():
        bulk = api.post(f"/api/v1/{ENTITY}/bulk/", {"action": "delete", "ids": ids}, format="json")
        trashed = get_model(ENTITY).objects.filter(deleted_at__isnull=False).count()
        transaction.set_rollback(True)
    if set(ids) - listed:
        assert bulk.status_code == 404 and trashed == 0
    elif not all(ref.may(u, "delete", rec) for rec in recs):
        assert bulk.status_code == 403 and trashed == 0
    else:
        assert bulk.status_code == 200 and trashed == len(ids)

    browser = Client()
    browser.force_login(user)
    export = browser.get(f"/records/{ENTITY}/?export=csv")
    if "export" not in ref.w.system[ref.role(u)]:
        assert export.status_code == 403
        return
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    names = {ids[int(row["Name"][1:])]: row for row in table}
    assert set(names) == listed
    for pk, row in names.items():
        assert (row["Street"] != "") is (pk in full)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_every_channel_agrees_with_the_reference(world, make_user, admin):
    with transaction.atomic():
        users, ids = build(world, make_user, admin)
        ref = Reference(world)
        for u, user in enumerate(users):
            check_user(ref, u, user, ids)
        # Administrators see and may do everything.
        api = APIClient()
        api.force_authenticate(admin)
        assert set(results(api)) == set(ids)
        transaction.set_rollback(True)
