"""An administrator finds a deleted record in the change log by its filters, restores it,
and a user reads a record's history tab."""

import re

import pytest
from playwright.sync_api import expect

from modules.history.models import RowHistory
from modules.records.services import RecordService
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_an_admin_filters_the_change_log_and_restores_a_deleted_record(
    page, shot, admin, make_user
):
    # given an old edit by one user and a recent deletion by another
    bob = make_user("bob", admin=True, first_name="Bob", last_name="Stone")
    records = RecordService()
    old = records.create(admin, "companies", {"name": "Old Edit Ltd"})
    RowHistory.objects.filter(record_id=old.pk, title="Old Edit Ltd").update(at="2025-03-01T09:00Z")
    doomed = records.create(bob, "companies", {"name": "Doomed Ltd"})
    records.delete(bob, "companies", doomed.pk)
    log_in(page, "root")
    # when the admin opens Settings > Change log and filters by user, operation and dates
    page.goto("/settings/change-log/")
    log = page.locator("[data-change-log]")
    expect(log).to_contain_text("Old Edit Ltd")
    page.select_option("#id_user", str(bob.pk))
    page.select_option("#id_operation", "delete")
    page.fill("#id_since", "2026-01-01")
    page.click("[data-change-log-filters] button[type=submit]")
    page.wait_for_url("**operation=delete**")
    # then only the deletion is listed, marked deleted
    rows = log.locator("[data-history-row]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Doomed Ltd")
    expect(rows.first.locator("[data-record-deleted]")).to_be_visible()
    shot(page, "1-filtered")
    # and the export link carries the same filters
    expect(page.locator("[data-export]")).to_have_attribute("href", re.compile("operation=delete"))
    # when the admin restores it from the log
    rows.first.get_by_role("button", name="Restore").click()
    page.wait_for_load_state()
    # then the record is live again and its history tab shows the restore on top
    page.goto(f"/records/companies/inspect/{doomed.pk}/")
    page.click("[data-history-tab]")
    page.wait_for_url(f"**/records/companies/{doomed.pk}/history/")
    expect(page.locator("[data-history-row]")).to_have_count(3)
    operations = page.locator("[data-history-row]").evaluate_all(
        "rows => rows.map(r => r.dataset.operation)"
    )
    assert operations == ["restore", "delete", "create"]
    shot(page, "2-record-history")
