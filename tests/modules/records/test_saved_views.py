"""Saved views of a list: personal and shared, filters, columns and sort, a default per role;
in the API (`/api/v1/{slug}/views/`) and on the list screen."""

import pytest
from rest_framework.test import APIClient

from modules.accounts.models import Membership, Role, Team
from modules.records.models import SavedView
from modules.records.services import RecordService

pytestmark = pytest.mark.django_db
VIEWS = "/api/v1/persons/views/"
CEOS = {"name": "Prezesi", "filters": {"position": "Prezes"}, "ordering": "-updated_at"}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_personal_view_is_listed_for_its_owner_only(user, make_user):
    # given
    created = api(user).post(VIEWS, CEOS, format="json")
    assert created.status_code == 201, created.json()
    view = created.json()
    assert view["query"] == "position=Prezes&ordering=-updated_at"
    other = api(make_user("bob"))
    # then bob sees no trace of it, as if it did not exist
    assert other.get(VIEWS).json()["results"] == []
    missing = other.get(f"{VIEWS}{view['id']}/")
    assert missing.status_code == 404
    assert missing.json() == other.get(f"{VIEWS}999999/").json()
    assert other.patch(f"{VIEWS}{view['id']}/", {"name": "Mine"}, format="json").status_code == 404
    assert other.delete(f"{VIEWS}{view['id']}/").status_code == 404
    assert SavedView.objects.get(pk=view["id"]).name == "Prezesi"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "A", "filters": {"nonsense": "1"}}, "filters.nonsense"),
        ({"name": "A", "filters": {"position__wrong": "1"}}, "filters.position__wrong"),
        ({"name": "A", "filters": ["position"]}, "filters"),
        ({"name": "A", "columns": ["position", "position"]}, "columns"),
        ({"name": "A", "columns": ["password"]}, "columns"),
        ({"name": "A", "ordering": "-nothing"}, "ordering"),
        ({"name": "A", "shared": True}, "shared"),
        ({"name": "A", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_view_is_a_400_naming_the_key_and_saves_nothing(user, body, key):
    response = api(user).post(VIEWS, body, format="json")
    assert response.status_code == 400
    assert key in response.json()["errors"], response.json()
    assert not SavedView.objects.exists()


def test_a_role_opens_the_list_with_its_default_view(client, admin, make_user):
    # given a shared view of chief executives, the default of the "user" role
    response = api(admin).post(
        VIEWS,
        {**CEOS, "columns": ["last_name", "position"], "shared": True, "default_for_role": "user"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    view = response.json()
    for name, position in (("Nowak", "Prezes"), ("Kowal", "Handlowiec")):
        RecordService().create(
            admin, "persons", {"first_name": "J", "last_name": name, "position": position}
        )
    ann = make_user("ann")
    Membership.objects.create(user=ann, team=Team.objects.create(name="Sales"), role=Role.USER)
    client.force_login(ann)
    # when she opens the list
    opened = client.get("/records/persons/")
    # then she lands on the view, which shows its rows and its columns only
    assert opened.status_code == 302 and f"view={view['id']}" in opened["Location"]
    page = client.get(opened["Location"])
    names = [str(r) for r in page.context["object_list"]]
    assert names == ["J Nowak"]
    headings = [getattr(c, "name", "") for c in page.context["view"].columns]
    assert "position" in headings and "email" not in headings
    assert api(ann).get(VIEWS).json()["default"] == view["id"]


def test_the_list_saves_what_it_shows_as_a_view(client, user):
    client.force_login(user)
    form = client.get("/records/persons/views/new/?position=Handlowiec&ordering=last_name")
    assert "shared" not in form.context["form"].fields  # not an administrator
    saved = client.post(
        "/records/persons/views/new/?position=Handlowiec&ordering=last_name", {"name": "Handlowcy"}
    )
    view = SavedView.objects.get(owner=user)
    assert (view.filters, view.ordering) == ({"position": "Handlowiec"}, "last_name")
    assert saved.status_code == 302 and saved["Location"].endswith(f"view={view.pk}")
    menu = client.get("/records/persons/?position=x").content.decode()
    assert "View: Handlowcy" in menu


def test_the_saved_view_routes_are_in_the_openapi_document(admin):
    paths = api(admin).get("/api/v1/schema/?format=json").json()["paths"]
    assert set(paths["/api/v1/persons/views/"]) >= {"get", "post"}
    assert set(paths["/api/v1/persons/views/{view_id}/"]) >= {"get", "patch", "delete"}
