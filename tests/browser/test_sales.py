"""A salesperson drags a deal across the board, completes a mandatory action with a note on
its profile and wins it; the board refuses a stale card and fits a phone."""

import pytest
from playwright.sync_api import expect

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from modules.sales import fields as pf
from modules.sales.models import Pipeline
from modules.sales.process import ProcessService
from tests.browser.helpers import log_in, settle

pytestmark = pytest.mark.browser
BOARD = "/records/deals/board/"


def drag(page, card_id: int, stage: str) -> None:
    """Drag a card by its title onto a column, as a mouse does."""
    card = page.locator(f"[data-card='{card_id}'] dl")
    card.drag_to(page.locator(f"[data-column='{stage}'] .tessera-board__cards"))


def test_drag_a_card_complete_a_mandatory_action_with_a_note_and_win(page, shot, admin):
    # given a deal with its earlier mandatory actions done
    deal = RecordService().create(
        admin, "deals", {"name": "Kiosk", "value": {"amount": "12000", "currency": "PLN"}}
    )
    for key in ("first_contact", "budget_confirmed", "terms_agreed"):
        ProcessService().complete(admin, "deals", deal.pk, key)
    log_in(page, "root")
    # when the card is dragged from Lead to Proposal
    page.goto(BOARD)
    expect(page.locator("[data-column='lead'] [data-card]")).to_have_count(1)
    settle(page)
    shot(page, "1-board")
    drag(page, deal.pk, "proposal")
    # then the board reloads with it there, and the column's totals follow
    expect(page.locator(f"[data-column='proposal'] [data-card='{deal.pk}']")).to_be_visible(
        timeout=30_000
    )
    expect(page.locator("[data-column='proposal'] header")).to_contain_text("12,000.00 PLN")
    settle(page)
    shot(page, "2-moved")
    # when a second card is moved meanwhile by someone else, a stale drag is refused
    other = RecordService().create(admin, "deals", {"name": "Stale one"})
    page.goto(BOARD)
    ProcessService().move(admin, "deals", other.pk, "qualified")
    drag(page, other.pk, "negotiation")
    expect(page.locator("[data-board-message]")).to_contain_text(
        "changed since the board", timeout=30_000
    )
    assert getattr(get_model("deals").objects.get(pk=other.pk), pf.STAGE) == "qualified"
    settle(page)
    shot(page, "3-stale")
    # when the mandatory "Offer sent" is completed with a note on the profile
    page.goto(f"/records/deals/inspect/{deal.pk}/")
    panel = page.locator("[data-process-panel]")
    expect(panel).to_contain_text("Needed to win: Offer sent")
    panel.locator("[data-action='offer_sent'] summary").click()
    panel.locator("#note-offer_sent").fill("Sent to the board on Monday")
    panel.locator("[data-action='offer_sent'] button:has-text('Complete')").click()
    expect(page.locator("[data-action='offer_sent']")).to_contain_text(
        "Sent to the board on Monday"
    )
    settle(page)
    shot(page, "4-action-done")
    # and the deal is won
    page.click("[data-process-panel] button:has-text('Won')")
    expect(page.locator("[data-process-status='won']")).to_be_visible()
    expect(page.locator("[data-process-locked]")).to_be_visible()
    settle(page)
    shot(page, "5-won")
    stored = get_model("deals").objects.get(pk=deal.pk)
    assert getattr(stored, pf.STATUS) == "won" and stored.closed_at is not None


def test_the_board_moves_from_the_keyboard_on_a_phone(page, shot, admin):
    # given
    deal = RecordService().create(admin, "deals", {"name": "Phone deal"})
    log_in(page, "root")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(BOARD)
    # when the "Move to…" menu is used from the keyboard
    select = page.locator(f"#move-{deal.pk}")
    select.focus()
    select.select_option("qualified")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    # then
    expect(page.locator(f"[data-column='qualified'] [data-card='{deal.pk}']")).to_be_visible()
    settle(page)
    shot(page, "1-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


def test_the_pipeline_builder_adds_a_stage_and_saves(page, shot, admin):
    # given
    log_in(page, "root")
    page.goto("/settings/sales/")
    page.fill("#pipeline-name", "Renewals")
    page.click("[data-new-pipeline] button[type=submit]")
    # when a stage is added, renamed, and an action's gear sets it mandatory
    page.click("[data-add-stage]")
    page.locator("[data-stage='1'] input[type=text]").first.fill("Signed")
    page.locator("[data-stage='1'] [data-action='0'] button[title='Action settings']").click()
    page.check("[data-setting=mandatory]")
    page.fill("[data-setting=weight]", "4")
    page.click("dialog button:has-text('Done')")
    settle(page)
    shot(page, "1-builder")
    page.click("[data-save]")
    # then
    expect(page.locator("[data-status]")).to_have_text("Saved.")
    pipeline = Pipeline.objects.get(key="renewals")
    stages = list(pipeline.stages.all())
    assert [str(s) for s in stages] == ["First stage", "Signed"]
    action = stages[1].actions.get()
    assert action.mandatory and action.weight == 4
    shot(page, "2-saved")
