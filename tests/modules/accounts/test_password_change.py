"""A new password ends the user's API tokens and their other sessions, whichever way it came."""

from urllib.parse import urlparse

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.support.tokens import secret_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/"
PASSWORD = "pw-Secret-123"
NEW_PASSWORD = "another-Secret-456"


def token_works(key: str) -> bool:
    response = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get(ME)
    return response.status_code == 200


def signed_in(browser: Client) -> bool:
    return browser.get("/").status_code == 200


def signed_in_browser(username: str) -> Client:
    browser = Client()
    assert browser.login(username=username, password=PASSWORD)
    return browser


def test_changing_your_own_password_ends_your_token_and_other_sessions_but_not_this_one(
    make_user,
):
    # given ann has a token and is signed in on two browsers
    ann = make_user("ann")
    key = secret_for(ann)
    here, elsewhere = signed_in_browser("ann"), signed_in_browser("ann")
    # when she changes her password on one of them
    response = here.post(
        "/account/first-password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    # then
    assert response.status_code == 302
    assert not token_works(key)
    assert signed_in(here)
    assert not signed_in(elsewhere)


def test_a_password_an_administrator_sets_ends_the_users_token_and_sessions(
    make_user, admin_client
):
    # given
    ann = make_user("ann")
    key = secret_for(ann)
    browser = signed_in_browser("ann")
    # when
    response = admin_client.patch(
        f"/api/v1/users/{ann.pk}/", {"password": NEW_PASSWORD}, format="json"
    )
    # then
    assert response.status_code == 200
    assert not token_works(key)
    assert not signed_in(browser)


def test_taking_the_password_away_ends_the_users_token(make_user, admin_client):
    # given
    ann = make_user("ann")
    key = secret_for(ann)
    # when
    response = admin_client.patch(f"/api/v1/users/{ann.pk}/", {"password": None}, format="json")
    # then
    assert response.status_code == 200
    assert not token_works(key)


def test_resetting_a_forgotten_password_ends_the_users_token_and_sessions(make_user, link_in_mail):
    # given ann has a token and a signed-in browser, and asks for a reset link
    ann = make_user("ann")
    key = secret_for(ann)
    browser = signed_in_browser("ann")
    Client().post("/password_reset/", {"email": ann.email})
    link = urlparse(link_in_mail("/password_reset/confirm/")).path
    # when she follows it and chooses a new password
    stranger = Client()
    set_password_page = stranger.get(link, follow=True).redirect_chain[-1][0]
    response = stranger.post(
        set_password_page, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    # then
    assert response.status_code == 302
    assert not token_works(key)
    assert not signed_in(browser)


def test_a_password_only_re_hashed_at_sign_in_keeps_the_token(make_user, settings):
    # given ann's password is stored with a hasher that is no longer the preferred one
    ann = make_user("ann")
    key = secret_for(ann)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    # when she signs in, which stores the password again with the preferred hasher
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "ann", "password": PASSWORD}, format="json"
    )
    # then
    ann.refresh_from_db()
    assert ann.password.startswith("md5$")
    assert response.status_code == 200 and token_works(response.json()["token"])
    assert token_works(key)


def test_changing_your_password_on_the_account_page_ends_your_token(make_user):
    # given
    ann = make_user("ann", first_name="Ann", last_name="Lee")
    key = secret_for(ann)
    here, elsewhere = signed_in_browser("ann"), signed_in_browser("ann")
    # when
    response = here.post(
        "/account/",
        {
            "name_email-first_name": "Ann",
            "name_email-last_name": "Lee",
            "name_email-email": ann.email,
            "locale-preferred_language": "en",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "password-old_password": PASSWORD,
            "password-new_password1": NEW_PASSWORD,
            "password-new_password2": NEW_PASSWORD,
        },
    )
    # then
    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.check_password(NEW_PASSWORD)
    assert not token_works(key)
    assert signed_in(here)
    assert not signed_in(elsewhere)
