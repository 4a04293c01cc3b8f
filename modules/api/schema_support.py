"""What drf-spectacular needs to document the generic record endpoints.

pagination_class = KeysetPaginationDoc   # documents the list envelope and parameters
"""

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.pagination import BasePagination


class KeysetPaginationDoc(BasePagination):
    """Documents `{"next", "previous", "results", "count", "count_capped"}` and list params."""

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": link,
                "previous": link,
                "count": {"type": "integer", "description": "With ?count=true."},
                "count_capped": {"type": "boolean", "description": "The count hit the cap."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        def param(name, schema, description):
            return {
                "name": name,
                "in": "query",
                "required": False,
                "schema": schema,
                "description": description,
            }

        return [
            param("cursor", {"type": "string"}, "Opaque cursor from `next` or `previous`."),
            param(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
                f"Rows per page (default {settings.API_DEFAULT_PAGE_SIZE}).",
            ),
            param(
                "count",
                {"type": "boolean"},
                f"Add `count` (exact up to {settings.API_COUNT_CAP} rows, then capped).",
            ),
            param("search", {"type": "string"}, "Text searched in the searchable fields."),
            param("ordering", {"type": "string"}, "Sort keys, e.g. `name,-created_at`."),
            param("fields", {"type": "string"}, "Only these keys, e.g. `name,email`."),
        ]


#: Writes answering 204 when the caller may no longer see the record they wrote.
MAY_LOSE_SIGHT = ("update", "partial_update", "restore")


#: A record's answers carry its ETag; its writes take If-Match.
TAGGED = ("retrieve", "create", "update", "partial_update", "restore")
PRECONDITIONED = ("update", "partial_update", "destroy")
ETAG = OpenApiParameter(
    "ETag",
    str,
    location=OpenApiParameter.HEADER,
    response=[200, 201],
    description="The record at its version, for `If-Match` (none on a restricted record).",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    description="An ETag read before, or `*`: a record changed since answers 412.",
)


class RecordSchema(AutoSchema):
    """The trash is a list too; an update or restore may answer 204; ETag and If-Match."""

    def get_override_parameters(self):
        action = getattr(self.view, "action", None)
        extra = [ETAG] if action in TAGGED else []
        extra += [IF_MATCH] if action in PRECONDITIONED else []
        return [*super().get_override_parameters(), *extra]

    def get_response_serializers(self):
        serializers = super().get_response_serializers()
        if getattr(self.view, "action", None) not in MAY_LOSE_SIGHT:
            return serializers
        gone = OpenApiResponse(
            description="Written, but the record is no longer visible to you: no body."
        )
        return {200: serializers, 204: gone}

    def _is_list_view(self, serializer=None) -> bool:
        if getattr(self.view, "action", None) == "trash":
            return True
        return super()._is_list_view(serializer)


ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "detail", "errors"],
    "properties": {
        "code": {"type": "string", "description": "A machine code, e.g. `invalid`."},
        "detail": {"type": "string", "description": "A sentence for people."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per field or parameter.",
        },
    },
    "additionalProperties": True,
}
ERROR_STATUSES = {
    "400": "Invalid input; `errors` names the fields.",
    "401": "Not signed in.",
    "403": "Not allowed.",
    "404": "Missing, or not visible to you (the same answer).",
    "405": "Method not allowed.",
    "409": "Stale version or conflicting change.",
    "415": "Unsupported media type.",
    "429": "Too many attempts; `Retry-After` says when to try again.",
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: every operation documents the one error shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": "Requests a minute this token may make.",
    "X-RateLimit-Remaining": "What is left of them in this minute.",
    "X-RateLimit-Reset": "When the minute ends (Unix time, seconds).",
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
    "description": "Sent again with the same body within 24 hours, the first answer is "
    "replayed (`Idempotent-Replayed: true`) and nothing is written twice.",
}
PROTOCOL_ERRORS = {
    "409": "Stale version, a conflicting change, or a request with this Idempotency-Key "
    "still being served.",
    "412": "The record changed since the ETag named in If-Match.",
    "422": "This Idempotency-Key was used for another request.",
}


def add_protocol_headers(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: rate-limit headers on answers, Idempotency-Key on POSTs, and the
    statuses If-Match and Idempotency-Key add."""
    reference = {"$ref": "#/components/schemas/Error"}
    limits = {
        name: {"schema": {"type": "integer"}, "description": text}
        for name, text in RATE_LIMIT_HEADERS.items()
    }
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if status.startswith("2"):
                    response.setdefault("headers", {}).update(limits)
            responses["429"]["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}
            }
            wanted = ["422"] if method == "post" else []
            if any(p.get("name") == "If-Match" for p in operation.get("parameters", [])):
                wanted.append("412")
            if method == "post":
                operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
                wanted.append("409")
            for status in wanted:
                responses[status] = {
                    "description": PROTOCOL_ERRORS[status],
                    "content": {"application/json": {"schema": reference}},
                }
    return result


def _close_objects(schema: dict) -> None:
    """`additionalProperties: false` on every object of a request schema that names its keys."""
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict) or "$ref" in node:
            continue
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for key in ("properties", "patternProperties"):
            pending.extend((node.get(key) or {}).values())
        for key in ("items", "additionalProperties"):
            pending.append(node.get(key))
        for key in ("allOf", "oneOf", "anyOf"):
            pending.extend(node.get(key) or [])


def _tighten_parameter(parameter: dict) -> None:
    """Query parameters as the server checks them (range: two values; year: 1 to 9999)."""
    name, schema = parameter.get("name", ""), parameter.get("schema", {})
    if name.endswith("__range") and schema.get("type") == "array":
        schema.update(minItems=2, maxItems=2)
        parameter["description"] = "From and to, separated by a comma."
    elif name.endswith("__year"):
        parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 9999}


def strict_requests(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: request bodies refuse keys they do not name, as the server
    does; responses stay open, so a client survives a field an administrator adds."""
    components = result.get("components", {}).get("schemas", {})
    for name, schema in components.items():
        if name.endswith("Request"):
            _close_objects(schema)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _tighten_parameter(parameter)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                _close_objects(content.get("schema", {}))
    return result
