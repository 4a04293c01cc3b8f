"""A property-based oracle for the access engine: the read channels.

Hypothesis draws whole worlds (tests/support/access_worlds.py): a team tree, users with
roles in teams, the system-role matrix, object roles and their permission sets, and
records with owners, authors, participants, responsible holders and visibilities. A
plain-Python reference written from the rules (DESIGN §5, issue "Access") says what the
world's viewer may list, open and do; every read channel must agree with it: API list,
detail, count, search, filters, the refusal of filters on masked fields, bulk deletes,
links to companies in person records (`null` and named in `restricted_fields` where the
viewer may not list the company) and the admin export. The other channels have oracles
of their own beside this file.
"""

import csv
import io

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import given, settings

from modules.metamodel.runtime import get_model
from tests.support.access_worlds import ENTITY, LINKING, ORACLE, Reference, build, worlds


def results(api, query=""):
    response = api.get(f"/api/v1/{ENTITY}/?page_size=500{query}")
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


def check_reads(world, built) -> None:
    ref, u, ids, recs = Reference(world), world.viewer, built.ids, world.records
    api = built.client(built.users[u])
    listed = {ids[i] for i, rec in enumerate(recs) if ref.listed(u, rec)}
    full = {ids[i] for i, rec in enumerate(recs) if ref.full(u, rec)}

    rows = results(api)
    assert set(rows) == listed
    assert {pk for pk, row in rows.items() if not row["restricted"]} == full
    count = api.get(f"/api/v1/{ENTITY}/?count=true").json()["count"]
    assert count == len(listed)

    # Two drawn records, not all: the list above already shows every record's shape.
    for pk in {ids[world.target], ids[world.other]}:
        detail = api.get(f"/api/v1/{ENTITY}/{pk}/")
        if pk not in listed:
            assert detail.status_code == 404
            continue
        assert detail.json()["restricted"] is (pk not in full)
        assert ("street" in detail.json()) is (pk in full)

    secret = {ids[i] for i, rec in enumerate(recs) if rec["secret"]}
    assert set(results(api, "&search=zz-secret")) == secret & full
    assert set(results(api, "&name=R0")) == listed & {ids[0]}

    filtered = api.get(f"/api/v1/{ENTITY}/?page_size=500&employees__gte=50")
    ordered = api.get(f"/api/v1/{ENTITY}/?page_size=500&ordering=employees")
    if listed - full:
        assert filtered.status_code == 400 and ordered.status_code == 400
    else:
        big = {ids[i] for i, rec in enumerate(recs) if rec["employees"] >= 50}
        assert {row["id"] for row in filtered.json()["results"]} == listed & big
        by_employees = [row["id"] for row in ordered.json()["results"]]
        employees = {ids[i]: rec["employees"] for i, rec in enumerate(recs)}
        assert [employees[pk] for pk in by_employees] == sorted(employees[pk] for pk in listed)

    with transaction.atomic():
        bulk = api.post(f"/api/v1/{ENTITY}/bulk/", {"action": "delete", "ids": ids}, format="json")
        trashed = get_model(ENTITY).objects.filter(deleted_at__isnull=False).count()
        transaction.set_rollback(True)
    if set(ids) - listed:
        assert bulk.status_code == 404 and trashed == 0
    elif not all(ref.may(u, "delete", rec) for rec in recs):
        assert bulk.status_code == 403 and trashed == 0
    else:
        assert bulk.status_code == 200 and trashed == len(ids)

    people = api.get(f"/api/v1/{LINKING}/?page_size=500").json()["results"]
    by_name = {row["first_name"]: row for row in people}
    for k, company in enumerate(world.links):
        row = by_name[f"P{k}"]
        hidden = company is not None and not ref.listed(u, recs[company])
        assert row["company"] == (None if company is None or hidden else ids[company])
        assert ("company" in row.get("restricted_fields", [])) is hidden

    browser = Client()
    browser.force_login(built.users[u])
    export = browser.get(f"/records/{ENTITY}/?export=csv")
    if not ref.system(u, "export"):
        assert export.status_code == 403
        return
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    names = {ids[int(row["Name"][1:])]: row for row in table}
    assert set(names) == listed
    for pk, row in names.items():
        assert (row["Street"] != "") is (pk in full)


@pytest.mark.django_db
@settings(ORACLE, max_examples=40)
@given(world=worlds())
def test_every_read_channel_agrees_with_the_reference(world):
    with transaction.atomic():
        built = build(world)
        check_reads(world, built)
        # Administrators see and may do everything.
        assert set(results(built.client(built.admin))) == set(built.ids)
        transaction.set_rollback(True)
