"""A client generated from the OpenAPI document works against a live server.

openapi-python-client writes a Python package from `/api/v1/schema/`; the test drives it
as an integrator would: sign in, create, list with filters, update with a stale version,
delete, import a file, export, read the history.
"""

import importlib
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the live server shares one PostgreSQL database"
)
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "tessera_client"


@pytest.fixture
def generated(tmp_path, live_schema, admin, monkeypatch):
    """The package openapi-python-client generates from the document, imported."""
    document = tmp_path / "openapi.json"
    client = APIClient()
    client.force_authenticate(admin)
    document.write_bytes(client.get("/api/v1/schema/").content)
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\n")
    subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        check=True,
        capture_output=True,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def test_a_generated_client_creates_lists_updates_deletes_imports_exports_and_reads_history(
    generated, live_server, admin
):
    # given a token got through the generated client itself
    client_module = generated("client")
    models = generated("models")
    admin.set_password("Correct-Horse-42")
    admin.save()
    anonymous = client_module.Client(base_url=live_server.url)
    signed_in = generated("api.auth.auth_token_create").sync(
        client=anonymous,
        body=models.CredentialsRequest(username=admin.username, password="Correct-Horse-42"),
    )
    api = client_module.AuthenticatedClient(
        base_url=live_server.url, token=signed_in.token, prefix="Token"
    )

    # when a record is created and the list is filtered
    created = generated("api.persons.persons_create").sync_detailed(
        client=api,
        body=models.PersonsRecordRequest(
            first_name="Zofia", last_name="Generated", email="zofia@example.com"
        ),
    )
    listed = generated("api.persons.persons_list").sync(
        client=api, last_name="Generated", count=True
    )
    # then
    assert created.status_code == HTTPStatus.CREATED
    record = created.parsed
    assert [r.id for r in listed.results] == [record.id]
    assert listed.count == 1

    # when it is updated twice, the second time with the version read before the first
    update = generated("api.persons.persons_partial_update")
    first = update.sync_detailed(
        record.id,
        client=api,
        body=models.PatchedPersonsRecordRequest(position="CTO", version=record.version),
    )
    stale = update.sync_detailed(
        record.id,
        client=api,
        body=models.PatchedPersonsRecordRequest(position="CEO", version=record.version),
    )
    # then the second is refused with the error shape the document names
    assert first.status_code == HTTPStatus.OK and first.parsed.position == "CTO"
    assert stale.status_code == HTTPStatus.CONFLICT
    assert stale.parsed.code == "stale_version"

    # when a file is imported: upload, dry run, run, then the import is read back
    types = generated("types")
    uploaded = generated("api.persons.persons_imports_create").sync(
        client=api,
        body=models.UploadFileRequest(
            file=types.File(
                payload=b"First name,Last name,E-mail\nJan,Imported,jan@example.com\n",
                file_name="people.csv",
                mime_type="text/csv",
            )
        ),
    )
    checked = generated("api.imports.imports_dry_run_create").sync(
        uploaded.id,
        client=api,
        body=models.DryRunRequest(
            mapping=models.DryRunRequestMapping.from_dict(
                {"First name": "first_name", "Last name": "last_name", "E-mail": "email"}
            )
        ),
    )
    ran = generated("api.imports.imports_run_create").sync_detailed(uploaded.id, client=api)
    batch = generated("api.imports.imports_retrieve").sync(uploaded.id, client=api)
    # then
    assert checked.totals.new == 1 and checked.errors == []
    assert ran.status_code == HTTPStatus.ACCEPTED
    assert batch.status.value == "done" and batch.progress.done == 1

    # when the list is exported as csv
    exported = generated("api.persons.persons_export_retrieve").sync_detailed(
        client=api, format_=models.PersonsExportRetrieveFormat.CSV
    )
    # then
    assert exported.status_code == HTTPStatus.OK
    assert "Imported" in exported.content.decode() and "Generated" in exported.content.decode()

    # when the record is deleted, then read and its history asked for
    deleted = generated("api.persons.persons_destroy").sync_detailed(record.id, client=api)
    gone = generated("api.persons.persons_retrieve").sync_detailed(record.id, client=api)
    history = generated("api.history.history_retrieve").sync(
        client=api, entity="persons", record=record.id
    )
    # then
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert gone.status_code == HTTPStatus.NOT_FOUND and gone.parsed.code == "not_found"
    assert [row.operation for row in history.results] == ["delete", "update", "create"]
