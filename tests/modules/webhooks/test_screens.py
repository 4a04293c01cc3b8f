import pytest

from modules.webhooks.models import Subscription

pytestmark = pytest.mark.django_db

BASE = "/settings/webhooks/"


def test_an_administrator_adds_a_webhook_and_sees_its_secret_once(client, admin, receiver):
    client.force_login(admin)
    # when
    response = client.post(
        f"{BASE}new/",
        {"name": "ERP", "url": receiver.url, "events": ["record.created"], "active": "on"},
    )
    # then the answer itself shows the secret; the list and the form never do
    hook = Subscription.objects.get()
    assert response.status_code == 200
    assert hook.secret in response.content.decode()
    assert hook.secret not in client.get(BASE).content.decode()
    assert hook.secret not in client.get(f"{BASE}{hook.pk}/").content.decode()


def test_a_refused_address_is_shown_next_to_the_field_and_nothing_is_saved(client, admin):
    client.force_login(admin)
    response = client.post(
        f"{BASE}new/", {"name": "ERP", "url": "http://10.1.2.3/", "events": ["record.created"]}
    )
    assert response.status_code == 400
    assert "not a public address" in response.content.decode()
    assert not Subscription.objects.exists()


def test_others_may_not_open_the_webhooks(client, user):
    client.force_login(user)
    assert client.get(BASE).status_code == 403
