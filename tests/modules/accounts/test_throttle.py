"""The sign-in lockout, counted in Redis: per account and address, per address, per account."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "/api/v1/auth/token/"
PASSWORD = "pw-Secret-123"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limits(settings):
    """Limits small enough to reach, and a cheap hasher for the dozens of sign-ins."""
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 60
    settings.TRUSTED_PROXIES = []
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def token(username, password=PASSWORD, address="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient(**extra).post(
        TOKEN, {"username": username, "password": password}, format="json"
    )


def form(username, password=PASSWORD, address="127.0.0.1"):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def fail(username, times, address="127.0.0.1", forwarded=None):
    for _attempt in range(times):
        response = token(username, "wrong", address=address, forwarded=forwarded)
        assert response.status_code == 400, response.content


def test_failures_on_one_account_from_one_address_lock_that_pair_on_both_ways_in(make_user):
    # given
    make_user("ann")
    fail("ann", 3, address="198.51.100.1")
    # when
    api = token("ann", address="198.51.100.1")
    admin_form = form("ann", address="198.51.100.1")
    elsewhere = token("ann", address="198.51.100.2")
    # then
    assert api.status_code == 429 and api.json()["code"] == "throttled"
    assert 0 < int(api["Retry-After"]) <= 60
    assert admin_form.status_code == 200 and b"Too many failed sign-ins" in admin_form.content
    assert elsewhere.status_code == 200 and elsewhere.json()["token"]


def test_failures_on_the_admin_form_count_for_the_token_endpoint_too(make_user):
    # given
    make_user("ann")
    for _attempt in range(3):
        assert form("ann", "wrong").status_code == 200
    # when
    api = token("ann")
    # then
    assert api.status_code == 429


def test_a_successful_sign_in_clears_the_count_of_its_address(make_user):
    # given
    make_user("ann")
    fail("ann", 2)
    # when
    ok = form("ann")
    fail("ann", 2)
    again = token("ann")
    # then
    assert ok.status_code == 302
    assert again.status_code == 200


def test_failures_on_one_account_from_a_shared_address_leave_other_accounts_there_alone(
    make_user,
):
    # given everyone comes through one proxy that is not listed as trusted
    make_user("ann")
    make_user("bob")
    fail("ann", 3, address="10.0.0.5")
    # when
    bob = token("bob", address="10.0.0.5")
    bob_form = form("bob", address="10.0.0.5")
    # then
    assert bob.status_code == 200
    assert bob_form.status_code == 302


def test_one_address_failing_on_many_accounts_is_locked_for_its_own_address_only(make_user):
    # given
    make_user("ann")
    make_user("bob")
    for name in ("x1", "x2", "x3", "x4", "x5"):
        fail(name, 1, address="198.51.100.1")
    # when
    same_address = token("ann", address="198.51.100.1")
    other_address = token("ann", address="198.51.100.2")
    # then
    assert same_address.status_code == 429
    assert other_address.status_code == 200
    assert token("bob", address="198.51.100.3").status_code == 200


def test_many_addresses_failing_on_one_account_lock_it_for_new_addresses(make_user):
    # given ann once signed in from her usual address, then six addresses guess her password
    make_user("ann")
    make_user("bob")
    assert token("ann", address="192.0.2.10").status_code == 200
    for number in range(6):
        fail("ann", 1, address=f"198.51.100.{number + 1}")
    # when
    new_address = token("ann", address="203.0.113.50")
    known_address = token("ann", address="192.0.2.10")
    other_account = token("bob", address="203.0.113.50")
    # then the right password from a new address is refused; from her known one it works
    assert new_address.status_code == 429
    assert known_address.status_code == 200
    assert other_account.status_code == 200


def test_a_lockout_lasts_its_window_however_often_it_is_tried(make_user):
    # given
    make_user("ann")
    with override_settings(LOGIN_FAILURE_WINDOW_SECONDS=2):
        fail("ann", 3)
        locked_at = time.monotonic()
        # when the locked client keeps trying until just before the lock lifts
        while time.monotonic() - locked_at < 1.5:
            assert b"Too many failed sign-ins" in form("ann", "wrong").content
            time.sleep(0.1)
        time.sleep(2.3 - (time.monotonic() - locked_at))
        after = form("ann")
    # then
    assert after.status_code == 302


def test_a_lockout_looks_the_same_for_an_account_that_does_not_exist(make_user):
    # given
    make_user("ann")
    fail("ann", 3, address="198.51.100.1")
    fail("nobody", 3, address="198.51.100.2")
    # when
    real = token("ann", address="198.51.100.1")
    missing = token("nobody", address="198.51.100.2")
    # then
    assert real.status_code == missing.status_code == 429
    assert real.json() == missing.json()


def test_a_forged_x_forwarded_for_does_not_escape_the_lockout_without_trusted_proxies(make_user):
    # given every guess claims another client address
    make_user("ann")
    for number in range(3):
        fail("ann", 1, forwarded=f"198.51.100.{number + 1}")
    # when
    response = token("ann", forwarded="198.51.100.99")
    # then
    assert response.status_code == 429


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_behind_a_trusted_proxy_one_client_locks_neither_other_clients_nor_other_accounts(
    make_user,
):
    # given one client behind the load balancer fails on ann, and on more accounts than
    # the per-address limit
    make_user("ann")
    make_user("bob")
    fail("ann", 3, address="10.0.0.5", forwarded="203.0.113.7")
    for name in ("x1", "x2"):
        fail(name, 1, address="10.0.0.5", forwarded="203.0.113.7")
    # when
    same_client = token("bob", address="10.0.0.5", forwarded="203.0.113.7")
    other_client = token("ann", address="10.0.0.6", forwarded="203.0.113.8")
    other_account = token("bob", address="10.0.0.5", forwarded="203.0.113.9")
    # then
    assert same_client.status_code == 429
    assert other_client.status_code == 200
    assert other_account.status_code == 200


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_behind_a_trusted_proxy_a_forged_chain_beyond_it_is_not_believed(make_user):
    # given the client prepends a new address to every request; the proxy appends its own view
    make_user("ann")
    for number in range(3):
        fail("ann", 1, address="10.0.0.5", forwarded=f"198.51.100.{number + 1}, 203.0.113.7")
    # when
    response = token("ann", address="10.0.0.5", forwarded="198.51.100.99, 203.0.113.7")
    # then
    assert response.status_code == 429


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs Redis, as in production")
def test_failures_counted_in_another_process_lock_here(make_user):
    # given another process (another web server) sees three failures for ann
    make_user("ann")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "LOGIN_FAILURE_LIMIT": "3",
    }
    code = (
        "import django; django.setup()\n"
        "from django.contrib.auth import authenticate\n"
        "from django.test import RequestFactory\n"
        "request = RequestFactory().post('/login/', REMOTE_ADDR='198.51.100.1')\n"
        "for _ in range(3): assert authenticate(request, username='ann', password='x') is None\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    # when
    response = token("ann", address="198.51.100.1")
    # then
    assert response.status_code == 429
