"""Settings > Users in the admin: seats, add, invite, suspend, delete, settings."""

import pytest
from django.test import Client

from modules.accounts.models import AccountSettings, Invitation, User, UserStatus

pytestmark = pytest.mark.django_db

BASE = "/settings/users/"


@pytest.fixture
def browser(admin):
    client = Client()
    client.force_login(admin)
    return client


def test_the_list_shows_seats_users_and_invitations(browser, admin, user, seats):
    # given
    seats(5)
    # when
    page = browser.get(BASE).content.decode()
    # then
    assert "Seats: 2 used of 5, 3 free." in page
    assert "Alice Smith" in page
    assert "Show deleted users in list filters" in page


def test_only_administrators_open_the_users_settings(user):
    # given
    client = Client()
    client.force_login(user)
    # when
    response = client.get(BASE)
    # then
    assert response.status_code == 403


def test_add_user_mails_a_temporary_password(
    browser, mailoutbox, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"{BASE}add/", {"email": "tom@example.com", "team": "", "role": "user"}
        )
    # then
    assert response.status_code == 302
    tom = User.objects.get(username="tom@example.com")
    assert tom.must_change_password
    assert "Temporary password" in mailoutbox[0].body


def test_add_user_without_a_free_seat_says_so_on_the_form(browser, seats):
    # given
    seats(1)
    # when
    response = browser.post(f"{BASE}add/", {"email": "tom@example.com", "role": "user"})
    # then
    assert response.status_code == 200
    assert "paid seats are in use" in response.content.decode()


def test_invite_then_resend_and_revoke(browser, mailoutbox, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"{BASE}invite/", {"email": "eve@example.com", "role": "manager"})
    invitation = Invitation.objects.get()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"{BASE}invitations/{invitation.pk}/resend/")
    browser.post(f"{BASE}invitations/{invitation.pk}/revoke/")
    # then
    invitation.refresh_from_db()
    assert len(mailoutbox) == 2
    assert invitation.send_count == 2 and invitation.status == "revoked"


def test_suspend_unsuspend_and_refusals_show_as_messages(browser, admin, user):
    # when
    browser.post(f"{BASE}{user.pk}/suspend/")
    suspended = User.objects.get(pk=user.pk).status
    browser.post(f"{BASE}{user.pk}/unsuspend/")
    own = browser.post(f"{BASE}{admin.pk}/suspend/", follow=True)
    # then
    assert suspended == UserStatus.SUSPENDED
    assert User.objects.get(pk=user.pk).status == UserStatus.ACTIVE
    assert "your own account" in own.content.decode()


def test_delete_keeps_the_seat_unless_asked(browser, user, make_user, seats):
    # given
    seats(4)
    other = make_user("ole")
    # when
    browser.post(f"{BASE}{user.pk}/delete/", {})
    browser.post(f"{BASE}{other.pk}/delete/", {"remove_seat": "on"})
    # then
    assert AccountSettings.current().seats == 3
    assert User.objects.get(pk=user.pk).status == UserStatus.DELETED


def test_the_filter_setting_and_seats_are_saved(browser, admin, user, seats):
    # given
    seats(10)
    # when
    browser.post(BASE, {"show_deleted_users_in_filters": "on"})
    browser.post(BASE, {"seats": "7"})
    too_few = browser.post(BASE, {"seats": "1"}, follow=True)
    # then
    row = AccountSettings.current()
    assert row.show_deleted_users_in_filters and row.seats == 7
    assert "use a seat" in too_few.content.decode()
