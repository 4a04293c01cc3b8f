"""Regional settings: each user's language, time zone and formats on the screens; the API
and its exports stay neutral."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from wagtail.users.models import UserProfile

from modules.accounts.models import RegionalSettings
from modules.records.services import RecordService

pytestmark = pytest.mark.django_db
NBSP = "\N{NO-BREAK SPACE}"


def account_form(**regional):
    return {
        "name_email-first_name": "Ann",
        "name_email-last_name": "Lee",
        "name_email-email": "ann@example.com",
        "locale-preferred_language": "pl",
        "locale-current_time_zone": "Europe/Warsaw",
        "theme-theme": "system",
        "theme-density": "default",
        "theme-contrast": "system",
        **{f"regional-{name}": value for name, value in regional.items()},
    }


@pytest.fixture
def polish_user(make_user):
    ann = make_user("ann", first_name="Ann", last_name="Lee")
    profile = UserProfile.get_for_user(ann)
    profile.preferred_language = "pl"
    profile.current_time_zone = "Europe/Warsaw"
    profile.save()
    return ann


@pytest.fixture
def deal(admin, polish_user):
    return RecordService().create(
        admin,
        "deals",
        {
            "name": "Wdrożenie",
            "value": {"amount": "330000", "currency": "PLN"},
            "expected_close_date": "2027-03-05",
        },
        owner=polish_user,
    )


def test_the_account_page_offers_only_the_shipped_languages(client, polish_user):
    client.force_login(polish_user)
    page = client.get("/account/")
    forms = {panel.name: panel.get_form() for panel in page.context["view"].get_panels()}
    codes = [code for code, _name in forms["locale"].fields["preferred_language"].choices]
    assert sorted(c for c in codes if c) == ["en", "pl"]


def test_the_account_page_saves_the_users_formats(client, polish_user):
    # given
    client.force_login(polish_user)
    # when
    response = client.post(
        "/account/",
        account_form(date_format="mdy_slash", time_format="12h", number_format="dot_comma"),
    )
    # then
    assert response.status_code == 302
    saved = RegionalSettings.objects.get(user=polish_user)
    assert (saved.date_format, saved.time_format, saved.number_format) == (
        "mdy_slash",
        "12h",
        "dot_comma",
    )


def test_a_format_not_offered_is_refused_and_nothing_is_saved(client, polish_user):
    client.force_login(polish_user)
    response = client.post("/account/", account_form(date_format="%Y", number_format="x" * 300))
    assert response.status_code == 200
    errors = {panel: form.errors for panel, form in _forms(response).items()}
    assert set(errors["regional"]) == {"date_format", "number_format"}
    assert not RegionalSettings.objects.filter(user=polish_user).exists()


def _forms(response):
    return {panel.name: panel.get_form() for panel in response.context["view"].get_panels()}


def test_a_polish_user_reads_the_list_in_polish_with_formatted_money_and_dates(
    client, polish_user, deal
):
    client.force_login(polish_user)
    page = client.get("/records/deals/").content.decode()
    assert "Szanse sprzedaży" in page and "Dodaj: szansa sprzedaży" in page
    assert "Planowana data zamknięcia" in page or "Wartość" in page
    assert f"330{NBSP}000,00{NBSP}PLN" in page
    assert "330000.00 PLN" not in page


def test_a_polish_user_reads_the_profile_with_formatted_money_and_dates(client, polish_user, deal):
    client.force_login(polish_user)
    page = client.get(f"/records/deals/inspect/{deal.pk}/").content.decode()
    assert f"330{NBSP}000,00{NBSP}PLN" in page and "05.03.2027" in page
    assert "Planowana data zamknięcia" in page


def test_a_users_own_formats_win_over_the_languages(client, polish_user, deal):
    RegionalSettings.objects.create(
        user=polish_user, date_format="mdy_slash", number_format="comma_dot"
    )
    client.force_login(polish_user)
    page = client.get(f"/records/deals/inspect/{deal.pk}/").content.decode()
    assert f"330,000.00{NBSP}PLN" in page and "03/05/2027" in page


def test_the_edit_form_writes_and_reads_dates_in_the_users_format(client, admin, polish_user):
    space = RecordService().create(
        admin, "spaces", {"name": "Wdrożenie", "start_date": "2027-03-05"}, owner=polish_user
    )
    client.force_login(polish_user)
    form = client.get(f"/records/spaces/edit/{space.pk}/").content.decode()
    assert 'value="05.03.2027"' in form
    response = client.post(
        f"/records/spaces/edit/{space.pk}/",
        {
            "name": "Wdrożenie",
            "start_date": "06.03.2027",
            "version": space.version,
            "owner": polish_user.pk,
            "visibility": "public",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    saved = RecordService().get(polish_user, "spaces", space.pk)
    assert saved.start_date == dt.date(2027, 3, 6)


def test_the_screen_export_writes_typed_cells_in_the_users_formats(client, polish_user, deal):
    client.force_login(polish_user)
    response = client.get("/records/deals/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headings = [c.value for c in sheet[1]]
    row = sheet[2]
    value = row[headings.index("Wartość")]
    close = row[headings.index("Planowana data zamknięcia")]
    assert value.value == 330000 and value.number_format == '#,##0.00 "PLN"'
    assert close.is_date and close.number_format == "dd.mm.yyyy"
    text = b"".join(client.get("/records/deals/?export=csv").streaming_content).decode()
    assert f"330{NBSP}000,00{NBSP}PLN" in text and "05.03.2027" in text


def test_the_api_and_its_export_stay_neutral_for_a_polish_user(polish_user, deal):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(polish_user)
    record = api.get(f"/api/v1/deals/{deal.pk}/").json()
    assert record["value"] == {"amount": "330000.00", "currency": "PLN"}
    assert record["expected_close_date"] == "2027-03-05"
    exported = api.get("/api/v1/deals/export/?format=csv")
    text = b"".join(exported.streaming_content).decode()
    assert "330000.00 PLN" in text and "2027-03-05" in text
    assert Decimal("330000.00") == Decimal(record["value"]["amount"])
