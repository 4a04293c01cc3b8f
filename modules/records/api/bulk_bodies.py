"""The bodies of `POST /{slug}/bulk/`, as the OpenAPI document names them.

    @extend_schema(request={"application/json": BULK_REQUEST}, responses={200: BULK_RESPONSE})

`BULK_ACTIONS` are the actions it takes; `RecordService` checks each body's values.
"""

from modules.access import grants
from modules.records.services import BULK_LIMIT, VISIBILITIES

BULK_ACTIONS = ("change_user", "update", "delete", "create")
ID_LIST = {"type": "array", "items": {"type": "integer", "minimum": 1}}
BULK_REQUEST = {
    "type": "object",
    "required": ["action"],
    "properties": {
        "action": {"type": "string", "enum": list(BULK_ACTIONS)},
        "ids": {**ID_LIST, "minItems": 1, "maxItems": BULK_LIMIT},
        "records": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": True},
            "minItems": 1,
            "maxItems": BULK_LIMIT,
            "description": "`create`: each record's field values, as a POST takes them.",
        },
        "values": {"type": "object", "description": "`update`: values as a PATCH takes them."},
        "visibility": {
            "type": "string",
            "enum": list(VISIBILITIES),
            "description": "`update`: the visibility to give every record.",
        },
        "role": {"type": "string", "description": "`change_user`: `owner` or a granted role."},
        "users": ID_LIST,
        "teams": ID_LIST,
        "mode": {"type": "string", "enum": list(grants.MODES)},
    },
}
BULK_RESPONSE = {
    "type": "object",
    "required": ["action", "count"],
    "properties": {
        "action": {"type": "string"},
        "count": {"type": "integer"},
        "ids": {**ID_LIST, "description": "`create`: the new records' ids, in the given order."},
    },
}
