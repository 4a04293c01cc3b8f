"""Bulk actions on the admin list: change user, move to trash, export selected."""

import csv
import io

import openpyxl
import pytest

from modules.access import grants
from modules.access.services import AccessService
from modules.accounts.models import Team
from modules.metamodel.runtime import get_model
from modules.records.screens import bulk
from modules.records.services import RecordService
from tests.fixtures.schema import TYPES

BASE = "/records/companies/"
BULK = ["bulk/change-user/", "bulk/trash/", "bulk/export/xlsx/", "bulk/export/csv/"]


def query(*records) -> str:
    return "?" + "&".join(f"id={getattr(r, 'pk', r)}" for r in records)


def company(owner, name, **sharing):
    values = {"name": name, "city": "Kraków", "employees": 12}
    return RecordService().create(owner, "companies", values, **sharing)


def stored(record):
    return get_model("companies").objects.get(pk=record.pk)


def rows(response) -> list[tuple]:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("text/csv"):
        return [tuple(row) for row in csv.reader(io.StringIO(data.decode()))]
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [tuple("" if v is None else v for v in row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def mine(user):
    """Two companies the plain user owns."""
    return company(user, "Mine A"), company(user, "Mine B")


@pytest.fixture
def bob(make_user):
    return make_user("bob", first_name="Bob", last_name="Brown")


# -- the list ---------------------------------------------------------------------------


@pytest.mark.smoke
def test_the_list_has_row_checkboxes_and_a_bulk_bar(client, user, mine):
    client.force_login(user)
    page = client.get(BASE).content.decode()
    assert page.count("data-bulk-action-checkbox") == 2
    assert "data-bulk-action-select-all-checkbox" in page
    assert f'aria-describedby="record_{mine[0].pk}_title"' in page
    assert f'id="record_{mine[0].pk}_title"' in page
    for url in BULK:
        assert f"{BASE}{url}" in page
    assert "bulk-actions.js" in page


@pytest.mark.smoke
def test_the_trash_list_has_no_bulk_bar(client, user, mine):
    RecordService().delete(user, "companies", mine[0].pk)
    client.force_login(user)
    page = client.get(f"{BASE}trash/").content.decode()
    assert "data-bulk-action-footer" not in page and "bulk-actions.js" not in page


@pytest.mark.smoke
@pytest.mark.parametrize("url", BULK)
def test_anonymous_users_are_sent_to_log_in(client, mine, url):
    for response in (client.get(BASE + url + query(*mine)), client.post(BASE + url + query(*mine))):
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert stored(mine[0]).deleted_at is None


# -- move to trash ----------------------------------------------------------------------


@pytest.mark.smoke
def test_trash_confirms_then_moves_the_records(client, user, mine):
    client.force_login(user)
    url = f"{BASE}bulk/trash/{query(*mine)}&next=/records/companies/%3Fq%3DMine"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mine A" in text and "Mine B" in text and "Move these 2 records" in text
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/records/companies/?q=Mine"
    assert [stored(r).deleted_at is not None for r in mine] == [True, True]
    assert "2 records moved to the trash." in client.get(BASE).content.decode()


@pytest.mark.smoke
def test_trash_refuses_a_mix_and_writes_nothing(client, user, admin, mine):
    # a plain user may delete only records she owns
    theirs = company(admin, "Theirs")
    client.force_login(user)
    url = f"{BASE}bulk/trash/{query(mine[0], theirs)}"
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "You may not do this with: “Theirs”" in text
    assert page.context["refused"] == [theirs]
    assert f"{BASE}bulk/trash/?id={mine[0].pk}" in page.context["continue_url"]
    assert 'type="submit" class="button serious" disabled' in text
    # when she posts anyway, the service refuses the whole call
    response = client.post(url)
    assert response.status_code == 403
    assert "You may not do this with: “Theirs”" in response.content.decode()
    assert stored(mine[0]).deleted_at is None and stored(theirs).deleted_at is None


@pytest.mark.smoke
def test_records_the_user_cannot_see_answer_like_missing_ones(client, user, admin, mine):
    hidden = company(admin, "Secret", visibility="hidden")
    client.force_login(user)
    for url in BULK:
        unseen = client.get(BASE + url + query(mine[0], hidden))
        missing = client.get(BASE + url + query(mine[0], 999999))
        assert unseen.status_code == missing.status_code == 404, url
        assert unseen.content == missing.content and b"Secret" not in unseen.content
        if url.startswith("bulk/export/"):
            continue  # a download, GET only
        posted = client.post(BASE + url + query(mine[0], hidden))
        assert posted.status_code == 404 and posted.content == missing.content
    assert stored(mine[0]).deleted_at is None and stored(hidden).deleted_at is None


@pytest.mark.smoke
def test_a_record_trashed_meanwhile_is_a_404_and_nothing_is_written(client, user, mine):
    client.force_login(user)
    url = f"{BASE}bulk/trash/{query(*mine)}"
    assert client.get(url).status_code == 200
    RecordService().delete(user, "companies", mine[1].pk)
    assert client.post(url).status_code == 404
    assert stored(mine[0]).deleted_at is None


@pytest.mark.smoke
def test_malformed_empty_or_oversized_selections(client, user, mine, monkeypatch):
    monkeypatch.setattr(bulk, "BULK_LIMIT", 1)
    client.force_login(user)
    for bad in ("abc", "²", "-1", "9" * 30):
        assert client.get(f"{BASE}bulk/trash/?id={bad}").status_code == 404, bad
    response = client.get(f"{BASE}bulk/trash/", follow=True)
    assert response.redirect_chain[-1][0] == BASE
    assert "Select at least one record first." in response.content.decode()
    response = client.get(f"{BASE}bulk/change-user/{query(*mine)}", follow=True)
    assert "Act on at most 1 records at once." in response.content.decode()


@pytest.mark.smoke
def test_an_unsafe_next_is_ignored(client, user, mine):
    client.force_login(user)
    response = client.post(f"{BASE}bulk/trash/{query(*mine)}&next=https://evil.example/")
    assert response.status_code == 302 and response["Location"] == BASE


# -- change user ------------------------------------------------------------------------


@pytest.mark.smoke
def test_change_owner(client, user, bob, mine):
    client.force_login(user)
    url = f"{BASE}bulk/change-user/{query(*mine)}"
    form = client.get(url).context["form"]
    assert [c[0] for c in form.fields["role"].choices] == ["owner", "participant"]
    response = client.post(url, {"role": "owner", "user": bob.pk})
    assert response.status_code == 302
    assert [stored(r).owner_id for r in mine] == [bob.pk, bob.pk]


@pytest.mark.smoke
def test_change_participants_add_then_remove(client, user, bob, mine):
    team = Team.objects.create(name="Sales")
    client.force_login(user)
    url = f"{BASE}bulk/change-user/{query(*mine)}"
    data = {"role": "participant", "users": [bob.pk], "teams": [team.pk], "mode": "add"}
    assert client.post(url, data).status_code == 302
    held = grants.holders("companies", [r.pk for r in mine])
    assert sorted(held) == sorted(r.pk for r in mine)
    assert all(bob.pk in h["participant"]["users"] for h in held.values())
    assert all(team.pk in h["participant"]["teams"] for h in held.values())
    data = {"role": "participant", "users": [bob.pk], "mode": "remove"}
    assert client.post(url, data).status_code == 302
    held = grants.holders("companies", [r.pk for r in mine])
    assert sorted(held) == sorted(r.pk for r in mine)
    assert not any(bob.pk in h["participant"]["users"] for h in held.values())
    assert all(team.pk in h["participant"]["teams"] for h in held.values())


@pytest.mark.smoke
def test_responsible_is_offered_where_the_type_has_it(client, user, admin, mine):
    AccessService().update_permissions(
        admin, "companies", object_roles=["owner", "participant", "responsible"]
    )
    client.force_login(user)
    form = client.get(f"{BASE}bulk/change-user/{query(*mine)}").context["form"]
    assert [c[0] for c in form.fields["role"].choices] == ["owner", "responsible", "participant"]


@pytest.mark.smoke
def test_change_user_shows_form_errors_and_writes_nothing(client, user, bob, mine):
    client.force_login(user)
    url = f"{BASE}bulk/change-user/{query(*mine)}"
    for data, field in (
        ({"role": "owner"}, "user"),
        ({"role": "participant", "mode": "add"}, "users"),
        ({"role": "responsible", "user": bob.pk}, "role"),  # the type has no such role
        ({"role": "owner", "user": 999999}, "user"),
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert field in response.context["form"].errors, data
    assert [stored(r).owner_id for r in mine] == [user.pk, user.pk]


@pytest.mark.smoke
def test_change_user_refuses_a_mix_and_writes_nothing(client, user, admin, bob, mine):
    theirs = company(admin, "Theirs")
    client.force_login(user)
    url = f"{BASE}bulk/change-user/{query(*mine, theirs)}"
    assert client.get(url).context["refused"] == [theirs]
    response = client.post(url, {"role": "owner", "user": bob.pk})
    assert response.status_code == 403
    assert "“Theirs”" in response.content.decode()
    assert [stored(r).owner_id for r in (*mine, theirs)] == [user.pk, user.pk, admin.pk]
    response = client.post(url, {"role": "participant", "users": [bob.pk], "mode": "add"})
    assert response.status_code == 403
    assert not any(
        h["participant"]["users"]
        for h in grants.holders("companies", [r.pk for r in (*mine, theirs)]).values()
    )


# -- export selected --------------------------------------------------------------------


@pytest.mark.smoke
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_selected_masks_like_the_list_export(client, user, admin, make_user, fmt):
    # given an open record, a non-public one she may only list, and one not selected
    own = company(user, "Own")
    masked = company(admin, "Masked", visibility="non_public")
    company(admin, "Not selected")
    client.force_login(user)
    selected = rows(client.get(f"{BASE}bulk/export/{fmt}/{query(own, masked)}"))
    listed = rows(client.get(f"{BASE}?export={fmt}"))
    # then the selection holds exactly the list export's rows of those records
    header = listed[0]
    assert selected[0] == header
    assert sorted(selected[1:]) == sorted(r for r in listed[1:] if r[0] in ("Own", "Masked"))
    by_name = {r[0]: r for r in selected[1:]}
    city, employees = header.index("City"), header.index("Number of employees")
    assert by_name["Own"][employees] in (12, "12") and by_name["Masked"][employees] == ""
    assert by_name["Masked"][city] == "Kraków"  # a basic field: shown to those who only list


@pytest.mark.smoke
def test_export_selected_needs_the_export_permission(client, user, admin, mine):
    AccessService().update_permissions(admin, "companies", system={"user": ["view", "add"]})
    client.force_login(user)
    assert client.get(f"{BASE}bulk/export/xlsx/{query(*mine)}").status_code == 403
    assert f"{BASE}bulk/export/xlsx/" not in client.get(BASE).content.decode()


@pytest.mark.smoke
def test_unknown_export_formats_are_404(client, user, mine):
    client.force_login(user)
    assert client.get(f"{BASE}bulk/export/pdf/{query(*mine)}").status_code == 404


# -- every field type -------------------------------------------------------------------


def test_bulk_screens_render_with_every_field_type(client, admin, bob, every_type):
    linked = RecordService().create(admin, "companies", {"name": "Acme"})
    values = {f"v_{t}": value for t, (_o, value, *_r) in TYPES.items() if value is not None}
    records = [
        RecordService().create(
            admin, every_type, {**values, "v_user": admin.pk, "v_relation": linked.pk}
        ),
        RecordService().create(admin, every_type, {}),
    ]
    client.force_login(admin)
    base, ids = f"/records/{every_type}/", query(*records)
    assert client.get(base).content.decode().count("data-bulk-action-checkbox") == 2
    for url in ("bulk/change-user/", "bulk/trash/"):
        assert client.get(base + url + ids).status_code == 200, url
    exported = rows(client.get(f"{base}bulk/export/xlsx/{ids}"))
    assert len(exported) == 3 and 42 in exported[1] + exported[2]
    assert len(rows(client.get(f"{base}bulk/export/csv/{ids}"))) == 3
    response = client.post(base + "bulk/change-user/" + ids, {"role": "owner", "user": bob.pk})
    assert response.status_code == 302
    assert client.post(base + "bulk/trash/" + ids).status_code == 302
    model = get_model(every_type)
    assert model.objects.filter(deleted_at__isnull=True).count() == 0
    assert set(model.objects.values_list("owner_id", flat=True)) == {bob.pk}


@pytest.mark.smoke
def test_the_bulk_screens_speak_polish(client, user, admin, mine):
    theirs = company(admin, "Theirs")
    client.force_login(user)
    page = client.get(BASE, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Zmień użytkownika" in page and "Eksportuj zaznaczone (XLSX)" in page
    page = client.get(
        f"{BASE}bulk/trash/{query(*mine, theirs)}", HTTP_ACCEPT_LANGUAGE="pl"
    ).content.decode()
    assert "Przenieść te 3 rekordy do kosza?" in page
    assert "Nie możesz tego zrobić z: “Theirs”" in page
    response = client.post(f"{BASE}bulk/trash/{query(*mine)}", HTTP_ACCEPT_LANGUAGE="pl")
    page = client.get(BASE, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert response.status_code == 302 and "2 rekordy przeniesiono do kosza." in page
