"""An administrator renames a field and finds the rename on the entity type's History tab."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_an_admin_sees_a_renamed_field_in_the_history(page, shot, schema, admin):
    # given persons have a "Rating" field
    schema.add_field(admin, "persons", api_name="rating", label="Rating", type="integer")
    log_in(page, "root")
    # when the admin renames it in the form builder
    page.goto("/settings/data-model/persons/fields/rating/")
    page.fill("input[name=label_0]", "Customer rating")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_url("**/settings/data-model/persons/")
    # and opens the entity type's history
    page.click("a:has-text('History')")
    page.wait_for_url("**/settings/data-model/persons/history/")
    # then the newest line says who renamed which field, from what to what
    first = page.locator("tr[data-change]").first
    expect(first).to_contain_text("Ada Admin")
    expect(first.locator(".tessera-before").first).to_have_text("Rating")
    expect(first.locator(".tessera-after").first).to_have_text("Customer rating")
    expect(first).to_contain_text("changed")
    shot(page, "1-history")
