"""A record's process through the API: move, complete, win, lose, unlock, and who may."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from modules.metamodel.runtime import get_model
from modules.sales import fields as pf
from modules.sales import signals
from tests.modules.sales.conftest import client_for

pytestmark = pytest.mark.django_db
MANDATORY = ("first_contact", "budget_confirmed", "offer_sent", "terms_agreed")


def url(deal, step=""):
    return f"/api/v1/deals/{deal.pk}/process/{step}"


def stored(deal):
    return get_model("deals").objects.get(pk=deal.pk)


def test_a_new_deal_starts_open_in_the_first_stage(admin, make_deal):
    # when
    deal = stored(make_deal(admin))
    # then
    assert getattr(deal, pf.STAGE) == "lead" and getattr(deal, pf.STATUS) == "open"
    assert getattr(deal, pf.PROGRESS) == 0 and getattr(deal, pf.ACTIONS) == []
    assert deal.probability == 10 and getattr(deal, pf.SINCE) is not None


def test_the_owner_moves_the_deal_and_history_records_it(teams, make_deal, admin_client):
    # given
    north1 = teams["north1"]
    deal = make_deal(north1)
    client = client_for(north1)
    # when
    response = client.post(url(deal, "move/"), {"stage": "proposal", "version": 1}, format="json")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "proposal" and body["version"] == 2
    assert stored(deal).probability == 50
    history = admin_client.get(f"/api/v1/deals/{deal.pk}/history/").json()["results"]
    changed = [c for row in history for c in row["changes"]]
    assert any(c["label"] == "Stage" for c in changed), changed


def test_a_stale_move_is_a_409_and_changes_nothing(teams, make_deal):
    # given
    deal = make_deal(teams["north1"])
    client = client_for(teams["north1"])
    client.post(url(deal, "move/"), {"stage": "qualified", "version": 1}, format="json")
    # when
    response = client.post(url(deal, "move/"), {"stage": "proposal", "version": 1}, format="json")
    # then
    assert response.status_code == 409
    assert getattr(stored(deal), pf.STAGE) == "qualified"


def test_two_people_moving_the_same_card_one_wins_the_other_gets_409(live_schema, teams, make_deal):
    # given
    deal = make_deal(teams["north1"])
    results = []

    def move(stage):
        try:
            response = client_for(teams["north1"]).post(
                url(deal, "move/"), {"stage": stage, "version": 1}, format="json"
            )
            results.append(response.status_code)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=move, args=(s,)) for s in ("qualified", "proposal")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(results) == [200, 409]


def test_a_team_member_without_edit_sees_but_cannot_move(teams, make_deal):
    # given
    deal = make_deal(teams["north1"])
    # when
    seen = client_for(teams["north2"]).get(url(deal))
    moved = client_for(teams["north2"]).post(
        url(deal, "move/"), {"stage": "proposal"}, format="json"
    )
    # then
    assert seen.status_code == 200 and seen.json()["may"]["move"] is False
    assert moved.status_code == 403
    assert getattr(stored(deal), pf.STAGE) == "lead"


def test_another_team_does_not_see_the_deal_at_all(teams, make_deal):
    # given
    deal = make_deal(teams["north1"])
    client = client_for(teams["south1"])
    # when / then: the same answer as for an id that does not exist
    for step in ("", "move/", "win/"):
        hidden = client.post(url(deal, step), {"stage": "proposal"}, format="json")
        missing = client.post(
            f"/api/v1/deals/99999999/process/{step}", {"stage": "proposal"}, format="json"
        )
        assert hidden.status_code in (404, 405)
        assert hidden.json() == missing.json()
    assert client.get(url(deal)).status_code == 404


def test_moving_to_a_stage_of_another_pipeline_is_a_400(admin_client, admin, make_deal):
    # given
    admin_client.post(
        "/api/v1/meta/pipelines/",
        {"name": "VIP", "stages": [{"name": "Meet", "actions": [{"name": "Call"}]}]},
        format="json",
    )
    deal = make_deal(admin)
    # when
    response = admin_client.post(url(deal, "move/"), {"stage": "meet"}, format="json")
    # then
    assert response.status_code == 400 and set(response.json()["errors"]) == {"stage"}
    assert getattr(stored(deal), pf.STAGE) == "lead"


def test_an_action_needing_a_note_is_refused_without_one(teams, make_deal):
    # given
    deal = make_deal(teams["north1"])
    client = client_for(teams["north1"])
    # when
    refused = client.post(
        url(deal, "complete/"), {"action": "offer_sent", "note": "  "}, format="json"
    )
    done = client.post(
        url(deal, "complete/"), {"action": "offer_sent", "note": "Sent"}, format="json"
    )
    # then
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"note"}
    assert done.status_code == 200, done.content
    action = done.json()["stages"][2]["actions"][0]
    assert action["done"] and action["completed_by"] == "north1"
    assert action["completion_note"] == "Sent"
    assert stored(deal).process_progress == 15  # 3 of 20


def test_winning_is_refused_while_a_mandatory_action_is_open_then_locks(teams, make_deal):
    # given
    deal = make_deal(teams["north1"])
    owner = client_for(teams["north1"])
    # when
    refused = owner.post(url(deal, "win/"), {}, format="json")
    for key in MANDATORY:
        owner.post(url(deal, "complete/"), {"action": key, "note": "ok"}, format="json")
    won = owner.post(url(deal, "win/"), {}, format="json")
    edit = owner.patch(f"/api/v1/deals/{deal.pk}/", {"name": "Renamed"}, format="json")
    # then
    assert refused.status_code == 400
    assert refused.json()["missing"] == list(MANDATORY)
    assert won.status_code == 200, won.content
    assert won.json()["status"] == "won" and won.json()["locked"] is True
    assert stored(deal).closed_at is not None and stored(deal).probability == 100
    assert edit.status_code == 409 and edit.json()["code"] == "locked"


def test_only_a_manager_of_the_owner_unlocks(teams, make_deal):
    # given
    deal = make_deal(teams["north1"])
    owner = client_for(teams["north1"])
    for key in MANDATORY:
        owner.post(url(deal, "complete/"), {"action": key, "note": "ok"}, format="json")
    owner.post(url(deal, "win/"), {}, format="json")
    # when
    by_owner = owner.post(url(deal, "unlock/"), {}, format="json")
    by_other_manager = client_for(teams["south_boss"]).post(url(deal, "unlock/"), {}, format="json")
    by_manager = client_for(teams["north_boss"]).post(url(deal, "unlock/"), {}, format="json")
    # then
    assert by_owner.status_code == 403
    assert by_other_manager.status_code == 404
    assert by_manager.status_code == 200 and by_manager.json()["locked"] is False
    assert owner.patch(f"/api/v1/deals/{deal.pk}/", {"name": "N"}, format="json").status_code == 200


def test_losing_needs_a_known_reason(admin_client, admin, make_deal):
    # given
    deal = make_deal(admin)
    # when
    bad = admin_client.post(url(deal, "lose/"), {"reason": "nope"}, format="json")
    lost = admin_client.post(url(deal, "lose/"), {"reason": "price"}, format="json")
    reopened = admin_client.post(url(deal, "move/"), {"stage": "qualified"}, format="json")
    # then
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"reason"}
    assert lost.json()["status"] == "lost" and lost.json()["lost_reason"] == "price"
    assert reopened.json()["status"] == "open" and reopened.json()["lost_reason"] is None


def test_the_process_fields_are_not_written_around_the_process(admin_client, admin, make_deal):
    # given
    deal = make_deal(admin)
    # when
    response = admin_client.patch(
        f"/api/v1/deals/{deal.pk}/",
        {"process_status": "won", "process_stage": "negotiation"},
        format="json",
    )
    same = admin_client.patch(
        f"/api/v1/deals/{deal.pk}/", {"process_stage": "lead", "name": "Same stage"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"process_status", "process_stage"}
    assert same.status_code == 200
    assert getattr(stored(deal), pf.STATUS) == "open"


def test_bad_bodies_are_400s(admin_client, admin, make_deal):
    deal = make_deal(admin)
    for step, body in [
        ("move/", {"stage": 5}),
        ("move/", {"stage": "lead", "version": "1"}),
        ("move/", {"stage": "lead", "extra": True}),
        ("complete/", {"action": "nope"}),
        ("complete/", {}),
        ("lose/", {"reason": "\u0000"}),
    ]:
        response = admin_client.post(url(deal, step), body, format="json")
        assert response.status_code == 400, (step, body, response.content)


def test_signals_follow_the_commit(
    admin_client, admin, make_deal, django_capture_on_commit_callbacks
):
    # given
    deal = make_deal(admin)
    heard = []

    def listen(signal_name):
        def receiver(sender, **kwargs):
            heard.append((signal_name, kwargs["record_id"]))

        return receiver

    receivers = {name: listen(name) for name in ("stage_changed", "action_completed", "deal_lost")}
    for name, receiver in receivers.items():
        getattr(signals, name).connect(receiver)
    try:
        # when
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(url(deal, "move/"), {"stage": "qualified"}, format="json")
            admin_client.post(url(deal, "complete/"), {"action": "decision_maker"}, format="json")
            admin_client.post(url(deal, "lose/"), {"reason": "price"}, format="json")
    finally:
        for name, receiver in receivers.items():
            getattr(signals, name).disconnect(receiver)
    # then
    assert heard == [
        ("stage_changed", deal.pk),
        ("action_completed", deal.pk),
        ("deal_lost", deal.pk),
    ]


def test_an_action_needing_a_file_takes_one_and_only_those_who_see_the_deal_download_it(
    teams, make_deal, tmp_path, settings
):
    # given
    settings.MEDIA_ROOT = str(tmp_path)
    deal = make_deal(teams["north1"])
    owner = client_for(teams["north1"])
    # when
    without = owner.post(url(deal, "complete/"), {"action": "contract_signed", "note": "x"})
    upload = SimpleUploadedFile("contract.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    done = owner.post(
        url(deal, "complete/"), {"action": "contract_signed", "note": "Signed", "file": upload}
    )
    # then
    assert without.status_code == 400 and set(without.json()["errors"]) == {"file"}
    assert done.status_code == 200, done.content
    link = done.json()["stages"][3]["actions"][1]["file"]
    download = owner.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert client_for(teams["south1"]).get(link).status_code == 404


def test_reopening_the_only_done_action_empties_the_list(admin_client, admin, make_deal):
    # given
    deal = make_deal(admin)
    admin_client.post(url(deal, "complete/"), {"action": "first_contact"}, format="json")
    # when
    response = admin_client.post(url(deal, "reopen/"), {"action": "first_contact"}, format="json")
    # then
    assert response.status_code == 200, response.content
    assert not getattr(stored(deal), pf.ACTIONS) and stored(deal).process_progress == 0
