"""An administrator imports people from a Polish csv, checks it, runs it and undoes it."""

import pytest
from playwright.sync_api import expect

from modules.metamodel.runtime import get_model
from tests.browser.helpers import log_in, settle
from tests.fixtures.transfer import table_bytes

pytestmark = pytest.mark.browser


def test_upload_map_dry_run_run_and_undo(page, shot, admin, settings, tmp_path):
    # given a cp1250 csv with Polish headers, one of them unknown
    settings.MEDIA_ROOT = str(tmp_path)
    rows = [["Żaneta", "Łęcka", "zaneta@example.com", "Polecenie", "x"]]
    rows += [["Jan", "Kowalski", "jan@example.com", "Wydarzenie", "y"]]
    path = tmp_path / "osoby.csv"
    path.write_bytes(
        table_bytes(
            "csv", ["Imię", "Nazwisko", "E-mail", "Źródło", "Uwagi"], rows, encoding="cp1250"
        )
    )
    log_in(page, "root")
    # when she opens the import from the persons list and uploads the file
    page.goto("/records/persons/")
    page.goto("/imports/persons/")
    page.locator("[data-drop-zone] input[type=file]").set_input_files(str(path))
    shot(page, "1-upload")
    page.click("button:has-text('Upload and map columns')")
    page.wait_for_url("**/imports/persons/*/")
    # then four columns are matched and the unknown one waits for her
    expect(page.locator("[data-matched]")).to_have_count(4)
    expect(page.locator("#map-4")).to_have_value("")
    settle(page)
    shot(page, "2-mapping")
    # when she checks it
    page.click("button:has-text('Check (dry run)')")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-total=new]")).to_have_text("2")
    shot(page, "3-dry-run")
    # and runs it
    page.click("button:has-text('Run the import')")
    page.wait_for_selector("button:has-text('Undo this import')")
    shot(page, "4-result")
    people = get_model("persons").objects.filter(
        email__in=["zaneta@example.com", "jan@example.com"]
    )
    assert sorted(p.last_name for p in people) == ["Kowalski", "Łęcka"]
    # when she undoes it, and confirms when asked
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Undo this import')")
    page.wait_for_selector("[data-undone]")
    shot(page, "5-undone")
    # then both people are in the trash
    assert [p.deleted_at is not None for p in people.all()] == [True, True]
