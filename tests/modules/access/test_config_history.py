"""Access settings in the configuration history: choices by label, participants by name."""

import pytest
from django.urls import reverse

from modules.access.services import AccessService

pytestmark = pytest.mark.django_db


def test_access_changes_show_labels_and_participant_names(client, admin, user):
    # given
    access = AccessService()
    access.update_visibility(admin, "persons", allowed=["public", "hidden"], default="hidden")
    access.update_participants(admin, "persons", users=[user.pk])
    client.force_login(admin)
    # when
    response = client.get(
        reverse("tessera_settings:config_history"), {"kind": ["access"], "entity": "persons"}
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="tessera-after">Hidden<' in html
    assert 'class="tessera-after">Alice Smith<' in html
    assert "Ada Admin" in html
