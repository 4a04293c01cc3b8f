"""The OpenAPI document is as strict as the server about requests, and open about answers."""


def parameter(document: dict, path: str, name: str) -> dict:
    found = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    assert len(found) == 1, name
    return found[0]


def test_request_bodies_refuse_unknown_keys_and_responses_stay_open(admin_client):
    # when
    document = admin_client.get("/api/v1/schema/").json()
    schemas = document["components"]["schemas"]
    # then a body the server checks key by key says so, at every depth
    assert schemas["DealsRecordRequest"]["additionalProperties"] is False
    assert schemas["TeamWriteRequest"]["additionalProperties"] is False
    assert schemas["MemberRequest"]["additionalProperties"] is False
    # and an answer may carry a field an administrator adds later
    assert schemas["DealsRecord"].get("additionalProperties", True) is not False
    assert schemas["Team"].get("additionalProperties", True) is not False


def test_query_parameters_are_documented_as_the_server_checks_them(admin_client):
    # when
    document = admin_client.get("/api/v1/schema/").json()
    # then
    value_range = parameter(document, "/api/v1/deals/", "value__range")["schema"]
    assert (value_range["minItems"], value_range["maxItems"]) == (2, 2)
    year = parameter(document, "/api/v1/deals/", "expected_close_date__year")["schema"]
    assert year == {"type": "integer", "minimum": 1, "maximum": 9999}


def test_every_api_view_is_in_the_document(admin_client):
    # when
    paths = admin_client.get("/api/v1/schema/").json()["paths"]
    # then the change log, user administration, imports and exports are documented too
    for path in (
        "/api/v1/history/",
        "/api/v1/users/invite/",
        "/api/v1/account/seats/",
        "/api/v1/imports/{id}/dry-run/",
        "/api/v1/deals/imports/",
        "/api/v1/deals/export/",
    ):
        assert path in paths, path
