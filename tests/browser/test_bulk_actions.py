"""A user selects every row, is told which records she may not hand over, and goes on."""

import pytest

from modules.access import grants
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.browser.helpers import log_in
from tests.browser.test_story import settle

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
    bar.wait_for(state="visible")
    assert (
        bar.locator("[data-bulk-action-num-objects]").inner_text()
        == "All 3 items on this screen selected"
    )
    settle(page)
    shot(page, "1-all-selected", full_page=False)
    bar.locator("a:has-text('Change user')").click()
    page.wait_for_url("**/records/companies/bulk/change-user/?*")
    # then she is told which record she may not hand over, and cannot submit
    refusal = page.locator("[data-bulk-refusal]")
    assert "“Theirs”" in refusal.inner_text()
    assert page.locator("button[type=submit]:has-text('Change user')").is_disabled()
    shot(page, "2-refused")
    # when she leaves it out
    refusal.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-bulk-refusal]").count() == 0
    assert sorted(page.locator("[data-bulk-records] li").all_inner_texts()) == ["Mine A", "Mine B"]
    # then the owner picker is one user; participants take users, teams and a mode
    assert page.locator("select[name=user]").is_visible()
    assert not page.locator("select[name=users]").is_visible()
    page.select_option("select[name=role]", "participant")
    assert not page.locator("select[name=user]").is_visible()
    page.select_option("select[name=users]", str(bob.pk))
    page.check("input[name=mode][value=add]")
    shot(page, "3-participants")
    page.click("button[type=submit]:has-text('Change user')")
    page.wait_for_url("**/records/companies/")
    assert page.locator("text=Participants changed on 2 records.").count() == 1
    settle(page)
    shot(page, "4-done")
    held = grants.holders(get_model("companies").entity, [r.pk for r in mine])
    assert all(bob.pk in h["participant"]["users"] for h in held.values())
