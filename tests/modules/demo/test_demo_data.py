import io
import re
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from modules.accounts.models import Membership, Team
from modules.metamodel.runtime import get_model

DEMO = yaml.safe_load((Path(settings.BASE_DIR) / "fixtures" / "demo.yaml").read_text("utf-8"))
RECORDS = ("companies", "persons", "deals", "spaces")


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        **{slug: get_model(slug).objects.count() for slug in RECORDS},
        "users": get_user_model().objects.count(),
        "teams": Team.objects.count(),
        "memberships": Membership.objects.count(),
    }


def test_load_demo_creates_the_admin_the_team_tree_and_users_with_their_roles(db):
    # when
    load_demo()
    # then
    admin = get_user_model().objects.get(username=DEMO["admin"]["username"])
    assert admin.is_superuser and admin.is_staff and admin.is_administrator
    assert admin.check_password(DEMO["password"])
    teams = {team.name: team for team in Team.objects.all()}
    assert set(teams) == {"Sales", "Sales North", "Sales South", "Customer Success"}
    assert teams["Sales North"].parent == teams["Sales"]
    assert teams["Sales South"].parent == teams["Sales"]
    assert teams["Sales"].parent is None and teams["Customer Success"].parent is None
    usernames = [spec["username"] for spec in DEMO["users"]]
    assert len(usernames) == 10
    memberships = {
        m.user.username: (m.team.name, m.role)
        for m in Membership.objects.filter(user__username__in=usernames).select_related(
            "user", "team"
        )
    }
    assert memberships == {spec["username"]: (spec["team"], spec["role"]) for spec in DEMO["users"]}
    users = list(get_user_model().objects.filter(username__in=usernames))
    assert len(users) == 10
    for user in users:
        assert user.check_password(DEMO["password"])


def test_load_demo_creates_linked_records_with_unique_deal_numbers(db):
    # when
    out = load_demo()
    # then
    assert {slug: get_model(slug).objects.count() for slug in RECORDS} == {
        "companies": 200,
        "persons": 500,
        "deals": 100,
        "spaces": 10,
    }
    numbers = list(get_model("deals").objects.values_list("number", flat=True))
    assert all(re.fullmatch(r"\d+/\d{4}", number) for number in numbers)
    assert len(set(numbers)) == 100
    companies = set(get_model("companies").objects.values_list("pk", flat=True))
    persons = set(get_model("persons").objects.values_list("pk", flat=True))
    deals = get_model("deals").objects.all()
    assert set(get_model("persons").objects.values_list("company_id", flat=True)) <= companies
    assert {d.company_id for d in deals} <= companies and {d.contact_id for d in deals} <= persons
    assert set(get_model("spaces").objects.values_list("client_id", flat=True)) <= companies
    demo_users = set(
        get_user_model()
        .objects.filter(username__in=[spec["username"] for spec in DEMO["users"]])
        .values_list("pk", flat=True)
    )
    assert set(get_model("companies").objects.values_list("owner_id", flat=True)) <= demo_users
    assert (
        out.strip()
        == "demo data loaded: 10 users, 200 companies, 500 persons, 100 deals, 10 spaces"
    )


def test_load_demo_a_second_time_says_already_loaded_and_creates_nothing(db):
    # given
    load_demo()
    before = counts()
    # when
    out = load_demo()
    # then
    assert out.strip() == "demo data already loaded"
    assert counts() == before
