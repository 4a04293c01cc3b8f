"""A user selects every row, is told which records she may not hand over, and goes on."""

import pytest
from playwright.sync_api import expect

from modules.access import grants
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.browser.helpers import log_in, settle

pytestmark = pytest.mark.browser


def test_change_user_leaves_out_refused_records(page, shot, admin, user, make_user):
    # given two companies of hers and one of the administrator's
    mine = [RecordService().create(user, "companies", {"name": n}) for n in ("Mine A", "Mine B")]
    RecordService().create(admin, "companies", {"name": "Theirs"})
    bob = make_user("bob", first_name="Bob", last_name="Brown")
    log_in(page, "alice")
    page.goto("/records/companies/")
    # when she selects every row and asks to change the user
    page.locator("thead input[data-bulk-action-select-all-checkbox]").check()
    bar = page.locator("[data-bulk-action-footer]")
    expect(bar).to_be_visible()
    expect(bar.locator("[data-bulk-action-num-objects]")).to_have_text(
        "All 3 items on this screen selected"
    )
    settle(page)
    shot(page, "1-all-selected", full_page=False)
    bar.locator("a:has-text('Change user')").click()
    page.wait_for_url("**/records/companies/bulk/change-user/?*")
    # then she is told which record she may not hand over, and cannot submit
    refusal = page.locator("[data-bulk-refusal]")
    expect(refusal).to_contain_text("“Theirs”")
    expect(page.locator("button[type=submit]:has-text('Change user')")).to_be_disabled()
    shot(page, "2-refused")
    # when she leaves it out
    refusal.locator("a").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-bulk-refusal]")).to_have_count(0)
    records = page.locator("[data-bulk-records] li")
    expect(records).to_have_count(2)
    assert sorted(records.all_inner_texts()) == ["Mine A", "Mine B"]
    # then the owner picker is one user; participants take users, teams and a mode
    expect(page.locator("select[name=user]")).to_be_visible()
    expect(page.locator("select[name=users]")).to_be_hidden()
    page.select_option("select[name=role]", "participant")
    expect(page.locator("select[name=user]")).to_be_hidden()
    page.select_option("select[name=users]", str(bob.pk))
    page.check("input[name=mode][value=add]")
    shot(page, "3-participants")
    page.click("button[type=submit]:has-text('Change user')")
    page.wait_for_url("**/records/companies/")
    expect(page.locator("text=Participants changed on 2 records.")).to_have_count(1)
    settle(page)
    shot(page, "4-done")
    held = grants.holders(get_model("companies").entity, [r.pk for r in mine])
    assert len(held) == 2
    assert all(bob.pk in h["participant"]["users"] for h in held.values())
