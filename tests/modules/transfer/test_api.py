import csv
import io

import openpyxl
import pytest

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.fixtures.transfer import table_bytes, upload_file

pytestmark = pytest.mark.smoke

HEADER = ["Imię", "Nazwisko", "E-mail", "Źródło"]
ROWS = [["Anna", "Nowak", "anna@example.com", "Polecenie"]]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def upload(client, slug="persons", name="people.csv", content=None):
    content = content if content is not None else table_bytes("csv", HEADER, ROWS)
    return client.post(f"/api/v1/{slug}/imports/", {"file": upload_file(name, content)})


def test_upload_dry_run_run_and_undo_through_the_api(
    admin_client, django_capture_on_commit_callbacks
):
    # given
    uploaded = upload(admin_client)
    assert uploaded.status_code == 201, uploaded.json()
    body = uploaded.json()
    assert body["columns"] == HEADER
    assert body["suggested_mapping"]["Imię"] == "first_name"
    # when
    checked = admin_client.post(
        f"/api/v1/imports/{body['id']}/dry-run/",
        {"mapping": body["suggested_mapping"], "mode": "create", "match_on": []},
        format="json",
    )
    with django_capture_on_commit_callbacks(execute=True):
        started = admin_client.post(f"/api/v1/imports/{body['id']}/run/")
    state = admin_client.get(f"/api/v1/imports/{body['id']}/").json()
    undone = admin_client.post(f"/api/v1/imports/{body['id']}/undo/")
    # then
    assert checked.status_code == 200 and checked.json()["totals"]["new"] == 1
    assert started.status_code == 202
    assert state["status"] == "done"
    assert state["progress"] == {"done": 1, "total": 1}
    assert undone.status_code == 200 and undone.json()["undo"]["deleted"] == 1


def test_a_user_without_the_import_permission_gets_403(user_client):
    # when
    response = upload(user_client)
    # then
    assert response.status_code == 403
    assert set(response.json()) >= {"code", "detail", "errors"}


def test_another_users_import_is_a_404(admin_client, make_user):
    # given
    body = upload(admin_client).json()
    from rest_framework.test import APIClient

    other = APIClient()
    other.force_authenticate(make_user("someone"))
    # when
    response = other.get(f"/api/v1/imports/{body['id']}/")
    # then
    assert response.status_code == 404


def test_an_unsupported_file_is_a_415(admin_client):
    # when
    response = upload(admin_client, name="people.txt", content=b"a,b\n1,2\n")
    # then
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_file"


def test_a_dry_run_with_a_bad_mapping_is_a_400_naming_the_column(admin_client):
    # given
    body = upload(admin_client).json()
    # when
    response = admin_client.post(
        f"/api/v1/imports/{body['id']}/dry-run/",
        {"mapping": {"Nope": "first_name"}, "mode": "create"},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert "mapping.Nope" in response.json()["errors"]


def test_export_csv_has_the_filtered_rows_choice_labels_and_escaped_formulas(admin_client, admin):
    # given
    service = RecordService()
    service.create(
        admin,
        "persons",
        {"first_name": "=HYPERLINK(1)", "last_name": "Evil", "source": "referral"},
    )
    service.create(admin, "persons", {"first_name": "Other", "last_name": "Person"})
    # when
    response = admin_client.get("/api/v1/persons/export/?format=csv&last_name=Evil")
    # then
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["First name"] == "'=HYPERLINK(1)"
    assert record["Source"] == "Referral"


def test_export_xlsx_has_real_dates(admin_client, admin):
    # given
    RecordService().create(
        admin, "persons", {"first_name": "Ada", "last_name": "Dated", "birthday": "1990-05-17"}
    )
    # when
    response = admin_client.get("/api/v1/persons/export/?format=xlsx&last_name=Dated")
    # then
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, row = list(book.active.iter_rows(values_only=True))
    birthday = dict(zip(header, row, strict=True))["Birthday"]
    assert birthday.date().isoformat() == "1990-05-17"


def test_export_masks_fields_of_records_the_user_may_only_list(user_client, make_user, admin):
    # given a non-public record of someone else
    owner = make_user("owner")
    RecordService().create(
        admin,
        "persons",
        {"first_name": "Secret", "last_name": "Person", "position": "Spy"},
        owner=owner,
        visibility="non_public",
    )
    # when
    response = user_client.get("/api/v1/persons/export/?format=csv")
    # then
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = [dict(zip(*pair, strict=True)) for pair in [list(csv.reader(io.StringIO(text)))[0:2]]]
    assert response.status_code == 200
    assert rows[0]["First name"] == "Secret"
    assert rows[0]["Job title"] == ""


def test_export_refuses_filters_on_fields_it_may_not_read(user_client, make_user, admin):
    # given
    owner = make_user("owner2")
    RecordService().create(
        admin,
        "persons",
        {"first_name": "S", "last_name": "P"},
        owner=owner,
        visibility="non_public",
    )
    # when
    response = user_client.get("/api/v1/persons/export/?format=csv&position=Spy")
    # then
    assert response.status_code == 400
    assert get_model("persons").objects.count() >= 1
