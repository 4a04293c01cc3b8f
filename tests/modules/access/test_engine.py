"""The access engine through the channels users reach it by: the API and the admin.

The seed's worked example (three sales teams, contacts hidden by default, the team
invited as participants, only the owner edits) runs through both.
"""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from modules.access import engine
from modules.access.services import AccessService, AccessSettingsInvalid
from modules.accounts.models import Membership, Role, Team
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService

pytestmark = pytest.mark.smoke


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def sales(make_user, admin):
    """Three sales teams with two salespeople each; persons hidden, the team participates."""
    service = AccessService()
    service.update_visibility(admin, "persons", allowed=["public", "hidden"], default="hidden")
    service.update_permissions(
        admin,
        "persons",
        system={"user": ["view", "add"]},
        objects={"owner": ["view", "edit", "delete"], "participant": ["view"]},
    )
    service.update_participants(admin, "persons", creator_team=True, users=[], teams=[])
    people = {}
    for team_name in ("north", "south", "west"):
        team = Team.objects.create(name=f"Sales {team_name}")
        for n in (1, 2):
            person = make_user(f"{team_name}{n}")
            Membership.objects.create(user=person, team=team, role=Role.USER)
            people[f"{team_name}{n}"] = person
    return people


def test_the_worked_example_through_the_api(sales):
    north1, north2, south1 = sales["north1"], sales["north2"], sales["south1"]
    created = client_for(north1).post(
        "/api/v1/persons/", {"first_name": "Jan", "last_name": "Kowalski"}, format="json"
    )
    assert created.status_code == 201, created.content
    contact = created.json()
    north_team = Team.objects.get(name="Sales north")
    assert contact["visibility"] == "hidden"
    assert contact["owner"] == north1.pk
    assert contact["participants"] == {"users": [], "teams": [north_team.pk]}

    # The teammate sees it (participant) but may not edit or delete it.
    url = f"/api/v1/persons/{contact['id']}/"
    assert ids(client_for(north2).get("/api/v1/persons/")) == {contact["id"]}
    assert client_for(north2).get(url).json()["last_name"] == "Kowalski"
    assert client_for(north2).patch(url, {"last_name": "X"}, format="json").status_code == 403
    assert client_for(north2).delete(url).status_code == 403

    # Another team sees nothing: not in lists, counts or searches; the id answers 404.
    other = client_for(south1)
    assert ids(other.get("/api/v1/persons/")) == set()
    assert other.get("/api/v1/persons/?count=true").json()["count"] == 0
    assert ids(other.get("/api/v1/persons/?search=Kowal")) == set()
    missing = other.get(url)
    assert missing.status_code == 404
    assert missing.json() == other.get("/api/v1/persons/999999/").json()
    assert other.patch(url, {"last_name": "X"}, format="json").status_code == 404

    # The owner edits and deletes.
    owner = client_for(north1)
    assert owner.patch(url, {"last_name": "Nowak"}, format="json").status_code == 200
    assert owner.delete(url).status_code == 204


def test_the_worked_example_in_the_admin(client, sales):
    north1, north2, south1 = sales["north1"], sales["north2"], sales["south1"]
    contact = RecordService().create(north1, "persons", {"first_name": "Jan", "last_name": "Nowak"})
    client.force_login(north2)
    listing = client.get("/records/persons/")
    assert [r.pk for r in listing.context["object_list"]] == [contact.pk]
    assert client.get(f"/records/persons/inspect/{contact.pk}/").status_code == 200
    assert client.get(f"/records/persons/edit/{contact.pk}/").status_code == 403
    client.force_login(south1)
    assert list(client.get("/records/persons/").context["object_list"]) == []
    for screen in ("inspect", "edit", "delete"):
        assert client.get(f"/records/persons/{screen}/{contact.pk}/").status_code == 404
    client.force_login(north1)
    response = client.post(
        f"/records/persons/edit/{contact.pk}/",
        {"first_name": "Jan", "last_name": "Nowak-Kowalska", "version": contact.version},
    )
    assert response.status_code == 302
    assert get_model("persons").objects.get(pk=contact.pk).last_name == "Nowak-Kowalska"


def test_system_and_object_roles_add_up(make_user, admin):
    """Users may not delete deals, participants may not, owners may."""
    AccessService().update_permissions(
        admin,
        "deals",
        system={"user": ["view", "add", "edit"]},
        objects={"owner": ["view", "edit", "delete"], "participant": ["view", "edit"]},
    )
    owner, guest = make_user("owner"), make_user("guest")
    deal = RecordService().create(
        admin, "deals", {"name": "Renewal"}, owner=owner, participants={"users": [guest.pk]}
    )
    url = f"/api/v1/deals/{deal.pk}/"
    assert client_for(guest).delete(url).status_code == 403
    assert client_for(guest).patch(url, {"name": "Renewal 2"}, format="json").status_code == 200
    assert client_for(owner).delete(url).status_code == 204


def test_a_manager_sees_what_the_teams_below_own(make_user, admin):
    AccessService().update_visibility(
        admin, "companies", allowed=["public", "hidden"], default="hidden"
    )
    top = Team.objects.create(name="Sales")
    region = Team.objects.create(name="Region", parent=top)
    branch = Team.objects.create(name="Branch", parent=region)
    elsewhere = Team.objects.create(name="Elsewhere")
    boss, rep, stranger = make_user("boss"), make_user("rep"), make_user("stranger")
    Membership.objects.create(user=boss, team=region, role=Role.MANAGER)
    Membership.objects.create(user=rep, team=branch, role=Role.USER)
    Membership.objects.create(user=stranger, team=elsewhere, role=Role.USER)
    below = RecordService().create(rep, "companies", {"name": "Below"})
    apart = RecordService().create(stranger, "companies", {"name": "Apart"})
    assert ids(client_for(boss).get("/api/v1/companies/")) == {below.pk}
    assert client_for(boss).get(f"/api/v1/companies/{apart.pk}/").status_code == 404
    # Managers may edit and delete by default what they see through their team.
    assert client_for(boss).delete(f"/api/v1/companies/{below.pk}/").status_code == 204


def test_non_public_records_show_basic_fields_only(make_user, admin):
    owner, other = make_user("owner"), make_user("other")
    record = RecordService().create(
        admin,
        "companies",
        {"name": "Quiet Ltd", "city": "Łódź", "street": "Secret 1", "employees": 40},
        owner=owner,
        visibility="non_public",
    )
    RecordService().create(owner, "companies", {"name": "Open Ltd", "employees": 5})
    listing = client_for(other).get("/api/v1/companies/").json()["results"]
    quiet = next(row for row in listing if row["id"] == record.pk)
    assert quiet == {
        "id": record.pk,
        "name": "Quiet Ltd",
        "city": "Łódź",
        "restricted_fields": [],
        "visibility": "non_public",
        "restricted": True,
    }
    detail = client_for(other).get(f"/api/v1/companies/{record.pk}/").json()
    assert detail == quiet
    assert client_for(owner).get(f"/api/v1/companies/{record.pk}/").json()["street"] == "Secret 1"

    # Values the caller cannot read never decide what is listed or in which order.
    for query in ("employees__gte=10", "ordering=employees", "ordering=-street", "owner=1"):
        response = client_for(other).get(f"/api/v1/companies/?{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] == "invalid"
    assert ids(client_for(other).get("/api/v1/companies/?search=Secret")) == set()
    assert ids(client_for(owner).get("/api/v1/companies/?search=Secret")) == {record.pk}
    assert ids(client_for(other).get("/api/v1/companies/?search=Quiet")) == {record.pk}
    assert client_for(owner).get("/api/v1/companies/?employees__gte=10").status_code == 200


def test_the_admin_masks_non_public_records(client, make_user, admin):
    owner, other = make_user("owner"), make_user("other")
    record = RecordService().create(
        admin,
        "companies",
        {"name": "Quiet Ltd", "city": "Łódź", "street": "Secret 1", "employees": 4321},
        owner=owner,
        visibility="non_public",
    )
    client.force_login(other)
    page = client.get("/records/companies/").content.decode()
    assert "Quiet Ltd" in page and "Secret 1" not in page
    profile = client.get(f"/records/companies/inspect/{record.pk}/").content.decode()
    assert "Łódź" in profile and "Secret 1" not in profile and "4321" not in profile
    assert len(client.get("/records/companies/?q=Secret").context["object_list"]) == 0
    sorted_page = client.get("/records/companies/?ordering=-employees")
    assert "non-public to you" in sorted_page.content.decode()
    export = client.get("/records/companies/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header, quiet = rows[0], next(r for r in rows[1:] if r[0] == "Quiet Ltd")
    shown = {h: v for h, v in zip(header, quiet, strict=True) if v not in (None, "")}
    assert set(shown) == {"Name", "City"}


def test_bulk_actions_are_all_or_nothing(make_user, admin):
    alice, bob = make_user("alice2"), make_user("bob2")
    mine = [RecordService().create(alice, "companies", {"name": f"A{i}"}).pk for i in range(3)]
    theirs = RecordService().create(bob, "companies", {"name": "B"}).pk
    hidden = (
        RecordService().create(admin, "companies", {"name": "H"}, owner=bob, visibility="hidden").pk
    )
    api = client_for(alice)

    refused = api.post(
        "/api/v1/companies/bulk/", {"action": "delete", "ids": [*mine, theirs]}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["ids"] == [theirs]
    missing = api.post(
        "/api/v1/companies/bulk/", {"action": "delete", "ids": [*mine, hidden]}, format="json"
    )
    assert missing.status_code == 404
    model = get_model("companies")
    assert not model.objects.filter(pk__in=[*mine, theirs, hidden], deleted_at__isnull=False)

    handed = api.post(
        "/api/v1/companies/bulk/",
        {"action": "change_user", "ids": mine, "role": "participant", "users": [bob.pk]},
        format="json",
    )
    assert handed.status_code == 200, handed.content
    assert client_for(bob).get(f"/api/v1/companies/{mine[0]}/").json()["participants"] == {
        "users": [bob.pk],
        "teams": [],
    }
    owner = api.post(
        "/api/v1/companies/bulk/",
        {"action": "change_user", "ids": mine, "role": "owner", "users": [bob.pk]},
        format="json",
    )
    assert owner.status_code == 200
    assert set(model.objects.filter(pk__in=mine).values_list("owner_id", flat=True)) == {bob.pk}
    # Alice gave her records away: she may no longer delete them.
    gone = api.post("/api/v1/companies/bulk/", {"action": "delete", "ids": mine}, format="json")
    assert gone.status_code == 403
    updated = client_for(bob).post(
        "/api/v1/companies/bulk/",
        {"action": "update", "ids": mine, "values": {"employees": "many"}},
        format="json",
    )
    assert updated.status_code == 400
    assert not model.objects.filter(pk__in=mine, employees__isnull=False).exists()


def test_a_visibility_the_type_does_not_allow_is_refused(make_user, admin):
    AccessService().update_visibility(admin, "companies", allowed=["public"], default="public")
    response = client_for(admin).post(
        "/api/v1/companies/", {"name": "Nope", "visibility": "hidden"}, format="json"
    )
    assert response.status_code == 400
    assert "visibility" in response.json()["errors"]


def test_the_visibility_filter_costs_one_condition_not_a_query_per_row(make_user, admin):
    """A user's and a manager's page cost as many queries for 20 rows as for 5, and on
    PostgreSQL (participants read along in an array) as many as an admin's."""
    team = Team.objects.create(name="T")
    boss, rep = make_user("boss"), make_user("rep")
    Membership.objects.create(user=boss, team=team, role=Role.MANAGER)
    Membership.objects.create(user=rep, team=team, role=Role.USER)
    for i in range(30):
        RecordService().create(
            admin,
            "companies",
            {"name": f"C{i}"},
            owner=rep,
            visibility=["public", "non_public", "hidden"][i % 3],
        )
    counts = {}
    for who in (admin, boss, rep):
        api = client_for(who)
        api.get("/api/v1/companies/")
        for size in (5, 20):
            with CaptureQueriesContext(connection) as queries:
                response = api.get(f"/api/v1/companies/?page_size={size}")
            assert len(response.json()["results"]) == size
            counts[who.username, size] = len(queries)
    for who in ("root", "boss", "rep"):
        assert counts[who, 5] == counts[who, 20], counts
    if connection.vendor == "postgresql":
        assert len(set(counts.values())) == 1, counts


def test_can_answers_for_the_system_itself(db):
    record = RecordService().create(None, "companies", {"name": "System made"})
    assert engine.can(None, "delete", record)
    assert engine.visible_q(None, record.entity).children == []


@pytest.mark.parametrize("roles", [[], ["participant"]])
def test_the_owner_role_stays(admin, roles):
    before = AccessService().settings("companies")
    with pytest.raises(AccessSettingsInvalid) as refusal:
        AccessService().update_permissions(admin, "companies", object_roles=roles)
    assert "object_roles" in refusal.value.errors
    assert AccessService().settings("companies") == before


def test_relations_never_reveal_a_record_the_user_may_not_see(client, make_user, admin):
    owner, other = make_user("owner"), make_user("other")
    secret = RecordService().create(
        admin, "companies", {"name": "Secret Co"}, owner=owner, visibility="hidden"
    )
    linked = RecordService().create(
        owner, "persons", {"first_name": "Ann", "last_name": "Link", "company": secret.pk}
    )
    # Linking to it is refused with the words used for a missing id.
    refused = client_for(other).post(
        "/api/v1/persons/",
        {"first_name": "Bo", "last_name": "B", "company": secret.pk},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["company"] == [f"No record has the id {secret.pk}."]
    # The picker does not offer it; lists and profiles show neither its title nor its id.
    client.force_login(other)
    form = client.get("/records/persons/new/").content.decode()
    assert "Secret Co" not in form
    assert "Secret Co" not in client.get("/records/persons/").content.decode()
    profile = client.get(f"/records/persons/inspect/{linked.pk}/").content.decode()
    assert "Secret Co" not in profile
    assert f"#{secret.pk}" not in profile
    # The owner sees it everywhere, and the link survives another user's edit of what they
    # were shown (null there); sending its id back is refused like any hidden id.
    client.force_login(owner)
    assert "Secret Co" in client.get(f"/records/persons/inspect/{linked.pk}/").content.decode()
    kept = client_for(other).put(
        f"/api/v1/persons/{linked.pk}/",
        {"first_name": "Ann", "last_name": "Linked", "company": None},
        format="json",
    )
    assert kept.status_code == 200, kept.content
    assert get_model("persons").objects.get(pk=linked.pk).company_id == secret.pk
    guessed = client_for(other).patch(
        f"/api/v1/persons/{linked.pk}/", {"company": secret.pk}, format="json"
    )
    assert guessed.json()["errors"]["company"] == [f"No record has the id {secret.pk}."]


def test_a_bulk_call_checks_permissions_without_a_query_per_record(make_user):
    alice = make_user("alice3")
    api = client_for(alice)
    counts = []
    # The first call also pays once-per-process reads (the user's teams, the snapshot's
    # models), so it only warms up; the two after it are compared.
    for size in (1, 2, 8):
        ids = [
            RecordService().create(alice, "companies", {"name": f"Q{size}-{i}"}).pk
            for i in range(size)
        ]
        with CaptureQueriesContext(connection) as queries:
            response = api.post(
                "/api/v1/companies/bulk/", {"action": "delete", "ids": ids}, format="json"
            )
        assert response.status_code == 200 and response.json()["count"] == size
        counts.append(len(queries))
    assert counts[1] == counts[2], counts


def test_a_list_page_brings_its_participants_in_the_same_query(admin, make_user):
    # given: companies with users and teams as participants, some non-public
    team = Team.objects.create(name="Key accounts")
    rep, guest = make_user("rep"), make_user("guest")
    Membership.objects.create(user=rep, team=team, role=Role.USER)
    made, non_public = {}, set()
    for i in range(6):
        participants = {"users": [guest.pk], "teams": [team.pk]} if i % 2 else None
        record = RecordService().create(
            admin,
            "companies",
            {"name": f"C{i}"},
            visibility="non_public" if i >= 3 else "public",
            participants=participants,
        )
        made[record.pk] = participants or {"users": [], "teams": []}
        if i >= 3:
            non_public.add(record.pk)
    outsider = make_user("outsider")
    # the rep's team takes part in the odd ones; the outsider takes part in none
    restricted = {
        "root": set(),
        "rep": {pk for pk in non_public if not made[pk]["teams"]},
        "outsider": non_public,
    }
    for who in (admin, rep, outsider):
        api = client_for(who)
        api.get("/api/v1/companies/")
        # when
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/companies/?page_size=50")
        # then: one query, the page, which reads the schema version along; without
        # PostgreSQL's arrays the page's participants (and the version, where the page
        # cannot carry it) take one more query each, never one per row. Each open row has
        # its own participants
        assert response.status_code == 200
        read = [q["sql"] for q in queries.captured_queries]
        if connection.vendor == "postgresql":
            assert len(read) == 1, read
        else:
            grants = [sql for sql in read if sql.startswith('SELECT "access_recordgrant"')]
            assert len(grants) == 1 and len(read) <= 3, read
        rows = {row["id"]: row for row in response.json()["results"]}
        assert set(rows) == set(made)
        assert {pk for pk, row in rows.items() if row["restricted"]} == restricted[who.username]
        for pk, row in rows.items():
            if row["restricted"]:
                assert "participants" not in row
            else:
                assert row["participants"] == made[pk]
