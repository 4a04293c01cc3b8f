"""An administrator invites a colleague who joins; another leaves and a successor takes over."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from modules.accounts.models import Team, User, UserStatus
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.browser.helpers import log_in, settle

pytestmark = pytest.mark.browser

STRONG = "Correct-Horse-42"


def test_invite_accept_and_first_sign_in(page, shot, admin, browser):
    # given
    Team.objects.create(name="Sales")
    log_in(page, "root")
    page.goto("/settings/users/")
    page.click("text=Invite users")
    page.fill("input[name=email]", "eve@example.com")
    page.select_option("select[name=team]", label="Sales")
    page.select_option("select[name=role]", "manager")
    shot(page, "1-invite")
    # when the invitation is sent
    page.click("button[type=submit]:has-text('Send')")
    page.wait_for_url("**/settings/users/")
    expect(page.locator("[data-invitation='eve@example.com']", has_text="Pending")).to_have_count(1)
    shot(page, "2-listed")
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("/invitations/")[1]
    # then the invitee opens the link, chooses a username and password, and is signed in
    invitee = browser.new_context(base_url=page.url.split("/settings")[0]).new_page()
    invitee.goto(f"/invitations/{path}")
    invitee.fill("input[name=username]", "eve")
    invitee.fill("input[name=first_name]", "Eve")
    invitee.fill("input[name=password1]", "12345678")
    invitee.fill("input[name=password2]", "12345678")
    invitee.click("button[type=submit]")
    expect(invitee.locator("main")).to_contain_text("This password is too common.")
    shot(invitee, "3-weak-password")
    invitee.fill("input[name=password1]", STRONG)
    invitee.fill("input[name=password2]", STRONG)
    invitee.click("button[type=submit]")
    invitee.wait_for_url("**/")
    expect(invitee.locator("text=Welcome to Tessera.")).to_have_count(1)
    shot(invitee, "4-signed-in")
    # and the link cannot be used twice; she signs in again with her password
    invitee.goto(f"/invitations/{path}")
    expect(invitee.locator("text=already accepted")).to_have_count(1)
    shot(invitee, "5-used-link")
    invitee.context.clear_cookies()
    log_in(invitee, "eve", STRONG)
    eve = User.objects.get(username="eve")
    assert eve.memberships.get().team.name == "Sales"
    invitee.context.close()


def test_delete_find_by_deleted_owner_and_hand_over(page, shot, admin, user, make_user):
    # given Alice owns two companies and Sam succeeds her
    sam = make_user("sam", first_name="Sam", last_name="Successor")
    for name in ("Alice Co", "Alice Ltd"):
        RecordService().create(user, "companies", {"name": name})
    RecordService().create(admin, "companies", {"name": "Not hers"})
    log_in(page, "root")
    page.goto("/settings/users/")
    # when the administrator deletes her, keeping the seat
    page.locator("[data-user='alice'] a:has-text('Delete')").click()
    shot(page, "1-confirm-delete")
    page.click("button:has-text('Yes, delete')")
    page.wait_for_url("**/settings/users/")
    assert User.objects.get(pk=user.pk).status == UserStatus.DELETED
    # and shows deleted users in list filters
    page.check("input[name=show_deleted_users_in_filters]")
    page.locator("[data-filter-setting] button[type=submit]").click()
    page.wait_for_url("**/settings/users/")
    shot(page, "2-deleted-and-setting")
    # then the owner filter offers her as "(deleted)" and finds her records
    page.goto("/records/companies/")
    page.click("button[aria-label='Show filters']")
    page.click("[aria-controls='drilldown-id_owner']")
    owner = page.locator("select[name=owner]")
    expect(owner).to_contain_text("Alice Smith (deleted)")
    settle(page, owner)
    shot(page, "3-owner-filter", full_page=False)
    owner.select_option(label="Alice Smith (deleted)")
    page.wait_for_url(re.compile(rf".*owner={user.pk}.*"))
    page.keyboard.press("Escape")
    titles = page.locator("table.listing tbody tr td.title")
    expect(titles).to_have_count(2)
    assert sorted(t.strip() for t in titles.all_inner_texts()) == ["Alice Co", "Alice Ltd"]
    shot(page, "4-filtered")
    # when she selects them all and changes the owner to Sam
    page.locator("thead input[data-bulk-action-select-all-checkbox]").check()
    bar = page.locator("[data-bulk-action-footer]")
    expect(bar).to_be_visible()
    bar.locator("a:has-text('Change user')").click()
    page.wait_for_url("**/records/companies/bulk/change-user/?*")
    page.select_option("select[name=user]", str(sam.pk))
    shot(page, "5-change-owner")
    page.click("button[type=submit]:has-text('Change user')")
    page.wait_for_url("**/records/companies/*")
    settle(page)
    shot(page, "6-handed-over")
    # then Sam owns them
    owners = get_model("companies").objects.filter(name__startswith="Alice")
    assert set(owners.values_list("owner_id", flat=True)) == {sam.pk}
