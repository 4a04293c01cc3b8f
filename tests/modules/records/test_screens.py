"""The generated admin screens of records (Django test client; the browser tests drive them too)."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.fixtures.schema import TYPES

SCREENS = ["", "new/", "edit/{pk}/", "inspect/{pk}/", "delete/{pk}/", "trash/"]


@pytest.fixture
def company(admin, user):
    return RecordService().create(
        admin, "companies", {"name": "Acme", "city": "Kraków"}, owner=user
    )


@pytest.mark.parametrize("screen", SCREENS)
def test_anonymous_users_are_sent_to_log_in(client, company, screen):
    response = client.get(f"/records/companies/{screen.format(pk=company.pk)}")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("screen", SCREENS)
def test_signed_in_users_see_every_screen(client, user, company, screen):
    client.force_login(user)
    response = client.get(f"/records/companies/{screen.format(pk=company.pk)}")
    assert response.status_code == 200


@pytest.mark.parametrize("screen", ["edit/{pk}/", "delete/{pk}/"])
def test_users_without_the_permission_get_403(client, company, make_user, admin, screen):
    # Users may edit public records but not delete them; a non-public one only its owner edits.
    RecordService().update(admin, "companies", company.pk, {}, visibility="non_public")
    client.force_login(make_user("bob"))
    assert client.get(f"/records/companies/{screen.format(pk=company.pk)}").status_code == 403
    response = client.post(f"/records/companies/{screen.format(pk=company.pk)}", {"name": "X"})
    assert response.status_code == 403
    record = get_model("companies").objects.get(pk=company.pk)
    assert record.name == "Acme" and record.deleted_at is None


def test_a_hidden_record_is_missing_for_others(client, company, make_user, admin):
    RecordService().update(admin, "companies", company.pk, {}, visibility="hidden")
    client.force_login(make_user("bob"))
    for screen in ("edit/{pk}/", "inspect/{pk}/", "delete/{pk}/"):
        assert client.get(f"/records/companies/{screen.format(pk=company.pk)}").status_code == 404
    for listing in ("/records/companies/", "/records/companies/?q=Acme"):
        assert list(client.get(listing).context["object_list"]) == []


def test_the_menu_lists_every_entity_type(client, user):
    client.force_login(user)
    page = client.get("/").content.decode()
    for label in ("Persons", "Companies", "Deals", "Spaces", "Products"):
        assert label in page
    for cms in ('"name": "images"', '"name": "documents"', '"name": "reports"'):
        assert cms not in page


def test_create_through_the_form_goes_through_the_record_service(client, user):
    client.force_login(user)
    response = client.post(
        "/records/companies/new/",
        {
            "name": "Nova Logistics",
            "employees": "40",
            "annual_revenue_0": "1000",
            "annual_revenue_1": "EUR",
            "city": "Gdańsk",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    created = get_model("companies").objects.get(name="Nova Logistics")
    assert (created.owner, created.employees, created.annual_revenue_currency) == (user, 40, "EUR")


def test_invalid_input_shows_errors_next_to_fields_and_saves_nothing(client, user):
    client.force_login(user)
    before = get_model("companies").objects.count()
    response = client.post("/records/companies/new/", {"name": "", "employees": "many"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"name", "employees"}
    assert get_model("companies").objects.count() == before


def test_a_stale_edit_shows_a_conflict_and_keeps_the_other_change(client, user, admin, company):
    # given someone else saved after this user opened the form (version 1)
    RecordService().update(admin, "companies", company.pk, {"city": "Poznań"})
    client.force_login(user)
    # when
    response = client.post(
        f"/records/companies/edit/{company.pk}/", {"name": "Acme", "city": "Łódź", "version": "1"}
    )
    # then
    assert response.status_code == 200
    assert "changed this record" in str(response.context["form"].errors)
    assert get_model("companies").objects.get(pk=company.pk).city == "Poznań"


def test_delete_moves_to_trash_and_restore_brings_it_back(client, user, company):
    client.force_login(user)
    assert client.post(f"/records/companies/delete/{company.pk}/").status_code == 302
    assert get_model("companies").objects.get(pk=company.pk).deleted_at is not None
    assert "Acme" in client.get("/records/companies/trash/").content.decode()
    assert client.post(f"/records/companies/restore/{company.pk}/").status_code == 302
    assert get_model("companies").objects.get(pk=company.pk).deleted_at is None


def test_list_filters_search_and_export(client, user, admin):
    for name, employees in (("Alpha", 5), ("Beta", 50), ("Gamma", 500)):
        RecordService().create(admin, "companies", {"name": name, "employees": employees})
    client.force_login(user)
    page = client.get("/records/companies/?employees_min=10&employees_max=100").content.decode()
    assert "Beta" in page and "Alpha" not in page and "Gamma" not in page
    page = client.get("/records/companies/?q=gam").content.decode()
    assert "Gamma" in page and "Beta" not in page
    export = client.get("/records/companies/?employees_min=10&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Name" and [r[0] for r in rows[1:]] == ["Gamma", "Beta"]


def test_a_new_field_appears_on_the_form_at_once(client, admin, schema):
    client.force_login(admin)
    assert 'name="potential"' not in client.get("/records/companies/new/").content.decode()
    schema.add_field(
        admin, "companies", api_name="potential", label="Sales potential", type="integer"
    )
    assert 'name="potential"' in client.get("/records/companies/new/").content.decode()


def test_a_new_entity_type_gets_screens_and_a_menu_item_at_once(client, admin, schema):
    client.force_login(admin)
    schema.create_entity_type(admin, slug="tickets", label="Ticket", label_plural="Tickets")
    schema.add_field(admin, "tickets", api_name="subject", label="Subject", type="text")
    assert client.get("/records/tickets/").status_code == 200
    assert "Tickets" in client.get("/").content.decode()


def test_every_screen_renders_with_every_field_type(client, admin, every_type):
    # given a record holding a value of every field type
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    values = {f"v_{t}": value for t, (_o, value, *_r) in TYPES.items() if value is not None}
    record = RecordService().create(
        admin, every_type, {**values, "v_user": admin.pk, "v_relation": company.pk}
    )
    client.force_login(admin)
    base = f"/records/{every_type}/"
    # then every screen answers without an error
    for url in (
        "",
        "new/",
        f"edit/{record.pk}/",
        f"inspect/{record.pk}/",
        f"delete/{record.pk}/",
        "trash/",
        "?export=csv",
        "?export=xlsx",
        "?q=Hello",
        "?ordering=-v_date",
    ):
        assert client.get(base + url).status_code == 200, url
    # and every list filter works
    filterset = client.get(base).context["view"].filterset_class
    assert {"v_integer", "v_decimal", "visibility"} <= set(filterset.base_filters)
    for name in filterset.base_filters:
        assert client.get(base, {name: ""}).status_code == 200, name
    # and saving the edit form unchanged keeps every value
    form = client.get(f"{base}edit/{record.pk}/").context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget_data = (
            field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
        )
        if isinstance(value, list) and name != "v_money":
            data[name] = value
        elif name == "v_money":
            data.update(
                {"v_money_0": value[0] if isinstance(value, list) else "1200", "v_money_1": "EUR"}
            )
        elif value is not None:
            data[name] = widget_data if widget_data is not None else value
    response = client.post(f"{base}edit/{record.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    stored = get_model(every_type).objects.get(pk=record.pk)
    assert (stored.v_text, stored.v_integer, stored.v_money) == ("Hello", 42, 1200)
    assert stored.v_choice == "hot" and stored.v_tags == ["vip", "new"]


def test_numbers_are_given_to_records_made_in_the_admin(client, user):
    client.force_login(user)
    assert client.post("/records/deals/new/", {"name": "Renewal", "number": ""}).status_code == 302
    assert get_model("deals").objects.get(name="Renewal").number.startswith("1/")


def test_missing_records_and_bad_pages_are_404_not_500(client, user, company):
    client.force_login(user)
    for url in ("edit/999999/", "inspect/999999/", "delete/999999/"):
        assert client.get(f"/records/companies/{url}").status_code == 404
    assert client.post(f"/records/companies/restore/{company.pk}/").status_code == 404
    assert client.get("/records/companies/?p=abc").status_code in (200, 404)
    assert client.get("/records/companies/?p=99999").status_code in (200, 404)


def test_the_conflict_message_is_shown_on_the_page(client, user, admin, company):
    RecordService().update(admin, "companies", company.pk, {"city": "Poznań"})
    client.force_login(user)
    page = client.post(
        f"/records/companies/edit/{company.pk}/", {"name": "Acme", "city": "Łódź", "version": "1"}
    ).content.decode()
    assert "Someone else changed this record" in page


def test_the_list_links_to_the_trash(client, user):
    client.force_login(user)
    assert "/records/companies/trash/" in client.get("/records/companies/").content.decode()


def test_screens_speak_each_users_language(client, user):
    """Labels built for one language are not served to a user of another."""
    client.force_login(user)
    english = client.get("/records/companies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    polish = client.get("/records/companies/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Number of employees" in english and "Liczba pracowników" not in english
    assert "Liczba pracowników" in polish and "Number of employees" not in polish


def test_a_relation_column_costs_no_query_per_row(client, user, make_user):
    """The list titles every linked company of a page in one query, whoever looks."""
    viewer = make_user("viewer")
    client.force_login(viewer)
    counts = []
    for size in (2, 10):
        for i in range(size):
            company = RecordService().create(user, "companies", {"name": f"Co {size}-{i}"})
            RecordService().create(
                user,
                "persons",
                {"first_name": "P", "last_name": f"{size}-{i}", "company": company.pk},
            )
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/records/persons/").content.decode()
        assert f"Co {size}-{size - 1}" in page
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_value_held_by_a_hidden_record_is_unavailable_on_the_form(client, user, admin):
    # given a hidden company of someone else holds the tax number
    from modules.access.services import AccessService

    AccessService().update_visibility(
        admin, "companies", allowed=["public", "non_public", "hidden"], default="public"
    )
    RecordService().create(
        admin, "companies", {"name": "Hidden Co", "tax_number": "PL-42"}, visibility="hidden"
    )
    client.force_login(user)
    # when the user gives it in another case
    response = client.post("/records/companies/new/", {"name": "Form Co", "tax_number": "pl-42"})
    # then the form says what the API says, next to the field, and saves nothing
    assert response.status_code == 200
    assert response.context["form"].errors == {"tax_number": ["This value is not available."]}
    assert not get_model("companies").objects.filter(name="Form Co").exists()
