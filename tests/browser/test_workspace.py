"""The workspace in the browser, in English and in Polish: sign-in, home, the sidebar's
type-ahead, a row opening the profile, Edit and back, a relation of the second type, the
questions before suspending, names at 390 px; and axe-core on the main screens."""

from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from modules.records.services import RecordService
from tests.browser.helpers import PASSWORD, log_in, settle

pytestmark = pytest.mark.browser

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
#: Impacts an accessibility check refuses.
REFUSED = {"serious", "critical"}

TEXTS = {
    "en": {"sign_in": "Sign in to Tessera", "home": "Home", "recent": "Recent changes"},
    "pl": {"sign_in": "Zaloguj się do Tessery", "home": "Start", "recent": "Ostatnie zmiany"},
}


@pytest.fixture
def in_language(browser, live_schema, live_server, request):
    """A page whose browser asks for `language` (Accept-Language)."""
    contexts = []

    def open_page(language: str, width: int = 1400):
        context = browser.new_context(
            base_url=live_server.url,
            locale={"en": "en-GB", "pl": "pl-PL"}[language],
            viewport={"width": width, "height": 900},
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, as "rule: target" lines."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']}: {node['target']}"
        for v in found
        if v["impact"] in REFUSED
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_user_signs_in_finds_a_person_by_typing_and_edits_from_the_profile(
    in_language, shot, make_user, language
):
    # given a sales rep with records of her own, one of them Weronika Wróbel
    ola = make_user("ola", admin=True, first_name="Ola", last_name="Nowak")
    acme = RecordService().create(ola, "companies", {"name": "Acme Polska"})
    weronika = RecordService().create(
        ola, "persons", {"first_name": "Weronika", "last_name": "Wróbel", "company": acme.pk}
    )
    page = in_language(language)
    texts = TEXTS[language]
    # when she opens Tessera: its own sign-in page
    page.goto("/login/")
    expect(page.locator("h1")).to_have_text(texts["sign_in"])
    assert "Wagtail" not in page.title()
    shot(page, f"{language}-1-sign-in")
    page.fill("#id_username", "ola")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    # then the home page shows her recent changes
    expect(page.locator("h1")).to_contain_text(texts["home"])
    recent = page.locator('[data-home-panel="recent-changes"]')
    expect(recent).to_contain_text(texts["recent"])
    expect(recent.locator("a", has_text="Weronika Wróbel")).to_be_visible()
    settle(page)
    shot(page, f"{language}-2-home")
    # when she types a name without its accent into the sidebar's search
    box = page.locator("#wagtail-sidebar input[name=q]")
    box.press_sequentially("weronika wrob", delay=30)
    option = page.locator("#tessera-typeahead [role=option]", has_text="Weronika Wróbel")
    expect(option).to_be_visible()
    shot(page, f"{language}-3-type-ahead", full_page=False)
    # and picks it with the keyboard
    box.press("ArrowDown")
    box.press("Enter")
    # then the profile opens, its company a link, Edit its first action
    page.wait_for_url(f"**/records/persons/inspect/{weronika.pk}/")
    expect(page.locator("[data-record-link]", has_text="Acme Polska")).to_be_visible()
    shot(page, f"{language}-4-profile")
    page.click("[data-profile-edit]")
    page.wait_for_url(f"**/records/persons/edit/{weronika.pk}/")
    page.fill("input[name=position]", "Dyrektor")
    page.click("footer .actions--primary button[type=submit]")
    # and saving returns to the profile
    page.wait_for_url(f"**/records/persons/inspect/{weronika.pk}/")
    expect(page.locator("dd", has_text="Dyrektor")).to_be_visible()
    # and a list row opens the profile too
    page.goto("/records/companies/")
    page.click(f"#record_{acme.pk}_title")
    page.wait_for_url(f"**/records/companies/inspect/{acme.pk}/")
    shot(page, f"{language}-5-company-profile")


def test_adding_a_relation_works_for_every_relation_type(page, shot, admin):
    # given two companies, and a relation type that is not the first in the add form
    one = RecordService().create(admin, "companies", {"name": "Acme SA"})
    other = RecordService().create(admin, "companies", {"name": "Beta Trade"})
    log_in(page, "root")
    page.goto(f"/records/companies/inspect/{one.pk}/")
    select = page.locator("[data-relation-side-select]")
    sides = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    # the last side in the form whose other records are companies, not the first one
    to_companies = [
        side
        for side in sides
        if "/records/companies/"
        in page.locator(f'[data-relation-picker="{side}"] [data-tessera-picker]').get_attribute(
            "data-url"
        )
    ]
    last = to_companies[-1]
    assert last != sides[0]
    # when the admin picks the last type, its picker shows and the first one's hides
    select.select_option(last)
    type_id, side = last.split(".")
    picker = page.locator(f"#relation-other-{type_id}-{side}")
    expect(picker).to_be_visible()
    expect(page.locator(f'[data-relation-picker="{sides[0]}"]')).to_be_hidden()
    picker.press_sequentially("beta", delay=40)
    listbox = page.locator(f"#relation-other-{type_id}-{side}-listbox [role=option]")
    expect(listbox.filter(has_text="Beta Trade")).to_have_count(1)
    picker.press("ArrowDown")
    picker.press("Enter")
    shot(page, "1-last-type-chosen")
    page.click("[data-relation-add] button[type=submit]")
    page.wait_for_url(f"**/records/companies/inspect/{one.pk}/")
    # then the relation is there, under the last type's side
    group = page.locator(f'[data-relation-side="{last}"]')
    expect(group.locator("a", has_text="Beta Trade")).to_be_visible()
    shot(page, "2-added")
    assert other.pk


def test_suspending_a_user_asks_first(page, shot, admin, make_user):
    bob = make_user("bob", first_name="Bob", last_name="Baker")
    log_in(page, "root")
    page.goto("/settings/users/")
    suspend = page.locator(f'form[data-confirm-name="{bob}"] button[type=submit]')
    # when the administrator says no to the question, nothing happens
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    suspend.click()
    page.wait_for_timeout(300)
    assert asked and "Bob Baker" in asked[0]
    bob.refresh_from_db()
    assert bob.status == "active"
    # and when she says yes, Bob is suspended
    page.once("dialog", lambda dialog: dialog.accept())
    suspend.click()
    page.wait_for_load_state("networkidle")
    bob.refresh_from_db()
    assert bob.status == "suspended"
    shot(page, "1-suspended")


#: Every word of a record's title is one box on screen: none is broken across lines.
WORDS_WHOLE = """() => [...document.querySelectorAll('td.title a span')].every(span => {
    const node = span.firstChild;
    if (!node) return true;
    let at = 0;
    return node.textContent.split(' ').every(word => {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + word.length);
        at += word.length + 1;
        return word.length === 0 || range.getClientRects().length === 1;
    });
})"""


def test_names_stay_whole_at_390_px(in_language, shot, admin):
    for first, last in [("Bartłomiej", "Kaźmierczak"), ("Przemysław", "Włodarczyk")]:
        RecordService().create(admin, "persons", {"first_name": first, "last_name": last})
    page = in_language("pl", width=390)
    log_in(page, "root")
    page.goto("/records/persons/")
    expect(page.locator("td.title", has_text="Kaźmierczak")).to_be_visible()
    assert page.evaluate(WORDS_WHOLE)
    shot(page, "1-list-390")


def test_the_main_screens_have_no_serious_accessibility_violations(page, shot, admin):
    acme = RecordService().create(admin, "companies", {"name": "Acme SA"})
    log_in(page, "root")
    screens = {
        "home": "/",
        "list": "/records/companies/",
        "profile": f"/records/companies/inspect/{acme.pk}/",
        "form": f"/records/companies/edit/{acme.pk}/",
        "settings": "/settings/users/",
        "search": "/search/?q=acme",
    }
    found = {}
    for name, url in screens.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        found[name] = serious_violations(page)
        shot(page, f"axe-{name}", full_page=False)
    assert found == {name: [] for name in screens}
