import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.fixtures.schema import TYPES


def test_every_field_type_round_trips_through_the_api(admin_client, admin, every_type):
    # given
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    body = {f"v_{t}": value for t, (_o, value, *_r) in TYPES.items() if value is not None}
    body.update(v_user=admin.pk, v_relation=company.pk)
    # when
    created = admin_client.post(f"/api/v1/{every_type}/", body, format="json")
    # then
    assert created.status_code == 201, created.json()
    record = admin_client.get(f"/api/v1/{every_type}/{created.json()['id']}/").json()
    for type_, (_o, _v, expected, *_r) in TYPES.items():
        assert record[f"v_{type_}"] == expected, type_
    assert (record["v_user"], record["v_relation"]) == (admin.pk, company.pk)
    assert record["owner"] == admin.pk and record["version"] == 1
    # and every filter finds it, and an ordering on each sortable field works
    for type_, (_o, _v, _e, condition, _bad) in TYPES.items():
        response = admin_client.get(f"/api/v1/{every_type}/?v_{type_}{condition}")
        assert response.status_code == 200, (type_, response.json())
        assert [r["id"] for r in response.json()["results"]] == [record["id"]], type_
    for type_ in ("text", "integer", "decimal", "money", "date", "datetime", "choice"):
        response = admin_client.get(f"/api/v1/{every_type}/?ordering=-v_{type_}")
        assert response.status_code == 200, type_


@pytest.mark.parametrize("type_", sorted(TYPES))
def test_invalid_values_are_400_naming_the_field(admin_client, every_type, type_):
    bad = TYPES[type_][4]
    before = get_model(every_type).objects.count()
    response = admin_client.post(f"/api/v1/{every_type}/", {f"v_{type_}": bad}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [f"v_{type_}"]
    assert get_model(every_type).objects.count() == before


@pytest.mark.smoke
def test_crud_trash_and_restore(admin_client):
    # create
    created = admin_client.post(
        "/api/v1/companies/", {"name": "Acme", "city": "Kraków"}, format="json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    # patch with the version read
    patched = admin_client.patch(
        f"/api/v1/companies/{pk}/", {"city": "Gdańsk", "version": 1}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    # a stale version is a conflict
    stale = admin_client.patch(
        f"/api/v1/companies/{pk}/", {"city": "Łódź", "version": 1}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    # put replaces: fields left out become empty
    put = admin_client.put(f"/api/v1/companies/{pk}/", {"name": "Acme Ltd"}, format="json")
    assert put.status_code == 200 and put.json()["city"] is None
    # delete to trash, list the trash, restore
    assert admin_client.delete(f"/api/v1/companies/{pk}/").status_code == 204
    assert admin_client.get(f"/api/v1/companies/{pk}/").status_code == 404
    trash = admin_client.get("/api/v1/companies/trash/").json()["results"]
    assert [r["id"] for r in trash] == [pk]
    restored = admin_client.post(f"/api/v1/companies/{pk}/restore/")
    assert restored.status_code == 200 and restored.json()["name"] == "Acme Ltd"


@pytest.mark.smoke
def test_not_found_is_the_same_for_unknown_types_and_ids(admin_client):
    missing = admin_client.get("/api/v1/companies/999999/")
    unknown = admin_client.get("/api/v1/spaceships/")
    assert missing.status_code == unknown.status_code == 404
    assert (
        missing.json()
        == unknown.json()
        == {"code": "not_found", "detail": "Not found.", "errors": {}}
    )


@pytest.mark.smoke
@pytest.mark.parametrize(
    "query",
    [
        "bogus=1",
        "name__regex=.*",
        "ordering=nope",
        "ordering=description",
        "fields=secret",
        "page_size=501",
        "page_size=0",
        "page_size=x",
        "cursor=not-a-cursor",
        "employees=abc",
        "created_at__gte=yesterday",
        "visibility=everyone",
    ],
)
def test_bad_list_parameters_are_400(admin_client, query):
    response = admin_client.get(f"/api/v1/companies/?{query}")
    assert response.status_code == 400, response.json()
    assert set(response.json()) == {"code", "detail", "errors"} and response.json()["errors"]


@pytest.mark.smoke
@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[1, 2]",
        '"text"',
        '{"name": "A", "employees": "1; DROP TABLE x"}',
        '{"name": "A", "colour": "red"}',
        '{"name": "A", "version": "one"}',
    ],
)
def test_bad_bodies_are_400_and_write_nothing(admin_client, body):
    before = get_model("companies").objects.count()
    response = admin_client.generic(
        "POST", "/api/v1/companies/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"code", "detail", "errors"}
    assert get_model("companies").objects.count() == before


@pytest.mark.smoke
def test_sql_looking_values_are_just_values(admin_client):
    evil = "x'; DROP TABLE accounts_user; --"
    assert admin_client.post("/api/v1/companies/", {"name": evil}, format="json").status_code == 201
    found = admin_client.get("/api/v1/companies/", {"name": evil}).json()["results"]
    assert [r["name"] for r in found] == [evil]
    assert admin_client.get("/api/v1/companies/", {"search": evil}).status_code == 200


@pytest.mark.smoke
def test_cursor_pages_visit_every_row_once_both_ways_with_nulls(admin_client, admin):
    # given rows whose sort key repeats and is sometimes empty
    service = RecordService()
    expected = set()
    for i in range(23):
        employees = None if i % 4 == 0 else i % 5
        expected.add(
            service.create(admin, "companies", {"name": f"C{i}", "employees": employees}).pk
        )
    # when paging forwards by -employees
    seen, pages, url = [], [], "/api/v1/companies/?ordering=-employees&page_size=5"
    while url:
        page = admin_client.get(url).json()
        pages.append(page)
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    # then every row once, in order, NULLs last
    assert sorted(seen) == sorted(expected) and len(seen) == len(expected)
    values = [r["employees"] for p in pages for r in p["results"]]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=True) and values[-1] is None
    assert values.index(None) == len(present)
    # when paging backwards from the last page
    back, url = [], pages[-1]["previous"]
    while url:
        page = admin_client.get(url).json()
        back = [r["id"] for r in page["results"]] + back
        url = page["previous"]
    assert back + [r["id"] for r in pages[-1]["results"]] == seen


@pytest.mark.smoke
def test_count_is_capped(admin_client, admin, settings):
    settings.API_COUNT_CAP = 3
    for i in range(5):
        RecordService().create(admin, "products", {"name": f"P{i}"})
    body = admin_client.get("/api/v1/products/?count=true").json()
    assert (body["count"], body["count_capped"]) == (3, True)
    body = admin_client.get("/api/v1/products/?count=true&name=P1").json()
    assert (body["count"], body["count_capped"]) == (1, False)
    assert "count" not in admin_client.get("/api/v1/products/").json()


@pytest.mark.smoke
def test_search_and_sparse_fields(admin_client, admin):
    RecordService().create(
        admin,
        "persons",
        {"first_name": "Zofia", "last_name": "Nowak", "email": "zofia@example.com"},
    )
    RecordService().create(admin, "persons", {"first_name": "Jan", "last_name": "Kowalski"})
    body = admin_client.get("/api/v1/persons/?search=nowak&fields=first_name,email").json()
    assert body["results"] == [
        {
            "id": body["results"][0]["id"],
            "first_name": "Zofia",
            "email": "zofia@example.com",
            "restricted_fields": [],
        }
    ]


def test_list_query_count_does_not_grow_with_the_page(
    admin_client, admin, every_type, django_assert_max_num_queries
):
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    for i in range(30):
        RecordService().create(
            admin,
            every_type,
            {
                "v_text": f"row {i}",
                "v_user": admin.pk,
                "v_relation": company.pk,
                "v_choice": "hot",
                "v_money": {"amount": i},
            },
        )
    admin_client.get(f"/api/v1/{every_type}/?page_size=1")  # warm the snapshot

    def queries(size):
        with CaptureQueriesContext(connection) as context:
            assert (
                admin_client.get(f"/api/v1/{every_type}/?page_size={size}&count=true").status_code
                == 200
            )
        return len(context.captured_queries)

    assert queries(2) == queries(30) <= 4
    with django_assert_max_num_queries(4):
        admin_client.get(f"/api/v1/{every_type}/?page_size=500")


@pytest.mark.smoke
def test_an_admins_list_page_is_one_query(admin_client, admin, django_assert_num_queries):
    # given three companies and a warm snapshot
    for name in ("Acme", "Globex", "Initech"):
        RecordService().create(admin, "companies", {"name": name})
    admin_client.get("/api/v1/companies/")
    # when, then the page query reads the schema version along: one query, as a static
    # model's ModelViewSet makes (on SQLite, one more reads the page's participants)
    expected = 1 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(expected):
        first = admin_client.get("/api/v1/companies/?page_size=2&ordering=name").json()
    with django_assert_num_queries(expected):
        rest = admin_client.get(first["next"]).json()
    # and the carried version is not part of the output; the cursor still works
    assert [r["name"] for r in first["results"] + rest["results"]] == ["Acme", "Globex", "Initech"]
    assert not {key for r in first["results"] for key in r if key.startswith("_")}


@pytest.mark.smoke
def test_an_empty_list_page_reads_the_version_apart(admin_client, django_assert_num_queries):
    # given no record to carry the version
    admin_client.get("/api/v1/products/")
    # when, then
    with django_assert_num_queries(2) as context:
        assert admin_client.get("/api/v1/products/").json()["results"] == []
    assert '"metamodel_schemastate"' in context.captured_queries[1]["sql"]


@pytest.mark.smoke
def test_token_auth(api_client, user):
    # anonymous
    assert api_client.get("/api/v1/companies/").status_code == 401
    # wrong password
    wrong = api_client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "no"}, format="json"
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_credentials"
    # right password
    token = api_client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "pw-Secret-123"}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/companies/").status_code == 200
    # revoke
    assert api_client.delete("/api/v1/auth/token/").status_code == 204
    assert api_client.get("/api/v1/companies/").status_code == 401


@pytest.mark.smoke
def test_inactive_users_lose_access_at_once(api_client, user):
    token = api_client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "pw-Secret-123"}, format="json"
    ).json()["token"]
    user.is_active = False
    user.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/companies/").status_code == 401


def test_a_field_added_through_the_api_is_usable_and_documented_at_once(admin_client):
    # when
    added = admin_client.post(
        "/api/v1/meta/entity-types/companies/fields/",
        {"api_name": "potential", "label": "Sales potential", "type": "integer"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    # then the records API takes it on the next request
    created = admin_client.post(
        "/api/v1/companies/", {"name": "Acme", "potential": 7}, format="json"
    )
    assert created.status_code == 201 and created.json()["potential"] == 7
    assert admin_client.get("/api/v1/companies/?potential__gte=5").json()["results"]
    # and the OpenAPI schema lists it with its filter parameters
    schema = admin_client.get("/api/v1/schema/").json()
    properties = schema["components"]["schemas"]["CompaniesRecord"]["properties"]
    assert properties["potential"]["type"] == "integer"
    parameters = {p["name"] for p in schema["paths"]["/api/v1/companies/"]["get"]["parameters"]}
    assert {"potential", "potential__gte", "potential__in", "cursor", "search"} <= parameters


@pytest.mark.smoke
def test_schema_yaml_and_docs(admin_client):
    yaml_schema = admin_client.get("/api/v1/schema/?format=yaml")
    assert yaml_schema.status_code == 200 and yaml_schema.content.startswith(b"openapi: 3")
    docs = admin_client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
    assert b"drf_spectacular_sidecar" in docs.content
    assert json.loads(admin_client.get("/api/v1/schema/").content)["info"]["title"] == "Tessera API"


@pytest.mark.smoke
def test_session_auth_needs_csrf_for_writes(user):
    # given a browser session, signed in through the login form
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    signed_in = client.post(
        "/login/",
        {"username": "alice", "password": "pw-Secret-123"},
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert signed_in.status_code == 302
    # then reads work and unsafe requests without a CSRF token are refused in the API shape
    assert client.get("/api/v1/companies/").status_code == 200
    refused = client.post("/api/v1/companies/", {"name": "A"}, content_type="application/json")
    assert refused.status_code == 403 and set(refused.json()) == {"code", "detail", "errors"}
    # and the same write with the session's CSRF token is accepted
    accepted = client.post(
        "/api/v1/companies/",
        {"name": "A"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert accepted.status_code == 201, accepted.json()


@pytest.mark.smoke
def test_sorting_by_links_pages_by_id(admin_client, admin):
    first, second = (RecordService().create(admin, "companies", {"name": n}) for n in "AB")
    for i in range(5):
        RecordService().create(
            admin, "deals", {"name": f"D{i}", "company": (first, second)[i % 2].pk}
        )
    page = admin_client.get("/api/v1/deals/?ordering=-company&page_size=2").json()
    rest = admin_client.get(page["next"])
    assert rest.status_code == 200
    companies = [r["company"] for r in page["results"] + rest.json()["results"]]
    assert companies == sorted(companies, reverse=True)


@pytest.mark.smoke
def test_cursors_only_work_for_the_list_they_came_from(admin_client, admin):
    for name in "ABC":
        RecordService().create(admin, "companies", {"name": name})
    cursor = admin_client.get("/api/v1/companies/?page_size=1&ordering=name").json()["next"]
    query = cursor.split("?", 1)[1].replace("ordering=name", "ordering=-employees")
    response = admin_client.get(f"/api/v1/companies/?{query}")
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


@pytest.mark.smoke
def test_unknown_api_paths_are_json_404(admin_client):
    for path in ("/api/", "/api/v2/companies/", "/api/v1/companies/x/y/"):
        response = admin_client.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
