"""Distribution rules: first match wins, shares, teams in turn, suspended users skipped,
counters reset, preview, the reason on the lead, and bad rules refused whole."""

import pytest

from modules.accounts.models import Membership, Team, UserStatus
from modules.leads.distribution import DistributionService
from modules.leads.models import DistributionRule
from modules.records.services import RecordService

pytestmark = pytest.mark.django_db
URL = "/api/v1/meta/lead-distribution/rules/"
records = RecordService()
rules = DistributionService()


def lead(user, **values):
    return records.create(user, "leads", {"last_name": "Nowak", **values})


def rule(admin, assignees, conditions=(), name="Rule"):
    return rules.create(
        admin, {"name": name, "conditions": list(conditions), "assignees": assignees}
    )


def test_first_matching_rule_wins_and_the_lead_says_why(admin, make_user):
    # given two rules, the Polish one first
    pl, rest = make_user(), make_user()
    rule(
        admin,
        [{"user": pl.pk, "percent": 100}],
        [{"field": "country", "op": "eq", "value": "PL"}],
        name="Poland",
    )
    rule(admin, [{"user": rest.pk, "percent": 100}], name="Everyone else")
    # when
    polish, german = lead(admin, country="pl"), lead(admin, country="DE")
    # then
    assert polish.owner_id == pl.pk and german.owner_id == rest.pk
    assert polish.assignment_rule == "Poland"
    assert "country eq PL" in polish.assignment_reason
    assert german.assignment_rule == "Everyone else"


def test_an_owner_named_by_the_creator_is_kept(admin, make_user):
    other = make_user()
    rule(admin, [{"user": other.pk, "percent": 100}])
    assert records.create(admin, "leads", {"last_name": "X"}, owner=admin).owner_id == admin.pk


def test_conditions_on_value_and_source(admin, make_user):
    big, small = make_user(), make_user()
    rule(
        admin,
        [{"user": big.pk, "percent": 100}],
        [
            {"field": "value", "op": "gte", "value": "10000"},
            {"field": "source", "op": "in", "value": ["web_form", "marketing"]},
        ],
    )
    rule(admin, [{"user": small.pk, "percent": 100}])
    assert (
        lead(admin, value={"amount": "12000", "currency": "PLN"}, source="web_form").owner_id
        == big.pk
    )
    assert (
        lead(admin, value={"amount": "12000", "currency": "PLN"}, source="event").owner_id
        == small.pk
    )
    assert (
        lead(admin, value={"amount": "900", "currency": "PLN"}, source="web_form").owner_id
        == small.pk
    )


def test_a_team_share_goes_in_turn_to_its_active_members(admin, make_user):
    # given a team of three, one of them suspended
    team = Team.objects.create(name="Inside sales")
    members = [make_user() for _ in range(3)]
    for member in members:
        Membership.objects.create(team=team, user=member)
    suspended = members[1]
    suspended.status, suspended.is_active = UserStatus.SUSPENDED, False
    suspended.save()
    rule(admin, [{"team": team.pk, "percent": 100}])
    # when
    owners = [lead(admin).owner_id for _ in range(4)]
    # then
    assert owners == [members[0].pk, members[2].pk, members[0].pk, members[2].pk]


def test_a_suspended_user_is_skipped(admin, make_user):
    a, b = make_user(), make_user()
    rule(admin, [{"user": a.pk, "percent": 50}, {"user": b.pk, "percent": 50}])
    a.status, a.is_active = UserStatus.SUSPENDED, False
    a.save()
    assert {lead(admin).owner_id for _ in range(3)} == {b.pk}


def test_shares_hold_and_changing_assignees_resets_the_counters(admin, make_user):
    # given 33 / 33 / 34
    users = [make_user() for _ in range(3)]
    created = rule(
        admin, [{"user": u.pk, "percent": p} for u, p in zip(users, (33, 33, 34), strict=True)]
    )
    # when
    owners = [lead(admin).owner_id for _ in range(9)]
    # then
    assert sorted(owners.count(u.pk) for u in users) == [3, 3, 3]
    stored = DistributionRule.objects.get(pk=created["id"])
    assert stored.total == 9
    # when the shares change
    rules.update(admin, created["id"], {"assignees": [{"user": users[0].pk, "percent": 100}]})
    # then the counters start again
    stored.refresh_from_db()
    assert stored.total == 0
    assert [a.count for a in stored.assignees.all()] == [0]
    # and a change of the name alone keeps them
    lead(admin)
    rules.update(admin, created["id"], {"name": "Renamed"})
    stored.refresh_from_db()
    assert stored.total == 1


def test_preview_simulates_the_next_100_without_saving(admin, admin_client, make_user):
    a, b = make_user(), make_user()
    created = rule(admin, [{"user": a.pk, "percent": 70}, {"user": b.pk, "percent": 30}])
    lead(admin)
    # when
    response = admin_client.get(f"{URL}{created['id']}/preview/")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["size"] == 100
    totals = {t["user"]: t["leads"] for t in body["per_user"]}
    assert totals == {a.pk: 70, b.pk: 30}
    assert DistributionRule.objects.get(pk=created["id"]).total == 1


def test_the_api_creates_lists_changes_and_deletes_rules(admin_client, make_user):
    a = make_user()
    created = admin_client.post(
        URL,
        {
            "name": "Web",
            "conditions": [{"field": "source", "op": "eq", "value": "website"}],
            "assignees": [{"user": a.pk, "percent": 100}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    assert [r["name"] for r in admin_client.get(URL).json()["results"]] == ["Web"]
    changed = admin_client.patch(f"{URL}{rule_id}/", {"active": False, "version": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["active"] is False
    stale = admin_client.patch(f"{URL}{rule_id}/", {"active": True, "version": 1}, format="json")
    assert stale.status_code == 409
    assert admin_client.delete(f"{URL}{rule_id}/").status_code == 204
    assert admin_client.get(f"{URL}{rule_id}/").status_code == 404


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"assignees": [{"user": "A", "percent": 60}]}, "assignees.0.user"),
        ({"percents": (60, 30)}, "assignees"),
        ({"percents": (0, 100)}, "assignees.0.percent"),
        ({"assignees": []}, "assignees"),
        ({"conditions": [{"field": "shoe_size", "op": "eq", "value": "9"}]}, "conditions.0.field"),
        ({"conditions": [{"field": "value", "op": "gt", "value": "lots"}]}, "conditions.0.value"),
        ({"conditions": [{"field": "country", "op": "like", "value": "P"}]}, "conditions.0.op"),
        ({"conditions": [{"field": "country", "op": "in", "value": "PL"}]}, "conditions.0.value"),
        ({"name": ""}, "name"),
        ({"name": "ok", "colour": "red"}, "colour"),
        ({"deleted_user": True}, "assignees.0.user"),
        ({"assignees": [{"team": 999999, "percent": 100}]}, "assignees.0.team"),
    ],
)
def test_a_bad_rule_is_a_400_per_key_and_saves_nothing(admin_client, make_user, change, key):
    a, b = make_user(), make_user()
    percents = change.pop("percents", (50, 50))
    if change.pop("deleted_user", False):
        a.status, a.is_active = UserStatus.DELETED, False
        a.save()
    body = {
        "name": "Rule",
        "conditions": [],
        "assignees": [
            {"user": a.pk, "percent": percents[0]},
            {"user": b.pk, "percent": percents[1]},
        ],
        **change,
    }
    response = admin_client.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert key in response.json()["errors"]
    assert not DistributionRule.objects.exists()


def test_only_administrators_see_or_change_rules(user_client, make_user):
    a = make_user()
    assert user_client.get(URL).status_code == 403
    body = {"name": "R", "assignees": [{"user": a.pk, "percent": 100}]}
    assert user_client.post(URL, body, format="json").status_code == 403
    assert not DistributionRule.objects.exists()
