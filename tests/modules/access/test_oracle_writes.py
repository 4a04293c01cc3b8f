"""The access oracle on the write channels: answers to writes and their error messages.

For each drawn world (tests/support/access_worlds.py) the viewer edits the target,
hands it over, changes its visibility, writes with a stale version, clashes with another
record's unique name, gives the target a second headquarters, relates it to a
competitor, creates a record and restores one. The reference says which writes are
allowed; every answer must say no more than the viewer may read: a write's body is
exactly what `GET` answers the viewer afterwards (nothing, 204, when the viewer may no
longer list the record; a relation as the relations list shows it), a refusal names no
record the viewer may not open (nor the one filling a relation's limit), and a 409
carries `current_version` only for a record the viewer may open.
"""

import pytest
from django.db import transaction
from hypothesis import given, settings

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.support.access_worlds import (
    ENTITY,
    ORACLE,
    Reference,
    build,
    changed,
    competitors_type,
    headquarters_type,
    names_no_record,
    worlds,
)


def expected_status(ref: Reference, u: int, action: str, rec: dict) -> int:
    """200 when the viewer may, 403 when they may only see it, 404 when it is not theirs to see."""
    if ref.may(u, action, rec):
        return 200
    return 403 if ref.listed(u, rec) else 404


def answers_as_get(api, response, pk: int, *, listed_after: bool) -> None:
    """The write's answer is what GET answers now, or a 204 without a body when the
    record left the viewer's sight (and GET agrees it is gone)."""
    shown = api.get(f"/api/v1/{ENTITY}/{pk}/")
    if listed_after:
        assert response.status_code == 200, response.content
        assert shown.status_code == 200
        assert response.json() == shown.json()
    else:
        assert response.status_code == 204, response.content
        assert response.content == b""
        assert shown.status_code == 404


def attempt(api, method: str, path: str, body=None):
    """One write, undone afterwards, so the next one starts from the drawn world."""
    with transaction.atomic():
        response = getattr(api, method)(f"/api/v1/{ENTITY}/{path}", body, format="json")
        transaction.set_rollback(True)
    return response


def check_edit(ref, world, built, api) -> None:
    u, i = world.viewer, world.target
    rec, pk = world.records[i], built.ids[i]
    with transaction.atomic():
        response = api.patch(f"/api/v1/{ENTITY}/{pk}/", {"employees": 7}, format="json")
        status = expected_status(ref, u, "edit", rec)
        if status == 200:
            answers_as_get(api, response, pk, listed_after=True)
            assert response.json()["employees"] == 7
        else:
            assert response.status_code == status, response.content
        transaction.set_rollback(True)


def check_hand_over(ref, world, built, api) -> None:
    u, i, heir = world.viewer, world.target, world.heir
    rec, pk = world.records[i], built.ids[i]
    if heir == rec["owner"]:
        return  # not a hand-over: nothing changes hands
    with transaction.atomic():
        response = api.patch(
            f"/api/v1/{ENTITY}/{pk}/", {"owner": built.users[heir].pk}, format="json"
        )
        status = expected_status(ref, u, "change_user", rec)
        if status == 200:
            after = changed(rec, owner=heir)
            answers_as_get(api, response, pk, listed_after=ref.listed(u, after))
        else:
            assert response.status_code == status, response.content
        transaction.set_rollback(True)


def check_visibility(ref, world, built, api) -> None:
    """Another visibility needs change_visibility (edit is not enough: hiding a record takes
    it from everyone else); afterwards the answer is what GET gives, or 204."""
    u, i = world.viewer, world.target
    rec, pk = world.records[i], built.ids[i]
    wanted = world.records[world.other]["visibility"]
    if wanted == rec["visibility"]:
        return
    with transaction.atomic():
        response = api.patch(f"/api/v1/{ENTITY}/{pk}/", {"visibility": wanted}, format="json")
        status = expected_status(ref, u, "change_visibility", rec)
        if status == 200:
            after = changed(rec, visibility=wanted)
            answers_as_get(api, response, pk, listed_after=ref.listed(u, after))
        else:
            assert response.status_code == status, response.content
        transaction.set_rollback(True)


def check_stale_version(ref, world, built, api) -> None:
    u, i = world.viewer, world.target
    rec, pk = world.records[i], built.ids[i]
    response = attempt(api, "patch", f"{pk}/", {"employees": 8, "version": 999})
    body = response.json()
    if ref.may(u, "edit", rec):
        assert response.status_code == 409 and body["code"] == "stale_version"
        assert body["current_version"] == api.get(f"/api/v1/{ENTITY}/{pk}/").json()["version"]
    else:
        assert response.status_code == expected_status(ref, u, "edit", rec)
        assert "current_version" not in body
    if ref.listed(u, rec) and not ref.full(u, rec):
        # A version alone asks for no edit; the answer must not tell the right version
        # (never read by this viewer) from a wrong one.
        stored = get_model(ENTITY).objects.get(pk=pk).version
        right = attempt(api, "patch", f"{pk}/", {"version": stored})
        wrong = attempt(api, "patch", f"{pk}/", {"version": stored + 1})
        assert (right.status_code, right.json()) == (wrong.status_code, wrong.json())
        assert "current_version" not in right.json()


def check_unique_clash(ref, world, built, api) -> None:
    u, i, j = world.viewer, world.target, world.other
    rec, pk = world.records[i], built.ids[i]
    hidden_ids = [p for k, p in enumerate(built.ids) if not ref.full(u, world.records[k])]
    expected_code = "invalid" if ref.full(u, world.records[j]) else "value_unavailable"
    if i != j:
        response = attempt(api, "patch", f"{pk}/", {"name": f"R{j}"})
        if ref.may(u, "edit", rec):
            assert response.status_code == 400, response.content
            assert response.json()["code"] == expected_code
            assert set(response.json()["errors"]) == {"name"}
        else:
            assert response.status_code == expected_status(ref, u, "edit", rec)
        assert names_no_record(response.content.decode(), hidden_ids)

    created = attempt(api, "post", "", {"name": f"R{j}"})
    if ref.system(u, "add"):
        assert created.status_code == 400, created.content
        assert created.json()["code"] == expected_code
    else:
        assert created.status_code == 403
    assert names_no_record(created.content.decode(), hidden_ids)


def check_relation_limit(ref, world, built, api) -> None:
    """A second headquarters is refused; the words never name the first one unless the
    viewer may open it (it fills the limit whether the viewer may see it or not)."""
    u, i, j, hq = world.viewer, world.target, world.other, world.headquarters
    if hq in (None, i):
        return
    rec, pk = world.records[i], built.ids[i]
    body = {"relation_type": headquarters_type(), "other_id": built.ids[j], "side": "target"}
    response = attempt(api, "post", f"{pk}/relations/", body)
    if not ref.may(u, "edit", rec):
        assert response.status_code == expected_status(ref, u, "edit", rec)
        return
    assert response.status_code == 400, response.content
    if not ref.full(u, world.records[hq]):
        assert f"R{hq}" not in response.content.decode()
        if j != hq:
            assert names_no_record(response.content.decode(), [built.ids[hq]])


def check_relation_answer(ref, world, built, api) -> None:
    """A relation added answers its entry exactly as the record's relations list shows it."""
    u, i, j = world.viewer, world.target, world.other
    rec, pk = world.records[i], built.ids[i]
    with transaction.atomic():
        body = {"relation_type": competitors_type(), "other_id": built.ids[j]}
        response = api.post(f"/api/v1/{ENTITY}/{pk}/relations/", body, format="json")
        if not ref.may(u, "edit", rec):
            assert response.status_code == expected_status(ref, u, "edit", rec)
        elif i == j or not ref.listed(u, world.records[j]):
            assert response.status_code == 400, response.content
        else:
            assert response.status_code == 201, response.content
            listed = api.get(f"/api/v1/{ENTITY}/{pk}/relations/").json()["results"]
            assert [entry for entry in listed if entry["id"] == response.json()["id"]] == [
                response.json()
            ]
            assert response.json()["other"]["restricted"] is not ref.full(u, world.records[j])
        transaction.set_rollback(True)


def check_create(ref, world, built, api) -> None:
    u, visibility = world.viewer, world.records[world.other]["visibility"]
    with transaction.atomic():
        body = {"name": "Fresh", "visibility": visibility}
        response = api.post(f"/api/v1/{ENTITY}/", body, format="json")
        # Nobody holds a role on a new record: the system role decides; public is the default.
        allowed = ref.system(u, "add") and (
            visibility == "public" or ref.system(u, "change_visibility")
        )
        if not allowed:
            assert response.status_code == 403, response.content
            transaction.set_rollback(True)
            return
        assert response.status_code == 201, response.content
        pk = response.json()["id"]
        mine = {
            "owner": u,
            "author": u,
            "visibility": visibility,
            "participant": (frozenset(), frozenset()),
            "responsible": (frozenset(), frozenset()),
        }
        shown = api.get(f"/api/v1/{ENTITY}/{pk}/")
        if ref.listed(u, mine):
            assert response.json() == shown.json()
        else:
            assert response.json() == {"id": pk}
            assert shown.status_code == 404
        transaction.set_rollback(True)


def check_restore(ref, world, built, api) -> None:
    u, i = world.viewer, world.target
    rec, pk = world.records[i], built.ids[i]
    with transaction.atomic():
        RecordService().delete(built.admin, ENTITY, pk)
        response = api.post(f"/api/v1/{ENTITY}/{pk}/restore/", format="json")
        status = expected_status(ref, u, "delete", rec)
        if status == 200:
            answers_as_get(api, response, pk, listed_after=True)
        else:
            assert response.status_code == status, response.content
            assert "street" not in response.json()
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(ORACLE, max_examples=60)
@given(world=worlds())
def test_every_write_answer_agrees_with_the_reference(world):
    with transaction.atomic():
        built = build(world)
        ref, api = Reference(world), built.client(built.users[world.viewer])
        check_edit(ref, world, built, api)
        check_hand_over(ref, world, built, api)
        check_visibility(ref, world, built, api)
        check_stale_version(ref, world, built, api)
        check_unique_clash(ref, world, built, api)
        check_relation_limit(ref, world, built, api)
        check_relation_answer(ref, world, built, api)
        check_create(ref, world, built, api)
        check_restore(ref, world, built, api)
        transaction.set_rollback(True)
