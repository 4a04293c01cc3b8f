"""Numbering without JSON: `GET|PUT /api/v1/meta/entity-types/{slug}/numbering/` and the
Numbering screen with its preview."""

import pytest
from django.urls import reverse
from django.utils import timezone

from modules.metamodel.models import EntityType, SchemaState
from modules.records.services import RecordService

pytestmark = pytest.mark.django_db


def api(slug):
    return f"/api/v1/meta/entity-types/{slug}/numbering/"


def test_a_built_in_type_reports_its_numbering(user_client):
    body = user_client.get(api("deals")).json()
    year = timezone.localdate().year
    assert body == {
        "enabled": True,
        "field": "number",
        "pattern": "%N/%Y",
        "start": 1,
        "reset_yearly": False,
        "preview": f"1/{year}",
    }
    assert user_client.get(api("persons")).json()["enabled"] is False


def test_numbering_switched_on_adds_a_number_field_that_numbers_new_records(
    admin_client, admin, scratch_entity
):
    # given
    slug = scratch_entity()
    year = timezone.localdate().year
    # when
    response = admin_client.put(
        api(slug),
        {"enabled": True, "pattern": "%N/%Y", "start": 1000, "reset_yearly": True},
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["preview"] == f"1000/{year}"
    record = RecordService().create(admin, slug, {})
    assert record.number == f"1000/{year}"


def test_numbering_switched_off_and_on_again_keeps_the_counter(admin_client, admin, scratch_entity):
    slug = scratch_entity()
    admin_client.put(api(slug), {"enabled": True, "pattern": "N-%N", "start": 5}, format="json")
    RecordService().create(admin, slug, {})
    # when
    off = admin_client.put(api(slug), {"enabled": False}, format="json").json()
    on = admin_client.put(api(slug), {"enabled": True}, format="json").json()
    # then
    assert off["enabled"] is False and on["field"] == "number" and on["pattern"] == "N-%N"
    assert RecordService().create(admin, slug, {}).number == "N-6"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"enabled": True, "pattern": "%Y/%M"}, "pattern"),
        ({"enabled": True, "pattern": "%N/%X"}, "pattern"),
        ({"enabled": True, "pattern": "%N%"}, "pattern"),
        ({"enabled": True, "pattern": "%N\u0007x"}, "pattern"),
        ({"enabled": True, "pattern": "%N" * 30}, "pattern"),
        ({"enabled": True, "start": -1}, "start"),
        ({"enabled": True, "start": 10**13}, "start"),
        ({"enabled": "yes"}, "enabled"),
        ({"enabled": True, "colour": "red"}, "colour"),
    ],
)
def test_bad_numbering_is_a_400_naming_the_key_and_changes_nothing(
    admin_client, body, field, scratch_entity
):
    slug = scratch_entity()
    version = SchemaState.current()
    response = admin_client.put(api(slug), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert SchemaState.current() == version
    assert not EntityType.objects.get(slug=slug).fields.exists()


def test_only_administrators_change_the_numbering(user_client):
    response = user_client.put(api("deals"), {"enabled": False}, format="json")
    assert response.status_code == 403
    assert user_client.get(api("deals")).json()["enabled"] is True


def test_a_missing_type_is_a_404(admin_client):
    assert admin_client.get(api("nothing_here")).status_code == 404
    assert (
        admin_client.put(api("nothing_here"), {"enabled": True}, format="json").status_code == 404
    )


def test_the_numbering_route_is_in_the_openapi_document(admin_client):
    paths = admin_client.get("/api/v1/schema/?format=json").json()["paths"]
    assert set(paths["/api/v1/meta/entity-types/{slug}/numbering/"]) >= {"get", "put"}


def test_the_numbering_screen_saves_and_refuses_a_pattern_without_the_number(
    client, admin, scratch_entity
):
    slug = scratch_entity()
    client.force_login(admin)
    address = reverse("tessera_settings:numbering", args=[slug])
    page = client.get(address).content.decode()
    assert "%I" in page and "data-numbering-preview" in page
    # when a pattern without %N is sent
    refused = client.post(address, {"enabled": "on", "pattern": "%Y", "start": "1"})
    # then it is explained and nothing is saved
    assert refused.status_code == 200
    assert "%N" in str(refused.context["form"].errors["pattern"])
    assert not EntityType.objects.get(slug=slug).fields.exists()
    # when a good one is sent
    saved = client.post(address, {"enabled": "on", "pattern": "INV-%N", "start": "7"})
    assert saved.status_code == 302
    assert client.get(api(slug)).json()["preview"] == "INV-7"
