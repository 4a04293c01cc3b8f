"""Token scopes, methods and targets, against a table written out by hand.

Every request is one that changes nothing: a missing id, or a body the server refuses,
so an allowed request answers 200, 400 or 404, and a refused one 403 naming the scope.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.support.tokens import secret_for

pytestmark = pytest.mark.django_db

MISSING = 987654321
#: (method, target) -> the request, as path and body.
REQUESTS = {
    ("GET", "persons"): (f"/api/v1/persons/{MISSING}/", None),
    ("POST", "persons"): ("/api/v1/persons/", {"no_such_field": 1}),
    ("PATCH", "persons"): (f"/api/v1/persons/{MISSING}/", {}),
    ("DELETE", "persons"): (f"/api/v1/persons/{MISSING}/", None),
    ("GET", "deals"): (f"/api/v1/deals/{MISSING}/", None),
    ("POST", "deals"): ("/api/v1/deals/bulk/", {"action": "delete", "ids": []}),
    ("PATCH", "deals"): (f"/api/v1/deals/{MISSING}/", {}),
    ("DELETE", "deals"): (f"/api/v1/deals/{MISSING}/relations/{MISSING}/", None),
    ("GET", "meta"): ("/api/v1/meta/entity-types/no_such_type/", None),
    ("POST", "meta"): ("/api/v1/meta/entity-types/", {}),
    ("PATCH", "meta"): ("/api/v1/meta/entity-types/no_such_type/", {}),
    ("DELETE", "meta"): ("/api/v1/meta/entity-types/no_such_type/", None),
    ("GET", "users"): (f"/api/v1/users/{MISSING}/", None),
    ("POST", "users"): ("/api/v1/users/", {}),
    ("PATCH", "users"): (f"/api/v1/users/{MISSING}/", {}),
    ("DELETE", "users"): (f"/api/v1/teams/{MISSING}/", None),
    ("GET", "notes"): (f"/api/v1/notes/{MISSING}/", None),
    ("POST", "notes"): ("/api/v1/notes/", {}),
    ("PATCH", "notes"): (f"/api/v1/notes/{MISSING}/", {}),
    ("DELETE", "notes"): (f"/api/v1/notes/{MISSING}/", None),
    ("POST", "intake"): ("/api/v1/intake/leads/", {"no_such_field": 1}),
}
#: What each scope opens, written out: (method, target) pairs.
OPENS = {
    "read": {
        ("GET", "persons"),
        ("GET", "deals"),
        ("GET", "meta"),
        ("GET", "users"),
        ("GET", "notes"),
    },
    "write": {
        ("POST", "notes"),
        ("PATCH", "notes"),
        ("DELETE", "notes"),
        ("POST", "persons"),
        ("PATCH", "persons"),
        ("DELETE", "persons"),
        ("POST", "deals"),
        ("PATCH", "deals"),
        ("DELETE", "deals"),
    },
    "write:persons": {("POST", "persons"), ("PATCH", "persons"), ("DELETE", "persons")},
    "write:deals": {("POST", "deals"), ("PATCH", "deals"), ("DELETE", "deals")},
    "admin": {
        ("POST", "meta"),
        ("PATCH", "meta"),
        ("DELETE", "meta"),
        ("POST", "users"),
        ("PATCH", "users"),
        ("DELETE", "users"),
    },
    "leads:intake": {("POST", "intake")},
}
#: The scope a refusal names, per (method, target).
NAMED = {
    ("GET", "persons"): "read",
    ("POST", "persons"): "write:persons",
    ("PATCH", "persons"): "write:persons",
    ("DELETE", "persons"): "write:persons",
    ("GET", "deals"): "read",
    ("POST", "deals"): "write:deals",
    ("PATCH", "deals"): "write:deals",
    ("DELETE", "deals"): "write:deals",
    ("GET", "meta"): "read",
    ("POST", "meta"): "admin",
    ("PATCH", "meta"): "admin",
    ("DELETE", "meta"): "admin",
    ("GET", "users"): "read",
    ("POST", "users"): "admin",
    ("PATCH", "users"): "admin",
    ("DELETE", "users"): "admin",
    ("GET", "notes"): "read",
    ("POST", "notes"): "write",
    ("PATCH", "notes"): "write",
    ("DELETE", "notes"): "write",
    ("POST", "intake"): "leads:intake",
}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    given_scopes=st.sets(st.sampled_from(sorted(OPENS)), min_size=1),
    request_key=st.sampled_from(sorted(REQUESTS)),
)
def test_a_token_may_do_exactly_what_its_scopes_open(admin, given_scopes, request_key):
    # given an administrator's token with these scopes
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret_for(admin, sorted(given_scopes))}")
    method, _target = request_key
    path, body = REQUESTS[request_key]
    # when
    response = getattr(client, method.lower())(path, body, format="json")
    # then
    allowed = any(request_key in OPENS[scope] for scope in given_scopes)
    if allowed:
        assert response.status_code in (200, 400, 404), (given_scopes, request_key, response)
    else:
        assert response.status_code == 403, (given_scopes, request_key, response.content)
        assert response.json()["required_scope"] == NAMED[request_key]


def test_the_table_covers_every_request_and_every_scope():
    # then every request is opened by some scope, and every scope opens something
    opened = set().union(*OPENS.values())
    assert opened == set(REQUESTS) == set(NAMED)
    assert all(OPENS.values())
