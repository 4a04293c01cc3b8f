"""Record writes through the API tell nothing about records the caller may not open: a
unique value held by one, or its version."""

import pytest

from modules.access.services import AccessService
from modules.records.services import RecordService

records = RecordService()
UNAVAILABLE = {
    "code": "value_unavailable",
    "detail": "Some values are not available.",
    "errors": {"tax_number": ["This value is not available."]},
}


@pytest.fixture
def companies(admin):
    """Companies may be public, non-public or hidden; plain users view, add and edit."""
    AccessService().update_visibility(
        admin, "companies", allowed=["public", "non_public", "hidden"], default="public"
    )
    AccessService().update_permissions(admin, "companies", system={"user": ["view", "add", "edit"]})


@pytest.fixture
def marek(make_user):
    """The owner of records the signed-in user (alice) may not open."""
    return make_user("marek")


@pytest.mark.parametrize("visibility", ["hidden", "non_public"])
@pytest.mark.parametrize("given", ["PL-123", "pl-123"])
def test_a_value_held_by_a_record_the_caller_may_not_open_is_unavailable(
    companies, marek, user_client, visibility, given
):
    # given marek's company holds the tax number, hidden or masked to alice
    records.create(
        None,
        "companies",
        {"name": "Marek Co", "tax_number": "PL-123"},
        **{"visibility": visibility},
        owner=marek,
    )
    # when alice gives the same number (in any case)
    response = user_client.post(
        "/api/v1/companies/", {"name": "Alice Co", "tax_number": given}, format="json"
    )
    # then the answer names no record and reads alike for hidden and masked holders
    assert response.status_code == 400
    assert response.json() == UNAVAILABLE


def test_a_value_held_only_in_the_trash_reads_like_a_value_held_nowhere(
    companies, marek, user_client
):
    # given a hidden company in the trash holds one number; no company holds the other
    hidden = records.create(
        None,
        "companies",
        {"name": "Gone Co", "tax_number": "PL-777"},
        visibility="hidden",
        owner=marek,
    )
    records.delete(marek, "companies", hidden.pk)
    # when alice creates companies with each
    trashed = user_client.post(
        "/api/v1/companies/", {"name": "A1", "tax_number": "pl-777"}, format="json"
    )
    nowhere = user_client.post(
        "/api/v1/companies/", {"name": "A2", "tax_number": "PL-888"}, format="json"
    )
    # then both are accepted alike
    assert (trashed.status_code, nowhere.status_code) == (201, 201)


def test_a_value_held_by_a_record_the_caller_may_open_keeps_its_message(
    companies, marek, user_client
):
    # given marek's public company holds the number
    records.create(marek, "companies", {"name": "Open Co", "tax_number": "PL-555"})
    # when
    response = user_client.post(
        "/api/v1/companies/", {"name": "Alice Co", "tax_number": "pl-555"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == {"tax_number": ["Another record already has this value."]}


def test_changing_to_a_value_held_by_a_hidden_record_is_unavailable(
    companies, marek, user, user_client
):
    # given
    records.create(
        None,
        "companies",
        {"name": "Marek Co", "tax_number": "PL-321"},
        visibility="hidden",
        owner=marek,
    )
    own = records.create(user, "companies", {"name": "Alice Co"})
    # when
    response = user_client.patch(
        f"/api/v1/companies/{own.pk}/", {"tax_number": "PL-321"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json() == UNAVAILABLE


def test_unavailable_is_said_in_polish(companies, marek, user_client):
    # given
    records.create(
        None,
        "companies",
        {"name": "Marek Co", "tax_number": "PL-999"},
        visibility="hidden",
        owner=marek,
    )
    # when
    response = user_client.post(
        "/api/v1/companies/",
        {"name": "Alice Co", "tax_number": "PL-999"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="pl",
    )
    # then
    assert response.json()["errors"] == {"tax_number": ["Ta wartość jest niedostępna."]}


def test_a_stale_version_of_a_record_the_caller_may_only_list_gives_no_version(
    companies, marek, user_client
):
    # given marek's non-public company, edited twice since
    masked = records.create(
        None, "companies", {"name": "Masked Co"}, visibility="non_public", owner=marek
    )
    records.update(marek, "companies", masked.pk, {"city": "Gdańsk"})
    # when alice sends an old version
    response = user_client.patch(f"/api/v1/companies/{masked.pk}/", {"version": 1}, format="json")
    # then it is a conflict that does not say the stored version
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version"
    assert "current_version" not in body
    assert "2" not in body["detail"] and "2" not in str(body["errors"])


def test_the_right_version_of_a_record_the_caller_may_only_list_reads_like_a_wrong_one(
    companies, marek, user_client
):
    # given marek's non-public company at version 2
    masked = records.create(
        None, "companies", {"name": "Masked Co"}, visibility="non_public", owner=marek
    )
    records.update(marek, "companies", masked.pk, {"city": "Gdańsk"})
    # when alice sends the right version and a wrong one
    right = user_client.patch(f"/api/v1/companies/{masked.pk}/", {"version": 2}, format="json")
    wrong = user_client.patch(f"/api/v1/companies/{masked.pk}/", {"version": 5}, format="json")
    # then the answers are the same, so probing versions finds nothing
    assert right.status_code == wrong.status_code == 409
    assert right.json() == wrong.json()


def test_a_stale_version_of_a_record_the_caller_may_open_gives_the_version(
    companies, user, user_client
):
    # given
    own = records.create(user, "companies", {"name": "Own Co"})
    records.update(user, "companies", own.pk, {"city": "Gdańsk"})
    # when
    response = user_client.patch(
        f"/api/v1/companies/{own.pk}/", {"city": "Łódź", "version": 1}, format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
