"""Settings > Lead distribution: the rules in the browser's forms, errors by row, preview."""

import pytest

from modules.leads.distribution import DistributionService
from modules.leads.models import DistributionRule

pytestmark = pytest.mark.django_db
BASE = "/settings/lead-distribution/"


@pytest.fixture
def admin_browser(client, admin):
    client.force_login(admin)
    return client


def test_an_administrator_adds_a_rule_with_a_condition_and_two_shares(admin_browser, make_user):
    # given
    a, b = make_user(first_name="Ala"), make_user(first_name="Bob")
    assert admin_browser.get(f"{BASE}new/").status_code == 200
    # when
    response = admin_browser.post(
        f"{BASE}new/",
        {
            "name": "Poland",
            "active": "on",
            "cond-0-field": "country",
            "cond-0-op": "in",
            "cond-0-value": "PL, Polska",
            "cond-1-field": "",
            "asg-0-who": f"user:{a.pk}",
            "asg-0-percent": "60",
            "asg-1-who": f"user:{b.pk}",
            "asg-1-percent": "40",
            "asg-2-who": "",
            "asg-2-percent": "",
        },
    )
    # then
    assert response.status_code == 302
    rule = DistributionRule.objects.get()
    assert rule.conditions == [{"field": "country", "op": "in", "value": ["PL", "Polska"]}]
    assert [(x.user_id, x.percent) for x in rule.assignees.all()] == [(a.pk, 60), (b.pk, 40)]
    listing = admin_browser.get(BASE).content.decode()
    assert "Poland" in listing and "PL, Polska" in listing


def test_a_bad_rule_shows_each_error_on_its_row_and_saves_nothing(admin_browser, make_user):
    a = make_user()
    response = admin_browser.post(
        f"{BASE}new/",
        {
            "name": "Big",
            "cond-0-field": "value",
            "cond-0-op": "gt",
            "cond-0-value": "a lot",
            "asg-0-who": f"user:{a.pk}",
            "asg-0-percent": "90",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give a number of at most 30 digits." in page
    assert "they must add up to 100" in page
    assert 'value="a lot"' in page
    assert not DistributionRule.objects.exists()


def test_edit_preview_and_delete(admin_browser, admin, make_user):
    a = make_user(first_name="Ala")
    rule = DistributionService().create(
        admin, {"name": "All", "assignees": [{"user": a.pk, "percent": 100}]}
    )
    page = admin_browser.get(f"{BASE}{rule['id']}/")
    assert page.status_code == 200 and 'value="All"' in page.content.decode()
    preview = admin_browser.get(f"{BASE}{rule['id']}/preview/")
    assert preview.status_code == 200
    assert f'data-preview-user="{a.pk}"><td>Ala' in preview.content.decode()
    assert admin_browser.post(f"{BASE}{rule['id']}/delete/").status_code == 302
    assert not DistributionRule.objects.exists()
    assert admin_browser.get(f"{BASE}{rule['id']}/").status_code == 404


def test_others_may_not_open_the_settings(client, user):
    client.force_login(user)
    assert client.get(BASE).status_code == 403
    assert client.post(f"{BASE}new/", {"name": "x"}).status_code == 403


def test_the_form_sets_the_order_and_refuses_a_bad_one(admin_browser, admin, make_user):
    a = make_user()
    first = DistributionService().create(
        admin, {"name": "First", "assignees": [{"user": a.pk, "percent": 100}]}
    )
    body = {"name": "Before", "asg-0-who": f"user:{a.pk}", "asg-0-percent": "100"}
    bad = admin_browser.post(f"{BASE}new/", {**body, "position": "soon"})
    assert (
        bad.status_code == 400 and "Give a whole number from 0 to 1000000." in bad.content.decode()
    )
    assert admin_browser.post(f"{BASE}new/", {**body, "position": "0"}).status_code == 302
    assert [r.name for r in DistributionRule.objects.all()] == ["Before", first["name"]]
