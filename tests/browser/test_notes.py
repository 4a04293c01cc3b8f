"""A user writes a note with a file on a profile and finds it on the record's timeline."""

import pytest
from playwright.sync_api import expect

from modules.activity.models import Note
from modules.records.services import RecordService
from tests.browser.helpers import log_in, settle

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_note_with_a_file_lands_on_the_timeline(page, shot, admin, settings, tmp_path):
    # given a person whose owner changed once
    settings.MEDIA_ROOT = str(tmp_path / "media")
    person = RecordService().create(admin, "persons", {"first_name": "Jan", "last_name": "Kos"})
    offer = tmp_path / "offer.pdf"
    offer.write_bytes(PDF)
    log_in(page, "root")
    page.goto(f"/records/persons/inspect/{person.pk}/")
    panel = page.locator("[data-activity-panel]")
    expect(panel).to_be_visible()
    # when the admin opens the note form from the keyboard and writes a note with a file
    summary = panel.locator("[data-note-form-box] summary")
    summary.focus()
    page.keyboard.press("Enter")
    form = panel.locator("[data-note-form]")
    expect(form).to_be_visible()
    form.get_by_label("Note").fill("Called Jan.\n\nHe wants the offer by Friday.")
    form.get_by_label("Visible to").select_option("managers")
    form.get_by_label("Tags").fill("call, offer")
    form.get_by_label("Files").set_input_files(str(offer))
    settle(page, form)
    shot(page, "1-form")
    form.get_by_role("button", name="Add the note").click()
    page.wait_for_url(f"**/records/persons/inspect/{person.pk}/#activity")
    # then the note is first on the timeline with its level, tags and file
    expect(page.get_by_text("Note added.")).to_be_visible()
    note = Note.objects.get()
    entry = panel.locator(f'[data-entry="note-{note.pk}"]')
    expect(entry).to_contain_text("He wants the offer by Friday.")
    expect(entry).to_contain_text("Me and my managers")
    expect(entry).to_contain_text("#offer")
    expect(panel.locator("[data-entry]").first).to_have_attribute("data-kind", "note")
    expect(panel.locator('[data-kind="change"]')).to_contain_text("Added")
    settle(page, entry)
    shot(page, "2-timeline")
    # and the file comes back as a download, not a page
    with page.expect_download() as caught:
        entry.locator("[data-note-file]").click()
    download = caught.value
    assert download.suggested_filename == "offer.pdf"
    assert download.path().read_bytes() == PDF
    # and on a phone the panel still fits the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/records/persons/inspect/{person.pk}/#activity")
    panel.scroll_into_view_if_needed()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(page, "3-phone")
    # and the whole timeline filters the notes
    page.goto(f"/records/persons/{person.pk}/timeline/?kind=note")
    expect(page.locator("[data-entry]")).to_have_count(1)
    shot(page, "4-timeline-page")
