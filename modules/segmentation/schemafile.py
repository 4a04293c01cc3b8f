"""The `segmentation` key of `schemas/*.yaml`: the default scheme of a built-in type.

    segmentation:
      parameters:
        - {name: Sales potential, field: sales_potential, weight: 1,
           ranges: [{max: 25, points: 0}, {min: 25, points: 10}]}
      segments: [{name: Weak, max: 10}, {name: Ideal, min: 10}]

`sync_schemas` saves it through `SegmentationService` when the type has no scheme yet,
or when the stored scheme is still exactly what the file said last time (a shipped
change the admin has not overridden); a scheme the admin changed is left alone.
`export_schema` writes the stored scheme back out in the same shape.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from modules.metamodel.schemafiles.sections import Section, register_section
from modules.segmentation.models import Scheme
from modules.segmentation.services import SegmentationService

NUMBER = {"type": ["number", "string", "null"]}
SCHEMA = {
    "type": "object",
    "description": "The default segmentation scheme (see modules/segmentation).",
    "additionalProperties": False,
    "required": ["segments"],
    "properties": {
        "parameters": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "field"],
                "properties": {
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                    "field": {"type": "string"},
                    "kind": {"enum": ["numeric", "categorical"]},
                    "weight": NUMBER,
                    "ranges": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["points"],
                            "properties": {
                                "min": NUMBER,
                                "max": NUMBER,
                                "points": {"type": "integer"},
                            },
                        },
                    },
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["value", "points"],
                            "properties": {"value": {}, "points": {"type": "integer"}},
                        },
                    },
                },
            },
        },
        "segments": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "min": NUMBER, "max": NUMBER},
            },
        },
    },
}


def apply_default(user, slug: str, now: Any, before: Any) -> list[str]:
    """Save the shipped scheme unless the admin changed the stored one."""
    service = SegmentationService()
    scheme = Scheme.objects.filter(entity_type__slug=slug).first()
    if scheme is not None and scheme.version > 0:
        untouched = before is not None and _stored(service, scheme) == service.canonical(
            slug, before
        )
        if not untouched:
            return [_("segmentation scheme changed by an administrator, left as is")]
    service.save(user, slug, now)
    return [_("segmentation scheme applied")]


def _stored(service, scheme: Scheme) -> dict:
    data = service.payload(scheme)
    data.pop("version")
    return data


def export_scheme(entity) -> dict | None:
    """The stored scheme, sparse: no empty descriptions, open ends and default weights."""
    scheme = Scheme.objects.filter(entity_type=entity).first()
    if scheme is None or scheme.version == 0:
        return None
    data = _stored(SegmentationService(), scheme)
    for parameter in data["parameters"]:
        parameter.pop("field_available")
        parameter.pop("kind")
        if not parameter["description"]:
            parameter.pop("description")
        if parameter["weight"] == "1.00":
            parameter.pop("weight")
        for item in parameter.get("ranges", []):
            for end in ("min", "max"):
                if item[end] is None:
                    item.pop(end)
    for segment in data["segments"]:
        for end in ("min", "max"):
            if segment[end] is None:
                segment.pop(end)
    return data


def register() -> None:
    """Accept and apply the `segmentation` key of definition files."""
    register_section(
        Section(key="segmentation", schema=SCHEMA, apply=apply_default, export=export_scheme)
    )
