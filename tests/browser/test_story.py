"""The whole story, as a new user would live it, in one browser session.

An administrator adds "Sales potential" to persons in a new section; a plain user fills
it, finds it on the profile and in the list, filters by it, exports the list to XLSX,
exports two selected rows, and moves them to the trash with the bulk bar.
"""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from modules.metamodel.models import FieldDefinition
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.browser.helpers import log_in, settle

pytestmark = pytest.mark.browser


def section(page, label):
    return page.locator("section.tessera-section", has=page.locator(f"h2:text-is('{label}')"))


def sheet_rows(download) -> list[tuple]:
    with open(download.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    return list(book.active.iter_rows(values_only=True))


#: 70000 as the screens may format it (no separator, a comma, a plain or narrow space).
SEVENTY_THOUSAND = re.compile(r"^\s*70[,\u00a0\u202f ]?000\s*$")


def row_of(rows, first_name):
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:] if row[0] == first_name]


def test_sales_potential_from_form_builder_to_trash(page, shot, admin, user):
    # -- the administrator adds the field -----------------------------------------------
    log_in(page, "root")
    shot(page, "01-admin-dashboard")
    page.click("text=Settings")
    page.click("a:has-text('Data model')")
    page.wait_for_url("**/settings/data-model/")
    page.click("table.listing a[href$='/settings/data-model/persons/']")
    page.wait_for_url("**/settings/data-model/persons/")
    page.fill(".tessera-add-section input[name=label_0]", "Segmentation")
    page.click("button:has-text('Add section')")
    page.wait_for_load_state("networkidle")
    expect(section(page, "Segmentation")).to_have_count(1)
    shot(page, "02-builder-new-section")
    section(page, "Segmentation").locator("a:has-text('Add field here')").click()
    page.wait_for_url("**/add-field/?section=*")
    page.select_option("select[name=type]", "integer")
    page.fill("input[name=label_0]", "Sales potential")
    page.check("input[name=is_basic]")
    # persons already ship a 0-100 "sales_potential" score, so the suggested name is taken
    expect(page.locator("input[name=api_name]")).to_have_value("sales_potential")
    page.click("button[type=submit]:has-text('Add field')")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".error-message").first).to_be_visible()
    shot(page, "03-add-field-name-taken")
    page.fill("input[name=api_name]", "sales_potential_value")
    shot(page, "04-add-field")
    page.click("button[type=submit]:has-text('Add field')")
    page.wait_for_url("**/settings/data-model/persons/")
    added = section(page, "Segmentation").locator("[data-field=sales_potential_value]")
    expect(added).to_have_count(1)
    settle(page, section(page, "Segmentation"))
    shot(page, "05-builder-with-field", full_page=False)
    field = FieldDefinition.objects.alive().get(
        entity_type__slug="persons", api_name="sales_potential_value"
    )
    assert (field.type, str(field.label), field.is_basic) == ("integer", "Sales potential", True)
    # and sees it on the person form, under "Segmentation"
    page.goto("/records/persons/new/")
    panel = page.locator("section", has=page.locator("h2:has-text('Segmentation')")).last
    expect(panel.locator("input[name=sales_potential_value]")).to_have_count(1)
    settle(page, panel.locator("input[name=sales_potential_value]"))
    shot(page, "06-admin-person-form", full_page=False)

    # -- a plain user fills it in ------------------------------------------------------
    for first, potential in (("Jan", 1200), ("Ewa", 50)):
        RecordService().create(
            user,
            "persons",
            {"first_name": first, "last_name": "Nowak", "sales_potential_value": potential},
        )
    page.context.clear_cookies()
    log_in(page, "alice")
    page.click("text=Records")
    page.click("a:has-text('Persons')")
    page.wait_for_url("**/records/persons/")
    page.click("text=Add")
    page.wait_for_url("**/records/persons/new/")
    page.fill("input[name=first_name]", "Zofia")
    page.fill("input[name=last_name]", "Wiśniewska")
    page.fill("input[name=email]", "zofia@example.com")
    page.fill("input[name=sales_potential_value]", "70000")
    settle(page, page.locator("input[name=sales_potential_value]"))
    shot(page, "07-user-person-form", full_page=False)
    page.click("button[type=submit]:has-text('Create')")
    # saving opens the new record's profile
    page.wait_for_url("**/records/persons/inspect/*/")
    person = get_model("persons").objects.get(first_name="Zofia")
    assert (person.sales_potential_value, person.owner_id) == (70000, user.pk)
    settle(page)
    shot(page, "08-profile-after-create")

    # -- the profile shows it in its section ---------------------------------------------
    page.goto(f"/records/persons/inspect/{person.pk}/")
    profile = page.locator("section", has=page.locator("h2:text-is('Segmentation')"))
    expect(profile.locator("dt:text-is('Sales potential')")).to_have_count(1)
    expect(profile.locator("dd")).to_have_text(SEVENTY_THOUSAND)
    settle(page, profile)
    shot(page, "09-profile", full_page=False)

    # -- the list shows it as a column -------------------------------------------------
    page.goto("/records/persons/")
    expect(page.locator("table.listing thead th", has_text="Sales potential")).to_have_count(1)
    headers = page.locator("table.listing thead th").all_inner_texts()
    column = [h.strip() for h in headers].index("Sales potential")
    zofia = page.locator("table.listing tbody tr", has_text="Zofia Wiśniewska")
    expect(zofia.locator("td").nth(column)).to_have_text(SEVENTY_THOUSAND)
    shot(page, "10-list")

    # -- filtered by it, in the filter menu ----------------------------------------------
    page.click("button[aria-label='Show filters']")
    # persons have two "Sales potential" filters (the shipped score too): pick the new one
    page.click("[aria-controls='drilldown-id_sales_potential_value']")
    low = page.locator("input[name=sales_potential_value_min]")
    expect(low).to_have_attribute("placeholder", "From")
    low.fill("1000")
    page.keyboard.press("Tab")
    page.wait_for_url("**/records/persons/?*sales_potential_value_min=1000*")
    titles = page.locator("table.listing tbody tr td.title")
    expect(titles).to_have_count(2)
    assert sorted(t.strip() for t in titles.all_inner_texts()) == ["Jan Nowak", "Zofia Wiśniewska"]
    settle(page)
    shot(page, "11-filtered", full_page=False)
    page.keyboard.press("Escape")

    # -- the filtered list exported to XLSX through the header menu ----------------------
    page.click("button[aria-label='Actions']")
    expect(page.locator("a:has-text('Download XLSX')")).to_be_visible()
    settle(page)
    shot(page, "12-export-menu", full_page=False)
    with page.expect_download() as info:
        page.click("a:has-text('Download XLSX')")
    exported = sheet_rows(info.value)
    assert info.value.suggested_filename == "persons.xlsx"
    assert sorted(r[0] for r in exported[1:]) == ["Jan", "Zofia"]  # the filter applies
    (zofia_row,) = row_of(exported, "Zofia")
    assert zofia_row["Last name"] == "Wiśniewska" and zofia_row["E-mail"] == "zofia@example.com"
    assert 70000 in zofia_row.values()

    # -- two rows selected: export them, then move them to the trash -------------------
    page.goto("/records/persons/")
    for name in ("Zofia Wiśniewska", "Jan Nowak"):
        page.locator("table.listing tbody tr", has_text=name).locator(
            "input[data-bulk-action-checkbox]"
        ).check()
    bar = page.locator("[data-bulk-action-footer]")
    expect(bar).to_be_visible()
    expect(bar.locator("[data-bulk-action-num-objects]")).to_have_text("2 items selected")
    settle(page)
    shot(page, "13-two-selected", full_page=False)
    with page.expect_download() as info:
        bar.locator("a:has-text('Export selected (XLSX)')").click()
    selected = sheet_rows(info.value)
    assert sorted(r[0] for r in selected[1:]) == ["Jan", "Zofia"]
    bar.locator("a:has-text('Move to trash')").click()
    page.wait_for_url("**/records/persons/bulk/trash/?*")
    records = page.locator("[data-bulk-records] li")
    expect(records).to_have_count(2)
    assert sorted(records.all_inner_texts()) == ["Jan Nowak", "Zofia Wiśniewska"]
    shot(page, "14-confirm-trash")
    page.click("button:has-text('Yes, move to trash')")
    page.wait_for_url("**/records/persons/")
    expect(page.locator("text=2 records moved to the trash.")).to_have_count(1)
    expect(page.locator("table.listing tbody tr", has_text="Zofia")).to_have_count(0)
    settle(page)
    shot(page, "15-after-trash")
    trashed = get_model("persons").objects.filter(deleted_at__isnull=False)
    assert sorted(trashed.values_list("first_name", flat=True)) == ["Jan", "Zofia"]
    page.goto("/records/persons/trash/")
    shot(page, "16-trash")
