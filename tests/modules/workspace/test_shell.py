"""Tessera, not Wagtail: the sign-in page, the menus, the search box, no outside hosts, and
error pages that tell nothing, with DEBUG on too."""

import json
import re

import pytest
from django.test import override_settings

from modules.records.services import RecordService

pytestmark = pytest.mark.smoke


def sidebar(page: str) -> dict:
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', page, re.S
    )
    return json.loads(match.group(1))


def names(node) -> set[str]:
    """Every menu item name in the sidebar's packed props."""
    found = set()
    if isinstance(node, dict):
        for value in node.values():
            found |= names(value)
    elif isinstance(node, list):
        if len(node) >= 1 and isinstance(node[0], dict) and "name" in node[0]:
            found.add(node[0]["name"])
        for value in node:
            found |= names(value)
    return found


def test_the_sign_in_page_is_tessera(db, client):
    page = client.get("/login/").content.decode()
    assert "Sign in to Tessera" in page
    # what a signed-out visitor reads (the no-JavaScript notice aside) never says Wagtail
    shown = re.sub(r"<noscript.*?</noscript>|<[^>]*>", "", page, flags=re.S)
    assert "Wagtail" not in shown
    assert "Wagtail" not in re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def test_menus_hold_no_cms_items(db, client, admin):
    client.force_login(admin)
    page = client.get("/").content.decode()
    shown = names(sidebar(page))
    assert {"records", "settings", "tessera-users"} <= shown
    cms = {
        "explorer",
        "images",
        "documents",
        "reports",
        "help",
        "workflows",
        "workflow-tasks",
        "groups",
        "collections",
        "users",
    }
    assert not shown & cms
    assert "Wagtail v" not in page


def test_the_sidebar_search_searches_records(db, client, admin):
    client.force_login(admin)
    props = json.dumps(sidebar(client.get("/").content.decode()))
    assert '"/search/"' in props
    assert "/pages/search/" not in props


def test_no_page_calls_an_outside_host(db, client, admin):
    client.force_login(admin)
    for url in ("/", "/search/?q=a", "/records/persons/", "/login/"):
        page = client.get(url).content.decode()
        for host in ("gravatar.com", "releases.wagtail.io", "wagtail.org/", "//cdn."):
            assert host not in page, (url, host)


@override_settings(DEBUG=True)
def test_a_hidden_record_and_a_missing_one_get_the_same_friendly_404(db, client, admin, piotr):
    hidden = RecordService().create(admin, "companies", {"name": "Hidden"}, visibility="hidden")
    client.force_login(piotr)
    shown = client.get(f"/records/companies/inspect/{hidden.pk}/")
    missing = client.get(f"/records/companies/inspect/{hidden.pk + 1000}/")
    assert shown.status_code == missing.status_code == 404
    body = shown.content.decode()
    assert "There is nothing here" in body
    assert "URLconf" not in body and "records/" not in body.split("<main", 1)[1]
    assert shown.content == missing.content


@override_settings(DEBUG=True)
def test_an_unknown_screen_gets_the_friendly_404(db, client, piotr):
    client.force_login(piotr)
    response = client.get("/no/such/screen/")
    assert response.status_code == 404
    assert "Using the URLconf" not in response.content.decode()


def test_the_api_keeps_its_json_404(db, client, piotr):
    client.force_login(piotr)
    response = client.get("/api/v1/companies/999999/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_the_error_pages_render_in_polish(db, client, piotr):
    client.force_login(piotr)
    response = client.get("/no/such/screen/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 404
    assert "Nie znaleziono" in response.content.decode()


def test_the_500_page_stands_alone(db, client):
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Something went wrong" in page and "{%" not in page


def test_suspending_and_undoing_ask_first(db, client, admin, piotr):
    client.force_login(admin)
    users = client.get("/settings/users/").content.decode()
    assert f'data-tessera-confirm="suspend" data-confirm-name="{piotr}"' in users
    assert 'id="tessera-confirm-texts"' in users and "workspace/confirm.js" in users
