"""Settings > Access: permissions, every section on the page, saving, refusals that save nothing."""

import re

import pytest
from django.urls import reverse

from modules.access.models import ObjectRole
from modules.access.services import AccessService
from modules.accounts.models import Team
from modules.metamodel.models import SchemaState
from modules.metamodel.screens.registry import settings_sections
from tests.support.permission_tables import ALL_ACTIONS, OBJECT_ROLE_DEFAULTS, RECORD_ACTIONS

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"access_settings:{name}", args=args)


def version():
    return SchemaState.current()


def stored(slug):
    """The settings as a fresh snapshot sees them."""
    return AccessService().settings(slug)


def form_data(settings, **changes):
    """What the page posts when nothing is changed, with `changes` applied."""
    data = {
        "allowed": settings["visibility"]["allowed"],
        "default": settings["visibility"]["default"],
        "object_roles": [r for r in settings["object_roles"] if r != "owner"],
        "system_manager": settings["system"]["manager"],
        "system_user": settings["system"]["user"],
        **{
            f"objects_{role}": settings["objects"].get(role, OBJECT_ROLE_DEFAULTS[role])
            for role in ObjectRole.values
        },
        "users": settings["participants"]["users"],
        "teams": settings["participants"]["teams"],
    }
    if settings["participants"]["creator_team"]:
        data["creator_team"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def checked(html, name):
    """The values of the ticked checkboxes called `name` ("on" for a lone box)."""
    found = []
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag):
            value = re.search(r'value="([^"]*)"', tag)
            found.append(value.group(1) if value else "on")
    return found


@pytest.fixture
def browser(client, admin):
    """Signed in to the admin as an administrator."""
    client.force_login(admin)
    return client


# -- who may come in ----------------------------------------------------------------------------
def test_anonymous_users_are_sent_to_log_in(client, entity):
    for method, address in [
        ("get", url("index")),
        ("get", url("entity", entity)),
        ("post", url("entity", entity)),
    ]:
        # when
        response = getattr(client, method)(address)
        # then
        assert response.status_code == 302, address
        assert "/login/" in response["Location"], address


def test_plain_users_get_403_and_change_nothing(client, user, entity):
    # given
    client.force_login(user)
    before = version()
    for method, address in [
        ("get", url("index")),
        ("get", url("entity", entity)),
        ("post", url("entity", entity)),
    ]:
        # when
        response = getattr(client, method)(address, form_data(stored(entity), default="hidden"))
        # then
        assert response.status_code == 403, address
    assert version() == before


def test_an_unknown_entity_type_is_a_404(browser):
    # when
    response = browser.get(url("entity", "nothing_here"))
    # then
    assert response.status_code == 404


# -- finding the screens ------------------------------------------------------------------------
def test_access_is_a_section_of_the_settings_and_in_the_menu(browser):
    # when
    index = browser.get(reverse("tessera_settings:index")).content.decode()
    home = browser.get(reverse("wagtailadmin_home")).content.decode()
    # then
    assert "access_settings:index" in [s.url_name for s in settings_sections()]
    assert url("index") in index
    assert url("index") in home


def test_the_index_lists_every_entity_type_with_its_defaults(browser, entity):
    # when
    response = browser.get(url("index"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert url("entity", entity) in html
    assert url("entity", "persons") in html
    assert "Owner" in html and "Public" in html


def test_the_form_builder_and_the_data_model_link_to_the_access_screen(browser, entity):
    # when
    builder = browser.get(reverse("tessera_settings:builder", args=[entity])).content.decode()
    listing = browser.get(reverse("tessera_settings:entity_types")).content.decode()
    # then
    assert url("entity", entity) in builder
    assert url("entity", entity) in listing


# -- the page -----------------------------------------------------------------------------------
def test_the_page_shows_every_section_with_the_stored_settings(browser, make_user, entity):
    # given
    colleague = make_user("colleague", first_name="Col", last_name="League")
    team = Team.objects.create(name="Support")
    AccessService().update_participants(None, entity, users=[colleague.pk], teams=[team.pk])
    # when
    response = browser.get(url("entity", entity))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Record visibility", "System roles", "Object roles", "Default participants"):
        assert heading in html
    assert checked(html, "allowed") == ["public", "non_public", "hidden"]
    assert re.search(r'<option value="public"[^>]*selected', html)
    assert checked(html, "system_manager") == ALL_ACTIONS
    assert checked(html, "system_user") == ["view", "add", "edit", "export", "view_history"]
    # the Administrator column: every action, always on
    assert len(re.findall(r"<input[^>]*checked disabled", html)) == len(ALL_ACTIONS) + 1
    assert checked(html, "object_roles") == ["owner", "participant"]
    assert checked(html, "objects_owner") == RECORD_ACTIONS
    assert checked(html, "objects_participant") == ["view", "view_history"]
    assert checked(html, "creator_team") == ["on"]
    assert re.search(rf'<option value="{colleague.pk}"[^>]*selected', html)
    assert "Col League (colleague)" in html
    assert re.search(rf'<option value="{team.pk}"[^>]*selected', html)


def test_a_type_without_record_visibility_shows_why_and_still_saves(browser, scratch_entity):
    # given
    slug = scratch_entity(supports_visibility=False)
    settings = stored(slug)
    # when
    page = browser.get(url("entity", slug)).content.decode()
    response = browser.post(
        url("entity", slug), form_data(settings, allowed=["hidden"], system_user=["view"])
    )
    # then
    assert "always public" in page and 'name="allowed"' not in page
    assert response.status_code == 302
    assert stored(slug)["visibility"] == {"allowed": ["public"], "default": "public"}
    assert stored(slug)["system"]["user"] == ["view"]


# -- saving -------------------------------------------------------------------------------------
def test_an_administrator_saves_every_part_at_once(browser, make_user, entity):
    # given
    colleague = make_user("colleague")
    team = Team.objects.create(name="Sales")
    before = version()
    data = form_data(
        stored(entity),
        allowed=["public", "hidden"],
        default="hidden",
        system_user=["view", "export"],
        object_roles=["responsible"],
        objects_owner=["view", "edit"],
        objects_responsible=["view"],
        creator_team=None,
        users=[colleague.pk],
        teams=[team.pk],
    )
    # when
    response = browser.post(url("entity", entity), data)
    # then
    assert response.status_code == 302
    assert response["Location"] == url("entity", entity)
    settings = stored(entity)
    assert settings["visibility"] == {"allowed": ["public", "hidden"], "default": "hidden"}
    assert settings["system"]["user"] == ["view", "export"]
    assert settings["object_roles"] == ["responsible", "owner"]
    assert settings["objects"] == {"responsible": ["view"], "owner": ["view", "edit"]}
    assert settings["participants"] == {
        "creator_team": False,
        "users": [colleague.pk],
        "teams": [team.pk],
    }
    assert version() != before
    assert "saved" in browser.get(url("entity", entity)).content.decode()


def test_posting_the_page_unchanged_saves_nothing(browser, entity):
    # given
    before = version()
    # when
    response = browser.post(url("entity", entity), form_data(stored(entity)), follow=True)
    # then
    assert response.status_code == 200
    assert "Nothing changed." in response.content.decode()
    assert version() == before


def test_the_owner_role_cannot_be_switched_off(browser, entity):
    # given: the page posts no owner (its box is disabled)
    data = form_data(stored(entity), object_roles=[])
    # when
    response = browser.post(url("entity", entity), data)
    # then
    assert response.status_code == 302
    assert stored(entity)["object_roles"] == ["owner"]


def test_a_refused_default_shows_next_to_it_and_saves_nothing(browser, entity):
    # given: a valid permission change and an invalid visibility
    settings, before = stored(entity), version()
    data = form_data(
        settings, allowed=["public", "hidden"], default="non_public", system_user=["view"]
    )
    # when
    response = browser.post(url("entity", entity), data)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved; correct the errors below." in html
    assert "The default must be one of the allowed visibilities." in html
    assert re.search(
        r"w-field--error.{0,1500}The default must be one of the allowed", html, re.DOTALL
    )
    # what was typed stays on the page
    assert checked(html, "allowed") == ["public", "hidden"]
    assert checked(html, "system_user") == ["view"]
    assert stored(entity) == settings
    assert version() == before


def test_a_part_refused_after_others_were_saved_rolls_them_back(browser, make_user, entity):
    # given: a default participant who has left since
    leaver = make_user("leaver")
    AccessService().update_participants(None, entity, users=[leaver.pk])
    leaver.is_active = False
    leaver.save()
    settings, before = stored(entity), version()
    data = form_data(settings, default="hidden", system_user=["view"], creator_team=None)
    # when: visibility and permissions pass, participants are refused
    response = browser.post(url("entity", entity), data)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose active users." in html
    assert "leaver — inactive" in html
    assert stored(entity) == settings
    assert version() == before


def test_an_unknown_action_posted_anyway_is_refused(browser, entity):
    # given
    settings, before = stored(entity), version()
    # when
    response = browser.post(
        url("entity", entity), form_data(settings, system_user=["view", "fly"], default="hidden")
    )
    # then
    assert response.status_code == 200
    assert "User: Select a valid choice." in response.content.decode()
    assert stored(entity) == settings
    assert version() == before


def test_the_page_speaks_polish(browser, entity):
    # when
    response = browser.get(url("entity", entity), HTTP_ACCEPT_LANGUAGE="pl")
    # then
    html = response.content.decode()
    assert "Role systemowe" in html and "Domyślni uczestnicy" in html
