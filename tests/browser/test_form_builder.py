"""An administrator shapes the person form in the form builder, then sees it on the form."""

import pytest
from playwright.sync_api import expect

from modules.metamodel.models import FieldDefinition
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def section(page, label):
    return page.locator("section.tessera-section", has=page.locator(f"h2:text-is('{label}')"))


def test_an_admin_adds_a_field_in_a_new_section(page, shot, admin):
    log_in(page, "root")
    # given the admin opens the data model from the Settings menu
    page.click("text=Settings")
    page.click("a:has-text('Data model')")
    page.wait_for_url("**/settings/data-model/")
    shot(page, "1-entity-types")
    page.click("table.listing a[href$='/settings/data-model/persons/']")
    page.wait_for_url("**/settings/data-model/persons/")
    shot(page, "2-builder")
    # when she adds a section "Segmentation"
    page.fill(".tessera-add-section input[name=label_0]", "Segmentation")
    page.click("button:has-text('Add section')")
    page.wait_for_load_state("networkidle")
    expect(section(page, "Segmentation")).to_have_count(1)
    # and adds an integer field into it
    section(page, "Segmentation").locator("a:has-text('Add field here')").click()
    page.wait_for_url("**/add-field/?section=*")
    page.select_option("select[name=type]", "integer")
    page.fill("input[name=label_0]", "Sales potential score")
    expect(page.locator("input[name=api_name]")).to_have_value("sales_potential_score")
    page.fill("input[name=api_name]", "sales_score")
    expect(page.locator("select[name=section] option:checked")).to_have_text("Segmentation")
    shot(page, "3-add-field")
    page.click("button[type=submit]:has-text('Add field')")
    page.wait_for_url("**/settings/data-model/persons/")
    # then the builder shows it in that section
    expect(section(page, "Segmentation").locator("[data-field=sales_score]")).to_have_count(1)
    shot(page, "4-builder-with-field")
    field = FieldDefinition.objects.alive().get(entity_type__slug="persons", api_name="sales_score")
    assert (field.type, str(field.label)) == ("integer", "Sales potential score")
    # and the person form shows the field under the heading "Segmentation"
    page.goto("/records/persons/new/")
    panel = page.locator("section", has=page.locator("h2:has-text('Segmentation')")).last
    expect(panel.locator("input[name=sales_score]")).to_have_count(1)
    expect(panel.locator("text=Sales potential score").first).to_be_visible()
    shot(page, "5-person-form")


def test_an_admin_drags_a_field_into_another_section(page, shot, schema, admin):
    # given persons have a second, empty section
    schema.add_field(admin, "persons", api_name="rating", label="Rating", type="integer")
    log_in(page, "root")
    page.goto("/settings/data-model/persons/")
    page.fill(".tessera-add-section input[name=label_0]", "Scores")
    page.click("button:has-text('Add section')")
    page.wait_for_load_state("networkidle")
    # when she drags "Rating" into it
    source = page.locator("[data-field=rating] .tessera-handle")
    target = section(page, "Scores").locator("ul[data-fields]")
    source.drag_to(target)
    page.wait_for_load_state("networkidle")
    expect(page.locator("text=Layout saved.")).to_be_visible()
    shot(page, "1-dragged")
    # then the layout holds it there
    expect(section(page, "Scores").locator("[data-field=rating]")).to_have_count(1)
    item = FieldDefinition.objects.alive().get(entity_type__slug="persons", api_name="rating")
    from modules.metamodel.models import LayoutItem

    assert str(LayoutItem.objects.get(field=item).section) == "Scores"


def test_a_plain_user_sees_no_data_model_settings(page, user):
    log_in(page, "alice")
    response = page.goto("/settings/data-model/")
    assert response.status == 403
