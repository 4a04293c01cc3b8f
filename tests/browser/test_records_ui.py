"""An end user works with persons in the browser: list, create, profile, filter, export."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from modules.metamodel.runtime import get_model
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_a_user_creates_a_person_and_finds_it_again(page, shot, schema, admin, user):
    # given an admin added a "Priority score" field to persons
    schema.add_field(admin, "persons", api_name="priority", label="Priority score", type="integer")
    log_in(page, "alice")
    shot(page, "1-dashboard")
    # when she opens Persons from the menu and adds one
    page.click("text=Records")
    page.click("a:has-text('Persons')")
    page.wait_for_url("**/records/persons/")
    shot(page, "2-list")
    page.click("text=Add")
    page.wait_for_url("**/records/persons/new/")
    page.fill("input[name=first_name]", "Zofia")
    page.fill("input[name=last_name]", "Wiśniewska")
    page.fill("input[name=email]", "zofia@example.com")
    page.fill("input[name=priority]", "87")
    shot(page, "3-form")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_load_state("networkidle")
    # then the record exists, owned by her
    person = get_model("persons").objects.get(first_name="Zofia")
    assert (person.priority, person.owner_id) == (87, user.pk)
    # and its profile shows the field
    page.goto(f"/records/persons/inspect/{person.pk}/")
    expect(page.locator("text=Priority score").first).to_be_visible()
    expect(page.locator("dd:has-text('87')")).to_have_count(1)
    shot(page, "4-profile")
    # and the list shows it and can search for it
    page.goto("/records/persons/?q=Wiśniewska")
    expect(page.locator("text=Zofia Wiśniewska").first).to_be_visible()
    shot(page, "5-search")
    # and the export of that list holds it
    exported = page.context.request.get("/records/persons/?q=Wiśniewska&export=xlsx")
    assert exported.ok
    data = exported.body()
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    header = rows[0]
    assert rows[1][header.index("Priority score")] == 87
    assert rows[1][header.index("First name")] == "Zofia"


def test_errors_show_next_to_the_fields(page, shot, user):
    log_in(page, "alice")
    page.goto("/records/companies/new/")
    page.fill("input[name=employees]", "12")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_load_state("networkidle")
    shot(page, "1-errors")
    expect(page.locator("text=This field is required").first).to_be_visible()
    assert get_model("companies").objects.count() == 0
