"""Every write path of a record leaves exactly the RowHistory rows it should."""

from modules.history.models import RowHistory
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService
from modules.relations.models import RelationType
from modules.relations.services import RelationService
from modules.segmentation.recompute import _in_python
from modules.segmentation.scoring import compile_scheme
from tests.fixtures.segmentation import potential_scheme

records = RecordService()


def field_key(slug: str, api_name: str) -> str:
    return str(get_snapshot().entity(slug).field(api_name).id)


def rows_of(slug: str, record_id: int) -> list[RowHistory]:
    entity = get_snapshot().entity(slug)
    return list(
        RowHistory.objects.filter(entity_type_id=entity.id, record_id=record_id).order_by("id")
    )


def person(user, first="Ann", last="Lee", **values):
    return records.create(user, "persons", {"first_name": first, "last_name": last, **values})


def test_a_new_record_keeps_each_value_it_was_given(admin):
    # when a person is created
    ann = person(admin, source="event")
    # then one "create" row holds every given value from nothing, and the owner
    [row] = rows_of("persons", ann.pk)
    assert (row.operation, row.user_id, row.title) == ("create", admin.pk, "Ann Lee")
    assert row.changes[field_key("persons", "first_name")] == [None, "Ann"]
    assert row.changes[field_key("persons", "source")] == [None, "event"]
    assert row.changes["owner"] == [None, admin.pk]
    assert row.labels[field_key("persons", "first_name")] == {"en": "First name", "pl": "Imię"}
    assert field_key("persons", "email") not in row.changes


def test_an_edit_keeps_only_the_changed_values_before_and_after(admin):
    ann = person(admin, source="event")
    # when two fields are edited and one is sent unchanged
    records.update(
        admin, "persons", ann.pk, {"first_name": "Anna", "source": "event", "sales_potential": 30}
    )
    # then the row holds the two changes only
    row = rows_of("persons", ann.pk)[-1]
    assert row.operation == "update"
    assert row.changes == {
        field_key("persons", "first_name"): ["Ann", "Anna"],
        field_key("persons", "sales_potential"): [None, 30],
        **{k: v for k, v in row.changes.items() if k in ("score", "segment")},
    }
    # and an edit changing nothing writes no row
    records.update(admin, "persons", ann.pk, {"first_name": "Anna"})
    assert len(rows_of("persons", ann.pk)) == 2


def test_owner_visibility_and_participants_changes_are_kept(admin, make_user):
    bob, carol = make_user("bob"), make_user("carol")
    ann = person(admin)
    # when the owner, visibility and participants change in one edit
    records.update(
        admin,
        "persons",
        ann.pk,
        {},
        owner=bob.pk,
        visibility="non_public",
        participants={"users": [carol.pk]},
    )
    # then one row has all three
    row = rows_of("persons", ann.pk)[-1]
    assert row.changes["owner"] == [admin.pk, bob.pk]
    assert row.changes["visibility"] == ["public", "non_public"]
    assert row.changes["role.participant"][1] == {"users": [carol.pk], "teams": []}


def test_trash_and_restore_are_rows_of_their_own(admin):
    ann = person(admin)
    records.delete(admin, "persons", ann.pk)
    records.restore(admin, "persons", ann.pk)
    ops = [r.operation for r in rows_of("persons", ann.pk)]
    assert ops == ["create", "delete", "restore"]
    assert rows_of("persons", ann.pk)[1].title == "Ann Lee"


def test_a_bulk_edit_leaves_one_row_per_record_in_one_batch(admin):
    people = [person(admin, first=f"P{i}") for i in range(3)]
    # when three records get the same value in one bulk edit
    records.bulk_update(admin, "persons", [p.pk for p in people], {"position": "CFO"})
    # then each has one row, all sharing a batch and the action
    last = [rows_of("persons", p.pk)[-1] for p in people]
    assert {r.action for r in last} == {"bulk_update"}
    assert len({r.batch for r in last}) == 1 and last[0].batch
    assert all(r.changes[field_key("persons", "position")] == [None, "CFO"] for r in last)


def test_a_bulk_trash_leaves_a_delete_row_per_record(admin):
    people = [person(admin, first=f"T{i}") for i in range(2)]
    records.bulk_delete(admin, "persons", [p.pk for p in people])
    deletes = [rows_of("persons", p.pk)[-1] for p in people]
    assert [r.operation for r in deletes] == ["delete", "delete"]
    assert deletes[0].batch == deletes[1].batch != ""


def test_a_hand_over_keeps_the_owner_before_and_after(admin, make_user):
    bob = make_user("bob")
    mine, already = person(admin, first="Mine"), person(admin, first="Bobs")
    records.update(admin, "persons", already.pk, {}, owner=bob.pk)
    before = RowHistory.objects.count()
    # when both are handed over to bob
    records.change_user(admin, "persons", [mine.pk, already.pk], role="owner", users=[bob.pk])
    # then only the record whose owner changed gets a row
    assert RowHistory.objects.count() == before + 1
    row = rows_of("persons", mine.pk)[-1]
    assert (row.action, row.changes) == ("change_user", {"owner": [admin.pk, bob.pk]})


def test_participants_added_in_bulk_are_kept_per_record(admin, make_user):
    carol = make_user("carol")
    a, b = person(admin, first="A"), person(admin, first="B")
    records.change_user(
        admin, "persons", [a.pk, b.pk], role="participant", users=[carol.pk], mode="add"
    )
    for record in (a, b):
        change = rows_of("persons", record.pk)[-1].changes["role.participant"]
        assert carol.pk in change[1]["users"] and carol.pk not in change[0]["users"]


def company(admin, name):
    return records.create(admin, "companies", {"name": name})


def test_a_relation_added_and_removed_shows_on_both_records(admin):
    hq, branch = company(admin, "HQ"), company(admin, "Branch")
    kind = RelationType.objects.get(key="headquarters_branch")
    # when a branch is added to the headquarters and removed again
    linked = RelationService().add(admin, "companies", hq.pk, kind.pk, branch.pk, side="source")
    RelationService().remove(admin, "companies", hq.pk, linked.id)
    # then each record has an "added" and a "removed" row naming the other
    hq_rows, branch_rows = rows_of("companies", hq.pk)[1:], rows_of("companies", branch.pk)[1:]
    assert [r.changes for r in hq_rows] == [
        {f"relation.{kind.pk}.source": [None, branch.pk]},
        {f"relation.{kind.pk}.source": [branch.pk, None]},
    ]
    assert [r.action for r in branch_rows] == ["relation_add", "relation_remove"]
    assert branch_rows[0].changes == {f"relation.{kind.pk}.target": [None, hq.pk]}
    assert branch_rows[0].labels[f"relation.{kind.pk}.target"] == kind.source_label


def test_a_recompute_is_a_system_change_of_score_and_segment(
    admin, segmentation, django_capture_on_commit_callbacks
):
    # given persons scored by the shipped scheme
    _low, mid, _top = (person(admin, first=str(p), sales_potential=p) for p in (10, 60, 90))
    # when the top range starts at 50: the 60 moves from Good to Ideal
    ranges = [
        {"min": None, "max": "25", "points": 0},
        {"min": "25", "max": "50", "points": 10},
        {"min": "50", "max": None, "points": 30},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        saved = segmentation.save(admin, "persons", potential_scheme(ranges))
    # then only that record has a system row in the run's batch, with both changes
    [row] = RowHistory.objects.filter(batch=f"recompute-{saved['recompute']['id']}")
    assert (row.record_id, row.user_id, row.operation, row.action) == (
        mid.pk,
        None,
        "update",
        "recompute",
    )
    assert row.changes == {"score": ["20.00", "30.00"], "segment": ["Good", "Ideal"]}


def test_the_python_recompute_writes_the_same_rows_as_the_sql_one(admin, segmentation):
    # given a record whose stored score is stale
    ann = person(admin, sales_potential=90)
    get_snapshot().model("persons").objects.filter(pk=ann.pk).update(score=0, segment="Weak")
    run = segmentation.recompute(admin, "persons")
    compiled = compile_scheme(get_snapshot().entity("persons"))
    rows = get_snapshot().model("persons").objects.filter(pk=ann.pk)
    # when the embedded database's path re-scores it
    _in_python(run, compiled, rows, 10)
    # then its row reads as the SQL path's would
    row = RowHistory.objects.get(batch=f"recompute-{run.pk}")
    assert row.changes == {"score": ["0.00", "30.00"], "segment": ["Weak", "Ideal"]}
