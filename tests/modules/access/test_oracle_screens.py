"""The access oracle on the admin screens and the metadata API's counts.

For each drawn world (tests/support/access_worlds.py) the viewer opens the record list,
the target company's profile and edit form, the persons list (whose rows show their
linked company), and reads the metadata that counts records. The reference decides:
the screens list, open and edit exactly what the API does, a linked company's title
shows only where the viewer may list it (on the list and in its streamed CSV export),
and counts of records are for administrators.
"""

import csv
import io
import re

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import given, settings

from tests.support.access_worlds import ENTITY, LINKING, ORACLE, Reference, build, worlds


def screen_status(ref: Reference, u: int, action: str, rec: dict) -> int:
    if ref.may(u, action, rec):
        return 200
    return 403 if ref.listed(u, rec) else 404


def check_screens(ref, world, built, browser) -> None:
    u, i, ids = world.viewer, world.target, built.ids
    rec, pk = world.records[i], ids[i]
    listing = browser.get(f"/records/{ENTITY}/")
    assert listing.status_code == 200
    listed = {ids[k] for k, other in enumerate(world.records) if ref.listed(u, other)}
    assert {row.pk for row in listing.context["object_list"]} == listed

    profile = browser.get(f"/records/{ENTITY}/inspect/{pk}/")
    assert profile.status_code == (200 if ref.listed(u, rec) else 404)
    shows_secret = "zz-secret" in profile.content.decode()
    assert shows_secret is (rec["secret"] and ref.full(u, rec))

    edit = browser.get(f"/records/{ENTITY}/edit/{pk}/")
    assert edit.status_code == screen_status(ref, u, "edit", rec)
    if edit.status_code != 200:
        assert "zz-secret" not in edit.content.decode()


def check_linked_titles(ref, world, built, browser) -> None:
    u = world.viewer
    people = browser.get(f"/records/{LINKING}/").content.decode()
    for company, rec in enumerate(world.records):
        shown = re.search(rf">\s*R{company}\s*<", people) is not None
        assert shown is (company in world.links and ref.listed(u, rec))
    # The CSV is streamed: its rows are written after the view has returned.
    export = browser.get(f"/records/{LINKING}/?export=csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    companies = {row["First name"]: row["Company"] for row in csv.DictReader(io.StringIO(text))}
    for k, company in enumerate(world.links):
        seen = company is not None and ref.listed(u, world.records[company])
        assert companies[f"P{k}"] == (f"R{company}" if seen else "")


def check_counts(built, api) -> None:
    kinds = api.get("/api/v1/meta/relation-types/")
    assert kinds.status_code == 200
    admin_view = built.client(built.admin).get("/api/v1/meta/relation-types/").json()
    assert len(kinds.json()) == len(admin_view) > 0
    assert all(kind.get("relations") is None for kind in kinds.json())
    distribution = api.get(f"/api/v1/meta/entity-types/{ENTITY}/segmentation/distribution/")
    assert distribution.status_code == 403
    # A recompute counts every record of the type, those the viewer may not see too.
    scheme = api.get(f"/api/v1/meta/entity-types/{ENTITY}/segmentation/")
    assert scheme.status_code == 200
    run = scheme.json()["recompute"] or {}
    assert all(run.get(count) is None for count in ("done", "total", "changed"))
    assert all(isinstance(kind["relations"], int) for kind in admin_view)


@pytest.mark.django_db
@settings(ORACLE, max_examples=30)
@given(world=worlds())
def test_screens_and_counts_agree_with_the_reference(world):
    with transaction.atomic():
        built = build(world)
        ref, viewer = Reference(world), built.users[world.viewer]
        browser = Client()
        browser.force_login(viewer)
        check_screens(ref, world, built, browser)
        check_linked_titles(ref, world, built, browser)
        check_counts(built, built.client(viewer))
        transaction.set_rollback(True)
