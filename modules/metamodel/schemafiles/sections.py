"""Extra top-level keys of `schemas/*.yaml` that other modules own (e.g. `segmentation`).

    register_section(Section(
        key="segmentation",
        schema={...},                                  # JSON Schema of the key's value
        apply=apply_default,                           # (user, slug, now, before) -> report line
        export=export_scheme,                          # (entity type) -> value or None
    ))

The metamodel validates a file with every registered schema, calls `apply` after the
entity type and its fields are synced (with what the file says now and what it said
when last applied, so the owner can leave admin changes alone), and `export` when
writing an instance's configuration back out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from modules.metamodel.schemafiles.definitions import SCHEMA


class Section(NamedTuple):
    """One extra key of a definition file and the module that owns it."""

    key: str
    schema: dict
    apply: Callable[[Any, str, Any, Any], str | None]
    export: Callable[[Any], Any]


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Accept `section.key` in definition files (registering a key twice is an error)."""
    assert section.key not in _sections, f"The schema file key {section.key!r} is registered."
    assert section.key not in SCHEMA["properties"], f"{section.key!r} is a built-in key."
    _sections[section.key] = section
    SCHEMA["properties"][section.key] = section.schema


def sections() -> list[Section]:
    """Every registered section, in registration order."""
    return list(_sections.values())
