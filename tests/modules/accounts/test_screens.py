"""Settings > Teams: permissions, the tree list, create, edit and delete with their guards."""

import re

import pytest
from django.urls import reverse

from modules.accounts.models import Membership, Role, Team
from modules.metamodel.screens.registry import settings_sections

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"teams_settings:{name}", args=args)


def parents() -> dict:
    return {
        t.name: t.parent.name if t.parent else None for t in Team.objects.select_related("parent")
    }


def members(team) -> set:
    return {(m.user.username, m.role) for m in Membership.objects.filter(team=team)}


def screen_urls(tree):
    pk = tree["north"].pk
    return [
        ("get", url("index")),
        ("get", url("add")),
        ("post", url("add")),
        ("get", url("edit", pk)),
        ("post", url("edit", pk)),
        ("get", url("delete", pk)),
        ("post", url("delete", pk)),
    ]


@pytest.fixture
def admin_browser(client, admin):
    client.force_login(admin)
    return client


def test_anonymous_users_are_sent_to_log_in(client, tree):
    for method, address in screen_urls(tree):
        # when
        response = getattr(client, method)(address)
        # then
        assert response.status_code == 302, address
        assert "/login/" in response["Location"], address


def test_plain_users_get_403_everywhere(client, user, tree):
    # given
    client.force_login(user)
    before = parents()
    for method, address in screen_urls(tree):
        # when
        response = getattr(client, method)(address, {"name": "Mine"})
        # then
        assert response.status_code == 403, address
    assert parents() == before


def test_administrators_open_every_screen(admin_browser, tree):
    for method, address in screen_urls(tree):
        if method == "get":
            assert admin_browser.get(address).status_code == 200, address


def test_teams_are_in_the_settings_index_and_menu_for_administrators_only(
    admin_browser, client, user
):
    # when
    index = admin_browser.get(reverse("tessera_settings:index")).content.decode()
    as_admin = admin_browser.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(user)
    as_user = client.get(reverse("wagtailadmin_home")).content.decode()
    # then
    assert "teams_settings:index" in [s.url_name for s in settings_sections()]
    assert url("index") in index
    assert url("index") in as_admin
    assert url("index") not in as_user


def test_the_list_shows_the_tree_indented_by_depth(admin_browser, tree):
    # when
    page = admin_browser.get(url("index")).content.decode()
    # then
    rows = re.findall(r'data-team="(\d+)" data-depth="(\d+)"', page)
    by_id = {t.pk: t.name for t in Team.objects.all()}
    assert [(by_id[int(pk)], int(depth)) for pk, depth in rows] == [
        ("Sales", 0),
        ("North", 1),
        ("North East", 2),
        ("Support", 0),
    ]
    assert "padding-inline-start: 56px" in page
    assert "Bob Builder (bob)" in page


def test_an_administrator_creates_a_team_with_members(admin_browser, tree, user, admin):
    # when
    response = admin_browser.post(
        url("add"),
        {
            "name": "West",
            "parent": tree["sales"].pk,
            "administrators": [admin.pk],
            "managers": [tree["bob"].pk],
            "users": [user.pk],
        },
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == url("index")
    west = Team.objects.get(name="West")
    assert west.parent == tree["sales"]
    assert members(west) == {("root", "administrator"), ("bob", "manager"), ("alice", "user")}


def test_the_add_screen_can_start_under_a_parent(admin_browser, tree):
    # when
    response = admin_browser.get(url("add"), {"parent": tree["north"].pk})
    # then
    assert response.context["form"].initial["parent"] == tree["north"].pk


def test_an_administrator_moves_a_team_and_changes_its_members(admin_browser, tree, user):
    # given
    north = tree["north"]
    form = admin_browser.get(url("edit", north.pk)).context["form"]
    assert form.initial["managers"] == [tree["bob"].pk]
    # when
    response = admin_browser.post(
        url("edit", north.pk),
        {"name": "North Region", "parent": tree["support"].pk, "users": [user.pk]},
    )
    # then
    assert response.status_code == 302
    north.refresh_from_db()
    assert (north.name, north.parent) == ("North Region", tree["support"])
    assert members(north) == {("alice", "user")}


def test_the_parent_list_leaves_out_the_team_and_its_sub_teams(admin_browser, tree):
    # when
    form = admin_browser.get(url("edit", tree["sales"].pk)).context["form"]
    # then
    offered = {label.strip() for value, label in form.fields["parent"].choices if value}
    assert offered == {"Support"}


def test_a_cycle_posted_anyway_is_refused_and_changes_nothing(admin_browser, tree):
    # given
    before = parents()
    # when
    response = admin_browser.post(
        url("edit", tree["sales"].pk), {"name": "Sales", "parent": tree["north_east"].pk}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert parents() == before


def test_a_duplicate_name_shows_an_error_on_name(admin_browser, tree):
    # when
    response = admin_browser.post(url("add"), {"name": "support"})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Team.objects.filter(name__iexact="support").count() == 1


def test_a_person_in_two_roles_is_refused(admin_browser, tree, user):
    # when
    response = admin_browser.post(
        url("add"), {"name": "Twice", "managers": [user.pk], "users": [user.pk]}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["users"]
    assert not Team.objects.filter(name="Twice").exists()


def test_removing_the_last_administrator_shows_an_error(client, make_user, tree):
    # given a team administrator who is the only administrator there is
    boss = make_user("boss")
    Membership.objects.create(user=boss, team=tree["support"], role=Role.ADMINISTRATOR)
    client.force_login(boss)
    # when
    response = client.post(url("edit", tree["support"].pk), {"name": "Support"})
    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert members(tree["support"]) == {("boss", "administrator")}


def test_an_administrator_deletes_a_team(admin_browser, tree):
    # given
    confirm = admin_browser.get(url("delete", tree["north_east"].pk)).content.decode()
    assert "Yes, delete" in confirm
    # when
    response = admin_browser.post(url("delete", tree["north_east"].pk))
    # then
    assert response.status_code == 302
    assert response["Location"] == url("index")
    assert not Team.objects.filter(name="North East").exists()


def test_a_team_with_sub_teams_is_not_deleted(admin_browser, tree):
    # given
    confirm = admin_browser.get(url("delete", tree["north"].pk)).content.decode()
    assert "Yes, delete" not in confirm
    assert "North East" in confirm
    # when
    response = admin_browser.post(url("delete", tree["north"].pk), follow=True)
    # then
    assert response.status_code == 200
    assert "North East" in str(next(iter(response.context["messages"])))
    assert Team.objects.filter(pk=tree["north"].pk).exists()


def test_a_missing_team_is_404(admin_browser):
    assert admin_browser.get(url("edit", 987654321)).status_code == 404
    assert admin_browser.post(url("delete", 987654321)).status_code == 404
