import pytest

from modules.access.services import AccessService
from modules.history.models import RowHistory
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from modules.transfer.exceptions import ImportInvalid, ImportRefused, ImportStateConflict
from modules.transfer.models import ImportBatch, Status

pytestmark = pytest.mark.smoke

PEOPLE = [
    ["Anna", "Nowak", "anna@example.com", "Polecenie"],
    ["Jan", "Kowalski", "jan@example.com", "Website"],
]
HEADER = ["Imię", "Nazwisko", "E-mail", "Źródło"]
MAPPING = {"Imię": "first_name", "Nazwisko": "last_name", "E-mail": "email", "Źródło": "source"}


def run_now(imports, user, batch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        imports.run(user, batch.pk)
    return ImportBatch.objects.get(pk=batch.pk)


@pytest.mark.parametrize("file_format", ["csv", "xls", "xlsx", "ods"])
def test_upload_reads_every_format_and_suggests_the_mapping(upload, file_format):
    # when
    batch = upload("persons", file_format, HEADER, PEOPLE)
    # then
    assert batch.columns == HEADER
    assert batch.total == 2
    assert batch.mapping == MAPPING


@pytest.mark.parametrize("file_format", ["csv", "xls", "xlsx", "ods"])
def test_create_import_writes_records_history_and_counts(
    imports, upload, admin, file_format, django_capture_on_commit_callbacks
):
    # given
    batch = upload("persons", file_format, HEADER, PEOPLE)
    # when
    checked = imports.dry_run(admin, batch.pk, mapping=batch.mapping, mode="create")
    done = run_now(imports, admin, checked, django_capture_on_commit_callbacks)
    # then
    assert checked.totals["new"] == 2 and checked.totals["invalid"] == 0
    assert done.status == Status.DONE, done.error
    assert done.totals["new"] == 2
    people = get_model("persons").objects.filter(email__in=["anna@example.com", "jan@example.com"])
    assert sorted(p.source for p in people) == ["referral", "website"]
    assert RowHistory.objects.filter(batch=done.batch_key, operation="import").count() == 2


def test_dry_run_reports_each_invalid_row_with_column_and_reason(upload, imports, admin):
    # given
    rows = [["Anna", "Nowak", "not-an-email", "Polecenie"], ["", "Kowalski", "", "Nowhere"]]
    batch = upload("persons", "csv", HEADER, rows)
    # when
    checked = imports.dry_run(admin, batch.pk, mapping=batch.mapping, mode="create")
    # then
    assert checked.totals["invalid"] == 2 and checked.totals["new"] == 0
    found = {(e["row"], e["column"]) for e in checked.errors}
    assert {(2, "E-mail"), (3, "Źródło"), (3, "Imię")} <= found


def test_an_import_with_invalid_rows_writes_nothing(
    upload, imports, admin, django_capture_on_commit_callbacks
):
    # given
    rows = [*PEOPLE, ["Ewa", "Zła", "bad", "Website"]]
    batch = upload("persons", "csv", HEADER, rows)
    checked = imports.dry_run(admin, batch.pk, mapping=batch.mapping, mode="create")
    before = get_model("persons").objects.count()
    # when
    done = run_now(imports, admin, checked, django_capture_on_commit_callbacks)
    # then
    assert done.status == Status.FAILED
    assert get_model("persons").objects.count() == before
    assert not RowHistory.objects.filter(batch=done.batch_key).exists()


def test_skip_invalid_rows_imports_the_rest(
    upload, imports, admin, django_capture_on_commit_callbacks
):
    # given
    rows = [*PEOPLE, ["Ewa", "Zła", "bad", "Website"]]
    batch = upload("persons", "csv", HEADER, rows)
    checked = imports.dry_run(
        admin, batch.pk, mapping=batch.mapping, mode="create", skip_invalid=True
    )
    # when
    done = run_now(imports, admin, checked, django_capture_on_commit_callbacks)
    # then
    assert done.status == Status.DONE
    assert done.totals == {"new": 2, "updated": 0, "unchanged": 0, "skipped": 0, "invalid": 1}


def test_upsert_matches_on_email_updates_and_creates(
    upload, imports, admin, django_capture_on_commit_callbacks
):
    # given
    anna = RecordService().create(
        admin, "persons", {"first_name": "Anna", "last_name": "Old", "email": "anna@example.com"}
    )
    batch = upload("persons", "csv", HEADER, PEOPLE)
    # when
    checked = imports.dry_run(
        admin, batch.pk, mapping=batch.mapping, mode="upsert", match_on=["email"]
    )
    done = run_now(imports, admin, checked, django_capture_on_commit_callbacks)
    # then
    assert checked.totals["new"] == 1 and checked.totals["updated"] == 1
    assert done.totals["new"] == 1 and done.totals["updated"] == 1
    anna.refresh_from_db()
    assert anna.last_name == "Nowak" and anna.version == 2


def test_update_mode_skips_rows_without_a_match(upload, imports, admin):
    # given
    batch = upload("persons", "csv", HEADER, PEOPLE)
    # when
    checked = imports.dry_run(
        admin, batch.pk, mapping=batch.mapping, mode="update", match_on=["email"]
    )
    # then
    assert checked.totals["skipped"] == 2


def test_undo_trashes_created_restores_updated_and_keeps_edited_ones(
    upload, imports, admin, django_capture_on_commit_callbacks
):
    # given an upsert that updated Anna and created Jan
    service = RecordService()
    anna = service.create(
        admin, "persons", {"first_name": "Anna", "last_name": "Old", "email": "anna@example.com"}
    )
    rows = [*PEOPLE, ["Ola", "Nowa", "ola@example.com", ""]]
    batch = upload("persons", "csv", HEADER, rows)
    imports.dry_run(admin, batch.pk, mapping=batch.mapping, mode="upsert", match_on=["email"])
    done = run_now(imports, admin, batch, django_capture_on_commit_callbacks)
    model = get_model("persons")
    ola = model.objects.get(email="ola@example.com")
    service.update(admin, "persons", ola.pk, {"position": "CEO"})
    # when
    undone = imports.undo(admin, done.pk)
    # then
    anna.refresh_from_db()
    assert anna.last_name == "Old"
    assert model.objects.get(email="jan@example.com").deleted_at is not None
    assert model.objects.get(email="ola@example.com").deleted_at is None
    assert undone.undo_report == {"deleted": 1, "restored": 1, "kept": [ola.pk]}
    assert set(
        RowHistory.objects.filter(batch=done.batch_key, action="import_undo").values_list(
            "operation", flat=True
        )
    ) == {"delete", "update"}


def test_only_users_with_the_import_permission_import(upload, user):
    # when / then
    with pytest.raises(ImportRefused):
        upload("persons", "csv", HEADER, PEOPLE, user=user)


def test_updates_only_touch_records_the_user_may_edit(
    upload, imports, admin, make_user, django_capture_on_commit_callbacks
):
    # given a user allowed to import, and a hidden record of someone else
    from modules.access.services import AccessService

    importer = make_user("importer")
    allowed = ["view", "add", "edit", "export", "view_history", "import"]
    AccessService().update_permissions(admin, "persons", system={"user": allowed})
    other = make_user("other")
    RecordService().create(
        admin,
        "persons",
        {"first_name": "Anna", "last_name": "Hidden", "email": "anna@example.com"},
        owner=other,
        visibility="hidden",
    )
    batch = upload("persons", "csv", HEADER, PEOPLE[:1], user=importer)
    # when
    checked = imports.dry_run(
        importer, batch.pk, mapping=batch.mapping, mode="update", match_on=["email"]
    )
    # then the hidden record is not found, so nothing is updated
    assert checked.totals["updated"] == 0 and checked.totals["skipped"] == 1


def test_mapping_must_cover_required_fields_when_creating(upload, imports, admin):
    # given
    batch = upload("persons", "csv", HEADER, PEOPLE)
    # when / then
    with pytest.raises(ImportInvalid):
        imports.dry_run(admin, batch.pk, mapping={"E-mail": "email"}, mode="create")


def test_run_needs_a_dry_run_first(upload, imports, admin):
    # given
    batch = upload("persons", "csv", HEADER, PEOPLE)
    # when / then
    with pytest.raises(ImportStateConflict):
        imports.run(admin, batch.pk)


def test_relation_and_user_columns_match_by_natural_key(
    upload, imports, admin, django_capture_on_commit_callbacks
):
    # given
    acme = RecordService().create(admin, "companies", {"name": "Acme"})
    batch = upload("persons", "csv", ["Imię", "Nazwisko", "Firma"], [["A", "B", "acme"]])
    # when
    imports.dry_run(admin, batch.pk, mapping=batch.mapping, mode="create")
    done = run_now(imports, admin, batch, django_capture_on_commit_callbacks)
    # then
    assert done.status == Status.DONE, done.errors
    person = get_model("persons").objects.get(first_name="A")
    assert person.company_id == acme.pk


def test_unique_values_are_checked_in_the_file_and_against_the_database(upload, imports, admin):
    # given
    RecordService().create(admin, "companies", {"name": "Acme"})
    batch = upload("companies", "csv", ["Name"], [["ACME"], ["Beta"], ["beta"]])
    # when
    checked = imports.dry_run(admin, batch.pk, mapping={"Name": "name"}, mode="create")
    # then
    assert checked.totals["invalid"] == 2
    assert {e["row"] for e in checked.errors} == {2, 4}


def test_a_value_repeated_down_a_column_is_checked_and_stored_on_every_row(
    upload, imports, admin, django_capture_on_commit_callbacks
):
    # given: the same good and bad texts on many rows (each column's results are reused)
    header = ["Imię", "Nazwisko", "E-mail", "Źródło", "Tags", "Sales potential"]
    rows = [[f"P{n}", "Nowak", f"p{n}@example.com", "Polecenie", "vip, b2b", "7"] for n in range(5)]
    rows += [[f"Q{n}", "Nowak", "not-an-email", "Nowhere", "vip, b2b", "700"] for n in range(3)]
    batch = upload("persons", "csv", header, rows)
    mapping = {**batch.mapping, "Tags": "tags", "Sales potential": "sales_potential"}
    # when
    checked = imports.dry_run(admin, batch.pk, mapping=mapping, mode="create", skip_invalid=True)
    done = run_now(imports, admin, checked, django_capture_on_commit_callbacks)
    # then: every bad row is reported with each of its bad cells
    assert checked.totals == {**checked.totals, "new": 5, "invalid": 3}
    for row in (7, 8, 9):
        assert {e["column"] for e in checked.errors if e["row"] == row} == {
            "E-mail",
            "Źródło",
            "Sales potential",
        }
    # and every good row holds its values
    people = list(get_model("persons").objects.filter(last_name="Nowak").order_by("pk"))
    assert done.status == Status.DONE, done.error
    assert [(p.source, p.sales_potential, p.tags) for p in people] == [
        ("referral", 7, ["vip", "b2b"])
    ] * 5


def test_an_undo_report_names_no_record_out_of_the_users_sight(
    upload, imports, admin, make_user, django_capture_on_commit_callbacks
):
    # given: a user who may import created two persons, both changed since by others
    AccessService().update_permissions(
        admin, "persons", system={"user": ["view", "add", "edit", "import"]}
    )
    importer, bob = make_user("importer"), make_user("bob")
    batch = upload("persons", "csv", HEADER, PEOPLE, user=importer)
    imports.dry_run(importer, batch.pk, mapping=batch.mapping, mode="create")
    done = run_now(imports, importer, batch, django_capture_on_commit_callbacks)
    model = get_model("persons")
    anna, jan = (model.objects.get(email=f"{n}@example.com") for n in ("anna", "jan"))
    service = RecordService()
    service.update(admin, "persons", anna.pk, {"position": "CEO"})
    service.update(admin, "persons", jan.pk, {}, owner=bob.pk, visibility="hidden")
    # when
    undone = imports.undo(importer, done.pk)
    # then
    assert undone.undo_report == {"deleted": 0, "restored": 0, "kept": [anna.pk]}
