import pytest

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from modules.transfer.models import ImportBatch, Status
from tests.fixtures.transfer import table_bytes, upload_file

pytestmark = pytest.mark.smoke

HEADER = ["Imię", "Nazwisko", "Notatki"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_upload_map_check_run_and_undo_in_the_admin(
    client, admin, django_capture_on_commit_callbacks
):
    # given
    client.force_login(admin)
    content = table_bytes("csv", HEADER, [["Ida", "Screen", "x"]])
    # when uploading
    uploaded = client.post("/imports/persons/", {"file": upload_file("p.csv", content)})
    batch = ImportBatch.objects.latest("pk")
    page = client.get(uploaded.url)
    # then the matched columns are marked
    assert uploaded.status_code == 302
    assert page.content.decode().count("data-matched") == 3
    # when checking with Notatki unmapped by hand, then running
    form = {"action": "dry_run", "map-0": "first_name", "map-1": "last_name", "mode": "create"}
    client.post(uploaded.url, form)
    checked = client.get(uploaded.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(uploaded.url, {"action": "run"})
    result = client.get(uploaded.url).content.decode()
    # then
    assert 'data-total="new">1<' in checked
    assert ImportBatch.objects.get(pk=batch.pk).status == Status.DONE
    assert "Undo this import" in result
    # when undoing
    client.post(uploaded.url, {"action": "undo"})
    # then
    assert get_model("persons").objects.get(last_name="Screen").deleted_at is not None


def test_a_bad_file_shows_its_reason_and_stays_on_the_upload(client, admin):
    # given
    client.force_login(admin)
    # when
    response = client.post("/imports/persons/", {"file": upload_file("p.csv", b"")}, follow=True)
    # then
    assert "The file is empty." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_list_offers_import_only_to_users_who_may_import(client, admin, user):
    # when
    client.force_login(admin)
    allowed = client.get("/records/persons/").content.decode()
    client.force_login(user)
    refused = client.get("/imports/persons/")
    listed = client.get("/records/persons/").content.decode()
    # then
    assert "/imports/persons/" in allowed
    assert refused.status_code in (302, 403)  # Wagtail sends a refused user home
    assert "/imports/persons/" not in listed


def test_the_admin_list_export_escapes_formulas(client, admin):
    # given
    client.force_login(admin)
    RecordService().create(admin, "persons", {"first_name": "@SUM(1)", "last_name": "Evil"})
    # when
    response = client.get("/records/persons/?export=csv")
    # then
    text = b"".join(response.streaming_content).decode()
    assert "'@SUM(1)" in text
    assert ",@SUM(1)" not in text


def test_the_status_json_gives_the_progress(client, admin, imports):
    # given
    client.force_login(admin)
    batch = imports.upload(
        admin, "persons", upload_file("p.csv", table_bytes("csv", HEADER, [["a", "b", "c"]]))
    )
    # when
    state = client.get(f"/imports/persons/{batch.pk}/status/").json()
    # then
    assert state["progress"] == {"done": 0, "total": 1}
    assert state["status"] == "uploaded"
