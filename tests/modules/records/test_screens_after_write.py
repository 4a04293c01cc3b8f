"""After a save in the admin, the message and the next page show only what the user may see."""

from django.contrib.messages import get_messages

from modules.access.services import AccessService
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService

LIST = "/records/companies/"


def edit_url(pk: int) -> str:
    return f"/records/companies/edit/{pk}/"


def said(response) -> list[str]:
    return [str(message.message) for message in get_messages(response.wsgi_request)]


def test_creating_a_record_out_of_ones_sight_names_nothing_and_offers_no_edit(
    client, make_user, admin
):
    # given a user who may hand records over and hide them
    AccessService().update_permissions(
        admin,
        "companies",
        system={"user": ["view", "add", "edit", "change_user", "change_visibility"]},
    )
    alice, bob = make_user("alice"), make_user("bob")
    client.force_login(alice)
    # when
    response = client.post(
        "/records/companies/new/",
        {"name": "Gone Ltd", "street": "Secret 1", "owner": bob.pk, "visibility": "hidden"},
    )
    # then
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == LIST
    created = get_model("companies").objects.get(name="Gone Ltd")
    assert (created.owner_id, created.visibility) == (bob.pk, "hidden")
    page = client.get(response["Location"]).content.decode()
    assert "Gone Ltd" not in page
    assert edit_url(created.pk) not in page
    assert "You can no longer see this record." in page


def test_creating_a_record_one_may_still_edit_names_it_and_offers_edit(client, make_user):
    # given
    alice = make_user("alice")
    client.force_login(alice)
    # when
    response = client.post("/records/companies/new/", {"name": "Kept Ltd"})
    # then
    assert response.status_code == 302, response.context["form"].errors
    created = get_model("companies").objects.get(name="Kept Ltd")
    page = client.get(response["Location"]).content.decode()
    assert "Kept Ltd" in page and edit_url(created.pk) in page


def test_an_edit_handing_the_record_over_offers_no_edit_of_it(client, make_user):
    # given
    alice, bob = make_user("alice"), make_user("bob")
    record = RecordService().create(alice, "companies", {"name": "Quiet Ltd"})
    client.force_login(alice)
    # when
    response = client.post(
        edit_url(record.pk),
        {
            "name": "Quiet Ltd",
            "street": "Secret 1",
            "owner": bob.pk,
            "visibility": "non_public",
            "version": record.version,
        },
    )
    # then
    assert response.status_code == 302, response.context["form"].errors
    # she still lists it: back to its profile, which shows her its basic fields only
    assert response["Location"] == f"{LIST}inspect/{record.pk}/"
    [message] = said(response)
    assert "Quiet Ltd" in message and "updated" in message and "/edit/" not in message
    assert "Secret 1" not in client.get(LIST).content.decode()
    profile = client.get(response["Location"]).content.decode()
    assert (
        "Quiet Ltd" in profile and "Secret 1" not in profile and "data-profile-edit" not in profile
    )


def test_an_edit_asking_for_json_answers_no_form_once_the_record_is_out_of_sight(client, make_user):
    # given
    alice, bob = make_user("alice"), make_user("bob")
    record = RecordService().create(alice, "companies", {"name": "Mine", "street": "Secret 1"})
    client.force_login(alice)
    # when
    response = client.post(
        edit_url(record.pk),
        {
            "name": "Mine",
            "street": "Secret 2",
            "owner": bob.pk,
            "visibility": "hidden",
            "version": record.version,
        },
        headers={"Accept": "application/json"},
    )
    # then
    assert response.status_code == 200
    assert response.json() == {"success": True, "pk": record.pk, "url": LIST}
    assert get_model("companies").objects.get(pk=record.pk).street == "Secret 2"


def test_a_restore_message_names_the_record_as_the_list_shows_it(client, make_user):
    # given
    alice = make_user("alice")
    record = RecordService().create(alice, "companies", {"name": "Back Ltd"})
    RecordService().delete(alice, "companies", record.pk)
    client.force_login(alice)
    # when
    response = client.post(f"/records/companies/restore/{record.pk}/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/records/companies/trash/"
    assert said(response) == ["'Back Ltd' restored."]


def test_the_list_links_a_record_one_may_only_list_to_its_profile(client, make_user):
    # given
    alice, bob = make_user("alice"), make_user("bob")
    theirs = RecordService().create(
        None, "companies", {"name": "Quiet Ltd"}, visibility="non_public", owner=bob
    )
    mine = RecordService().create(alice, "companies", {"name": "Mine"})
    client.force_login(alice)
    # when
    page = client.get(LIST).content.decode()
    # then
    assert edit_url(theirs.pk) not in page
    assert f"/records/companies/inspect/{theirs.pk}/" in page
    assert edit_url(mine.pk) in page
