"""A failed import is tried again without uploading the file again: back to its mapping
with everything it had, then checked and run."""

import pytest

from modules.metamodel.runtime import get_model
from modules.transfer.exceptions import ImportStateConflict
from modules.transfer.models import ImportBatch, Status
from tests.modules.transfer.test_import_service import HEADER, PEOPLE, run_now


def failed_import(upload, imports, admin, capture):
    rows = [*PEOPLE, ["Ewa", "Zła", "bad", "Website"]]
    batch = upload("persons", "csv", HEADER, rows)
    checked = imports.dry_run(admin, batch.pk, mapping=batch.mapping, mode="create")
    done = run_now(imports, admin, checked, capture)
    assert done.status == Status.FAILED
    return done


def test_a_failed_import_goes_back_to_its_mapping_and_runs_again(
    upload, imports, admin, django_capture_on_commit_callbacks
):
    failed = failed_import(upload, imports, admin, django_capture_on_commit_callbacks)
    # when
    again = imports.retry(admin, failed.pk)
    # then: the same file and choices, nothing of the failure left
    stored = ImportBatch.objects.get(pk=failed.pk)
    assert (again.status, stored.status) == (Status.UPLOADED, Status.UPLOADED)
    assert (stored.file.name, stored.mapping) == (failed.file.name, failed.mapping)
    assert (stored.totals, stored.errors, stored.error) == ({}, [], "")
    # and with the bad rows skipped this time it imports the rest
    checked = imports.dry_run(
        admin, failed.pk, mapping=stored.mapping, mode="create", skip_invalid=True
    )
    before = get_model("persons").objects.count()
    done = run_now(imports, admin, checked, django_capture_on_commit_callbacks)
    assert done.status == Status.DONE
    assert get_model("persons").objects.count() == before + 2


@pytest.mark.parametrize("state", [Status.UPLOADED, Status.CHECKED, Status.DONE])
def test_only_a_failed_import_is_tried_again(upload, imports, admin, state):
    batch = upload("persons", "csv", HEADER, PEOPLE)
    ImportBatch.objects.filter(pk=batch.pk).update(status=state)
    with pytest.raises(ImportStateConflict):
        imports.retry(admin, batch.pk)
    assert ImportBatch.objects.get(pk=batch.pk).status == state


def test_the_api_tries_again_and_a_second_retry_is_a_409(
    upload, imports, admin, admin_client, django_capture_on_commit_callbacks
):
    failed = failed_import(upload, imports, admin, django_capture_on_commit_callbacks)
    first = admin_client.post(f"/api/v1/imports/{failed.pk}/retry/")
    second = admin_client.post(f"/api/v1/imports/{failed.pk}/retry/")
    assert first.status_code == 200 and first.json()["status"] == "uploaded"
    assert second.status_code == 409


def test_someone_who_may_not_see_the_import_gets_a_404(
    upload, imports, admin, make_user, django_capture_on_commit_callbacks, client
):
    failed = failed_import(upload, imports, admin, django_capture_on_commit_callbacks)
    client.force_login(make_user("mallory"))
    assert client.post(f"/api/v1/imports/{failed.pk}/retry/").status_code in (403, 404)
    assert ImportBatch.objects.get(pk=failed.pk).status == Status.FAILED


def test_the_screen_offers_try_again_on_a_failed_import(
    upload, imports, admin, client, django_capture_on_commit_callbacks
):
    failed = failed_import(upload, imports, admin, django_capture_on_commit_callbacks)
    client.force_login(admin)
    page = client.get(f"/imports/persons/{failed.pk}/").content.decode()
    assert "data-retry" in page
    response = client.post(f"/imports/persons/{failed.pk}/", {"action": "retry"})
    assert response.status_code == 302
    assert ImportBatch.objects.get(pk=failed.pk).status == Status.UPLOADED
    assert 'name="map-0"' in client.get(f"/imports/persons/{failed.pk}/").content.decode()
