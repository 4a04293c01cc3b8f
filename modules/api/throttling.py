"""Request-rate throttles of the API, counting clients by their real address.

    class TokenView(APIView):
        throttle_scope = "login"
        throttle_classes = [ClientScopedRateThrottle]

DRF's own `get_ident` believes `X-Forwarded-For` as the client sent it unless
`NUM_PROXIES` matches the deployment; here the address comes from
`modules.core.addresses.client_address`, which reads that header only as far as
`TRUSTED_PROXIES` vouch for it. IPv6 clients count per /64, like the sign-in lockout.
"""

from rest_framework.throttling import ScopedRateThrottle

from modules.core.addresses import address_bucket, client_address


class ClientScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped rate throttle, keyed by the client address behind trusted proxies."""

    def get_ident(self, request) -> str:
        return address_bucket(client_address(request))
