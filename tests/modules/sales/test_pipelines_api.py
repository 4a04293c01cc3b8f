"""The pipeline metadata API: create, replace, remove, lost reasons; bad input is a 400."""

import pytest

from modules.metamodel.runtime import get_model, get_snapshot
from modules.records.services import RecordService
from modules.sales import fields as pf
from modules.sales import task_templates
from modules.sales.models import Pipeline

pytestmark = pytest.mark.django_db
URL = "/api/v1/meta/pipelines/"


def action(name, **extra):
    return {"name": name, **extra}


def stage(name, *actions, **extra):
    return {"name": name, "actions": list(actions), **extra}


def vip(**extra):
    return {
        "name": {"en": "VIP", "pl": "VIP"},
        "stages": [
            stage("Meet", action("Call", weight=2, mandatory=True)),
            stage("Offer", action("Send offer", weight=3, note="note")),
        ],
        **extra,
    }


def test_the_default_pipeline_ships_with_deals(admin_client):
    # when
    body = admin_client.get(URL, {"entity_type": "deals"}).json()
    # then
    [sales] = body["results"]
    assert sales["key"] == "sales"
    assert [s["key"] for s in sales["stages"]] == ["lead", "qualified", "proposal", "negotiation"]
    assert sales["stages"][0]["actions"][0]["key"] == "first_contact"
    deals = get_snapshot().entity("deals")
    assert pf.has_processes(deals) and not deals.has_field("stage")


def test_an_administrator_creates_a_pipeline_and_its_stages_become_choices(admin_client):
    # when
    response = admin_client.post(URL, vip(), format="json")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["key"] == "vip" and body["entity_type"] == "deals"
    assert [s["key"] for s in body["stages"]] == ["meet", "offer"]
    assert body["stages"][1]["actions"][0] | {"name": None} == {
        "key": "send_offer",
        "name": None,
        "weight": 3,
        "mandatory": False,
        "completers": "editors",
        "completer_users": [],
        "note": "note",
        "notify": [],
        "notify_users": [],
        "task_template": "",
    }
    choices = [
        c["value"] for c in get_snapshot().entity("deals").field(pf.STAGE).options["choices"]
    ]
    assert "meet" in choices and "lead" in choices


def test_a_plain_user_reads_but_may_not_write(user_client):
    assert user_client.get(URL).status_code == 200
    response = user_client.post(URL, vip(), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "place"),
    [
        (vip(stages=[]), "stages"),
        (vip(stages=[stage("A", action("x")), stage("a ", action("y"))]), "stages.1.name"),
        (vip(stages=[stage("A", action("x"), action("X"))]), "stages.0.actions.1.name"),
        (vip(stages=[stage("A", action("x", weight=-1))]), "stages.0.actions.0.weight"),
        (vip(stages=[stage("A", action("x", weight=0))]), "stages"),
        (
            vip(stages=[stage("A", action("x", task_template="call-back"))]),
            "stages.0.actions.0.task_template",
        ),
        (vip(stages=[stage("A", action("x", weight="2"))]), "stages.0.actions.0.weight"),
        (vip(stages=[stage("A", action("x"), probability=101)]), "stages.0.probability"),
        (vip(stages=[stage("A", action("x"), colour="red")]), "stages.0.colour"),
        (
            vip(stages=[stage("A", action("x", completers="users"))]),
            "stages.0.actions.0.completer_users",
        ),
        (
            vip(stages=[stage("A", action("x", notify_users=[999999]))]),
            "stages.0.actions.0.notify_users",
        ),
        (vip(stages=[stage("A", action("x"), key="lead")]), "stages.0.key"),
        (vip(stages=[stage("A", action("x"), surprise=1)]), "stages.0.surprise"),
        (vip(name=""), "name"),
        (vip(entity_type="nope"), None),
    ],
)
def test_bad_pipelines_are_refused_per_field_and_nothing_is_saved(admin_client, payload, place):
    # given
    before = Pipeline.objects.count()
    # when
    response = admin_client.post(URL, payload, format="json")
    # then
    assert response.status_code in (400, 404), response.content
    if place is not None:
        assert response.status_code == 400
        assert place in response.json()["errors"], response.json()
    assert Pipeline.objects.count() == before


def test_a_known_task_template_may_be_named(admin_client):
    # given
    def supplier():
        return {"call-back": "Call back"}

    task_templates.register(supplier)
    try:
        # when
        response = admin_client.post(
            URL, vip(stages=[stage("A", action("x", task_template="call-back"))]), format="json"
        )
    finally:
        task_templates.unregister(supplier)
    # then
    assert response.status_code == 201, response.content
    assert response.json()["stages"][0]["actions"][0]["task_template"] == "call-back"


def test_removing_a_stage_that_holds_records_needs_a_reassign_map(admin_client, admin):
    # given
    created = admin_client.post(URL, vip(), format="json").json()
    deal = RecordService().create(admin, "deals", {"name": "D", pf.STAGE: "offer"})
    replaced = {**vip(), "version": created["version"]}
    replaced["stages"] = [replaced["stages"][0]]
    # when
    refused = admin_client.put(f"{URL}{created['id']}/", replaced, format="json")
    accepted = admin_client.put(
        f"{URL}{created['id']}/", {**replaced, "reassign": {"offer": "meet"}}, format="json"
    )
    # then
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"reassign.offer"}
    assert accepted.status_code == 200, accepted.content
    assert getattr(get_model("deals").objects.get(pk=deal.pk), pf.STAGE) == "meet"
    assert [s["key"] for s in accepted.json()["stages"]] == ["meet"]


def test_a_stale_version_is_a_409(admin_client):
    # given
    created = admin_client.post(URL, vip(), format="json").json()
    admin_client.put(
        f"{URL}{created['id']}/", {**vip(), "version": created["version"]}, format="json"
    )
    # when
    response = admin_client.put(
        f"{URL}{created['id']}/",
        {**vip(name="Again"), "version": created["version"]},
        format="json",
    )
    # then
    assert response.status_code == 409


def test_lost_reasons_are_replaced_whole_and_checked(admin_client):
    # given
    url = "/api/v1/meta/lost-reasons/"
    shipped = admin_client.get(url).json()
    # when
    bad = admin_client.put(url, {"reasons": [{"name": "Price"}, {"name": "price"}]}, format="json")
    empty = admin_client.put(url, {"reasons": []}, format="json")
    good = admin_client.put(
        url,
        {"reasons": [{"name": {"en": "Too slow"}}], "version": shipped["version"]},
        format="json",
    )
    # then
    assert bad.status_code == 400 and "reasons.1.name" in bad.json()["errors"]
    assert empty.status_code == 400 and "reasons" in empty.json()["errors"]
    assert good.status_code == 200, good.content
    assert good.json()["reasons"] == [{"key": "too_slow", "name": {"en": "Too slow"}}]
    choices = get_snapshot().entity("deals").field(pf.REASON).options["choices"]
    assert [c["value"] for c in choices] == ["too_slow"]
