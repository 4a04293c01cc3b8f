"""Re-scoring every record: the set-based SQL, its guard, progress, and the fields it follows."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.history.models import RowHistory
from modules.metamodel.exceptions import FieldInUse
from modules.metamodel.runtime import get_model, get_snapshot
from modules.records.services import RecordService
from modules.segmentation.models import Recompute
from modules.segmentation.recompute import (
    OPEN_END,
    batch_ranges,
    rescore_range,
    run_recompute,
)
from modules.segmentation.scoring import compile_scheme
from modules.segmentation.tasks import resume_dead_recomputes
from tests.fixtures.segmentation import potential_scheme

pytestmark = pytest.mark.django_db


def people(admin, potentials):
    service = RecordService()
    return [
        service.create(
            admin, "persons", {"first_name": "P", "last_name": str(p), "sales_potential": p}
        )
        for p in potentials
    ]


def stored(records):
    model = get_model("persons")
    rows = model.objects.in_bulk([r.pk for r in records])
    return [(rows[r.pk].score, rows[r.pk].segment) for r in records]


@pytest.mark.smoke
def test_changing_a_range_moves_every_existing_record(
    admin, segmentation, django_capture_on_commit_callbacks
):
    # given records scored by the shipped scheme
    records = people(admin, [10, 30, 60, 90])
    assert [s for _score, s in stored(records)] == ["Weak", "Medium", "Good", "Ideal"]
    # when the top range starts at 50 instead of 75
    ranges = [
        {"min": None, "max": "25", "points": 0},
        {"min": "25", "max": "50", "points": 10},
        {"min": "50", "max": None, "points": 30},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        saved = segmentation.save(admin, "persons", potential_scheme(ranges))
    # then the task ran and moved the 60 into Ideal, changing only that row
    assert [s for _score, s in stored(records)] == ["Weak", "Medium", "Ideal", "Ideal"]
    run = Recompute.objects.get(pk=saved["recompute"]["id"])
    assert run.status == Recompute.Status.DONE
    assert run.changed == 1
    assert run.done == run.total == get_model("persons").objects.count()


@pytest.mark.smoke
def test_a_recompute_in_small_batches_reports_progress_and_rewrites_nothing_unchanged(
    admin, segmentation
):
    # given
    records = people(admin, [5, 40, 70, 99, 50])
    run = segmentation.recompute(admin, "persons")
    # when
    finished = run_recompute(run.pk, batch_rows=2)
    # then
    assert finished.status == Recompute.Status.DONE
    assert finished.changed == 0
    assert finished.percent == 100
    assert [s for _score, s in stored(records)] == ["Weak", "Medium", "Good", "Ideal", "Good"]


@pytest.mark.smoke
def test_batch_ranges_cover_every_row_once_across_gaps_and_leave_the_last_one_open(admin):
    # given records, some of them purged so the ids have gaps
    records = people(admin, [1, 2, 3, 4, 5, 6, 7])
    model = get_model("persons")
    model.objects.filter(pk__in=[records[1].pk, records[2].pk, records[5].pk]).delete()
    ids = sorted(model.objects.values_list("pk", flat=True))
    # when
    ranges = batch_ranges(model._meta.db_table, 2)
    # then each row falls in exactly one range, no range is wider than two ids
    assert [sum(low <= pk < high for low, high in ranges) for pk in ids] == [1] * len(ids)
    assert len(ranges) >= 2
    assert all(high - low <= 2 for low, high in ranges[:-1])
    assert ranges[0][0] == ids[0] and ranges[-1][1] == OPEN_END


@pytest.mark.smoke
def test_a_run_of_an_older_scheme_version_stops_as_superseded(admin, segmentation):
    # given
    old = segmentation.recompute(admin, "persons")
    segmentation.save(admin, "persons", potential_scheme(weight="2"))
    # when
    finished = run_recompute(old.pk)
    # then
    assert finished.status == Recompute.Status.SUPERSEDED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="batches are SQL on PostgreSQL")
def test_a_recompute_whose_worker_died_mid_run_is_resumed_and_rescores_each_row_once(
    admin, segmentation, settings
):
    # given records scored by the shipped scheme and a scheme that moves three of them
    records = people(admin, [10, 30, 60, 90])
    saved = segmentation.save(admin, "persons", potential_scheme(weight="2"))
    run = Recompute.objects.get(pk=saved["recompute"]["id"])
    # and a worker that committed the run's first batch (two rows) and died
    entity, model = get_snapshot().entity("persons"), get_model("persons")
    ids = sorted(r.pk for r in records)
    rescore_range(run, compile_scheme(entity), model._meta.db_table, ids[0], ids[2])
    lost = timezone.now() - timedelta(seconds=settings.RECOMPUTE_LEASE_SECONDS + 1)
    Recompute.objects.filter(pk=run.pk).update(
        status=Recompute.Status.RUNNING, started_at=lost, heartbeat_at=lost, done=2, changed=1
    )
    # when the beat task looks for lost runs
    resumed = resume_dead_recomputes()
    # then it sent the run again, and the run re-scored the rows the dead worker left
    assert resumed == 1
    run.refresh_from_db()
    assert run.status == Recompute.Status.DONE
    assert run.done == run.total == model.objects.count()
    assert run.heartbeat_at > lost
    assert [s for _score, s in stored(records)] == ["Weak", "Good", "Ideal", "Ideal"]
    # and each changed row has one history row: the first batch was not written twice
    history = list(RowHistory.objects.filter(batch=run.batch_key).values_list("record_id"))
    assert sorted(history) == [(ids[1],), (ids[2],), (ids[3],)]
    assert run.changed == 3


@pytest.mark.smoke
def test_a_running_recompute_whose_worker_still_reports_is_left_alone(admin, segmentation):
    # given
    run = segmentation.recompute(admin, "persons")
    Recompute.objects.filter(pk=run.pk).update(
        status=Recompute.Status.RUNNING, heartbeat_at=timezone.now()
    )
    # when
    resumed = resume_dead_recomputes()
    # then
    assert resumed == 0
    assert Recompute.objects.get(pk=run.pk).status == Recompute.Status.RUNNING


@pytest.mark.skipif(connection.vendor != "postgresql", reason="batches are SQL on PostgreSQL")
def test_a_record_edited_while_its_batch_runs_is_scored_by_its_newest_values(
    live_schema, admin, segmentation
):
    # given records scored by the shipped scheme
    records = people(admin, [10, 30, 60, 90])
    edited = records[1]
    entity, model = get_snapshot().entity("persons"), get_model("persons")
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(entity.field("sales_potential").column)
    db = connection.settings_dict
    # and another connection that set the 30 to 10 and has not committed yet
    with psycopg.connect(
        dbname=db["NAME"], host=db["HOST"], port=db["PORT"], user=db["USER"]
    ) as other:
        other.execute(f"UPDATE {table} SET {column} = 10 WHERE id = %s", [edited.pk])
        # when a scheme that would move the 30 up is saved, and its recompute runs meanwhile
        scheme = potential_scheme(weight="2")
        worker = threading.Thread(target=in_thread, args=(segmentation.save, admin, scheme))
        worker.start()
        wait_for_a_lock_wait(other)
        other.commit()
    worker.join(30)
    # then the edited record is scored by the 10 it holds now, not the 30 it held before
    assert [s for _score, s in stored(records)] == ["Weak", "Weak", "Ideal", "Ideal"]
    run = Recompute.objects.latest("pk")
    assert run.status == Recompute.Status.DONE
    change = RowHistory.objects.get(batch=run.batch_key, record_id=edited.pk).changes
    assert change == {"score": ["10.00", "0.00"], "segment": ["Medium", "Weak"]}


def in_thread(save, admin, scheme) -> None:
    try:
        save(admin, "persons", scheme)
    finally:
        connection.close()


def wait_for_a_lock_wait(other) -> None:
    """Until some backend waits for a row lock (the recompute's UPDATE on the edited row)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        waiting = other.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()[0]
        if waiting:
            return
        time.sleep(0.02)
    raise AssertionError("The recompute never waited for the edited row.")


@pytest.fixture
def budget(admin, schema, segmentation):
    """A custom integer field 'budget' scored like the shipped potential, one record each."""
    schema.add_field(admin, "persons", api_name="budget", label="Budget", type="integer")
    segmentation.save(admin, "persons", potential_scheme(field="budget"))
    return RecordService().create(
        admin, "persons", {"first_name": "B", "last_name": "Udget", "budget": 60}
    )


def test_trashing_a_scored_field_needs_confirmation_then_scores_nothing(
    admin, schema, segmentation, budget, django_capture_on_commit_callbacks
):
    # given
    assert stored([budget]) == [(Decimal("20.00"), "Good")]
    # when
    with pytest.raises(FieldInUse) as warned:
        schema.trash_field(admin, "persons", "budget")
    assert "Sales potential" in warned.value.detail
    with django_capture_on_commit_callbacks(execute=True):
        schema.trash_field(admin, "persons", "budget", confirm_in_use=True)
    # then the parameter stays, unavailable, and every record is re-scored without it
    assert stored([budget]) == [(Decimal("0.00"), "Weak")]
    assert segmentation.scheme("persons")["parameters"][0]["field_available"] is False
    # when the field comes back
    with django_capture_on_commit_callbacks(execute=True):
        schema.restore_field(admin, "persons", "budget")
    # then
    assert stored([budget]) == [(Decimal("20.00"), "Good")]


def test_a_type_change_to_a_numeric_type_keeps_the_parameter(
    admin, schema, segmentation, budget, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        new = schema.change_field_type(admin, "persons", "budget", "decimal")
    # then
    scheme = segmentation.scheme("persons")
    assert scheme["parameters"][0]["field_available"] is True
    assert compile_scheme(get_snapshot().entity("persons")).parameters[0].spec.id == new.pk
    assert stored([budget]) == [(Decimal("20.00"), "Good")]


def test_a_type_change_the_rules_do_not_fit_is_refused(admin, schema, segmentation, budget):
    # when
    with pytest.raises(FieldInUse) as refused:
        schema.change_field_type(admin, "persons", "budget", "text")
    # then nothing changed
    assert "Sales potential" in refused.value.detail
    assert get_snapshot().entity("persons").field("budget").type == "integer"


def expected_score(value, ranges, weight) -> tuple[Decimal, str]:
    """The test's own reading of the rules: `[min, max)` ranges, no match or no value is 0."""
    points = 0
    for rule in ranges:
        low = None if rule["min"] is None else Decimal(rule["min"])
        high = None if rule["max"] is None else Decimal(rule["max"])
        if value is not None and (low is None or value >= low) and (high is None or value < high):
            points = rule["points"]
    score = (points * weight).quantize(Decimal("0.01"))
    segment = "Low" if score < 0 else "Mid" if score < Decimal("100.5") else "High"
    return score, segment


ranges = st.lists(
    st.tuples(st.integers(-50, 150), st.integers(1, 60), st.integers(-20, 40)),
    min_size=1,
    max_size=5,
)


@pytest.mark.smoke
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    bounds=ranges,
    weight=st.decimals(min_value=0, max_value=20, places=2),
    values=st.lists(st.one_of(st.none(), st.integers(0, 100)), min_size=1, max_size=12),
)
def test_the_sql_and_the_python_scorer_agree(admin, segmentation, bounds, weight, values):
    # given non-overlapping ranges built from (start, length, points)
    starts, cleaned = -1000, []
    for start, length, points in sorted(bounds):
        low = max(start, starts)
        cleaned.append({"min": str(low), "max": str(low + length), "points": points})
        starts = low + length
    cleaned[0]["min"] = None
    payload = potential_scheme(cleaned, weight=str(weight))
    payload["segments"] = [
        {"name": "Low", "min": None, "max": "0"},
        {"name": "Mid", "min": "0", "max": "100.5"},
        {"name": "High", "min": "100.5", "max": None},
    ]
    segmentation.save(admin, "persons", payload)
    expected = [expected_score(value, cleaned, weight) for value in values]
    # when the records are scored on create (Python)
    records = people(admin, values)
    # then
    assert stored(records) == expected
    # when the recompute runs over the same rows after they were cleared (SQL on
    # PostgreSQL, Python on SQLite)
    get_model("persons").objects.filter(pk__in=[r.pk for r in records]).update(
        score=None, segment=None
    )
    run_recompute(segmentation.recompute(admin, "persons").pk)
    # then
    assert stored(records) == expected
