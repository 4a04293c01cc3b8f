"""Suspend, unsuspend, delete (keeping the seat or not) and anonymise through the API."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from modules.accounts.lifecycle import LifecycleService
from modules.accounts.models import ApiToken, User, UserStatus
from modules.accounts.seats import seat_usage
from tests.support.tokens import secret_for

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users/"
SEATS = "/api/v1/account/seats/"
STRONG = "Correct-Horse-42"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret_for(user)}")
    return client


def seats_json(client) -> dict:
    return client.get(SEATS).json()


def test_seats_count_active_users_only(admin_client, admin, make_user, seats):
    # given
    seats(5)
    make_user("ann")
    make_user("ben")
    # when
    body = seats_json(admin_client)
    # then
    assert body == {"total": 5, "used": 3, "free": 2}


def test_suspending_frees_the_seat_and_unsuspending_takes_it_again(
    admin_client, admin, make_user, seats
):
    # given
    seats(2)
    ann = make_user("ann")
    # when
    suspended = admin_client.post(f"{USERS}{ann.pk}/suspend/")
    after_suspend = seats_json(admin_client)
    unsuspended = admin_client.post(f"{USERS}{ann.pk}/unsuspend/")
    # then
    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["is_active"] is False
    assert after_suspend == {"total": 2, "used": 1, "free": 1}
    assert unsuspended.json()["status"] == "active"
    assert seats_json(admin_client) == {"total": 2, "used": 2, "free": 0}


def test_unsuspending_without_a_free_seat_is_refused(admin_client, admin, make_user, seats):
    # given
    seats(2)
    ann = make_user("ann", status=UserStatus.SUSPENDED, is_active=False)
    make_user("ben")
    # when
    response = admin_client.post(f"{USERS}{ann.pk}/unsuspend/")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "no_free_seat"
    assert "seats" in response.json()["detail"]
    assert User.objects.get(pk=ann.pk).status == UserStatus.SUSPENDED


def test_creating_a_user_needs_a_free_seat(admin_client, admin, seats):
    # given
    seats(1)
    # when
    response = admin_client.post(USERS, {"username": "cat", "password": STRONG}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "no_free_seat"
    assert not User.objects.filter(username="cat").exists()


def test_patching_is_active_suspends_and_unsuspends_with_the_seat_rules(
    admin_client, admin, make_user, seats
):
    # given
    seats(2)
    ann = make_user("ann")
    # when
    off = admin_client.patch(f"{USERS}{ann.pk}/", {"is_active": False}, format="json")
    make_user("ben")
    on = admin_client.patch(f"{USERS}{ann.pk}/", {"is_active": True}, format="json")
    # then
    assert off.json()["status"] == "suspended"
    assert on.json()["code"] == "no_free_seat"


def test_delete_keeping_the_seat_leaves_a_free_seat_for_a_successor(
    admin_client, admin, make_user, seats
):
    # given
    seats(3)
    ann = make_user("ann")
    # when
    response = admin_client.delete(f"{USERS}{ann.pk}/?keep_seat=true")
    # then
    assert response.status_code == 204
    ann.refresh_from_db()
    assert ann.status == UserStatus.DELETED and not ann.is_active and ann.deleted_at
    assert not ann.has_usable_password()
    assert seats_json(admin_client) == {"total": 3, "used": 1, "free": 2}


def test_delete_without_the_seat_gives_one_seat_back(admin_client, admin, make_user, seats):
    # given
    seats(3)
    ann = make_user("ann")
    # when
    admin_client.delete(f"{USERS}{ann.pk}/?keep_seat=false")
    # then
    assert seats_json(admin_client) == {"total": 2, "used": 1, "free": 1}


def test_seats_never_go_below_the_active_users(admin_client, admin, make_user, seats):
    # given
    seats(3)
    make_user("ann")
    suspended = make_user("ben", status=UserStatus.SUSPENDED, is_active=False)
    # when
    too_few = admin_client.patch(SEATS, {"total": 1}, format="json")
    deleted = admin_client.delete(f"{USERS}{suspended.pk}/?keep_seat=false")
    enough = admin_client.patch(SEATS, {"total": 2}, format="json")
    # then
    assert too_few.json()["code"] == "seats_below_usage"
    assert deleted.status_code == 204
    assert seat_usage().total == 2
    assert enough.json() == {"total": 2, "used": 2, "free": 0}


@pytest.mark.parametrize("action", ["suspend", "delete"])
def test_a_suspended_or_deleted_users_session_and_token_stop_at_the_next_request(
    admin_client, make_user, action
):
    # given
    ann = make_user("ann")
    browser = Client()
    assert browser.login(username="ann", password="pw-Secret-123")
    api = token_client(ann)
    assert browser.get(USERS).status_code == 200
    assert api.get(USERS).status_code == 200
    # when
    if action == "suspend":
        admin_client.post(f"{USERS}{ann.pk}/suspend/")
    else:
        admin_client.delete(f"{USERS}{ann.pk}/")
    # then
    assert browser.get(USERS).status_code in (401, 403)
    assert browser.get("/").status_code == 302
    assert api.get(USERS).status_code == 401
    assert not ApiToken.objects.filter(user=ann).exists()
    assert not Client().login(username="ann", password="pw-Secret-123")


def test_administrators_cannot_suspend_delete_or_anonymise_themselves(admin_client, admin):
    # when
    answers = [
        admin_client.post(f"{USERS}{admin.pk}/suspend/"),
        admin_client.delete(f"{USERS}{admin.pk}/"),
        admin_client.post(f"{USERS}{admin.pk}/anonymize/"),
    ]
    # then
    assert [r.json()["code"] for r in answers] == ["own_account"] * 3
    assert User.objects.get(pk=admin.pk).status == UserStatus.ACTIVE


def test_another_administrator_may_delete_an_administrator(make_user):
    # given
    eva = make_user("eva", admin=True)
    ola = make_user("ola", admin=True)
    client = APIClient()
    client.force_authenticate(eva)
    # when
    response = client.delete(f"{USERS}{ola.pk}/")
    # then
    assert response.status_code == 204
    assert User.objects.get(pk=ola.pk).status == UserStatus.DELETED


def test_wrong_statuses_are_409(admin_client, admin, make_user):
    # given
    ann = make_user("ann")
    # when
    unsuspend_active = admin_client.post(f"{USERS}{ann.pk}/unsuspend/")
    anonymise_active = admin_client.post(f"{USERS}{ann.pk}/anonymize/")
    admin_client.delete(f"{USERS}{ann.pk}/")
    delete_again = admin_client.delete(f"{USERS}{ann.pk}/")
    suspend_deleted = admin_client.post(f"{USERS}{ann.pk}/suspend/")
    # then
    for response in (unsuspend_active, anonymise_active, delete_again, suspend_deleted):
        assert response.status_code == 409
        assert response.json()["code"] == "wrong_user_status"


def test_deleted_users_are_listed_only_on_request(admin_client, user_client, admin, make_user):
    # given
    ann = make_user("ann")
    admin_client.delete(f"{USERS}{ann.pk}/")
    # when
    default = {u["username"] for u in admin_client.get(USERS).json()["results"]}
    included = admin_client.get(f"{USERS}?include_deleted=true").json()["results"]
    plain_before = user_client.get(f"{USERS}?include_deleted=true").json()["results"]
    LifecycleService().set_show_deleted_users(admin, True)
    plain_after = user_client.get(f"{USERS}?include_deleted=true").json()["results"]
    # then
    assert "ann" not in default
    assert {"username": "ann", "status": "deleted"}.items() <= next(
        u for u in included if u["username"] == "ann"
    ).items()
    assert "ann" not in {u["username"] for u in plain_before}
    assert "ann" in {u["username"] for u in plain_after}


def test_anonymising_replaces_personal_data_and_keeps_the_row(admin_client, admin, make_user):
    # given
    ann = make_user("ann", first_name="Ann", last_name="Lee")
    admin_client.post(f"{USERS}{ann.pk}/suspend/")
    # when
    response = admin_client.post(f"{USERS}{ann.pk}/anonymize/")
    # then
    body = response.json()
    assert response.status_code == 200
    assert body["username"] == f"anonymised-{ann.pk}"
    assert body["first_name"] == body["last_name"] == body["email"] == ""
    assert body["status"] == "deleted" and body["anonymised_at"]
    assert User.objects.filter(pk=ann.pk).exists()
    again = admin_client.post(f"{USERS}{ann.pk}/anonymize/")
    assert again.json()["code"] == "wrong_user_status"


def test_only_administrators_manage_the_life_cycle(user_client, make_user):
    # given
    ann = make_user("ann")
    # when
    answers = [
        user_client.post(f"{USERS}{ann.pk}/suspend/"),
        user_client.delete(f"{USERS}{ann.pk}/"),
        user_client.get(SEATS),
        user_client.post(f"{USERS}invite/", {"email": "x@example.com"}, format="json"),
        user_client.get(f"{USERS}{ann.pk}/hand-over/"),
    ]
    # then
    assert [r.status_code for r in answers] == [403] * 5
    assert User.objects.get(pk=ann.pk).status == UserStatus.ACTIVE
