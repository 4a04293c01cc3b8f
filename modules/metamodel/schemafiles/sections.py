"""Extra top-level keys of `schemas/*.yaml` that other modules own (`relations`,
`segmentation`); each module registers its own in its `AppConfig.ready()`.

    register_section(Section(
        key="segmentation",
        schema={...},                                  # JSON Schema of the key's value
        apply=apply_default,                           # (user, slug, now, before) -> report lines
        export=export_scheme,                          # (entity type) -> value or None
        check=None,                                    # (definitions, known slugs) -> errors
    ))

The metamodel validates a file with every registered schema (which may refer to the
file schema's `#/$defs/name` and `#/$defs/label`), calls `check` on the changed files
before applying anything, calls `apply` once every changed file's entity type and
fields are synced (with what the file says now and what it said when last applied, so
the owner can leave admin changes alone), and `export` when writing an instance's
configuration back out. Sections run, and are written out, in registration order
(the order of INSTALLED_APPS).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from modules.metamodel.schemafiles.definitions import SCHEMA


class Section(NamedTuple):
    """One extra key of a definition file and the module that owns it."""

    key: str
    schema: dict
    apply: Callable[[Any, str, Any, Any], list[str]]
    export: Callable[[Any], Any]
    #: Problems of the files' values, found before anything is applied, by place.
    check: Callable[[list[dict], set[str]], dict[str, list[str]]] | None = None


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
