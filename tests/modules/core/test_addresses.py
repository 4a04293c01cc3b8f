"""The client address: X-Forwarded-For is believed only as far as trusted proxies vouch."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from modules.core.addresses import address_bucket, client_address

pytestmark = pytest.mark.smoke


def request_from(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_ignored():
    # given a client that writes its own X-Forwarded-For
    request = request_from("203.0.113.7", forwarded="198.51.100.1")
    # when
    address = client_address(request)
    # then
    assert address == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_connection_not_from_a_trusted_proxy_is_the_client_whatever_it_forwards():
    # given
    request = request_from("203.0.113.7", forwarded="10.1.1.1")
    # when
    address = client_address(request)
    # then
    assert address == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_behind_a_trusted_proxy_the_address_it_appended_is_the_client():
    # given the client sent "X-Forwarded-For: 198.51.100.1, 192.0.2.9" itself, and the
    # proxy appended the address it saw
    request = request_from("10.0.0.5", forwarded="198.51.100.1, 192.0.2.9, 203.0.113.7")
    # when
    address = client_address(request)
    # then
    assert address == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24", "172.16.0.1"])
def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop():
    # given a CDN (172.16.0.1) in front of a load balancer (10.0.0.5)
    request = request_from("10.0.0.5", forwarded="198.51.100.1, 203.0.113.7, 172.16.0.1")
    # when
    address = client_address(request)
    # then
    assert address == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_an_unreadable_hop_stops_the_walk_at_the_last_trusted_one():
    # given
    request = request_from("10.0.0.5", forwarded="203.0.113.7, not-an-address, 10.0.0.9")
    # when
    address = client_address(request)
    # then
    assert address == "10.0.0.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_a_trusted_proxy_without_the_header_is_the_client():
    # given
    request = request_from("10.0.0.5")
    # when
    address = client_address(request)
    # then
    assert address == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=[])
def test_an_ipv4_address_written_as_ipv6_is_ipv4():
    # given
    request = request_from("::ffff:203.0.113.7")
    # when
    address = client_address(request)
    # then
    assert address == "203.0.113.7"


def test_ipv6_addresses_count_per_64_and_ipv4_per_address():
    # when
    buckets = {
        address_bucket("2001:db8:1:2::1"),
        address_bucket("2001:db8:1:2:ffff::9"),
        address_bucket("2001:db8:1:3::1"),
    }
    # then
    assert buckets == {"2001:db8:1:2::/64", "2001:db8:1:3::/64"}
    assert address_bucket("203.0.113.7") == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/33"])
def test_a_mistyped_trusted_proxy_is_a_configuration_error():
    # given
    request = request_from("10.0.0.5", forwarded="203.0.113.7")
    # when / then
    with pytest.raises(ImproperlyConfigured):
        client_address(request)


@override_settings(TRUSTED_PROXIES=["unix"])
def test_behind_a_trusted_unix_socket_the_forwarded_address_is_the_client():
    # given nginx passes requests to gunicorn over a UNIX socket (no peer address)
    request = request_from("", forwarded="198.51.100.1, 203.0.113.7")
    # when
    address = client_address(request)
    # then
    assert address == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=[])
def test_an_untrusted_unix_socket_is_an_unknown_client_whatever_it_forwards():
    # given
    request = request_from("", forwarded="203.0.113.7")
    # when
    address = client_address(request)
    # then
    assert address == "unknown"
