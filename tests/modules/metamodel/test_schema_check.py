"""A safe request checks the schema version at its first query, or its list page carries it.

Another process's schema change is simulated: the change is made through SchemaService,
then this process is put back on the snapshot it held before (it has not read the new
version yet), as a gunicorn worker would be.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.metamodel.models import SchemaState
from modules.metamodel.runtime import registry
from modules.records.screens.urlconf import admin_urlconf
from modules.records.services import RecordService


@pytest.fixture
def elsewhere():
    """A block whose schema changes another process made: committed, not yet seen here."""

    @contextmanager
    def change():
        held = registry.current()
        yield
        registry._current = held  # this process still holds the snapshot it had
        assert registry.last() is held

    return change


def version_reads(queries) -> int:
    """How many of the captured statements read the schema version (alone or carried).

    A statement the check refused is logged too, with no SQL (it never ran).
    """
    return sum('"metamodel_schemastate"' in (q["sql"] or "") for q in queries)


def served_on_the_stored_version() -> bool:
    return registry.last().key == tuple(SchemaState.current())


# -- nothing moved -----------------------------------------------------------------------
def test_a_detail_reads_the_version_once_before_its_first_query(admin_client, admin):
    # given
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    admin_client.get("/api/v1/companies/")  # warm the snapshot
    # when
    with CaptureQueriesContext(connection) as context:
        response = admin_client.get(f"/api/v1/companies/{company.pk}/")
    # then the version read runs first, alone, and once
    assert response.status_code == 200
    assert version_reads(context.captured_queries) == 1
    assert '"metamodel_schemastate"' in context.captured_queries[0]["sql"]


def test_other_queries_after_the_check_run_unwrapped(admin_client, admin):
    # given
    RecordService().create(admin, "companies", {"name": "Acme"})
    admin_client.get("/api/v1/companies/")
    installed = list(connection.execute_wrappers)  # the suite's own: the entity write guard
    wrappers = []

    def spy(execute, sql, params, many, context):
        wrappers.append(len(connection.execute_wrappers))
        return execute(sql, params, many, context)

    # when a list with ?count=true runs the page and then the count
    with connection.execute_wrapper(spy), CaptureQueriesContext(connection) as context:
        response = admin_client.get("/api/v1/companies/?count=true")
    # then the page carried the check; the count ran with the check's wrapper removed
    assert response.status_code == 200 and response.json()["count"] == 1
    assert len(context.captured_queries) == 2
    assert version_reads(context.captured_queries) == 1
    assert wrappers == [len(installed) + 2, len(installed) + 1]
    assert connection.execute_wrappers == installed


def test_a_write_reads_the_version_first(admin_client):
    # given
    admin_client.get("/api/v1/companies/")
    # when
    with CaptureQueriesContext(connection) as context:
        response = admin_client.post("/api/v1/companies/", {"name": "Acme"}, format="json")
    # then
    assert response.status_code == 201
    assert '"metamodel_schemastate"' in context.captured_queries[0]["sql"]
    assert version_reads(context.captured_queries) == 1


# -- another process changed the schema --------------------------------------------------
def test_a_list_after_a_change_elsewhere_shows_the_new_field(
    admin_client, admin, schema, elsewhere
):
    # given a process that served the list, then a field added by another process
    RecordService().create(admin, "companies", {"name": "Acme"})
    admin_client.get("/api/v1/companies/")
    with elsewhere():
        schema.add_field(
            admin, "companies", api_name="potential", label="Potential", type="integer"
        )
    builds = registry.builds
    # when
    with CaptureQueriesContext(connection) as context:
        response = admin_client.get("/api/v1/companies/")
    # then the page that carried the old key was dropped, and the list served again on a
    # snapshot built once for the new version, which was read once
    assert response.status_code == 200
    assert [r["potential"] for r in response.json()["results"]] == [None]
    assert registry.builds == builds + 1 and served_on_the_stored_version()
    assert version_reads(context.captured_queries) == 1


def test_an_empty_list_after_a_change_elsewhere_shows_the_new_field(
    admin_client, admin, schema, elsewhere, scratch_entity
):
    # given an entity type without records
    slug = scratch_entity()
    admin_client.get(f"/api/v1/{slug}/")
    with elsewhere():
        schema.add_field(admin, slug, api_name="note", label="Note", type="text")
    # when
    with CaptureQueriesContext(connection) as context:
        response = admin_client.get(f"/api/v1/{slug}/?note=x")
    # then the filter on the new field is known: the separate read found the new version
    assert response.status_code == 200, response.json()
    assert response.json()["results"] == []
    assert version_reads(context.captured_queries) == 1 and served_on_the_stored_version()


def test_a_type_added_elsewhere_is_listed_not_404(admin_client, admin, schema, elsewhere):
    # given
    admin_client.get("/api/v1/companies/")
    with elsewhere():
        schema.create_entity_type(admin, slug="tickets", label="Ticket", label_plural="Tickets")
        schema.add_field(admin, "tickets", api_name="subject", label="Subject", type="text")
        RecordService().create(admin, "tickets", {"subject": "Printer"})
    # when the stale snapshot answers 404 without any query
    with CaptureQueriesContext(connection) as context:
        response = admin_client.get("/api/v1/tickets/")
    # then the version read after that answer sent the request round again
    assert response.status_code == 200, response.json()
    assert [r["subject"] for r in response.json()["results"]] == ["Printer"]
    assert version_reads(context.captured_queries) == 1
    assert response.wsgi_request.schema_snapshot is registry.last()
    assert served_on_the_stored_version()


def test_a_detail_after_a_change_elsewhere_shows_the_new_field(
    admin_client, admin, schema, elsewhere
):
    # given
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    admin_client.get(f"/api/v1/companies/{company.pk}/")
    with elsewhere():
        schema.add_field(
            admin, "companies", api_name="potential", label="Potential", type="integer"
        )
    # when
    with CaptureQueriesContext(connection) as context:
        response = admin_client.get(f"/api/v1/companies/{company.pk}/")
    # then its first query was refused before it ran, and the detail served again
    assert response.status_code == 200
    assert "potential" in response.json()
    assert version_reads(context.captured_queries) == 1 and served_on_the_stored_version()


def test_an_admin_screen_after_a_change_elsewhere_shows_the_new_label(
    client, admin, schema, elsewhere
):
    # given a signed-in administrator who has seen the form
    client.force_login(admin)
    assert "Annual revenue" in client.get("/records/companies/new/").content.decode()
    with elsewhere():
        schema.update_field(admin, "companies", "annual_revenue", label="Yearly turnover")
    # when
    with CaptureQueriesContext(connection) as context:
        response = client.get("/records/companies/new/")
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Yearly turnover" in page and "Annual revenue" not in page
    assert version_reads(context.captured_queries) == 1 and served_on_the_stored_version()


def test_an_admin_screen_of_a_type_added_elsewhere_is_there(client, admin, schema, elsewhere):
    # given
    client.force_login(admin)
    client.get("/records/companies/")
    with elsewhere():
        schema.create_entity_type(admin, slug="tickets", label="Ticket", label_plural="Tickets")
    # when the stale snapshot's URLconf has no such screen
    response = client.get("/records/tickets/")
    # then the request was resolved again with the new snapshot's URLconf
    assert response.status_code == 200 and served_on_the_stored_version()
    request = response.wsgi_request
    assert request.schema_snapshot is registry.last()
    assert request.urlconf is admin_urlconf(registry.last())
    assert request.resolver_match.namespaces[-1].endswith("tickets")


def test_a_write_after_a_change_elsewhere_reads_first_and_works(
    admin_client, admin, schema, elsewhere
):
    # given
    admin_client.get("/api/v1/companies/")
    with elsewhere():
        schema.add_field(
            admin, "companies", api_name="potential", label="Potential", type="integer"
        )
    # when
    with CaptureQueriesContext(connection) as context:
        response = admin_client.post(
            "/api/v1/companies/", {"name": "Acme", "potential": 7}, format="json"
        )
    # then
    assert response.status_code == 201, response.json()
    assert response.json()["potential"] == 7
    assert '"metamodel_schemastate"' in context.captured_queries[0]["sql"]
    assert version_reads(context.captured_queries) == 1


# -- the carried query fails -------------------------------------------------------------
def test_a_page_naming_a_column_dropped_elsewhere_is_served_again(
    live_schema, admin_client, admin, schema, elsewhere
):
    # given a field whose column another process trashed and dropped
    schema.add_field(admin, "companies", api_name="doomed", label="Doomed", type="text")
    RecordService().create(admin, "companies", {"name": "Acme", "doomed": "x"})
    assert "doomed" in admin_client.get("/api/v1/companies/").json()["results"][0]
    with elsewhere():
        schema.trash_field(admin, "companies", "doomed")
        schema.purge_trashed_fields(admin, older_than=timezone.now() + timedelta(seconds=1))
    # when the carried page query names the dropped column
    response = admin_client.get("/api/v1/companies/")
    # then the failure went to the stale snapshot, and the page came from the new one
    assert response.status_code == 200
    assert [r["name"] for r in response.json()["results"]] == ["Acme"]
    assert "doomed" not in response.json()["results"][0] and served_on_the_stored_version()


def test_a_failing_page_query_stands_when_the_schema_did_not_move(live_schema, admin_client, admin):
    # given a column gone behind the metadata's back (no schema change, no new version)
    schema_key = tuple(SchemaState.current())
    admin_client.get("/api/v1/companies/")
    model = registry.current().model("companies")
    column = model._meta.get_field("city").column
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{model._meta.db_table}" DROP COLUMN "{column}"')
    # when, then the error is the database's, as before
    with pytest.raises(DatabaseError):
        admin_client.get("/api/v1/companies/")
    assert tuple(SchemaState.current()) == schema_key
