"""Changing your password while signed in: the old password is counted like a sign-in."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"
NEW_PASSWORD = "another-Secret-456"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 60
    settings.TRUSTED_PROXIES = []


def account_page_change(browser: Client, old: str):
    return browser.post(
        "/account/",
        {
            "name_email-first_name": "Ann",
            "name_email-last_name": "Lee",
            "name_email-email": "ann@example.com",
            "locale-preferred_language": "en",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "password-old_password": old,
            "password-new_password1": NEW_PASSWORD,
            "password-new_password2": NEW_PASSWORD,
        },
    )


def first_password_change(browser: Client, old: str):
    return browser.post(
        "/account/first-password/",
        {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


@pytest.mark.parametrize("change", [account_page_change, first_password_change])
def test_guessing_the_old_password_while_signed_in_is_locked_out_like_a_sign_in(make_user, change):
    # given someone holding ann's session guesses her password on a password-change form
    ann = make_user("ann", first_name="Ann", last_name="Lee")
    browser = Client()
    assert browser.login(username="ann", password=PASSWORD)
    for _attempt in range(3):
        assert change(browser, "wrong").status_code == 200
    # when
    right_guess = change(browser, PASSWORD)
    token = APIClient().post(
        "/api/v1/auth/token/", {"username": "ann", "password": PASSWORD}, format="json"
    )
    # then the right password is refused there too, and the guesses counted for sign-in
    assert b"Too many failed sign-ins" in right_guess.content
    ann.refresh_from_db()
    assert ann.check_password(PASSWORD)
    assert token.status_code == 429


@pytest.mark.parametrize("change", [account_page_change, first_password_change])
def test_the_right_old_password_changes_it(make_user, change):
    # given
    ann = make_user("ann", first_name="Ann", last_name="Lee")
    browser = Client()
    assert browser.login(username="ann", password=PASSWORD)
    # when
    response = change(browser, PASSWORD)
    # then
    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.check_password(NEW_PASSWORD)
