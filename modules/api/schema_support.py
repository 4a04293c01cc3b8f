"""What drf-spectacular needs to document the generic record endpoints.

pagination_class = KeysetPaginationDoc   # documents the list envelope and parameters
"""

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
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


class RecordSchema(AutoSchema):
    """The trash is a list too; an update or restore may answer 204."""

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
