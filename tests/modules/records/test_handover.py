"""Hand-over from one user to another, and finding a deleted user's records by filter."""

import pytest
from django.test import Client

from modules.access import grants
from modules.accounts.lifecycle import LifecycleService
from modules.accounts.models import AccountSettings
from modules.metamodel.runtime import get_model, get_snapshot
from modules.records.services import Effects, RecordService

pytestmark = pytest.mark.django_db


def company(owner, name, **sharing):
    return RecordService().create(owner, "companies", {"name": name}, **sharing)


def test_the_preview_counts_records_per_entity_type_and_role(admin_client, admin, user):
    # given
    company(user, "A")
    company(user, "B")
    company(admin, "C", participants={"users": [user.pk], "teams": []})
    # when
    body = admin_client.get(f"/api/v1/users/{user.pk}/hand-over/").json()
    # then
    moves = {(m["entity"], m["role"]): m["count"] for m in body["moves"]}
    assert moves[("companies", "owner")] == 2
    assert moves[("companies", "participant")] == 1
    assert body["total"] == sum(moves.values())


def test_hand_over_moves_owner_and_participation_of_a_deleted_user(
    admin_client, admin, user, make_user
):
    # given
    successor = make_user("sam")
    owned = company(user, "Owned")
    joined = company(admin, "Joined", participants={"users": [user.pk], "teams": []})
    LifecycleService().delete(admin, user.pk)
    # when
    response = admin_client.post(
        f"/api/v1/users/{user.pk}/hand-over/", {"to_user": successor.pk}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    model = get_model("companies")
    assert model.objects.get(pk=owned.pk).owner_id == successor.pk
    held = grants.holders(get_snapshot().entity("companies"), [joined.pk])[joined.pk]
    assert held["participant"]["users"] == [successor.pk]
    assert admin_client.get(f"/api/v1/users/{user.pk}/hand-over/").json()["total"] == 0


def test_hand_over_works_past_the_bulk_limit_in_one_go(admin_client, admin, user, make_user):
    # given
    successor = make_user("sam")
    model = get_model("companies")
    RecordService().insert_rows(
        user, model, [{"name": f"C{i}"} for i in range(1005)], Effects(defaults=True)
    )
    # when
    response = admin_client.post(
        f"/api/v1/users/{user.pk}/hand-over/", {"to_user": successor.pk}, format="json"
    )
    # then
    assert response.json()["total"] == 1005
    assert model.objects.filter(owner=successor).count() == 1005


def test_hand_over_refuses_an_inactive_or_the_same_successor(admin_client, admin, user, make_user):
    # given
    gone = make_user("gone")
    LifecycleService().suspend(admin, gone.pk)
    # when
    same = admin_client.post(
        f"/api/v1/users/{user.pk}/hand-over/", {"to_user": user.pk}, format="json"
    )
    inactive = admin_client.post(
        f"/api/v1/users/{user.pk}/hand-over/", {"to_user": gone.pk}, format="json"
    )
    # then
    assert same.json()["errors"] == {"to_user": ["Choose another user to take over."]}
    assert inactive.json()["errors"] == {"to_user": ["Choose an active user to take over."]}


def test_a_deleted_owners_records_stay_visible_and_filterable_in_the_api(admin_client, admin, user):
    # given
    record = company(user, "Left behind")
    LifecycleService().delete(admin, user.pk)
    # when
    by_owner = admin_client.get(f"/api/v1/companies/?owner={user.pk}").json()["results"]
    # then
    assert [r["id"] for r in by_owner] == [record.pk]


def test_the_api_filters_by_participant_including_deleted_users(admin_client, admin, user):
    # given
    joined = company(admin, "Joined", participants={"users": [user.pk], "teams": []})
    company(admin, "Other")
    LifecycleService().delete(admin, user.pk)
    # when
    found = admin_client.get(f"/api/v1/companies/?participant={user.pk}").json()["results"]
    # then
    assert [r["id"] for r in found] == [joined.pk]


def test_admin_filters_show_deleted_users_marked_only_when_the_setting_is_on(admin, user):
    # given
    company(user, "Left behind")
    LifecycleService().delete(admin, user.pk)
    browser = Client()
    browser.force_login(admin)
    # when
    before = browser.get("/records/companies/")
    LifecycleService().set_show_deleted_users(admin, True)
    after = browser.get("/records/companies/")
    filtered = browser.get(f"/records/companies/?owner={user.pk}")
    by_participant = browser.get(f"/records/companies/?participant={user.pk}")
    # then
    assert "Alice Smith (deleted)" not in before.content.decode()
    assert after.content.decode().count("Alice Smith (deleted)") >= 2  # owner and participant
    assert "Left behind" in filtered.content.decode()
    assert by_participant.status_code == 200
    assert AccountSettings.current().show_deleted_users_in_filters is True


def test_the_hand_over_screen_previews_then_moves(admin, user, make_user):
    # given
    browser = Client()
    browser.force_login(admin)
    sam = make_user("sam")
    record = RecordService().create(user, "companies", {"name": "Acme"})
    # when
    preview = browser.get(f"/settings/users/{user.pk}/hand-over/").content.decode()
    response = browser.post(f"/settings/users/{user.pk}/hand-over/", {"to_user": sam.pk})
    # then
    assert "data-hand-over-preview" in preview and "Owner" in preview
    assert response.status_code == 302
    assert get_model("companies").objects.get(pk=record.pk).owner_id == sam.pk


def test_the_users_list_links_each_user_to_the_hand_over_page_records_adds(admin, user):
    # given
    browser = Client()
    browser.force_login(admin)
    # when
    page = browser.get("/settings/users/").content.decode()
    # then
    assert f'href="/settings/users/{user.pk}/hand-over/"' in page
