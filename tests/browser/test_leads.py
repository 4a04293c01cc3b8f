"""An administrator sets up lead distribution in the browser; a new lead goes by the rule."""

import pytest
from playwright.sync_api import expect

from modules.records.services import RecordService
from tests.browser.helpers import log_in, settle

pytestmark = pytest.mark.browser


def test_an_admin_adds_a_rule_previews_it_and_a_new_lead_follows_it(page, shot, admin, make_user):
    # given two sellers
    ala, bob = make_user(first_name="Ala", last_name="Nowak"), make_user(first_name="Bob")
    log_in(page, "root")
    # when the admin adds a rule for Polish leads, half and half, on a phone-sized screen
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/settings/lead-distribution/")
    page.click("text=Add a rule")
    page.fill("#id_name", "Poland")
    page.select_option("select[name=cond-0-field]", "country")
    page.select_option("select[name=cond-0-op]", "eq")
    page.fill("input[name=cond-0-value]", "PL")
    page.select_option("select[name=asg-0-who]", f"user:{ala.pk}")
    page.fill("input[name=asg-0-percent]", "50")
    page.select_option("select[name=asg-1-who]", f"user:{bob.pk}")
    page.fill("input[name=asg-1-percent]", "40")
    page.click("button:has-text('Save')")
    # then the sum is refused next to the shares, the rows kept
    expect(page.locator("text=they must add up to 100")).to_be_visible()
    expect(page.locator("input[name=cond-0-value]")).to_have_value("PL")
    settle(page)
    shot(page, "1-refused-390")
    # when corrected
    page.fill("input[name=asg-1-percent]", "50")
    page.click("button:has-text('Save')")
    expect(page.locator("tr[data-rule]")).to_have_count(1)
    settle(page)
    shot(page, "2-rules-390")
    # the preview splits the next 100 leads 50 / 50
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.click("tr[data-rule] >> text=Preview")
    expect(page.locator(f"[data-preview-user='{ala.pk}'] td").nth(1)).to_have_text("50")
    expect(page.locator(f"[data-preview-user='{bob.pk}'] td").nth(1)).to_have_text("50")
    shot(page, "3-preview")
    # and a new Polish lead goes to Ala, saying why on its profile
    lead = RecordService().create(admin, "leads", {"last_name": "Kowalski", "country": "PL"})
    assert lead.owner_id == ala.pk
    page.goto(f"/records/leads/inspect/{lead.pk}/")
    expect(page.locator("text=Matched rule “Poland”").first).to_be_visible()
    shot(page, "4-lead")
