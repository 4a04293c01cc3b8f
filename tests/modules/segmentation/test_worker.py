"""The seed's flow end to end with a real Celery worker re-scoring every record."""

import time

import pytest

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from modules.segmentation.models import Recompute
from modules.segmentation.services import SegmentationService
from tests.fixtures.segmentation import potential_scheme

pytestmark = pytest.mark.worker


def wait_for(run_id: int, timeout: float = 60) -> Recompute:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = Recompute.objects.get(pk=run_id)
        if run.finished:
            return run
        time.sleep(0.2)
    raise AssertionError(f"The recompute {run_id} did not finish in {timeout} s.")


def test_changing_a_range_moves_every_existing_record_on_a_real_worker(worker, admin):
    # given the seed's scheme and records in every segment
    service = SegmentationService()
    first = service.save(admin, "companies", potential_scheme())
    assert wait_for(first["recompute"]["id"]).status == Recompute.Status.DONE
    records = RecordService()
    ids = {
        potential: records.create(
            admin, "companies", {"name": f"Potential {potential}", "sales_potential": potential}
        ).pk
        for potential in (10, 30, 55, 70, 90)
    }
    model = get_model("companies")
    segments = lambda: dict(model.objects.filter(pk__in=ids.values()).values_list("id", "segment"))  # noqa: E731
    assert [segments()[ids[p]] for p in (10, 30, 55, 70, 90)] == [
        "Weak",
        "Medium",
        "Good",
        "Good",
        "Ideal",
    ]
    # when the top range starts at 50, the weight doubles and the segments move
    ranges = [
        {"min": None, "max": "25", "points": 0},
        {"min": "25", "max": "50", "points": 10},
        {"min": "50", "max": None, "points": 30},
    ]
    saved = service.save(
        admin,
        "companies",
        potential_scheme(
            ranges,
            weight="2",
            segments=[
                {"name": "Weak", "min": None, "max": "20"},
                {"name": "Medium", "min": "20", "max": "60"},
                {"name": "Ideal", "min": "60", "max": None},
            ],
        ),
    )
    run = wait_for(saved["recompute"]["id"])
    # then the worker moved every record: 0, 20, 60, 60, 60 points
    assert run.status == Recompute.Status.DONE, run.error
    assert run.done == run.total and run.changed >= 3
    assert [segments()[ids[p]] for p in (10, 30, 55, 70, 90)] == [
        "Weak",
        "Medium",
        "Ideal",
        "Ideal",
        "Ideal",
    ]
