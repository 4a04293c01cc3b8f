"""Who may set a record's owner, participants and visibility, through the API and the admin.

Plain users (system role User) may create and edit, but handing a record to someone else
needs `change_user` and changing its visibility needs `change_visibility`; Managers have
both by default, and the Owner column of the matrix gives them on one's own records.
"""

import pytest
from rest_framework.test import APIClient

from modules.access import grants
from modules.access.services import AccessService
from modules.accounts.models import Membership, Role, Team
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService

URL = "/api/v1/companies/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def stored(pk):
    return get_model("companies").objects.get(pk=pk)


def holders(pk) -> dict:
    held = grants.holders("companies", [pk])[pk]["participant"]
    return {"users": sorted(held["users"]), "teams": sorted(held["teams"])}


@pytest.fixture
def alice(make_user):
    """A plain user: the User system role, in no team."""
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def manager(make_user):
    """A manager of a team of their own."""
    boss = make_user("boss")
    Membership.objects.create(user=boss, team=Team.objects.create(name="Board"), role=Role.MANAGER)
    return boss


@pytest.fixture
def bobs_company(admin, bob):
    """A public company owned by Bob, with no participants."""
    return RecordService().create(admin, "companies", {"name": "Bob's"}, owner=bob)


def names() -> set[str]:
    return set(get_model("companies").objects.values_list("name", flat=True))


# -- creating -------------------------------------------------------------------------------
def test_a_user_may_not_create_a_record_owned_by_someone_else(db, alice, bob):
    # when
    response = api(alice).post(URL, {"name": "Planted", "owner": bob.pk}, format="json")
    # then
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied"
    assert list(body["errors"]) == ["owner"]
    assert "Planted" not in names()


@pytest.mark.parametrize("kind", ["users", "teams"])
def test_a_user_may_not_invite_others_when_creating(db, alice, bob, kind):
    # given
    holder = bob.pk if kind == "users" else Team.objects.create(name="Elsewhere").pk
    # when
    response = api(alice).post(
        URL, {"name": "Shared", "participants": {kind: [holder]}}, format="json"
    )
    # then
    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["participants"]
    assert "Shared" not in names()


def test_a_user_may_not_create_with_a_visibility_other_than_the_default(db, alice):
    # when
    response = api(alice).post(URL, {"name": "Quiet", "visibility": "hidden"}, format="json")
    # then
    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["visibility"]
    assert "Quiet" not in names()


def test_every_refused_field_is_named_at_once(db, alice, bob):
    # when
    response = api(alice).post(
        URL,
        {
            "name": "All",
            "owner": bob.pk,
            "visibility": "hidden",
            "participants": {"users": [bob.pk]},
        },
        format="json",
    )
    # then
    assert response.status_code == 403
    assert set(response.json()["errors"]) == {"owner", "participants", "visibility"}


def test_a_user_may_name_themselves_and_the_default_visibility(db, alice):
    # when
    response = api(alice).post(
        URL,
        {
            "name": "Mine",
            "owner": alice.pk,
            "visibility": "public",
            "participants": {"users": [alice.pk], "teams": []},
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["owner"], body["visibility"]) == (alice.pk, "public")
    assert body["participants"] == {"users": [alice.pk], "teams": []}


def test_a_manager_may_create_for_others_with_any_visibility(db, manager, bob):
    # given
    team = Team.objects.create(name="Guests")
    # when
    response = api(manager).post(
        URL,
        {
            "name": "Handed",
            "owner": bob.pk,
            "visibility": "non_public",
            "participants": {"users": [bob.pk], "teams": [team.pk]},
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    record = stored(response.json()["id"])
    assert (record.owner_id, record.visibility) == (bob.pk, "non_public")
    assert holders(record.pk) == {"users": [bob.pk], "teams": [team.pk]}


def test_a_manager_without_the_permissions_is_refused_too(db, admin, manager, bob):
    # given: an administrator took both rights from Managers on companies
    actions = ["view", "add", "edit", "delete", "export", "import", "view_history"]
    AccessService().update_permissions(admin, "companies", system={"manager": actions})
    # when
    response = api(manager).post(
        URL, {"name": "Nope", "owner": bob.pk, "visibility": "hidden"}, format="json"
    )
    # then
    assert response.status_code == 403
    assert set(response.json()["errors"]) == {"owner", "visibility"}


# -- editing --------------------------------------------------------------------------------
def test_editing_does_not_let_a_user_hide_a_record(db, alice, bobs_company):
    # when
    response = api(alice).patch(
        f"{URL}{bobs_company.pk}/", {"visibility": "hidden", "name": "Gone"}, format="json"
    )
    # then
    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["visibility"]
    record = stored(bobs_company.pk)
    assert (record.visibility, record.name, record.version) == ("public", "Bob's", 1)


def test_editing_does_not_let_a_user_hand_a_record_over(db, alice, bob, bobs_company):
    # when
    owner = api(alice).patch(f"{URL}{bobs_company.pk}/", {"owner": alice.pk}, format="json")
    invited = api(alice).patch(
        f"{URL}{bobs_company.pk}/", {"participants": {"users": [alice.pk]}}, format="json"
    )
    # then
    assert (owner.status_code, list(owner.json()["errors"])) == (403, ["owner"])
    assert (invited.status_code, list(invited.json()["errors"])) == (403, ["participants"])
    assert stored(bobs_company.pk).owner_id == bob.pk
    assert holders(bobs_company.pk) == {"users": [], "teams": []}


def test_values_sent_back_unchanged_need_no_right(db, alice, bob, bobs_company):
    # when: a client writes back what it read, with one field changed
    response = api(alice).put(
        f"{URL}{bobs_company.pk}/",
        {
            "name": "Bob's Ltd",
            "owner": bob.pk,
            "visibility": "public",
            "participants": {"users": [], "teams": []},
        },
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    assert stored(bobs_company.pk).name == "Bob's Ltd"


def test_owner_and_participants_of_a_record_one_may_only_list_cannot_be_guessed(
    db, admin, alice, bob
):
    # given: a non-public record of Bob's, which Alice lists with its basic fields only
    quiet = RecordService().create(
        admin, "companies", {"name": "Quiet"}, owner=bob, visibility="non_public"
    )
    url = f"{URL}{quiet.pk}/"
    # when: she sends the right and a wrong owner, and the right and a wrong participant set
    answers = [
        api(alice).patch(url, body, format="json")
        for body in (
            {"owner": bob.pk},
            {"owner": alice.pk},
            {"participants": {"users": [], "teams": []}},
            {"participants": {"users": [alice.pk], "teams": []}},
        )
    ]
    # then: the right guesses are refused exactly like the wrong ones
    assert [a.status_code for a in answers] == [403] * 4
    assert answers[0].json() == answers[1].json()
    assert answers[2].json() == answers[3].json()


def test_a_role_given_change_visibility_may_change_it(db, admin, alice, bobs_company):
    # given
    actions = ["view", "add", "edit", "export", "view_history", "change_visibility"]
    AccessService().update_permissions(admin, "companies", system={"user": actions})
    # when
    response = api(alice).patch(
        f"{URL}{bobs_company.pk}/", {"visibility": "non_public"}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    assert stored(bobs_company.pk).visibility == "non_public"


def test_the_owner_may_change_the_visibility_of_their_own_record(db, alice):
    # given
    mine = RecordService().create(alice, "companies", {"name": "Mine"})
    # when
    response = api(alice).patch(f"{URL}{mine.pk}/", {"visibility": "hidden"}, format="json")
    # then
    assert response.status_code == 200, response.content
    assert stored(mine.pk).visibility == "hidden"


def test_a_manager_may_hide_a_record_they_see(db, manager, bobs_company):
    # when
    response = api(manager).patch(
        f"{URL}{bobs_company.pk}/", {"visibility": "hidden"}, format="json"
    )
    # then it is hidden, and out of the manager's sight (they do not manage Bob): 204
    assert response.status_code == 204, response.content
    assert stored(bobs_company.pk).visibility == "hidden"


# -- bulk -----------------------------------------------------------------------------------
def test_bulk_visibility_needs_the_right_on_every_record(db, admin, alice, bob):
    # given: one record of Alice's own, one of Bob's she may edit
    own = RecordService().create(alice, "companies", {"name": "Own"}).pk
    theirs = RecordService().create(admin, "companies", {"name": "Theirs"}, owner=bob).pk
    # when
    response = api(alice).post(
        f"{URL}bulk/",
        {"action": "update", "ids": [own, theirs], "visibility": "hidden"},
        format="json",
    )
    # then: nothing is written, the refused record and the field are named
    assert response.status_code == 403
    body = response.json()
    assert (body["ids"], list(body["errors"])) == ([theirs], ["visibility"])
    assert {stored(own).visibility, stored(theirs).visibility} == {"public"}


def test_a_manager_changes_visibility_in_bulk(db, admin, manager, bob):
    # given
    ids = [
        RecordService().create(admin, "companies", {"name": f"B{i}"}, owner=bob).pk
        for i in range(3)
    ]
    # when
    response = api(manager).post(
        f"{URL}bulk/",
        {"action": "update", "ids": ids, "visibility": "non_public", "values": {"city": "Łódź"}},
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"action": "update", "count": 3}
    rows = get_model("companies").objects.filter(pk__in=ids)
    assert {(r.visibility, r.city) for r in rows} == {("non_public", "Łódź")}


# -- admin forms ----------------------------------------------------------------------------
SHARING = {"owner", "visibility", "participants", "participant_teams"}


def form_fields(client, path) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200
    return set(response.context["form"].fields)


def test_the_create_form_offers_sharing_only_to_those_who_may_set_it(client, alice, manager):
    # when
    client.force_login(alice)
    plain = form_fields(client, "/records/companies/new/")
    client.force_login(manager)
    managing = form_fields(client, "/records/companies/new/")
    # then
    assert not SHARING & plain
    assert managing >= SHARING


def test_the_edit_form_offers_sharing_by_the_rights_on_the_record(client, alice, bobs_company):
    # given
    mine = RecordService().create(alice, "companies", {"name": "Mine"})
    client.force_login(alice)
    # when
    others = form_fields(client, f"/records/companies/edit/{bobs_company.pk}/")
    own = form_fields(client, f"/records/companies/edit/{mine.pk}/")
    # then: editable fields of Bob's record, but not who owns or sees it
    assert "name" in others and not SHARING & others
    assert own >= SHARING


def test_a_posted_owner_or_visibility_the_form_does_not_offer_is_ignored(client, alice, bob):
    # given
    client.force_login(alice)
    # when
    response = client.post(
        "/records/companies/new/",
        {"name": "Posted", "owner": bob.pk, "visibility": "hidden", "participants": [bob.pk]},
    )
    # then
    assert response.status_code == 302
    record = get_model("companies").objects.get(name="Posted")
    assert (record.owner_id, record.visibility) == (alice.pk, "public")
    assert holders(record.pk) == {"users": [], "teams": []}
