"""Regional formats and the editors without JSON, in the browser, in English and in Polish:
a Polish list and profile with money and dates as Poles write them, the numbering preview,
and the choices editor, on a desktop and at 390 px."""

import pytest
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from modules.metamodel.models import FieldDefinition
from modules.records.services import RecordService
from tests.browser.helpers import log_in, settle

pytestmark = pytest.mark.browser
NBSP = "\N{NO-BREAK SPACE}"
WORDS = {
    "en": {"save": "Save", "add": "Add a choice", "preview": "The first number will be:"},
    "pl": {"save": "Zapisz", "add": "Dodaj opcję", "preview": "Pierwszy numer będzie taki:"},
}


def speaks(user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def test_a_polish_user_reads_money_and_dates_the_polish_way(page, shot, admin):
    # given a deal worth 330 000 PLN closing on 5 March 2027, and a Polish administrator
    speaks(admin, "pl")
    deal = RecordService().create(
        admin,
        "deals",
        {
            "name": "Wdrożenie CRM",
            "value": {"amount": "330000", "currency": "PLN"},
            "expected_close_date": "2027-03-05",
        },
    )
    log_in(page, "root")
    # when she opens the deals
    page.goto("/records/deals/")
    # then labels are Polish and money is grouped with a decimal comma
    expect(page.locator("h1")).to_contain_text("Szanse sprzedaży")
    expect(page.locator("main")).to_contain_text(f"330{NBSP}000,00{NBSP}PLN")
    expect(page.locator("main")).not_to_contain_text("Add ")
    shot(page, "1-list")
    # and the profile writes the date day first
    page.goto(f"/records/deals/inspect/{deal.pk}/")
    expect(page.locator("main")).to_contain_text("05.03.2027")
    expect(page.locator("main")).to_contain_text("Planowana data zamknięcia")
    shot(page, "2-profile")


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_numbering_preview_follows_the_pattern_as_it_is_typed(page, shot, admin, language):
    speaks(admin, language)
    log_in(page, "root")
    page.goto("/settings/data-model/deals/numbering/")
    preview = page.locator("[data-numbering-preview]")
    # when the administrator types a pattern and a first number
    page.fill("input[name=pattern]", "%N/%Y")
    page.fill("input[name=start]", "1000")
    # then the preview shows the first number before anything is saved
    year = page.locator("[data-numbering]").get_attribute("data-year")
    expect(preview).to_have_text(f"1000/{year}")
    expect(page.locator("main")).to_contain_text(WORDS[language]["preview"])
    settle(page, preview)
    shot(page, f"{language}-1-preview")
    # when the number token is missing, the page says so at once
    page.fill("input[name=pattern]", "FV/%Y")
    expect(page.locator("[data-numbering-problem]")).to_be_visible()
    shot(page, f"{language}-2-missing-number")
    # and saving it is refused with the reason next to the pattern
    page.click(f"button[type=submit]:has-text('{WORDS[language]['save']}')")
    expect(page.locator("p.error-message")).to_contain_text("%N")
    page.fill("input[name=pattern]", "FV-%N/%Y")
    page.click(f"button[type=submit]:has-text('{WORDS[language]['save']}')")
    page.wait_for_url("**/settings/data-model/deals/")
    number = FieldDefinition.objects.get(entity_type__slug="deals", api_name="number")
    assert (number.options["pattern"], number.options["start"]) == ("FV-%N/%Y", 1000)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_choices_are_added_moved_and_coloured_without_json(page, shot, admin, language):
    speaks(admin, language)
    log_in(page, "root")
    page.goto("/settings/data-model/persons/fields/source/")
    editor = page.locator("[data-choices]")
    expect(page.locator("textarea[name=options]")).to_have_count(0)
    # when a choice is added from the keyboard, named in both languages, coloured and moved up
    editor.locator("[data-choices-add]").focus()
    page.keyboard.press("Enter")
    row = editor.locator("[data-choice]").last
    expect(row.locator("input[name=choices-label-en]")).to_be_focused()
    page.keyboard.type("On hold")
    row.locator("input[name=choices-label-pl]").fill("Wstrzymana")
    row.locator("select[name=choices-color]").select_option("#ca8a04")
    rows = editor.locator("[data-choice]")
    count = rows.count()
    # the blank row sits before the new one: move the new one above it and one more
    row.locator("[data-choice-up]").click()
    rows.nth(count - 2).locator("[data-choice-up]").click()
    settle(page, editor)
    shot(page, f"{language}-1-editor")
    page.click(f"button[type=submit]:has-text('{WORDS[language]['save']}')")
    page.wait_for_url("**/settings/data-model/persons/")
    # then the new choice has a code made from its label, its colour and its place
    choices = FieldDefinition.objects.get(entity_type__slug="persons", api_name="source").options[
        "choices"
    ]
    assert choices[-2] == {
        "value": "on_hold",
        "label": {"en": "On hold", "pl": "Wstrzymana"},
        "color": "#ca8a04",
    }
    assert choices[-1]["value"] == "other"


def test_the_choices_editor_fits_a_phone(browser, live_server, live_schema, shot, admin):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, "root")
    page.goto("/settings/data-model/persons/fields/source/")
    editor = page.locator("[data-choices]")
    settle(page, editor)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    shot(page, "1-phone")
    context.close()
