"""A user makes a scoped API token in Settings, copies it once, uses it, and revokes it."""

import pytest
import requests
from playwright.sync_api import expect

from modules.accounts.models import ApiToken
from tests.browser.helpers import log_in, settle

pytestmark = pytest.mark.browser


def test_make_copy_use_and_revoke_a_token_on_a_phone(browser, live_schema, live_server, user, shot):
    # given a signed-in user on a 390 px wide screen
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    log_in(page, user.username)
    page.goto("/settings/api-tokens/")
    expect(page.locator("text=No tokens yet.")).to_have_count(1)
    page.click("text=New token")
    # when a token that reads and changes persons is made, by keyboard
    page.fill("input[name=name]", "Phone sync")
    page.check("input[name=scopes][value='read']")
    page.focus("input[name=scopes][value='write:persons']")
    page.keyboard.press("Space")
    assert page.locator("input[name=scopes][value='admin']").count() == 0
    shot(page, "1-form")
    page.click("button:has-text('Make token')")
    # then its secret is shown once, with a button that copies it
    secret = page.input_value("#token-secret")
    page.click("button:has-text('Copy')")
    expect(page.locator("[data-copied]")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    settle(page)
    shot(page, "2-secret-once")
    token = ApiToken.objects.get(user=user)
    assert token.scopes == ["read", "write:persons"] and secret not in token.digest
    # and it works within its scopes only
    api = f"{live_server.url}/api/v1"
    headers = {"Authorization": f"Token {secret}"}
    assert requests.get(f"{api}/persons/", headers=headers, timeout=10).status_code == 200
    refused = requests.post(f"{api}/deals/", json={}, headers=headers, timeout=10)
    assert refused.status_code == 403 and refused.json()["required_scope"] == "write:deals"
    # when the list is opened again, the secret is nowhere, and the token is revoked
    page.click("text=Done")
    expect(page.locator(f"[data-token='{token.pk}']")).to_contain_text("Phone sync")
    assert secret not in page.content()
    shot(page, "3-list")
    page.click(f"[data-token='{token.pk}'] >> text=Revoke")
    page.click("button:has-text('Revoke')")
    expect(page.locator("text=No tokens yet.")).to_have_count(1)
    shot(page, "4-revoked")
    # then it stops working at once
    assert requests.get(f"{api}/persons/", headers=headers, timeout=10).status_code == 401
    context.close()
