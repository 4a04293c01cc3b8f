"""The access oracle on history: a record's history, linked titles in it, the change log.

For each drawn world (tests/support/access_worlds.py) the viewer reads the history of
the target company through the API and the admin screen, the history of every person
(whose creation names its linked company), and tries the administrators' change log.
The reference decides: a company's history answers like the record (404 when the viewer
may not list it, 403 without `view_history`; on a record seen in part every field but the
basic ones is redacted), a person's history shows a linked
company's id and title only where the viewer may list that company, and the change log
is for administrators only.
"""

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import given, settings

from tests.support.access_worlds import (
    ENTITY,
    LINKING,
    ORACLE,
    Reference,
    build,
    worlds,
)


def history_status(ref: Reference, u: int, rec: dict) -> int:
    """200 with the viewer's `view_history` (from the record, or on a record seen in part
    from the system role, redacted to the basic fields), else like the record: 403 or 404."""
    if ref.may(u, "view_history", rec):
        return 200
    if ref.listed(u, rec) and not ref.full(u, rec) and ref.system(u, "view_history"):
        return 200
    return 403 if ref.listed(u, rec) else 404


def check_record_history(ref, world, built, api, browser) -> None:
    u, i = world.viewer, world.target
    rec, pk = world.records[i], built.ids[i]
    expected = history_status(ref, u, rec)
    response = api.get(f"/api/v1/{ENTITY}/{pk}/history/")
    assert response.status_code == expected, response.content
    screen = browser.get(f"/records/{ENTITY}/{pk}/history/")
    assert screen.status_code == expected
    shown = response.content.decode() + screen.content.decode()
    if expected != 200 or not ref.full(u, rec):
        assert "zz-secret" not in shown
    if expected != 200:
        return
    created = next(r for r in response.json()["results"] if r["operation"] == "create")
    street = next(c for c in created["changes"] if c["label"] == "Street")
    if ref.full(u, rec):
        assert street["after"] == ("zz-secret" if rec["secret"] else "plain")
        assert ("zz-secret" in screen.content.decode()) is rec["secret"]
    else:
        assert street["redacted"] is True and street["after"] is None


def check_linked_titles(ref, world, built, api) -> None:
    u = world.viewer
    for person, company in zip(built.people, world.links, strict=True):
        response = api.get(f"/api/v1/{LINKING}/{person}/history/")
        assert response.status_code == 200, response.content
        created = next(r for r in response.json()["results"] if r["operation"] == "create")
        link = [c for c in created["changes"] if c["label"] == "Company"]
        if company is not None and ref.listed(u, world.records[company]):
            assert link[0]["after"] == built.ids[company]
            assert link[0]["after_text"] == f"R{company}"
        elif company is not None:
            assert link == [] or link[0]["after"] is None
            assert f"R{company}" not in response.content.decode()


def check_change_log(built, api, browser) -> None:
    assert api.get("/api/v1/history/").status_code == 403
    screen = browser.get("/settings/change-log/")
    assert screen.status_code in (302, 403)
    assert "zz-secret" not in screen.content.decode()


@pytest.mark.django_db
@settings(ORACLE, max_examples=30)
@given(world=worlds())
def test_history_agrees_with_the_reference(world):
    with transaction.atomic():
        built = build(world)
        ref, viewer = Reference(world), built.users[world.viewer]
        api, browser = built.client(viewer), Client()
        browser.force_login(viewer)
        check_record_history(ref, world, built, api, browser)
        check_linked_titles(ref, world, built, api)
        check_change_log(built, api, browser)
        transaction.set_rollback(True)
