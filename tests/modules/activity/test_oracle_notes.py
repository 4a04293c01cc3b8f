"""The access oracle on notes: three levels by system roles by object roles.

For each drawn world (tests/support/access_worlds.py: a team tree, users with roles in
teams, the role matrix, object roles, companies with owners, participants, responsible
holders and visibilities) notes are drawn on the companies, each with an author (a user
who may open the company, or the administrator) and a level. The viewer (a manager or a
user, as their teams make them) and the administrator then read every channel: each
company's timeline, the notes list, each note, and each company's history. The
expectation is written from the rules, not from the code: a note is read by whom may open
its record (`Reference.full`) and whom its level admits — `everyone`; the author; for
`managers` also a manager of a team the author belongs to or of a team above it;
administrators are not included in `private` or `managers`.
"""

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.activity import access, reader
from modules.activity.services import NoteService
from modules.metamodel.runtime import get_snapshot
from tests.support.access_worlds import ENTITY, ORACLE, Reference, build, worlds

ADMIN = "admin"
LEVELS = ("private", "managers", "everyone")


@st.composite
def worlds_with_notes(draw):
    world = draw(worlds())
    n_users = len(world.memberships)
    note = st.fixed_dictionaries(
        {
            "record": st.integers(0, len(world.records) - 1),
            "author": st.just(ADMIN) | st.integers(0, n_users - 1),
            "level": st.sampled_from(LEVELS),
        }
    )
    return world, draw(st.lists(note, min_size=1, max_size=6))


def may_open(ref: Reference, viewer, rec: dict) -> bool:
    return viewer == ADMIN or ref.full(viewer, rec)


def reads(ref: Reference, viewer, note: dict, rec: dict) -> bool:
    """The rule, plainly: may open the record, and the level admits the viewer."""
    if not may_open(ref, viewer, rec):
        return False
    if note["level"] == "everyone" or note["author"] == viewer:
        return True
    if note["level"] == "managers" and viewer != ADMIN and note["author"] != ADMIN:
        return note["author"] in ref.managed_members(viewer)
    return False


def check(ref, world, built, notes, written, viewer) -> None:
    user = built.admin if viewer == ADMIN else built.users[viewer]
    api = built.client(user)
    expected_all = set()
    for i, rec in enumerate(world.records):
        pk = built.ids[i]
        expected = {
            written[k]
            for k, n in enumerate(notes)
            if k in written and n["record"] == i and reads(ref, viewer, n, rec)
        }
        expected_all |= expected
        timeline = api.get(f"/api/v1/{ENTITY}/{pk}/timeline/?kind=note&page_size=100")
        if not may_open(ref, viewer, rec):
            assert timeline.status_code == 404, (viewer, timeline.content)
            listed = api.get(f"/api/v1/notes/?entity={ENTITY}&record={pk}")
            assert listed.status_code == 404
            continue
        assert timeline.status_code == 200, timeline.content
        assert {e["data"]["id"] for e in timeline.json()["results"]} == expected
        history = api.get(f"/api/v1/{ENTITY}/{pk}/history/?page_size=500")
        if history.status_code == 200:
            rows = [r for r in history.json()["results"] if r["action"] == "note_add"]
            shown = {int(c["key"].split(".")[1]) for r in rows for c in r["changes"]}
            assert shown == expected
    listed = api.get("/api/v1/notes/?page_size=500")
    assert {n["id"] for n in listed.json()["results"]} == expected_all
    for k, pk in written.items():
        answer = api.get(f"/api/v1/notes/{pk}/")
        rec = world.records[notes[k]["record"]]
        assert answer.status_code == (200 if reads(ref, viewer, notes[k], rec) else 404)


def check_services(ref, world, built, notes, written, viewer) -> None:
    """The timeline reader and the notes list, for every user of the world."""
    user = built.admin if viewer == ADMIN else built.users[viewer]
    entity = get_snapshot().entity(ENTITY)
    expected_all = set()
    for i, rec in enumerate(world.records):
        expected = {
            written[k]
            for k, n in enumerate(notes)
            if k in written and n["record"] == i and reads(ref, viewer, n, rec)
        }
        expected_all |= expected
        if may_open(ref, viewer, rec):
            record = access.record_for(user, entity, built.ids[i])
            page = reader.page(user, entity, record, kinds=["note"], size=100)
            assert {item.id for item in page.items} == expected, viewer
    readable = set(NoteService().readable(user).values_list("pk", flat=True))
    assert readable == expected_all, viewer


@pytest.mark.django_db
@settings(ORACLE, max_examples=15)
@given(drawn=worlds_with_notes())
def test_notes_agree_with_the_reference(drawn):
    world, notes = drawn
    with transaction.atomic():
        built = build(world)
        ref = Reference(world)
        written = {}
        for k, note in enumerate(notes):
            rec = world.records[note["record"]]
            author = note["author"]
            if author != ADMIN and not ref.full(author, rec):
                continue
            user = built.admin if author == ADMIN else built.users[author]
            written[k] = (
                NoteService()
                .create(
                    user,
                    ENTITY,
                    built.ids[note["record"]],
                    {"body": f"note {k}", "visibility": note["level"]},
                )
                .pk
            )
        check(ref, world, built, notes, written, world.viewer)
        for viewer in [*range(len(world.memberships)), ADMIN]:
            check_services(ref, world, built, notes, written, viewer)
        transaction.set_rollback(True)
