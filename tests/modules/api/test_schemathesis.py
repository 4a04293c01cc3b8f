"""Property-based checks of the live OpenAPI document: no 5xx, answers as documented.

Every operation gets valid and invalid requests (schemathesis' positive and negative
modes), once as an administrator and once as a plain user, each with a real token,
sent in-process to the WSGI application against the test database.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from modules.records.services import RecordService
from project.wsgi import application
from tests.support.tokens import secret_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: Examples per operation: valid and invalid requests together.
EXAMPLES = 6
#: Would revoke the token every other request is sent with.
SKIPPED = {("DELETE", "/api/v1/auth/token/")}


@pytest.fixture
def keep_connection():
    """Keep the test's database connection open across WSGI requests, as Django's client does."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(admin, keep_connection):
    # A few records so reads, updates and deletes meet real rows.
    for name in ("Acme", "Beta"):
        RecordService().create(admin, "companies", {"name": name})
    token = secret_for(admin)
    return schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", application, headers={"Authorization": f"Token {token}"}
    )


def run_operation(operation, headers: dict) -> None:
    """EXAMPLES generated requests to one operation; raises on the first failed check."""
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def call(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()


@pytest.mark.parametrize("role", ["administrator", "plain user"])
def test_every_operation_keeps_the_document(api_schema, admin, user, role):
    # given every operation of the live document, and a token of this role
    caller = admin if role == "administrator" else user
    headers = {"Authorization": f"Token {secret_for(caller)}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40
    # when each gets valid and invalid requests
    failures = {}
    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        # Every operation runs and every failure is listed; schemathesis raises its
        # failures as a BaseExceptionGroup, which `except Exception` would let through.
        try:
            run_operation(operation, headers)
        except (Exception, BaseExceptionGroup) as error:
            failures[f"{operation.method.upper()} {operation.path}"] = str(error)[:1500]
    # then none answered a 5xx or anything the document does not describe
    assert not failures, "\n\n".join(f"{name}\n{text}" for name, text in failures.items())
