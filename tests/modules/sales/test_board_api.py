"""The board and the forecast through the API: columns, totals, cursors, who sees what."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.access.services import AccessService
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from modules.sales import fields as pf
from modules.sales.process import ProcessService
from tests.modules.sales.conftest import client_for

pytestmark = pytest.mark.django_db
BOARD = "/api/v1/deals/board/"
FORECAST = "/api/v1/deals/forecast/"


def money(amount, currency="PLN"):
    return {"amount": str(amount), "currency": currency}


def column(body, stage):
    return next(c for c in body["columns"] if c["stage"] == stage)


def test_the_board_has_a_column_per_stage_with_counts_and_totals(admin_client, admin, make_deal):
    # given
    make_deal(admin, value=money(1000), probability=10)
    make_deal(admin, value=money(3000, "EUR"))
    lost = make_deal(admin, value=money(99))
    ProcessService().lose(admin, "deals", lost.pk, "price")
    ProcessService().move(admin, "deals", make_deal(admin, value=money(500)).pk, "proposal")
    # when
    response = admin_client.get(BOARD)
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert [c["stage"] for c in body["columns"]] == ["lead", "qualified", "proposal", "negotiation"]
    lead = column(body, "lead")
    assert lead["count"] == 2
    assert lead["totals"] == [
        {"currency": "EUR", "total": "3000.00", "weighted": "300.00"},
        {"currency": "PLN", "total": "1000.00", "weighted": "100.00"},
    ]
    assert column(body, "proposal")["totals"] == [
        {"currency": "PLN", "total": "500.00", "weighted": "250.00"}
    ]
    card = lead["cards"][0]
    assert set(card) == {
        "id",
        "title",
        "version",
        "restricted",
        "value",
        "owner",
        "progress",
        "days_in_stage",
    }
    assert card["days_in_stage"] == 0 and card["progress"] == 0


def test_another_team_neither_sees_nor_counts_the_cards(teams, make_deal):
    # given
    make_deal(teams["north1"], value=money(1000))
    # when
    north = client_for(teams["north2"]).get(BOARD).json()
    south = client_for(teams["south1"]).get(BOARD).json()
    # then
    assert column(north, "lead")["count"] == 1
    assert column(south, "lead")["count"] == 0 and column(south, "lead")["cards"] == []
    assert column(south, "lead")["totals"] == []


def test_a_card_listed_with_basic_fields_only_counts_but_adds_no_value(admin, teams, make_deal):
    # given: deals non-public by default, listed to everyone with their basic fields
    AccessService().update_visibility(
        admin, "deals", allowed=["public", "non_public"], default="non_public"
    )
    make_deal(teams["north1"], value=money(700))
    # when
    south = client_for(teams["south1"]).get(BOARD).json()
    # then
    lead = column(south, "lead")
    assert lead["count"] == 1 and lead["totals"] == []
    assert lead["cards"][0]["restricted"] is True and lead["cards"][0]["value"] is None


def test_each_column_pages_with_its_own_cursor(admin_client, admin, make_deal):
    # given
    ids = [make_deal(admin, name=f"D{i}").pk for i in range(5)]
    # when
    first = admin_client.get(BOARD, {"page_size": 2}).json()
    lead = column(first, "lead")
    second = admin_client.get(
        BOARD, {"page_size": 2, "column": "lead", "cursor": lead["next"]}
    ).json()
    # then
    assert [c["id"] for c in lead["cards"]] == ids[::-1][:2]
    assert [c["stage"] for c in second["columns"]] == ["lead"]
    assert [c["id"] for c in second["columns"][0]["cards"]] == ids[::-1][2:4]


def test_the_list_filters_and_search_apply(admin_client, admin, make_deal):
    # given
    make_deal(admin, name="Alpha", source="website")
    make_deal(admin, name="Beta", source="referral")
    # when
    by_filter = admin_client.get(BOARD, {"source": "referral"}).json()
    by_search = admin_client.get(BOARD, {"search": "alph"}).json()
    unknown = admin_client.get(BOARD, {"nonsense": "1"})
    # then
    assert [c["title"].split()[-1] for c in column(by_filter, "lead")["cards"]] == ["Beta"]
    assert [c["title"].split()[-1] for c in column(by_search, "lead")["cards"]] == ["Alpha"]
    assert unknown.status_code == 400 and set(unknown.json()["errors"]) == {"nonsense"}


def test_the_query_count_does_not_grow_with_the_cards(admin_client, admin, make_deal):
    # given
    make_deal(admin)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(BOARD)
    for i in range(12):
        make_deal(admin, name=f"More {i}")
    # when
    with CaptureQueriesContext(connection) as many:
        admin_client.get(BOARD)
    # then
    assert len(many) == len(few)


@pytest.mark.parametrize("value", ["-1", "abc", "0", "101"])
def test_bad_board_parameters_are_400s(admin_client, value):
    assert admin_client.get(BOARD, {"page_size": value}).status_code == 400


def test_bad_pipeline_column_and_cursor_are_400s(admin_client):
    assert admin_client.get(BOARD, {"pipeline": "nope"}).status_code == 400
    assert admin_client.get(BOARD, {"column": "nope"}).status_code == 400
    assert admin_client.get(BOARD, {"cursor": "5"}).status_code == 400
    assert admin_client.get(FORECAST, {"by": "colour"}).status_code == 400


def test_a_type_without_processes_has_no_board(admin_client):
    response = admin_client.get("/api/v1/persons/board/")
    assert response.status_code == 400 and response.json()["code"] == "processes_off"


def test_the_forecast_groups_weighted_value(admin_client, admin, make_deal):
    # given
    make_deal(admin, value=money(1000), probability=50, expected_close_date="2027-03-10")
    make_deal(admin, value=money(2000), probability=25, expected_close_date="2027-03-20")
    make_deal(admin, value=money(400), probability=100, expected_close_date="2027-04-01")
    # when
    months = admin_client.get(FORECAST, {"by": "month"}).json()["rows"]
    owners = admin_client.get(FORECAST, {"by": "owner"}).json()["rows"]
    stages = admin_client.get(FORECAST, {"by": "stage"}).json()["rows"]
    teams = admin_client.get(FORECAST, {"by": "team"})
    # then
    march = next(r for r in months if r["label"] == "2027-03")
    assert march["count"] == 2 and march["totals"][0]["weighted"] == "1000.00"
    assert owners[0]["key"] == admin.pk and owners[0]["totals"][0]["total"] == "3400.00"
    assert stages[0]["key"] == "lead" and stages[0]["count"] == 3
    assert teams.status_code == 200


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    deals=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**9),
            st.sampled_from(["PLN", "EUR", "USD"]),
            st.integers(min_value=0, max_value=100),
            st.sampled_from(["lead", "qualified", "proposal", "negotiation"]),
        ),
        max_size=6,
    )
)
def test_column_totals_equal_the_sum_of_their_records(admin, deals):
    # given
    client = client_for(admin)
    model = get_model("deals")
    for amount, currency, probability, stage in deals:
        RecordService().create(
            admin,
            "deals",
            {
                "name": "H",
                "value": money(amount, currency),
                "probability": probability,
                pf.STAGE: stage,
            },
        )
    # when
    body = client.get(BOARD).json()
    # then
    for col in body["columns"]:
        rows = model.objects.filter(**{pf.STAGE: col["stage"], pf.STATUS: "open"})
        assert col["count"] == rows.count()
        expected = {}
        for row in rows:
            if row.value is None:
                continue
            slot = expected.setdefault(row.value_currency, [Decimal(0), Decimal(0)])
            slot[0] += row.value
            slot[1] += row.value * (row.probability or 0) / 100
        got = {t["currency"]: [Decimal(t["total"]), Decimal(t["weighted"])] for t in col["totals"]}
        assert got == {
            c: [v[0].quantize(Decimal("0.01")), v[1].quantize(Decimal("0.01"))]
            for c, v in expected.items()
        }
