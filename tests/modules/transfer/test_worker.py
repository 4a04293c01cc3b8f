"""An import on a real Celery worker: progress seen mid-run, and a worker killed mid-import."""

import os
import signal
import time

import pytest

from modules.history.models import RowHistory
from modules.metamodel.runtime import get_model
from modules.transfer.models import ImportBatch, Status
from tests.fixtures.transfer import table_bytes, upload_file

pytestmark = pytest.mark.worker

ROWS = 20_000


@pytest.fixture
def shared_media(tmp_path, monkeypatch, settings):
    """One MEDIA_ROOT for this process and the worker it starts."""
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    settings.MEDIA_ROOT = str(tmp_path)


def wait(condition, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_worker_killed_mid_import_leaves_a_failed_batch_and_nothing_applied(
    shared_media, worker, admin, imports, settings
):
    # given a checked import of 20k people
    rows = [[f"First{i}", f"Last{i}", f"p{i}@example.com"] for i in range(ROWS)]
    content = table_bytes("csv", ["Imię", "Nazwisko", "E-mail"], rows)
    batch = imports.upload(admin, "persons", upload_file("many.csv", content))
    imports.dry_run(admin, batch.pk, mapping=batch.mapping, mode="create")
    before = get_model("persons").objects.count()
    # when it runs on the worker and the worker is killed half-way
    imports.run(admin, batch.pk)
    running = wait(
        lambda: ImportBatch.objects.filter(pk=batch.pk, status=Status.RUNNING, done__gt=0).first()
    )
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)
    settings.IMPORT_LEASE_SECONDS = 1
    time.sleep(1.5)
    # then progress was visible while the import's transaction was open
    assert 0 < running.done < ROWS
    # and the batch reads as failed, with nothing of it written
    failed = imports.get(admin, batch.pk)
    assert failed.status == Status.FAILED
    assert get_model("persons").objects.count() == before
    assert not RowHistory.objects.filter(batch=batch.batch_key).exists()
    assert not failed.rows.exists()
