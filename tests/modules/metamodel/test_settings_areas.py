"""Every settings area: open to administrators, refused to others, named in Polish in the menu."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db

#: Each area's first page, its English title and its Settings menu label in Polish.
AREAS = [
    ("/settings/data-model/", "Data model", "Model danych"),
    ("/settings/access/", "Access", "Dostęp"),
    ("/settings/relations/", "Relations", "Powiązania"),
    ("/settings/segmentation/", "Segmentation", "Segmentacja"),
    ("/settings/change-log/", "Change log", "Dziennik zmian"),
    ("/settings/users/", "Users", "Użytkownicy"),
    ("/settings/teams/", "Teams", "Zespoły"),
    ("/settings/changes/", "Configuration changes", "Zmiany konfiguracji"),
]

SIDEBAR = re.compile(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>')


def settings_menu(page: str) -> dict[str, str]:
    """The Settings submenu of Wagtail's sidebar on `page`: url -> label (empty if absent)."""
    props = json.loads(SIDEBAR.search(page)[1])
    found = {}

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("url"), str) and isinstance(node.get("label"), str):
                found[node["url"]] = node["label"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(props)
    return found


@pytest.mark.parametrize(("address", "title", "_polish"), AREAS)
def test_an_administrator_opens_every_area(client, admin, address, title, _polish):
    # given
    client.force_login(admin)
    # when
    response = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert response.status_code == 200
    assert title in response.content.decode()


@pytest.mark.parametrize(("address", "_title", "_polish"), AREAS)
def test_a_plain_user_is_refused_every_area(client, user, address, _title, _polish):
    # given
    client.force_login(user)
    # when
    response = client.get(address)
    # then
    assert response.status_code == 403


@pytest.mark.parametrize(("address", "_title", "_polish"), AREAS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, address, _title, _polish):
    # when
    response = client.get(address)
    # then
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_settings_menu_names_every_area_in_polish(client, admin):
    # given
    client.force_login(admin)
    # when
    menu = settings_menu(client.get("/", HTTP_ACCEPT_LANGUAGE="pl").content.decode())
    # then
    assert {address: menu.get(address) for address, _title, _polish in AREAS} == {
        address: polish for address, _title, polish in AREAS
    }


def test_the_settings_menu_lists_no_area_to_a_plain_user(client, user):
    # given
    client.force_login(user)
    # when
    menu = settings_menu(client.get("/", HTTP_ACCEPT_LANGUAGE="pl").content.decode())
    # then
    assert menu, "the sidebar has the user's other menu items"
    assert not {address for address, _title, _polish in AREAS} & set(menu)
