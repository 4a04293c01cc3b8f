"""Exports in the formats django-import-export writes: typed where the format has types,
masked like every export, refused above the size they are built in memory for."""

import json

import pytest
import tablib
import yaml

from modules.records.services import RecordService

pytestmark = pytest.mark.smoke


@pytest.fixture
def people(admin, make_user):
    service = RecordService()
    service.create(
        admin,
        "persons",
        {"first_name": "=cmd()", "last_name": "Nowak", "birthday": "1990-05-17"},
    )
    service.create(
        admin,
        "persons",
        {"first_name": "Secret", "last_name": "Kowalska", "position": "Spy"},
        owner=make_user("owner"),
        visibility="non_public",
    )


def export(client, file_format):
    response = client.get(f"/api/v1/persons/export/?format={file_format}&ordering=last_name")
    assert response.status_code == 200, response.content[:300]
    return response


def records(response, file_format) -> list[dict]:
    if file_format == "json":
        return json.loads(response.content)
    if file_format == "yaml":
        return yaml.safe_load(response.content)
    book = tablib.Dataset().load(
        response.content if file_format in ("xls", "ods") else response.content.decode(),
        format=file_format,
    )
    return list(book.dict)


@pytest.mark.parametrize("file_format", ["xls", "ods", "json", "yaml", "tsv"])
def test_every_library_format_holds_what_the_user_may_read(user_client, people, file_format):
    # when a user who may only list the non-public record exports
    response = export(user_client, file_format)
    # then
    assert response["Content-Disposition"] == f'attachment; filename="persons.{file_format}"'
    rows = {r["Last name"]: r for r in records(response, file_format)}
    assert set(rows) >= {"Nowak", "Kowalska"}
    assert rows["Kowalska"]["First name"] == "Secret"
    assert rows["Kowalska"]["Job title"] in ("", None)
    assert rows["Nowak"]["First name"] == "'=cmd()"


def test_binary_formats_keep_dates_typed_and_text_formats_write_them_iso(admin_client, people):
    xls = {r["Last name"]: r for r in records(export(admin_client, "xls"), "xls")}
    assert str(xls["Nowak"]["Birthday"])[:10] == "1990-05-17"
    as_json = {r["Last name"]: r for r in records(export(admin_client, "json"), "json")}
    assert as_json["Nowak"]["Birthday"] == "1990-05-17"


def test_a_list_too_long_for_memory_is_refused_with_the_formats_that_stream(
    admin_client, people, settings
):
    settings.EXPORT_LIBRARY_MAX_ROWS = 1
    response = admin_client.get("/api/v1/persons/export/?format=json")
    assert response.status_code == 400
    assert "csv or xlsx" in response.json()["errors"]["format"][0]
    settings.EXPORT_LIBRARY_MAX_ROWS, settings.EXPORT_ODS_MAX_ROWS = 10, 1
    assert admin_client.get("/api/v1/persons/export/?format=json").status_code == 200
    assert admin_client.get("/api/v1/persons/export/?format=ods").status_code == 400
    assert admin_client.get("/api/v1/persons/export/?format=xlsx").status_code == 200


def test_an_unknown_format_names_every_format(admin_client):
    response = admin_client.get("/api/v1/persons/export/?format=pdf")
    assert response.status_code == 400
    assert "xlsx, csv, xls, ods, json, yaml, tsv" in response.json()["errors"]["format"][0]
