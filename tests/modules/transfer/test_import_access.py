"""An import tells its user nothing about records they may not open: match keys, matches
and unique values."""

import pytest
from rest_framework.test import APIClient

from modules.access.services import AccessService
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from modules.transfer.exceptions import ImportInvalid
from modules.transfer.models import ImportBatch, Status

pytestmark = pytest.mark.smoke

records = RecordService()
HEADER = ["Name", "Tax ID"]
MAPPING = {"Name": "name", "Tax ID": "tax_number"}


@pytest.fixture
def piotr(make_user, admin):
    """A plain user who may import companies; companies may be non-public or hidden."""
    AccessService().update_visibility(
        admin, "companies", allowed=["public", "non_public", "hidden"], default="public"
    )
    AccessService().update_permissions(
        admin, "companies", system={"user": ["view", "add", "edit", "import"]}
    )
    return make_user("piotr")


@pytest.fixture
def marek(make_user):
    """The owner of the companies piotr may not open."""
    return make_user("marek")


def run_now(imports, user, batch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        imports.run(user, batch.pk)
    return ImportBatch.objects.get(pk=batch.pk)


def test_matching_on_a_field_a_listed_record_masks_is_refused_before_any_row_is_read(
    upload, imports, piotr, marek
):
    # given marek's non-public company, listed to piotr without its tax number
    records.create(
        None,
        "companies",
        {"name": "Masked Co", "tax_number": "PL-202"},
        visibility="non_public",
        owner=marek,
    )
    batch = upload("companies", "csv", HEADER, [["Probe", "PL-202"]], user=piotr)
    # when piotr checks an update matched on the tax number
    with pytest.raises(ImportInvalid) as refused:
        imports.dry_run(piotr, batch.pk, mapping=MAPPING, mode="update", match_on=["tax_number"])
    # then it is refused on match_on, and nothing was checked
    assert list(refused.value.errors) == ["match_on"]
    assert ImportBatch.objects.get(pk=batch.pk).status == Status.UPLOADED


def test_the_masked_match_key_is_a_400_through_the_api(upload, piotr, marek):
    # given
    records.create(
        None,
        "companies",
        {"name": "Masked Co", "tax_number": "PL-202"},
        visibility="non_public",
        owner=marek,
    )
    batch = upload("companies", "csv", HEADER, [["Probe", "PL-202"]], user=piotr)
    client = APIClient()
    client.force_authenticate(piotr)
    # when
    response = client.post(
        f"/api/v1/imports/{batch.pk}/dry-run/",
        {"mapping": MAPPING, "mode": "update", "match_on": ["tax_number"]},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["match_on"]
    assert "202" not in str(response.json())


@pytest.mark.parametrize("mode", ["update", "upsert"])
def test_a_key_only_records_piotr_may_not_edit_hold_reads_like_a_key_held_nowhere(
    upload, imports, piotr, marek, mode
):
    # given a masked and a hidden company of marek's (names are basic fields)
    records.create(None, "companies", {"name": "Masked Co"}, visibility="non_public", owner=marek)
    records.create(None, "companies", {"name": "Hidden Co"}, visibility="hidden", owner=marek)
    rows = [["masked co", ""], ["HIDDEN CO", ""], ["Nowhere Co", ""]]
    batch = upload("companies", "csv", HEADER, rows, user=piotr)
    # when piotr matches on the name
    checked = imports.dry_run(piotr, batch.pk, mapping=MAPPING, mode=mode, match_on=["name"])
    # then every row reads alike: no match, no error, no record named
    expected = {"update": {"skipped": 3, "new": 0}, "upsert": {"skipped": 0, "new": 3}}[mode]
    assert checked.totals == {**expected, "updated": 0, "unchanged": 0, "invalid": 0}
    assert checked.errors == []


def test_a_match_on_an_editable_record_still_updates_it(
    upload, imports, piotr, marek, django_capture_on_commit_callbacks
):
    # given piotr's own non-public company and marek's public one
    own = records.create(
        None, "companies", {"name": "Own Co"}, visibility="non_public", owner=piotr
    )
    public = records.create(marek, "companies", {"name": "Public Co"})
    rows = [["Own Co", "PL-1"], ["Public Co", "PL-2"]]
    batch = upload("companies", "csv", HEADER, rows, user=piotr)
    # when
    checked = imports.dry_run(piotr, batch.pk, mapping=MAPPING, mode="update", match_on=["name"])
    done = run_now(imports, piotr, checked, django_capture_on_commit_callbacks)
    # then
    assert done.status == Status.DONE, done.errors
    own.refresh_from_db()
    public.refresh_from_db()
    assert (own.tax_number, public.tax_number) == ("PL-1", "PL-2")


def test_a_dry_run_does_not_check_unique_values_against_records_piotr_may_not_open(
    upload, imports, piotr, marek
):
    # given marek's hidden and masked companies hold two tax numbers
    records.create(
        None,
        "companies",
        {"name": "Hidden Co", "tax_number": "PL-7"},
        visibility="hidden",
        owner=marek,
    )
    records.create(
        None,
        "companies",
        {"name": "Masked Co", "tax_number": "PL-8"},
        visibility="non_public",
        owner=marek,
    )
    rows = [["A Co", "pl-7"], ["B Co", "PL-8"], ["C Co", "PL-9"]]
    batch = upload("companies", "csv", HEADER, rows, user=piotr)
    # when
    checked = imports.dry_run(piotr, batch.pk, mapping=MAPPING, mode="create")
    # then the held values read like the free one
    assert checked.totals["new"] == 3 and checked.totals["invalid"] == 0
    assert checked.errors == []


def test_a_run_reports_a_row_whose_value_is_unavailable_and_stores_nothing_for_it(
    upload, imports, piotr, marek, django_capture_on_commit_callbacks
):
    # given marek's hidden company holds a tax number piotr's file repeats
    records.create(
        None,
        "companies",
        {"name": "Hidden Co", "tax_number": "PL-7"},
        visibility="hidden",
        owner=marek,
    )
    rows = [["A Co", "pl-7"], ["C Co", "PL-9"]]
    batch = upload("companies", "csv", HEADER, rows, user=piotr)
    checked = imports.dry_run(piotr, batch.pk, mapping=MAPPING, mode="create", skip_invalid=True)
    # when
    done = run_now(imports, piotr, checked, django_capture_on_commit_callbacks)
    # then the row is reported with the words of the record API, and only the other stored
    assert done.status == Status.DONE, done.error
    assert done.totals == {"new": 1, "updated": 0, "unchanged": 0, "skipped": 0, "invalid": 1}
    assert done.errors == [
        {"row": 2, "column": "Tax ID", "message": "This value is not available."}
    ]
    companies = get_model("companies").objects
    assert not companies.filter(name="A Co").exists()
    assert companies.filter(name="C Co").exists()


def test_a_run_with_an_unavailable_value_and_no_skipping_writes_nothing(
    upload, imports, piotr, marek, django_capture_on_commit_callbacks
):
    # given
    records.create(
        None,
        "companies",
        {"name": "Masked Co", "tax_number": "PL-8"},
        visibility="non_public",
        owner=marek,
    )
    batch = upload("companies", "csv", HEADER, [["B Co", "PL-8"], ["C Co", "PL-9"]], user=piotr)
    checked = imports.dry_run(piotr, batch.pk, mapping=MAPPING, mode="create")
    # when
    done = run_now(imports, piotr, checked, django_capture_on_commit_callbacks)
    # then
    assert done.status == Status.FAILED
    assert done.errors == [
        {"row": 2, "column": "Tax ID", "message": "This value is not available."}
    ]
    assert not get_model("companies").objects.filter(name__in=["B Co", "C Co"]).exists()


def test_a_key_several_records_hold_counts_only_those_piotr_may_edit(upload, imports, piotr, marek):
    # given two of piotr's companies and a hidden one of marek's in one city
    for name in ("P1", "P2"):
        records.create(piotr, "companies", {"name": name, "city": "Kraków"})
    records.create(
        None, "companies", {"name": "M1", "city": "Kraków"}, visibility="hidden", owner=marek
    )
    batch = upload("companies", "csv", ["City", "Tax ID"], [["kraków", "PL-1"]], user=piotr)
    # when
    checked = imports.dry_run(
        piotr,
        batch.pk,
        mapping={"City": "city", "Tax ID": "tax_number"},
        mode="update",
        match_on=["city"],
    )
    # then
    assert [e for e in checked.errors if e["column"] == "City"] == [
        {"row": 2, "column": "City", "message": "Matches 2 records."}
    ]
