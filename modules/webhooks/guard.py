"""Sending to a URL an administrator typed, without letting it reach into our own network.

    session = guarded_session()
    session.post(url, data=body, timeout=(5, 10), allow_redirects=False)   # AddressRefused

The address is checked on the socket once it is connected, not on a name looked up
beforehand: a name that resolves to a public address when the subscription is saved and
to 127.0.0.1 when the delivery is sent (DNS rebinding) is refused all the same. Loopback,
private, link-local, shared, reserved and multicast addresses are refused unless they are
in `WEBHOOK_ALLOWED_NETWORKS`. Redirects are not followed and no proxy from the
environment is used, so neither can lead the request elsewhere.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class AddressRefused(Exception):
    """The receiver's address is inside the network Tessera runs in."""


def _allowed() -> list:
    return [ipaddress.ip_network(n, strict=False) for n in settings.WEBHOOK_ALLOWED_NETWORKS]


def check_address(address: str) -> None:
    """Refuse an address that is not public, unless the allow-list names it."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in _allowed()):
        return
    if not ip.is_global or ip.is_multicast:
        raise AddressRefused(
            _("%(address)s is not a public address; webhooks are sent only to public ones.")
            % {"address": ip}
        )


def check_url(url: str) -> None:
    """Refuse, when a subscription is saved, a URL whose host resolves to a refused address
    (the same check runs again on every connection)."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise AddressRefused(_("The host %(host)s cannot be found.") % {"host": host}) from error
    for info in infos:
        check_address(info[4][0])


class _Checked:
    def connect(self):
        super().connect()
        try:
            check_address(self.sock.getpeername()[0])
        except AddressRefused:
            self.close()
            raise


class CheckedHTTPConnection(_Checked, HTTPConnection):
    """An HTTP connection checked once connected."""


class CheckedHTTPSConnection(_Checked, HTTPSConnection):
    """An HTTPS connection checked once connected."""


class CheckedHTTPConnectionPool(HTTPConnectionPool):
    """A pool of checked HTTP connections."""

    ConnectionCls = CheckedHTTPConnection


class CheckedHTTPSConnectionPool(HTTPSConnectionPool):
    """A pool of checked HTTPS connections."""

    ConnectionCls = CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    """An adapter whose connections refuse a refused address once connected."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": CheckedHTTPConnectionPool,
            "https": CheckedHTTPSConnectionPool,
        }


def guarded_session() -> requests.Session:
    """A session that sends only to public addresses (or allowed ones), through no proxy."""
    session = requests.Session()
    session.trust_env = False
    adapter = CheckedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
