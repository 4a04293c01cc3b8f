"""Request-rate throttles of the API: sign-ins per client address, requests per API token.

    class TokenView(APIView):
        throttle_scope = "login"
        throttle_classes = [ClientScopedRateThrottle]

    REST_FRAMEWORK = {"DEFAULT_THROTTLE_CLASSES": ["modules.api.throttling.TokenRateThrottle"]}

DRF's own `get_ident` believes `X-Forwarded-For` as the client sent it unless
`NUM_PROXIES` matches the deployment; here the address comes from
`modules.core.addresses.client_address`, which reads that header only as far as
`TRUSTED_PROXIES` vouch for it. IPv6 clients count per /64, like the sign-in lockout.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from modules.core.addresses import address_bucket, client_address

WINDOW_SECONDS = 60


class ClientScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped rate throttle, keyed by the client address behind trusted proxies."""

    def get_ident(self, request) -> str:
        return address_bucket(client_address(request))


class TokenRateThrottle(BaseThrottle):
    """`API_TOKEN_RATE_LIMIT` requests a minute per API token, counted in the cache (Redis).

    A fixed one-minute window per token: the count is one atomic INCR, shared by every web
    process. The limit, what is left and when the window ends go on the request for
    `RateLimitHeadersMiddleware`; beyond the limit DRF answers 429 with `Retry-After`.
    Session requests (the admin's own pages) are not counted.
    """

    def allow_request(self, request, view) -> bool:
        token_id = getattr(request.auth, "pk", None)
        if token_id is None:
            return True
        limit = settings.API_TOKEN_RATE_LIMIT
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"ratelimit:token:{token_id}:{window}"
        cache.add(key, 0, WINDOW_SECONDS + 5)
        count = cache.incr(key)
        reset = (window + 1) * WINDOW_SECONDS
        self.retry_after = max(1, math.ceil(reset - now))
        request._request.tessera_rate_limit = (limit, max(limit - count, 0), reset)
        return count <= limit

    def wait(self) -> float:
        return self.retry_after


class RateLimitHeadersMiddleware:
    """`X-RateLimit-Limit`, `-Remaining` and `-Reset` (epoch seconds) on token requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        counted = getattr(request, "tessera_rate_limit", None)
        if counted is not None:
            limit, remaining, reset = counted
            response["X-RateLimit-Limit"] = str(limit)
            response["X-RateLimit-Remaining"] = str(remaining)
            response["X-RateLimit-Reset"] = str(reset)
        return response
