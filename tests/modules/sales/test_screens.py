"""The sales screens: the board, the profile's process panel, Settings > Sales processes."""

import pytest
from django import forms
from django.urls import set_urlconf

from modules.metamodel.runtime import get_model, get_snapshot
from modules.records.screens.urlconf import admin_urlconf
from modules.sales import fields as pf
from modules.sales.models import Pipeline
from modules.sales.process import ProcessService
from modules.sales.screens import home

pytestmark = pytest.mark.django_db
BOARD = "/records/deals/board/"


def stored(deal):
    return get_model("deals").objects.get(pk=deal.pk)


def test_the_board_shows_columns_cards_and_totals(client, admin, make_deal):
    # given
    make_deal(admin, name="Shown", value={"amount": "1200", "currency": "PLN"})
    client.force_login(admin)
    # when
    page = client.get(BOARD)
    # then
    assert page.status_code == 200
    html = page.content.decode()
    for stage in ("lead", "qualified", "proposal", "negotiation"):
        assert f'data-column="{stage}"' in html
    assert "Shown" in html and "Move to…" in html and "1,200.00" in html


def test_the_move_menu_moves_the_card_and_a_stale_card_is_refused(client, teams, make_deal):
    # given
    deal = make_deal(teams["north1"])
    client.force_login(teams["north1"])
    url = f"/records/deals/{deal.pk}/process/move/"
    # when
    moved = client.post(url, {"stage": "qualified", "version": 1, "next": BOARD}, follow=True)
    stale = client.post(url, {"stage": "proposal", "version": 1, "next": BOARD}, follow=True)
    # then
    assert moved.redirect_chain[-1][0] == BOARD
    assert getattr(stored(deal), pf.STAGE) == "qualified"
    assert "Reload to see the record as it is now" in stale.content.decode()


def test_a_colleague_without_edit_cannot_move_and_another_team_sees_nothing(
    client, teams, make_deal
):
    # given
    deal = make_deal(teams["north1"], name="Northern")
    url = f"/records/deals/{deal.pk}/process/move/"
    # when
    client.force_login(teams["north2"])
    refused = client.post(url, {"stage": "qualified"})
    client.force_login(teams["south1"])
    hidden = client.post(url, {"stage": "qualified"})
    board = client.get(BOARD).content.decode()
    # then
    assert refused.status_code == 403 and hidden.status_code == 404
    assert "Northern" not in board
    assert getattr(stored(deal), pf.STAGE) == "lead"


def test_the_profile_panel_completes_with_a_note_and_wins(client, admin, make_deal):
    # given
    deal = make_deal(admin, name="Panelled")
    client.force_login(admin)
    profile = f"/records/deals/inspect/{deal.pk}/"
    base = f"/records/deals/{deal.pk}/process/"
    # when
    page = client.get(profile).content.decode()
    for key in ("first_contact", "budget_confirmed", "terms_agreed"):
        client.post(base + "complete/", {"action": key})
    missing = client.post(base + "win/", follow=True).content.decode()
    client.post(base + "complete/", {"action": "offer_sent", "note": "Sent by post"})
    won = client.post(base + "win/", follow=True).content.decode()
    # then
    assert "data-process-panel" in page and "Needed to win" in page
    assert "Complete the mandatory actions first: Offer sent." in missing
    assert getattr(stored(deal), pf.STATUS) == "won"
    assert "data-process-locked" in won and "Sent by post" in won


def test_settings_list_builder_and_new_pipeline_are_for_administrators(client, admin, user):
    # given
    client.force_login(user)
    assert client.get("/settings/sales/").status_code == 403
    client.force_login(admin)
    # when
    index = client.get("/settings/sales/")
    created = client.post("/settings/sales/", {"name": "Renewals", "entity_type": "deals"})
    pipeline = Pipeline.objects.get(key="renewals")
    builder = client.get(f"/settings/sales/{pipeline.pk}/")
    reasons = client.post("/settings/sales/", {"reasons": "Price\nToo late"})
    # then
    assert index.status_code == 200 and "Sales" in index.content.decode()
    assert created.status_code == 302
    assert builder.status_code == 200 and "pipeline-builder" in builder.content.decode()
    assert reasons.status_code == 302
    keys = [r["key"] for r in pf.lost_reasons()]
    assert keys == ["price", "too_late"]


def test_the_edit_form_saves_a_deal_in_a_process_without_touching_the_process(
    client, admin, make_deal
):
    # given: a deal some way into its process
    deal = make_deal(admin, name="Edited", value={"amount": "10", "currency": "PLN"})
    ProcessService().move(admin, "deals", deal.pk, "qualified")
    ProcessService().complete(admin, "deals", deal.pk, "decision_maker")
    client.force_login(admin)
    url = f"/records/deals/edit/{deal.pk}/"
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.MultiWidget):
            parts = field.widget.decompress(value) if not isinstance(value, list) else value
            for index, part in enumerate(parts):
                data[f"{name}_{index}"] = "" if part is None else part
        elif isinstance(value, list):
            data[name] = value
        elif value is not None:
            data[name] = (
                field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
            )
    data["name"] = "Edited again"
    # when
    response = client.post(url, data)
    # then
    assert response.status_code == 302, response.context["form"].errors
    record = stored(deal)
    assert record.name == "Edited again"
    assert getattr(record, pf.STAGE) == "qualified" and getattr(record, pf.ACTIONS) == [
        "decision_maker"
    ]


def test_the_home_panel_counts_my_open_deals_by_stage(rf, teams, make_deal):
    # given
    make_deal(teams["north1"], value={"amount": "100", "currency": "PLN"})
    make_deal(teams["north2"])
    request = rf.get("/")
    request.user = teams["north1"]
    # when: record screens are served by the per-request URLconf, as a request gets it
    set_urlconf(admin_urlconf(get_snapshot()))
    try:
        html = home.deals_panel(request)
    finally:
        set_urlconf(None)
    # then
    assert "data-my-deals" in html and "Lead" in html
    assert ">1<" in html and "100.00 PLN" in html
