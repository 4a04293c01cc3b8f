"""The token endpoint's request rate: counted per real client, whatever X-Forwarded-For says."""

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
#: The rate the settings give (`LOGIN_THROTTLE_RATE`), read by DRF once at start.
RATE = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])


@pytest.fixture(autouse=True)
def no_lockout(settings):
    """Each request tries another unknown account: only the request rate can refuse them."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = RATE * 10
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ask(number: int, address: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient(**extra).post(
        TOKEN, {"username": f"guess{number}", "password": "wrong"}, format="json"
    )


@override_settings(TRUSTED_PROXIES=[])
def test_a_new_x_forwarded_for_per_request_does_not_reset_the_rate():
    # given the client has used its rate, each time claiming another address
    for number in range(RATE):
        assert ask(number, "203.0.113.7", forwarded=f"198.51.100.{number}").status_code == 400
    # when
    response = ask(RATE, "203.0.113.7", forwarded="198.51.100.250")
    # then
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_behind_a_trusted_proxy_each_client_has_its_own_rate():
    # given one client behind the load balancer has used its rate
    for number in range(RATE):
        assert ask(number, "10.0.0.5", forwarded="203.0.113.7").status_code == 400
    # when
    same_client = ask(RATE, "10.0.0.5", forwarded="198.51.100.1, 203.0.113.7")
    other_client = ask(RATE + 1, "10.0.0.5", forwarded="203.0.113.8")
    # then
    assert same_client.status_code == 429
    assert other_client.status_code == 400
