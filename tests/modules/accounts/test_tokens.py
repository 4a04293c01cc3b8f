"""Named API tokens: made once with their secret, stored hashed, scoped, expiring, revoked."""

import hashlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from modules.accounts.models import ApiToken
from modules.accounts.tokens import TokenService
from tests.support.tokens import secret_for

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/auth/tokens/"
ME = "/api/v1/users/"
STRONG = "Correct-Horse-42"


def with_token(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_a_token_is_shown_once_stored_hashed_and_works(user_client, user):
    # when
    made = user_client.post(
        TOKENS, {"name": "Zapier", "scopes": ["read", "write:deals"]}, format="json"
    )
    listed = user_client.get(TOKENS).json()["results"]
    # then the answer has the secret; the list and the database never again
    assert made.status_code == 201, made.content
    body = made.json()
    secret = body["token"]
    assert len(secret) >= 40 and body["prefix"] == secret[:8]
    assert body["scopes"] == ["read", "write:deals"] and body["expires_at"] is None
    assert [t["name"] for t in listed] == ["Zapier"] and "token" not in listed[0]
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=stored.pk).values().get())
    assert with_token(secret).get(ME).status_code == 200


def test_several_tokens_each_revoked_alone(user, make_user):
    # given two tokens of one user and one of another
    first, second = secret_for(user), secret_for(user)
    other_user = make_user("olga")
    others = secret_for(other_user)
    other_id = ApiToken.objects.get(user=other_user).pk
    # when the owner revokes their first through the second, and tries the other user's
    mine = with_token(second)
    first_id = next(t for t in ApiToken.objects.filter(user=user) if first.startswith(t.prefix))
    revoked = mine.delete(f"{TOKENS}{first_id.pk}/")
    foreign = mine.delete(f"{TOKENS}{other_id}/")
    # then only the first stopped working; another user's token reads as missing
    assert revoked.status_code == 204
    assert with_token(first).get(ME).status_code == 401
    assert mine.get(ME).status_code == 200
    assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"
    assert with_token(others).get(ME).status_code == 200


def test_an_administrator_lists_and_revokes_another_users_token(admin_client, user):
    # given
    secret = secret_for(user)
    token = ApiToken.objects.get(user=user)
    # when
    listed = admin_client.get(TOKENS, {"user": user.pk}).json()["results"]
    revoked = admin_client.delete(f"{TOKENS}{token.pk}/")
    # then
    assert [t["id"] for t in listed] == [token.pk]
    assert revoked.status_code == 204
    assert with_token(secret).get(ME).status_code == 401


def test_others_tokens_are_not_listed_to_a_user(user_client, admin):
    # when
    response = user_client.get(TOKENS, {"user": admin.pk})
    # then
    assert response.status_code == 403


def test_an_expired_token_is_a_401_saying_so(user):
    # given a token that expired a moment ago
    secret = secret_for(user, expires_at=timezone.now() + timedelta(hours=1))
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    # when
    response = with_token(secret).get(ME)
    # then
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_without_the_scope_is_a_403_naming_it(user):
    # given a token that reads and writes deals only
    client = with_token(secret_for(user, ["read", "write:deals"]))
    # when
    response = client.post("/api/v1/persons/", {"first_name": "No"}, format="json")
    # then
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "insufficient_scope"
    assert body["required_scope"] == "write:persons"
    assert "write:persons" in body["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "scopes": ["read"]}, "name"),
        ({"name": "x" * 101, "scopes": ["read"]}, "name"),
        ({"name": "CI", "scopes": []}, "scopes"),
        ({"name": "CI", "scopes": ["read", "write:nothing_like_this"]}, "scopes"),
        ({"name": "CI", "scopes": ["admin"]}, "scopes"),
        ({"name": "CI", "scopes": ["read"], "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        ({"name": "CI", "scopes": ["read"], "expires_at": "soon"}, "expires_at"),
        ({"name": 5, "scopes": ["read"]}, "name"),
        ({"name": "CI", "scopes": "read"}, "scopes"),
        ({"name": "CI\u0000", "scopes": ["read"]}, None),
        ({"name": "CI", "scopes": ["read"], "secret": "mine"}, "secret"),
    ],
)
def test_a_bad_token_request_is_a_400_per_field_and_makes_nothing(user_client, body, field):
    # when
    response = user_client.post(TOKENS, body, format="json")
    # then
    assert response.status_code == 400, response.content
    if field:
        assert field in response.json()["errors"]
    assert not ApiToken.objects.exists()


def test_a_token_makes_tokens_only_within_its_own_scopes(user):
    # given
    client = with_token(secret_for(user, ["read", "write:deals"]))
    # when
    wider = client.post(TOKENS, {"name": "more", "scopes": ["write"]}, format="json")
    narrower = client.post(TOKENS, {"name": "less", "scopes": ["read"]}, format="json")
    # then
    assert wider.status_code == 400 and "scopes" in wider.json()["errors"]
    assert narrower.status_code == 201


def test_rotate_and_delete_affect_only_the_token_used(make_user):
    # given a user with two integrations, each signed in with the password
    ann = make_user("ann")
    sign_in = {"username": "ann", "password": "pw-Secret-123"}
    one = APIClient().post("/api/v1/auth/token/", sign_in, format="json").json()["token"]
    two = APIClient().post("/api/v1/auth/token/", sign_in, format="json").json()["token"]
    # when the first rotates its token, and the second deletes its own
    rotated = with_token(one).post(
        "/api/v1/auth/token/", {**sign_in, "rotate": True}, format="json"
    )
    deleted = with_token(two).delete("/api/v1/auth/token/")
    unnamed = APIClient().post("/api/v1/auth/token/", {**sign_in, "rotate": True}, format="json")
    # then
    new = rotated.json()["token"]
    assert new != one and with_token(new).get(ME).status_code == 200
    assert with_token(one).get(ME).status_code == 401
    assert deleted.status_code == 204 and with_token(two).get(ME).status_code == 401
    assert unnamed.status_code == 400 and unnamed.json()["code"] == "token_required"
    assert ApiToken.objects.filter(user=ann).count() == 1


def test_an_old_single_token_keeps_working_after_the_migration(user):
    # given a token of the kind every user had before, its key in plain text
    legacy = Token.objects.create(user=user)
    migration = __import__(
        "modules.accounts.migrations.0004_api_tokens", fromlist=["tokens_become_named_tokens"]
    )
    # when
    migration.tokens_become_named_tokens(apps, None)
    # then the same key signs in, can do all it could, and is no longer stored plainly
    client = with_token(legacy.key)
    assert client.get(ME).status_code == 200
    assert (
        client.post(
            "/api/v1/persons/", {"first_name": "A", "last_name": "B"}, format="json"
        ).status_code
        == 201
    )
    assert not Token.objects.exists()
    assert ApiToken.objects.get(user=user).name == "API token"


def test_last_used_is_written_at_most_once_a_minute(user):
    # given
    client = with_token(secret_for(user))
    token = ApiToken.objects.get(user=user)
    # when
    client.get(ME)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    client.get(ME)
    second = ApiToken.objects.get(pk=token.pk).last_used_at
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    client.get(ME)
    third = ApiToken.objects.get(pk=token.pk).last_used_at
    # then
    assert first is not None and second == first
    assert third > first


def test_a_new_password_ends_every_token(user):
    # given
    secrets = [secret_for(user), secret_for(user)]
    # when
    user.set_password(STRONG)
    user.save()
    # then
    assert all(with_token(s).get(ME).status_code == 401 for s in secrets)


def test_service_refuses_to_read_a_token_it_may_not_see(user, make_user):
    # given
    olga = make_user("olga")
    token, _secret = TokenService().create(olga, name="hers", scopes=["read"])
    # when / then
    with pytest.raises(Exception) as refused:
        TokenService().revoke(user, token.pk)
    assert getattr(refused.value, "code", None) == "not_found"
    assert ApiToken.objects.filter(pk=token.pk).exists()
