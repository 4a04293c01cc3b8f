"""An administrator reconfigures the companies' segmentation and sees records move."""

import pytest
from playwright.sync_api import expect

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_an_admin_changes_a_range_previews_saves_and_records_move(page, shot, admin):
    # given companies in three segments
    service = RecordService()
    made = {
        p: service.create(admin, "companies", {"name": f"Potential {p}", "sales_potential": p})
        for p in (10, 40, 80)
    }
    log_in(page, "root")
    # when the admin opens Settings > Segmentation > Companies
    page.goto("/settings/segmentation/")
    page.click("table.listing a[href$='/settings/segmentation/companies/']")
    page.wait_for_url("**/settings/segmentation/companies/")
    expect(page.locator("[data-chart=current]")).to_be_visible()
    shot(page, "1-configurator")
    param = page.locator("[data-param]").first
    # adds a range and removes it again
    rows = param.locator("[data-rules=numeric] [data-rule]")
    expect(rows).to_have_count(4)
    param.locator("button:has-text('Add range')").click()
    expect(rows).to_have_count(5)
    rows.nth(4).locator("button:has-text('Remove')").click()
    expect(rows).to_have_count(4)
    # moves the top range's start from 75 to 90 and renames the top segment
    rows.nth(2).locator("input[name$='-max']").fill("90")
    rows.nth(3).locator("input[name$='-min']").fill("90")
    page.fill("input[name=segment-3-name]", "Top")
    # and previews the distribution
    page.click("button:has-text('Preview the distribution')")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-chart=preview]")).to_be_visible()
    expect(page.locator("input[name=segment-3-name]")).to_have_value("Top")
    shot(page, "2-preview")
    # then saves it
    page.click("button:has-text('Save and re-score every record')")
    page.wait_for_load_state("networkidle")
    expect(page.locator("text=Every record was re-scored")).to_be_visible()
    shot(page, "3-saved")
    # then the record at 80 moved from Ideal to Good, in the list and on its profile
    stored = get_model("companies").objects.get(pk=made[80].pk)
    assert stored.segment == "Good"
    page.goto("/records/companies/?segment=Good")
    expect(page.locator("text=Potential 80").first).to_be_visible()
    expect(page.locator("text=Potential 10")).to_have_count(0)
    shot(page, "4-list-filtered")
    page.goto(f"/records/companies/inspect/{made[80].pk}/")
    why = page.locator("[data-why]")
    expect(why).to_be_visible()
    expect(why).to_contain_text("Sales potential")
    shot(page, "5-profile-why")


def test_a_gap_between_segments_is_shown_next_to_the_segment(page, shot, admin):
    log_in(page, "root")
    page.goto("/settings/segmentation/persons/")
    # when the second segment starts above where the first ends
    page.fill("input[name=segment-1-min]", "12")
    page.click("button:has-text('Save and re-score every record')")
    page.wait_for_load_state("networkidle")
    # then
    expect(page.locator("text=fall in no segment")).to_be_visible()
    shot(page, "gap-error")
