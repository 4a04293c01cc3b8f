"""An administrator relates two companies on a profile and sees the relation from both sides."""

import pytest
from playwright.sync_api import expect

from modules.records.services import RecordService
from modules.relations.models import RelationType
from modules.relations.type_service import RelationTypeService
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def headquarters_branch(admin) -> RelationType:
    """The shipped Headquarters — Branch type, or one made like it."""
    found = RelationType.objects.filter(key="headquarters_branch", deleted_at__isnull=True).first()
    if found is not None:
        return found
    return RelationTypeService().create(
        admin,
        {
            "key": "headquarters_branch",
            "source": "companies",
            "target": "companies",
            "source_label": {"en": "Headquarters", "pl": "Centrala"},
            "target_label": {"en": "Branch", "pl": "Oddział"},
            "max_sources": 1,
        },
    )


def test_an_admin_adds_a_branch_on_the_profile(page, shot, admin):
    # given two companies and the Headquarters — Branch type
    hq_type = headquarters_branch(admin)
    main = RecordService().create(admin, "companies", {"name": "Acme SA", "city": "Warszawa"})
    branch = RecordService().create(admin, "companies", {"name": "Acme Kraków", "city": "Kraków"})
    log_in(page, "root")
    # when the admin opens the headquarters' profile and picks the branch side
    page.goto(f"/records/companies/inspect/{main.pk}/")
    panel = page.locator("[data-relations-panel]")
    expect(panel).to_be_visible()
    side = f"{hq_type.pk}.source"
    page.select_option("[data-relation-side-select]", side)
    picker = page.locator(f"#relation-other-{hq_type.pk}-source")
    expect(picker).to_be_visible()
    # and types part of the other company's name
    picker.press_sequentially("kra", delay=40)
    options = page.locator(f"#relation-other-{hq_type.pk}-source-listbox [role=option]")
    expect(options.filter(has_text="Acme Kraków")).to_have_count(1)
    shot(page, "1-type-ahead")
    picker.press("ArrowDown")
    picker.press("Enter")
    expect(picker).to_have_value("Acme Kraków")
    page.click("[data-relation-add] button[type=submit]")
    page.wait_for_url(f"**/records/companies/inspect/{main.pk}/")
    # then the panel lists the branch under "Branch"
    group = page.locator(f'[data-relation-side="{side}"]')
    expect(group.locator("h3")).to_contain_text("Branch")
    link = group.locator(".tessera-relations__item a", has_text="Acme Kraków")
    expect(link).to_be_visible()
    expect(page.get_by_text("Acme Kraków added as Branch.")).to_be_visible()
    # and hovering it shows the branch's key fields
    link.hover()
    card = group.locator(".tessera-relations__card").first
    expect(card).to_be_visible()
    expect(card).to_contain_text("Kraków")
    shot(page, "2-added")
    # when the admin follows the link to the branch's profile
    link.click()
    page.wait_for_url(f"**/records/companies/inspect/{branch.pk}/")
    # then the branch shows its headquarters
    group = page.locator(f'[data-relation-side="{hq_type.pk}.target"]')
    expect(group.locator("h3")).to_contain_text("Headquarters")
    expect(group.locator(".tessera-relations__item a", has_text="Acme SA")).to_be_visible()
    group.scroll_into_view_if_needed()
    shot(page, "3-branch")
