"""Notes through NoteService: sanitised text, tags, levels, history, and the timeline."""

import pytest

from modules.activity import reader
from modules.activity.models import Note, NoteTag
from modules.activity.services import NoteInvalid, NoteNotFound, NoteService, StaleNote
from modules.core.exceptions import PermissionDenied
from modules.history.models import RowHistory
from modules.leads.merge import MergeService
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService


@pytest.fixture
def person(admin):
    return RecordService().create(admin, "persons", {"first_name": "Jan", "last_name": "Kos"})


def test_a_note_is_sanitised_tagged_and_recorded_in_the_record_history(admin, person):
    # given
    service = NoteService()
    # when
    note = service.create(
        admin,
        "persons",
        person.pk,
        {
            "body": '<p onclick="x()">Called <script>alert(1)</script><b>today</b></p>',
            "tags": ["Call", " call ", "Quote  2027"],
            "visibility": "managers",
        },
    )
    # then
    note.refresh_from_db()
    assert note.body == "<p>Called <b>today</b></p>"
    assert note.tags == ["Call", "Quote 2027"]
    assert sorted(NoteTag.objects.filter(note=note).values_list("name", flat=True)) == [
        "call",
        "quote 2027",
    ]
    row = RowHistory.objects.filter(record_id=person.pk, action="note_add").get()
    assert row.batch == "note:managers"
    assert row.changes[f"note.{note.pk}"] == [None, "Called today"]


def test_bad_values_are_refused_per_field_and_nothing_is_written(admin, person):
    # when
    with pytest.raises(NoteInvalid) as error:
        NoteService().create(
            admin,
            "persons",
            person.pk,
            {"body": "<script>x</script>", "visibility": "friends", "tags": ["a" * 51]},
        )
    # then
    assert set(error.value.errors) == {"body", "visibility", "tags"}
    assert not Note.objects.exists()


def test_only_the_author_edits_and_a_stale_version_is_a_conflict(admin, user, person):
    # given
    note = NoteService().create(admin, "persons", person.pk, {"body": "first"})
    # when / then
    with pytest.raises(PermissionDenied):
        NoteService().update(user, note.pk, {"body": "mine now"})
    NoteService().update(admin, note.pk, {"body": "second"}, expected_version=1)
    with pytest.raises(StaleNote):
        NoteService().update(admin, note.pk, {"body": "third"}, expected_version=1)
    assert Note.objects.get(pk=note.pk).body == "second"


def test_a_private_note_is_missing_to_everyone_else(admin, user, person):
    # given
    note = NoteService().create(user, "persons", person.pk, {"body": "x", "visibility": "private"})
    # when / then
    assert NoteService().get(user, note.pk) == note
    with pytest.raises(NoteNotFound) as hidden:
        NoteService().get(admin, note.pk)
    with pytest.raises(NoteNotFound) as missing:
        NoteService().get(admin, note.pk + 1000)
    assert hidden.value.as_dict() == missing.value.as_dict()


@pytest.mark.smoke
def test_the_timeline_lists_notes_and_notable_changes_newest_first(
    admin, person, django_assert_max_num_queries
):
    # given
    service = NoteService()
    for i in range(3):
        service.create(admin, "persons", person.pk, {"body": f"note {i}"})
    RecordService().update(admin, "persons", person.pk, {"first_name": "Janek"})
    entity = get_snapshot().entity("persons")
    # when
    with django_assert_max_num_queries(1 + 2):
        page = reader.page(admin, entity, person, size=2)
    rest = reader.page(admin, entity, person, cursor=page.next, size=10)
    # then
    kinds = [item.kind.type for item in page.items + rest.items]
    assert kinds == ["note", "note", "note", "change"]
    assert [item.data["body"] for item in page.items] == ["note 2", "note 1"]
    assert rest.items[-1].data["operation"] == "create"
    assert rest.next is None


def test_a_merged_records_notes_move_to_the_record_kept(admin, person):
    # given
    twin = RecordService().create(admin, "persons", {"first_name": "Jan", "last_name": "K."})
    note = NoteService().create(admin, "persons", twin.pk, {"body": "on the twin"})
    # when
    MergeService().merge(admin, "persons", person.pk, twin.pk)
    # then
    note.refresh_from_db()
    assert note.record_id == person.pk
    entity = get_snapshot().entity("persons")
    page = reader.page(admin, entity, person, kinds=["note"])
    assert [item.id for item in page.items] == [note.pk]
