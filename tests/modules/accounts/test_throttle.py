"""Sign-in throttling, counted in Redis: the admin's form and the token endpoint."""

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_too_many_failures_block_the_username_even_with_the_right_password(make_user):
    # given
    make_user("ann")
    for _attempt in range(3):
        Client().post("/login/", {"username": "ann", "password": "wrong"})
    # when
    form = Client(REMOTE_ADDR="10.0.0.9").post(
        "/login/", {"username": "ann", "password": "pw-Secret-123"}
    )
    api = APIClient(REMOTE_ADDR="10.0.0.8").post(
        TOKEN, {"username": "ann", "password": "pw-Secret-123"}, format="json"
    )
    # then
    assert form.status_code == 200
    assert b"Too many failed sign-ins" in form.content
    assert api.status_code == 429 and api.json()["code"] == "throttled"


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_a_successful_sign_in_clears_the_count(make_user):
    # given
    make_user("ann")
    for _attempt in range(2):
        Client().post("/login/", {"username": "ann", "password": "wrong"})
    # when
    ok = Client().post("/login/", {"username": "ann", "password": "pw-Secret-123"})
    for _attempt in range(2):
        Client().post("/login/", {"username": "ann", "password": "wrong"})
    again = Client().login(username="ann", password="pw-Secret-123")
    # then
    assert ok.status_code == 302
    assert again is True
