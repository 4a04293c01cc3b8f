"""The client's network address, believing `X-Forwarded-For` only as far as trusted proxies.

    TRUSTED_PROXIES = ["10.0.0.0/8"]        # the load balancers (settings, from the environment)
    TRUSTED_PROXIES = ["unix"]              # nginx in front of gunicorn on a UNIX socket
    client_address(request)                 # "203.0.113.7"
    address_bucket("2001:db8::1")           # "2001:db8::/64": what sign-in limits count

The connection's address (`REMOTE_ADDR`) is the client unless it is a trusted proxy. Then
`X-Forwarded-For` is read from the right, the end each proxy appends to: every address
that is itself a trusted proxy is skipped, and the first one that is not is the client.
Whatever a client writes into the header itself stays to the left of that and is never
read, so it cannot choose the address it is counted by. With no trusted proxies (the
default) the header is ignored. A connection without an IP address (a UNIX socket,
which only a process on the same host can open) is trusted when the list says `unix`.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
#: An IPv6 customer usually gets a whole /64; its addresses count as one client.
IPV6_BUCKET_PREFIX = 64
UNKNOWN = "unknown"
UNIX_SOCKET = "unix"


def client_address(request) -> str:
    """The address of the client that sent `request`, as text; `"unknown"` without one."""
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if peer is None and UNIX_SOCKET not in settings.TRUSTED_PROXIES:
        return UNKNOWN
    if peer is not None and not _trusted(peer, networks):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A trusted proxy writes addresses; anything else came from the client's side
            # of the last trusted hop, so that hop is as far as the chain can be believed.
            break
        client = address
        if not _trusted(address, networks):
            break
    return UNKNOWN if client is None else str(client)


def address_bucket(address: str) -> str:
    """What limits count for an address: itself (IPv4) or its /64 network (IPv6)."""
    parsed = _parse(address)
    if parsed is None or parsed.version == 4:
        return address
    return str(ipaddress.ip_network((parsed, IPV6_BUCKET_PREFIX), strict=False))


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """`TRUSTED_PROXIES` parsed (but `unix`); a single address is a network of one."""
    networks = []
    for entry in entries:
        if entry == UNIX_SOCKET:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network."
            ) from None
    return tuple(networks)


def _trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in networks)


def _parse(text: str) -> IPAddress | None:
    """An address, or None; an IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is IPv4."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
