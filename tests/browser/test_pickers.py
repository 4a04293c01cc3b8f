"""An end user links a person to a company and adds a participant with the type-ahead pickers."""

import pytest
from playwright.sync_api import expect

from modules.access import grants
from modules.access.services import AccessService
from modules.accounts.models import Team
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_a_user_picks_a_company_with_the_keyboard(page, shot, admin, user, make_user):
    # given companies, one of them hidden from alice
    for name in ("Nordwind Logistics", "Nordic Paper", "Baltic Foods"):
        RecordService().create(admin, "companies", {"name": name})
    RecordService().create(
        admin, "companies", {"name": "Nordstar Secret"}, owner=admin, visibility="hidden"
    )
    # and Users may hand persons over, so alice's form offers participants
    actions = ["view", "add", "edit", "export", "view_history", "change_user"]
    AccessService().update_permissions(admin, "persons", system={"user": actions})
    bob = make_user("bob", first_name="Bob", last_name="Brown")
    north = Team.objects.create(name="Sales North")
    Team.objects.create(name="Support")
    log_in(page, "alice")
    # when she adds a person and types part of a company name
    page.goto("/records/persons/new/")
    page.fill("input[name=first_name]", "Zofia")
    page.fill("input[name=last_name]", "Wiśniewska")
    company = page.locator("#id_company")
    company.press_sequentially("nord", delay=40)
    options = page.locator("#id_company-listbox [role=option]")
    expect(company).to_have_attribute("aria-expanded", "true")
    # then she sees only what she may see
    expect(options).to_have_count(2)
    assert sorted(options.all_inner_texts()) == ["Nordic Paper", "Nordwind Logistics"]
    company.press("ArrowDown")
    company.press("ArrowDown")
    active = page.locator("#id_company-listbox [role=option][aria-selected=true]")
    expect(active).to_have_text("Nordwind Logistics")
    expect(company).to_have_attribute("aria-activedescendant", active.get_attribute("id"))
    shot(page, "1-suggestions")
    # and Enter picks it (without submitting the form)
    company.press("Enter")
    expect(company).to_have_value("Nordwind Logistics")
    expect(company).to_have_attribute("aria-expanded", "false")
    assert page.url.endswith("/records/persons/new/")
    # and she adds bob as a participant, then Escape closes another search
    participants = page.locator("#id_participants")
    participants.press_sequentially("bro", delay=40)
    page.locator("#id_participants-listbox [role=option]").first.wait_for()
    participants.press("ArrowDown")
    participants.press("Enter")
    chips = page.locator("[data-name=participants] .tessera-picker__chip")
    expect(chips).to_have_text("Bob Brown (bob)")
    participants.press_sequentially("zzz", delay=40)
    page.locator("[data-tessera-picker][data-name=participants] [data-picker-message]").filter(
        has_text="Nothing found"
    ).wait_for()
    shot(page, "2-nothing-found")
    participants.press("Escape")
    expect(participants).to_have_attribute("aria-expanded", "false")
    participants.press("Escape")
    expect(participants).to_have_value("")
    # and the sales team, picked with the mouse
    page.locator("#id_participant_teams").press_sequentially("sal", delay=40)
    page.click("#id_participant_teams-listbox [role=option]:has-text('Sales North')")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_load_state("networkidle")
    # then the person is saved with the company and the participant
    person = get_model("persons").objects.get(first_name="Zofia")
    nordwind = get_model("companies").objects.get(name="Nordwind Logistics")
    assert person.company_id == nordwind.pk
    held = grants.holders(get_model("persons").entity, [person.pk])[person.pk]["participant"]
    assert (held["users"], held["teams"]) == ([bob.pk], [north.pk])
    # and the profile shows the company
    page.goto(f"/records/persons/inspect/{person.pk}/")
    expect(page.locator("dd:has-text('Nordwind Logistics')")).to_have_count(1)
    shot(page, "3-profile")
    # and the edit form shows it in the picker, which a click on the cross clears
    page.goto(f"/records/persons/edit/{person.pk}/")
    expect(page.locator("#id_company")).to_have_value("Nordwind Logistics")
    shot(page, "4-edit")
    page.locator("#id_participants").scroll_into_view_if_needed()
    expect(page.locator("#id_owner")).to_have_value("Alice Smith (alice)")
    shot(page, "5-edit-sharing")
    page.click("[data-tessera-picker][data-name=company] [data-picker-clear]")
    expect(page.locator("input[type=hidden][name=company]")).to_have_value("")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_load_state("networkidle")
    person.refresh_from_db()
    assert person.company_id is None
