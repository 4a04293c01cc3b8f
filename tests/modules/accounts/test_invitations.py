"""Invitations and temporary passwords: e-mail, expiry, re-send, accept, first sign-in."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from modules.accounts.models import Invitation, Membership, Team, User

pytestmark = pytest.mark.django_db

INVITE = "/api/v1/users/invite/"
INVITATIONS = "/api/v1/users/invitations/"
STRONG = "Correct-Horse-42"


@pytest.fixture
def sales(db):
    return Team.objects.create(name="Sales")


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Invite through the API; the e-mail goes out as the transaction commits."""

    def send(client, email="eve@example.com", **extra) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(INVITE, {"email": email, **extra}, format="json")
        assert response.status_code == 201, response.content
        return response.json()

    return send


def accept(link: str, **fields):
    data = {"username": "eve", "password1": STRONG, "password2": STRONG, **fields}
    return Client().post(link, data)


def test_an_invitation_is_mailed_and_accepting_it_makes_the_user_in_the_team(
    admin_client, sales, mailoutbox, link_in_mail, invite
):
    # given
    invitation = invite(admin_client, team=sales.pk, role="manager")
    link = link_in_mail("/invitations/")
    # when
    page = Client().get(link)
    response = accept(link, first_name="Eve")
    # then
    assert invitation["status"] == "pending"
    assert mailoutbox[0].to == ["eve@example.com"]
    assert page.status_code == 200 and b"eve@example.com" in page.content
    assert response.status_code == 302
    eve = User.objects.get(username="eve")
    assert eve.email == "eve@example.com" and eve.first_name == "Eve" and eve.is_active
    assert Membership.objects.get(user=eve).team == sales
    assert Membership.objects.get(user=eve).role == "manager"
    listed = admin_client.get(INVITATIONS).json()["results"]
    assert listed[0]["status"] == "accepted" and listed[0]["user"] == eve.pk


def test_a_used_expired_or_revoked_link_shows_why(admin_client, mailoutbox, link_in_mail, invite):
    # given
    first = invite(admin_client, email="a@example.com")
    used = link_in_mail("/invitations/")
    accept(used)
    invite(admin_client, email="b@example.com")
    expired = link_in_mail("/invitations/")
    Invitation.objects.filter(email="b@example.com").update(expires_at=timezone.now())
    third = invite(admin_client, email="c@example.com")
    revoked = link_in_mail("/invitations/")
    admin_client.post(f"{INVITATIONS}{third['id']}/revoke/")
    # when
    answers = [Client().get(link) for link in (used, expired, revoked, used + "x/")]
    # then
    assert first["status"] == "pending"
    assert [a.status_code for a in answers[:3]] == [410, 410, 410]
    assert b"already accepted" in answers[0].content
    assert b"expired" in answers[1].content
    assert b"not valid" in answers[2].content
    assert admin_client.get(INVITATIONS).json()["results"][1]["status"] == "expired"


def test_resending_gives_a_new_link_and_expiry_and_kills_the_old_one(
    admin_client, mailoutbox, link_in_mail, invite, django_capture_on_commit_callbacks
):
    # given
    invitation = invite(admin_client)
    old = link_in_mail("/invitations/")
    Invitation.objects.filter(pk=invitation["id"]).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{INVITATIONS}{invitation['id']}/resend/")
    new = link_in_mail("/invitations/")
    # then
    assert response.json()["status"] == "pending"
    assert response.json()["send_count"] == 2
    assert len(mailoutbox) == 2 and new != old
    assert Client().get(old).status_code == 410
    assert Client().get(new).status_code == 200


def test_the_accept_page_applies_the_password_validators(admin_client, link_in_mail, invite):
    # given
    invite(admin_client)
    link = link_in_mail("/invitations/")
    # when
    response = accept(link, password1="12345678", password2="12345678")
    # then
    assert response.status_code == 200
    assert b"too common" in response.content or b"entirely numeric" in response.content
    assert not User.objects.filter(username="eve").exists()


def test_inviting_needs_a_free_seat_and_a_new_address(admin_client, admin, make_user, seats):
    # given
    make_user("ann")
    seats(2)
    # when
    full = admin_client.post(INVITE, {"email": "new@example.com"}, format="json")
    seats(3)
    taken = admin_client.post(INVITE, {"email": "ann@example.com"}, format="json")
    bad = admin_client.post(INVITE, {"email": "nope"}, format="json")
    # then
    assert full.json()["code"] == "no_free_seat"
    assert taken.json()["code"] == "duplicate_name"
    assert set(bad.json()["errors"]) == {"email"}


def test_accepting_when_the_seats_ran_out_is_refused(
    admin_client, make_user, seats, link_in_mail, invite
):
    # given
    seats(2)
    invite(admin_client)
    link = link_in_mail("/invitations/")
    make_user("ann")
    # when
    response = accept(link)
    # then
    assert response.status_code == 200
    assert b"paid seats are in use" in response.content
    assert not User.objects.filter(username="eve").exists()


def test_a_temporary_password_is_mailed_and_must_be_changed_at_first_sign_in(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    body = {"username": "tom", "email": "tom@example.com", "temporary_password": True}
    with django_capture_on_commit_callbacks(execute=True):
        created = admin_client.post("/api/v1/users/", body, format="json")
    temporary = mailoutbox[0].body.split("Temporary password: ")[1].split()[0]
    browser = Client()
    # when
    assert browser.login(username="tom", password=temporary)
    held = browser.get("/")
    api_held = browser.get("/api/v1/users/")
    token = APIClient().post(
        "/api/v1/auth/token/", {"username": "tom", "password": temporary}, format="json"
    )
    changed = browser.post(
        "/account/first-password/",
        {"old_password": temporary, "new_password1": STRONG, "new_password2": STRONG},
    )
    # then
    assert created.status_code == 201 and created.json()["must_change_password"] is True
    assert held.status_code == 302 and held["Location"] == "/account/first-password/"
    assert api_held.json()["code"] == "password_change_required"
    assert token.json()["code"] == "password_change_required"
    assert changed.status_code == 302
    assert browser.get("/").status_code == 200
    assert User.objects.get(username="tom").must_change_password is False


def test_a_temporary_password_needs_an_email_and_no_password(admin_client):
    # when
    response = admin_client.post(
        "/api/v1/users/",
        {"username": "tom", "password": STRONG, "temporary_password": True},
        format="json",
    )
    # then
    assert set(response.json()["errors"]) == {"password", "email"}
