"""The access oracle on imports and exports.

For each drawn world (tests/support/access_worlds.py) the viewer imports a file naming
every company (update or upsert, matched on the name or on the tax number, which is not
a basic field: a key refused while some listed record masks it), checks it, runs it through the
real Celery task, and exports companies to CSV and persons, with their linked company's
title, to XLSX. The reference decides: an import matches only records the viewer may
edit, and a row clashing with a record the viewer may not open is refused in words that
name no record (a dry run does not check it: that would tell what the record holds); an
export holds the rows the viewer may list, masked where they may not open them, and the
title of a linked company only where the viewer may list that company.
"""

import csv
import io

import openpyxl
import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.metamodel.runtime import get_model
from tests.fixtures.transfer import table_bytes, upload_file
from tests.support.access_worlds import (
    ENTITY,
    LINKING,
    ORACLE,
    Reference,
    build,
    names_no_record,
    worlds,
)

MAPPING = {"Name": "name", "Tax ID": "tax_number", "Employees": "employees"}
TOTALS = ("new", "updated", "unchanged", "skipped", "invalid")


def expected_totals(ref: Reference, world, mode: str) -> dict:
    """What a dry run counts: matched rows update; others are skipped (update), or are new
    unless the viewer may open the clashing record (upsert)."""
    u, totals = world.viewer, dict.fromkeys(TOTALS, 0)
    for rec in world.records:
        if ref.may(u, "edit", rec):
            totals["updated"] += 1
        elif mode == "update":
            totals["skipped"] += 1
        elif ref.full(u, rec):
            totals["invalid"] += 1
        else:
            totals["new"] += 1
    return totals


def messages(batch: dict) -> str:
    """Every sentence an import's report tells (row numbers and totals are no record ids)."""
    return " ".join([batch["error"], *(error["message"] for error in batch["errors"])])


def check_import(ref, world, built, api, mode: str, key: str, capture) -> None:
    u, ids = world.viewer, built.ids
    hidden_ids = [pk for pk, rec in zip(ids, world.records, strict=True) if not ref.full(u, rec)]
    rows = [[f"R{i}", f"T{i}", 1000 + i] for i in range(len(ids))]
    content = table_bytes("csv", list(MAPPING), rows)
    uploaded = api.post(f"/api/v1/{ENTITY}/imports/", {"file": upload_file("c.csv", content)})
    if not ref.system(u, "import"):
        assert uploaded.status_code == 403
        return
    assert uploaded.status_code == 201, uploaded.content
    batch = uploaded.json()["id"]

    checked = api.post(
        f"/api/v1/imports/{batch}/dry-run/",
        {"mapping": MAPPING, "mode": mode, "match_on": [key]},
        format="json",
    )
    masked = any(ref.listed(u, rec) and not ref.full(u, rec) for rec in world.records)
    if key == "tax_number" and masked:
        # Matching on a field some listed record masks would tell what that record holds.
        assert checked.status_code == 400, checked.content
        assert set(checked.json()["errors"]) == {"match_on"}
        return
    expected = expected_totals(ref, world, mode)
    assert checked.status_code == 200, checked.content
    assert checked.json()["totals"] == expected
    assert len({error["row"] for error in checked.json()["errors"]}) == expected["invalid"]
    assert names_no_record(messages(checked.json()), hidden_ids)

    with capture(execute=True):
        started = api.post(f"/api/v1/imports/{batch}/run/")
    assert started.status_code == 202, started.content
    state = api.get(f"/api/v1/imports/{batch}/")
    assert names_no_record(messages(state.json()), hidden_ids)
    stored = dict(get_model(ENTITY).objects.filter(pk__in=ids).values_list("pk", "employees"))
    clean = expected["invalid"] == 0 and expected["new"] == 0
    assert state.json()["status"] == ("done" if clean else "failed")
    for i, (pk, rec) in enumerate(zip(ids, world.records, strict=True)):
        written = clean and ref.may(u, "edit", rec)
        assert stored[pk] == (1000 + i if written else rec["employees"])


def check_exports(ref, world, built, api) -> None:
    u, ids = world.viewer, built.ids
    listed = {ids[i] for i, rec in enumerate(world.records) if ref.listed(u, rec)}
    full = {ids[i] for i, rec in enumerate(world.records) if ref.full(u, rec)}
    export = api.get(f"/api/v1/{ENTITY}/export/?format=csv")
    if not ref.system(u, "export"):
        assert export.status_code == 403
    else:
        text = b"".join(export.streaming_content).decode("utf-8-sig")
        table = {ids[int(row["Name"][1:])]: row for row in csv.DictReader(io.StringIO(text))}
        assert set(table) == listed
        assert {pk for pk, row in table.items() if row["Street"]} == full
        assert {pk for pk, row in table.items() if row["Number of employees"]} == full

    # Persons are public and exported by every user (the type's default settings).
    people = api.get(f"/api/v1/{LINKING}/export/?format=xlsx&fields=first_name,company")
    assert people.status_code == 200, people.content
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(people.streaming_content))).active
    heading, *lines = list(sheet.iter_rows(values_only=True))
    assert heading == ("First name", "Company")
    shown = {name: company for name, company in lines if name.startswith("P")}
    for k, company in enumerate(world.links):
        title = None if company is None else f"R{company}"
        if company is not None and not ref.listed(u, world.records[company]):
            title = None
        assert shown[f"P{k}"] == title


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.mark.django_db
@settings(ORACLE, max_examples=40)
@given(
    world=worlds(),
    mode=st.sampled_from(["update", "upsert"]),
    key=st.sampled_from(["name", "tax_number"]),
)
def test_imports_and_exports_agree_with_the_reference(
    world, mode, key, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        built = build(world)
        ref, api = Reference(world), built.client(built.users[world.viewer])
        check_import(ref, world, built, api, mode, key, django_capture_on_commit_callbacks)
        check_exports(ref, world, built, api)
        transaction.set_rollback(True)
