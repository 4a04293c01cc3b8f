"""Every route the API serves is in the OpenAPI document, with its methods and real bodies."""

import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from modules.api.errors import json_404

#: A converter in a URL pattern (`<int:pk>`) and a path parameter in the document (`{pk}`).
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
PARAMETER = re.compile(r"\{\w+\}")
METHODS = ("get", "post", "put", "patch", "delete")
#: The two routes that are the document itself and the page that shows it to people.
NOT_OPERATIONS = {"api/v1/schema/", "api/v1/docs/"}


def api_routes(patterns=None, prefix=""):
    """(route, pattern) for every pattern of the URLconf whose route starts with `api/`."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            yield route, pattern


def served_methods(pattern) -> set[str]:
    """The methods the route's view answers (a viewset: those its route maps)."""
    view = pattern.callback
    actions = getattr(view, "actions", None)
    if actions:
        return set(actions) & set(METHODS)
    cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
    return {method for method in METHODS if hasattr(cls, method)}


def sample_path(route: str) -> str:
    """The route with each converter filled in: a record route for `persons`."""
    return "/" + CONVERTER.sub("1", route.replace("<slug:slug>", "persons"))


def documented_methods(document: dict, path: str) -> set[str]:
    """The methods the document gives every one of its paths that `path` matches."""
    found: set[str] = set()
    for template, operations in document["paths"].items():
        if re.fullmatch(PARAMETER.sub("[^/]+", template), path):
            found |= {method for method in operations if method in METHODS}
    return found


def served_api_routes() -> dict:
    return {
        route: pattern
        for route, pattern in api_routes()
        if route.startswith("api/v1/")
        and pattern.callback is not json_404
        and route not in NOT_OPERATIONS
    }


def test_every_api_route_and_method_is_in_the_openapi_document(admin_client):
    # given every route under /api/v1/ and the methods its view answers
    routes = served_api_routes()
    assert len(routes) >= 50
    # when
    document = admin_client.get("/api/v1/schema/").json()
    # then each is documented with each of its methods (a record route as `persons/…`)
    missing = [
        f"{method.upper()} /{route}"
        for route, pattern in routes.items()
        for method in sorted(
            served_methods(pattern) - documented_methods(document, sample_path(route))
        )
    ]
    assert missing == [], "\n".join(missing)


def test_the_walk_sees_a_route_the_document_leaves_out(admin_client):
    # given the document with the import's dry run taken out
    document = admin_client.get("/api/v1/schema/").json()
    del document["paths"]["/api/v1/imports/{id}/dry-run/"]
    # when / then the walk names it
    route, pattern = next(
        (route, pattern) for route, pattern in served_api_routes().items() if "dry-run" in route
    )
    assert documented_methods(document, sample_path(route)) == set()
    assert served_methods(pattern) == {"post"}


def bare(schema: dict | None, components: dict) -> bool:
    """An answer that says nothing of its keys: no schema, `{}`, or an object without keys."""
    if not schema:
        return True
    if "$ref" in schema:
        return bare(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if schema.get("type") == "array":
        return bare(schema.get("items"), components)
    if schema.get("type") == "object":
        return not (schema.get("properties") or schema.get("additionalProperties"))
    return False


def test_every_answer_and_body_is_described(admin_client):
    # when
    document = admin_client.get("/api/v1/schema/").json()
    components = document["components"]["schemas"]
    # then every success answer either has no body (204) or names its shape, a download
    # says it is a file, and every request body names its keys
    vague = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not status.startswith("2") or status == "204":
                    continue
                content = response.get("content")
                if not content:
                    vague.append(f"{method} {path} {status}: no body")
                for media, body in (content or {}).items():
                    if media == "text/csv":
                        assert body["schema"] == {"type": "string"}, path
                    elif media != "application/json":
                        assert body["schema"] == {"type": "string", "format": "binary"}, path
                    elif bare(body.get("schema"), components):
                        vague.append(f"{method} {path} {status}")
            for media, body in operation.get("requestBody", {}).get("content", {}).items():
                if bare(body.get("schema"), components):
                    vague.append(f"{method} {path} {media} request")
    assert vague == [], "\n".join(vague)


def test_exports_and_the_change_log_document_their_files(admin_client):
    # when
    paths = admin_client.get("/api/v1/schema/").json()["paths"]
    # then
    export = paths["/api/v1/persons/export/"]["get"]
    assert set(export["responses"]["200"]["content"]) == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/json",
        "text/yaml",
        "text/tab-separated-values",
    }
    assert "format" in {p["name"] for p in export["parameters"]}
    change_log = paths["/api/v1/history/"]["get"]["responses"]
    assert "application/json" in change_log["200"]["content"]
    assert list(change_log["400"]["content"]) == ["application/json"]


def test_every_list_answers_one_paged_shape(admin_client):
    # when
    paths = admin_client.get("/api/v1/schema/").json()
    components = paths["components"]["schemas"]
    # then users, teams and invitations are paged like records and history
    for path, name in (
        ("/api/v1/users/", "PaginatedUserList"),
        ("/api/v1/teams/", "PaginatedTeamList"),
        ("/api/v1/users/invitations/", "PaginatedInvitationList"),
    ):
        schema = paths["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert schema["schema"] == {"$ref": f"#/components/schemas/{name}"}
        assert {"next", "previous", "results"} <= set(components[name]["properties"])


def test_api_routes_outside_v1_are_never_reached():
    # given the patterns under /api/ that are not the API's own (the admin's choosers)
    others = [route for route, _pattern in api_routes() if not route.startswith("api/v1/")]
    assert others
    # when / then each of them answers the API's JSON 404 before it is matched
    for route in others:
        sample = "/" + CONVERTER.sub("1", route.replace("^", "").replace("$", ""))
        assert resolve(sample).func is json_404, sample
