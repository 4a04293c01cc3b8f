"""Input the database or Python cannot take is a 4xx in the one error shape, never a 500."""

import base64
import io
import json

import openpyxl
import pytest

from modules.api.parsers import RequestTooLarge, StrictJSONParser
from modules.records.services import RecordService
from modules.segmentation.kinds import clean_points

ERROR_KEYS = {"code", "detail", "errors"}


def assert_error(response, status: int, code: str | None = None, names: set | None = None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= ERROR_KEYS and isinstance(body["errors"], dict)
    if code is not None:
        assert body["code"] == code, body
    if names is not None:
        assert set(body["errors"]) == names, body


QUERIES = {
    "NUL in search": ("search=a%00b", {"search"}),
    "NUL in a text filter": ("name=a%00", {"name"}),
    "NUL in a parameter's name": ("name%00=a", {"name\\x00"}),
    "NUL in a cursor": ("cursor=ab%00cd", {"cursor"}),
    "year overflow": (
        "expected_close_date__year=99999999999999999999",
        {"expected_close_date__year"},
    ),
    "year 0": ("expected_close_date__year=0", {"expected_close_date__year"}),
    "integer overflow": ("probability=1e999999", {"probability"}),
    "integer overflow in a list": ("id__in=1,99999999999999999999999999999999", {"id__in"}),
    "money overflow": ("value__gt=1e999999", {"value__gt"}),
    "percent range overflow": ("probability__range=1,1e999999", {"probability__range"}),
    "tiny number": ("probability=1e-999999", {"probability"}),
    "owner id overflow": ("owner=1e999999", {"owner"}),
    "moment beyond the calendar in UTC": (
        "closed_at__lt=9999-12-31T23:00:00-15:00",
        {"closed_at__lt"},
    ),
    "page size in superscript digits": ("page_size=%C2%B2", {"page_size"}),
    "repeated key": ("search=a&search=b", {"search"}),
    "repeated filter": ("name=a&name=b", {"name"}),
}


@pytest.mark.parametrize("query, names", QUERIES.values(), ids=QUERIES.keys())
def test_a_query_the_database_cannot_take_is_a_400_naming_the_parameter(admin_client, query, names):
    # when
    response = admin_client.get(f"/api/v1/deals/?{query}")
    # then
    assert_error(response, 400, names=names)


@pytest.mark.parametrize(
    "query",
    ["closed_at__gte=2026-01-01T00:00:00%2B16:00", "created_at__lte=2026-01-01T00:00:00-23:59"],
)
def test_a_moment_with_any_offset_python_reads_is_compared_in_utc(admin_client, admin, query):
    # given a deal closed on 1 June 2026
    RecordService().create(admin, "deals", {"name": "A", "closed_at": "2026-06-01T00:00:00Z"})
    # when
    response = admin_client.get(f"/api/v1/deals/?{query}")
    # then
    assert response.status_code == 200, response.json()
    expected = 1 if query.startswith("closed_at") else 0
    assert len(response.json()["results"]) == expected


def forged(admin_client, admin, ordering: str, first_value) -> str:
    """A real cursor of `?ordering=`, with its first sort value replaced."""
    for name in ("A", "B"):
        RecordService().create(admin, "deals", {"name": name})
    page = admin_client.get(f"/api/v1/deals/?ordering={ordering}&page_size=1").json()
    token = page["next"].split("cursor=")[1].split("&")[0]
    data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    data["v"][0] = first_value
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


CURSORS = {
    "money 1e999999": ("value", "1e999999"),
    "money as infinity": ("value", 1e999),
    "NUL in text": ("name", "a\x00b"),
    "year 0": ("expected_close_date", "0000-01-01"),
    "huge id": ("id", 10**40),
    "huge probability": ("probability", "1e999999"),
}


@pytest.mark.parametrize("ordering, value", CURSORS.values(), ids=CURSORS.keys())
def test_a_forged_cursor_is_an_invalid_cursor(admin_client, admin, ordering, value):
    # given a cursor of this very list, with a value no page could have produced
    token = forged(admin_client, admin, ordering, value)
    # when
    response = admin_client.get(f"/api/v1/deals/?ordering={ordering}&cursor={token}")
    # then
    assert_error(response, 400, code="invalid_cursor", names={"cursor"})


def test_a_cursor_moment_with_an_offset_beyond_15_59_is_read_in_utc(admin_client, admin):
    # given
    token = forged(admin_client, admin, "created_at", "2026-01-01T00:00:00+23:00")
    # when
    response = admin_client.get(f"/api/v1/deals/?ordering=created_at&cursor={token}")
    # then
    assert response.status_code == 200, response.json()


HOSTILE = ["1e999999", "0", "9999-12-31T23:00:00-15:00"]


def test_no_lookup_of_any_field_type_turns_a_hostile_value_into_a_500(admin_client, every_type):
    # given every filter of an entity type with a field of every type
    fields = admin_client.get(f"/api/v1/meta/entity-types/{every_type}/fields/").json()
    types = {t["type"]: t["lookups"] for t in admin_client.get("/api/v1/meta/field-types/").json()}
    names = [
        f["api_name"] if lookup == "exact" else f"{f['api_name']}__{lookup}"
        for f in fields
        for lookup in types[f["type"]]
    ]
    assert len(names) > 50
    # when each is given each hostile value, then the answer is a page or a 400 naming it
    for name in names:
        for value in HOSTILE:
            response = admin_client.get(f"/api/v1/{every_type}/", {name: value})
            assert response.status_code in (200, 400), (name, value, response.status_code)
            if response.status_code == 400:
                assert_error(response, 400, names={name})


BODIES = {
    "NUL in a value": b'{"name": "a\\u0000b"}',
    "NUL in a key": b'{"name\\u0000": "a"}',
    "lone surrogate": b'{"name": "\\ud800"}',
    "lone low surrogate in a list": b'{"name": ["\\udc00"]}',
    "nested 100,000 deep": b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "nested 40 deep": b'{"name": ' + b"[" * 40 + b"]" * 40 + b"}",
    "NaN": b'{"probability": NaN}',
    "Infinity": b'{"probability": Infinity}',
    "a float beyond double": b'{"probability": 1e999999}',
    "not UTF-8": b'{"name": "\xff"}',
    "truncated": b'{"name": ',
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_a_body_the_database_cannot_take_is_a_parse_error(admin_client, body):
    # when
    response = admin_client.generic("POST", "/api/v1/deals/", body, "application/json")
    # then
    assert_error(response, 400, code="parse_error")


@pytest.mark.parametrize(
    "path", ["/api/v1/meta/entity-types/", "/api/v1/teams/", "/api/v1/auth/token/"]
)
def test_every_json_endpoint_uses_the_same_parser(admin_client, path):
    # when
    response = admin_client.generic("POST", path, b'{"name": "\\u0000"}', "application/json")
    # then
    assert_error(response, 400, code="parse_error")


def test_a_body_over_the_limit_is_a_413_in_the_error_shape(admin_client, settings):
    # given a 10 MB body (the limit is 2.5 MB)
    body = b'{"name": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    # when
    response = admin_client.generic("POST", "/api/v1/companies/", body, "application/json")
    # then
    assert_error(response, 413, code="request_too_large")


def test_the_parser_counts_the_bytes_when_no_length_was_sent(settings):
    # given a stream longer than the limit (ASGI passes chunked bodies without a length)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    stream = io.BytesIO(b'{"name": "' + b"x" * 200 + b'"}')
    # when
    with pytest.raises(RequestTooLarge) as refused:
        StrictJSONParser().parse(stream, "application/json", {})
    # then
    assert refused.value.status_code == 413


@pytest.mark.parametrize(
    "system", [{"owner": "²"}, {"participants": {"users": ["²"], "teams": []}}]
)
def test_ids_in_digits_int_cannot_read_are_a_400(admin_client, system):
    # when
    response = admin_client.post("/api/v1/deals/", {"name": "A", **system}, format="json")
    # then
    assert_error(response, 400)
    assert response.json()["errors"]


HUGE = "1" * 5000  # more digits than int() reads


@pytest.mark.parametrize("client_name", ["admin_client", "user_client"])
@pytest.mark.parametrize(
    "body",
    [
        {"owner": HUGE},
        {"participants": {"users": [HUGE], "teams": []}},
        {"company": HUGE},
        {"contact": "²"},
    ],
    ids=["owner", "participants", "relation", "relation-superscript"],
)
def test_ids_no_column_can_hold_are_a_4xx_for_every_role(
    admin_client, user_client, client_name, body
):
    # when
    client = {"admin_client": admin_client, "user_client": user_client}[client_name]
    response = client.post("/api/v1/deals/", {"name": "A", **body}, format="json")
    # then
    assert 400 <= response.status_code < 500, response.content
    assert set(response.json()) >= {"code", "detail", "errors"}


@pytest.mark.parametrize("points", ["--5", HUGE, "²"])
def test_segmentation_points_int_cannot_read_are_an_error(points):
    # when
    errors = {}
    value = clean_points(points, "points", errors)
    # then
    assert value is None
    assert errors == {"points": ["Give the points as a whole number."]}


def test_a_date_time_value_with_a_large_offset_is_stored_in_utc(admin_client):
    # when
    response = admin_client.post(
        "/api/v1/deals/", {"name": "A", "closed_at": "2026-01-01T00:00:00+16:00"}, format="json"
    )
    # then
    assert response.status_code == 201, response.json()
    assert response.json()["closed_at"] == "2025-12-31T08:00:00+00:00"


@pytest.mark.parametrize("members", [[{"role": "user"}], [{"user": None, "role": "user"}]])
def test_a_team_member_without_a_user_is_a_400(admin_client, admin, members):
    # given
    team = admin_client.post("/api/v1/teams/", {"name": "Sales"}, format="json").json()
    # when
    response = admin_client.patch(
        f"/api/v1/teams/{team['id']}/", {"members": members}, format="json"
    )
    # then
    assert_error(response, 400, code="invalid", names={"members.0.user"})


def test_a_users_team_without_a_team_is_a_400(admin_client, user):
    # when
    response = admin_client.patch(
        f"/api/v1/users/{user.pk}/", {"teams": [{"role": "user"}]}, format="json"
    )
    # then
    assert_error(response, 400, code="invalid", names={"teams.0.team"})


def test_the_change_log_as_xlsx_answers_its_errors_as_json(user_client, admin_client):
    # when a plain user asks, and an administrator asks with a bad filter
    refused = user_client.get("/api/v1/history/?format=xlsx")
    invalid = admin_client.get("/api/v1/history/?format=xlsx&since=yesterday")
    # then
    assert_error(refused, 403, code="permission_denied")
    assert_error(invalid, 400, names={"since"})


@pytest.mark.parametrize("since", ["9999-12-31", "2026-01-01T00:00:00%2B23:00"])
def test_change_log_moments_at_the_edges_are_no_500(admin_client, since):
    # when
    response = admin_client.get(f"/api/v1/history/?until={since}&since={since}")
    # then
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert_error(response, 400, names={"until"})


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_with_a_bad_filter_answers_json(admin_client, file_format):
    # when
    response = admin_client.get(f"/api/v1/deals/export/?format={file_format}&value=1e999999")
    # then
    assert_error(response, 400, names={"value"})


@pytest.mark.parametrize(
    "path", ["/api/v1/deals/export/?format=xlsx", "/api/v1/history/?format=xlsx"]
)
def test_text_with_control_characters_exports_to_xlsx(admin_client, admin, path):
    # given a deal whose name holds an escape character, which XML cannot hold
    RecordService().create(admin, "deals", {"name": "Esc\x1bape"})
    # when
    response = admin_client.get(path)
    # then
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    texts = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert "Esc\ufffdape" in texts


def test_a_multipart_body_with_too_many_fields_is_a_400_in_the_error_shape(admin_client):
    # given more form fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000)
    fields = {f"f{number}": "x" for number in range(1100)}
    # when
    response = admin_client.post("/api/v1/deals/imports/", fields, format="multipart")
    # then
    assert_error(response, 400, code="bad_request")
