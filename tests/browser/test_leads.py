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


def test_a_lead_is_qualified_and_two_persons_merged_in_the_browser(page, shot, admin):
    # given a lead whose contact already exists as a person, twice
    service = RecordService()
    first = service.create(
        admin, "persons", {"first_name": "Jan", "last_name": "Kowalski", "email": "jan@k.example"}
    )
    second = service.create(
        admin,
        "persons",
        {
            "first_name": "Jan",
            "last_name": "Kowalski",
            "email": "JAN@k.example",
            "phone": "+48 600",
        },
    )
    lead = service.create(
        admin,
        "leads",
        {
            "first_name": "Jan",
            "last_name": "Kowalski",
            "email": "jan@k.example",
            "company_name": "Kowal",
        },
    )
    log_in(page, "root")
    page.set_viewport_size({"width": 390, "height": 900})
    # when the admin qualifies the lead from its profile, linking the existing person
    page.goto(f"/records/leads/inspect/{lead.pk}/")
    page.click("text=Qualify…")
    page.wait_for_url(f"**/records/leads/{lead.pk}/qualify/")
    expect(page.locator(f"input[name=person][value='{second.pk}']")).to_be_checked()
    settle(page)
    shot(page, "1-qualify-390")
    page.click("button:has-text('Qualify')")
    # then the new deal opens, linked to the person and the new company
    expect(page.locator("text=The lead is qualified.")).to_be_visible()
    qualified = service.get(admin, "leads", lead.pk)
    assert qualified.status == "qualified" and qualified.person_id == second.pk
    assert service.get(admin, "deals", qualified.deal_id).contact_id == second.pk
    shot(page, "2-deal-390")
    # when the admin merges the two persons from the profile's duplicates panel
    page.goto(f"/records/persons/inspect/{first.pk}/")
    expect(page.locator("[data-duplicates-panel]")).to_be_visible()
    page.click("[data-duplicates-panel] >> text=Merge into this record…")
    page.check("input[name=pick-phone][value=merged]")
    settle(page)
    shot(page, "3-merge-390")
    page.click("button:has-text('Merge')")
    expect(page.locator("text=The records are merged")).to_be_visible()
    # then the kept person has the phone, the deal points at it, the other is in the trash
    assert service.get(admin, "persons", first.pk).phone == "+48 600"
    assert service.get(admin, "deals", qualified.deal_id).contact_id == first.pk
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"/records/persons/{first.pk}/history/")
    expect(page.locator("text=merge").first).to_be_visible()
    shot(page, "4-history")
