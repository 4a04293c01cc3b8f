"""The global search: full names, without diacritics, ranked, grouped, through the access
engine (a hidden record never surfaces, not even as a group)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.records.services import RecordService
from modules.workspace.search import search

pytestmark = pytest.mark.smoke


def person(user, first, last, **values):
    visibility = values.pop("visibility", "public")
    return RecordService().create(
        user,
        "persons",
        {"first_name": first, "last_name": last, **values},
        visibility=visibility,
    )


def company(user, name, visibility="public"):
    return RecordService().create(user, "companies", {"name": name}, visibility=visibility)


def found(groups, slug=None) -> list[str]:
    return [
        str(record).strip()
        for group in groups
        if slug is None or group.entity.slug == slug
        for record in group.hits
    ]


def test_a_full_name_finds_the_person_by_both_fields(db, admin):
    person(admin, "Jan", "Kowalski")
    person(admin, "Jan", "Nowak")
    person(admin, "Anna", "Kowalski")
    assert found(search(admin, "Jan Kowalski")) == ["Jan Kowalski"]
    assert found(search(admin, "kowalski JAN")) == ["Jan Kowalski"]


def test_diacritics_and_case_do_not_matter(db, admin):
    person(admin, "Weronika", "Wróbel")
    company(admin, "Żółta Spółka")
    assert found(search(admin, "Wrobel")) == ["Weronika Wróbel"]
    assert found(search(admin, "weronika WRÓBEL")) == ["Weronika Wróbel"]
    assert found(search(admin, "zolta spolka")) == ["Żółta Spółka"]
    assert found(search(admin, "ŁÓDŹ")) == []


def test_exact_words_rank_before_prefixes_before_the_rest(db, admin):
    person(admin, "Ola", "Bykowal")
    person(admin, "Ola", "Kowalska")
    person(admin, "Ola", "Kowal")
    assert found(search(admin, "kowal")) == ["Ola Kowal", "Ola Kowalska", "Ola Bykowal"]


def test_hits_are_grouped_by_type_best_group_first(db, admin):
    company(admin, "Nowak Trade")
    person(admin, "Marta", "Nowak")
    person(admin, "Ewa", "Nowakowska")
    groups = search(admin, "nowak")
    assert [g.entity.slug for g in groups] == ["companies", "persons"] or [
        g.entity.slug for g in groups
    ] == ["persons", "companies"]
    assert found(groups, "persons") == ["Marta Nowak", "Ewa Nowakowska"]
    # one hit per type: the groups say there is more, not how many
    limited = search(admin, "nowak", limit=1)
    persons = next(g for g in limited if g.entity.slug == "persons")
    assert (len(persons.hits), persons.more) == (1, True)


def test_a_hidden_record_never_surfaces_not_even_as_a_group(db, admin, piotr):
    company(admin, "Hidden Quartz", visibility="hidden")
    assert found(search(admin, "quartz")) == ["Hidden Quartz"]
    assert search(piotr, "quartz") == []


def test_fields_beyond_the_basic_ones_count_only_on_records_the_user_may_open(db, admin, piotr):
    person(admin, "Olga", "Secret", position="Wizard", visibility="non_public")
    person(admin, "Olaf", "Open", position="Wizard", visibility="public")
    assert sorted(found(search(admin, "wizard"))) == ["Olaf Open", "Olga Secret"]
    assert found(search(piotr, "wizard")) == ["Olaf Open"]
    # the basic fields of the non-public record are searchable for him
    assert found(search(piotr, "olga")) == ["Olga Secret"]


def test_the_api_answers_groups_of_hits_through_the_engine(db, admin, piotr, client):
    jan = person(admin, "Jan", "Kowalski")
    company(admin, "Kowalski Hidden", visibility="hidden")
    client.force_login(piotr)
    response = client.get("/api/v1/search/", {"q": "jan kowalski"})
    assert response.status_code == 200
    assert response.json() == {
        "query": "jan kowalski",
        "groups": [
            {
                "entity": "persons",
                "label": "Persons",
                "results": [
                    {"id": jan.pk, "title": "Jan Kowalski", "url": f"/api/v1/persons/{jan.pk}/"}
                ],
                "more": False,
            }
        ],
    }
    body = client.get("/api/v1/search/", {"q": "kowalski"}).json()
    assert [g["entity"] for g in body["groups"]] == ["persons"]
    only = client.get("/api/v1/search/", {"q": "kowalski", "type": "companies,deals"}).json()
    assert only["groups"] == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": "x", "limit": "0"}, "limit"),
        ({"q": "x", "limit": "21"}, "limit"),
        ({"q": "x", "limit": "ten"}, "limit"),
        ({"q": "x", "limit": "99999999999999999999999"}, "limit"),
        ({"q": "x", "type": "nothing"}, "type"),
        ({"q": "x", "sort": "title"}, "sort"),
        ({}, "q"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_parameter(db, piotr, client, params, field):
    client.force_login(piotr)
    response = client.get("/api/v1/search/", params)
    assert response.status_code == 400
    assert field in str(response.json())


def test_signed_out_callers_get_a_401(db, client):
    assert client.get("/api/v1/search/", {"q": "x"}).status_code in (401, 403)


def test_the_route_is_in_the_openapi_document(db, admin_client):
    document = admin_client.get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/search/" in document["paths"]
    parameters = {p["name"] for p in document["paths"]["/api/v1/search/"]["get"]["parameters"]}
    assert {"q", "limit", "type"} <= parameters


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_text_is_answered_never_a_500(db, admin, client, text):
    client.force_login(admin)
    response = client.get("/api/v1/search/", {"q": text})
    assert response.status_code in (200, 400)
    page = client.get("/search/", {"q": text})
    assert page.status_code == 200


def test_the_search_page_lists_hits_linking_to_profiles(db, admin, client):
    jan = person(admin, "Jan", "Kowalski")
    client.force_login(admin)
    page = client.get(reverse("workspace_search"), {"q": "Jan Kowalski"}).content.decode()
    assert f'href="/records/persons/inspect/{jan.pk}/"' in page
    assert (
        "Nothing found" in client.get(reverse("workspace_search"), {"q": "zzqq"}).content.decode()
    )
