"""An administrator relates two companies on a profile and sees the relation from both sides."""

import pytest

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
    panel.wait_for()
    side = f"{hq_type.pk}.source"
    page.select_option("[data-relation-side-select]", side)
    picker = page.locator(f"#relation-other-{hq_type.pk}-source")
    assert picker.is_visible()
    # and types part of the other company's name
    picker.press_sequentially("kra", delay=40)
    options = page.locator(f"#relation-other-{hq_type.pk}-source-listbox [role=option]")
    options.first.wait_for()
    assert "Acme Kraków" in options.all_inner_texts()
    shot(page, "1-type-ahead")
    picker.press("ArrowDown")
    picker.press("Enter")
    assert picker.input_value() == "Acme Kraków"
    page.click("[data-relation-add] button[type=submit]")
    page.wait_for_url(f"**/records/companies/inspect/{main.pk}/")
    # then the panel lists the branch under "Branch"
    group = page.locator(f'[data-relation-side="{side}"]')
    assert "Branch" in group.locator("h3").inner_text()
    link = group.locator(".tessera-relations__item a", has_text="Acme Kraków")
    link.wait_for()
    assert "Acme Kraków added as Branch." in page.content()
    # and hovering it shows the branch's key fields
    link.hover()
    card = group.locator(".tessera-relations__card").first
    card.wait_for(state="visible")
    assert "Kraków" in card.inner_text()
    shot(page, "2-added")
    # when the admin follows the link to the branch's profile
    link.click()
    page.wait_for_url(f"**/records/companies/inspect/{branch.pk}/")
    # then the branch shows its headquarters
    group = page.locator(f'[data-relation-side="{hq_type.pk}.target"]')
    assert "Headquarters" in group.locator("h3").inner_text()
    assert group.locator(".tessera-relations__item a", has_text="Acme SA").is_visible()
    group.scroll_into_view_if_needed()
    shot(page, "3-branch")
