"""Reading and checking `schemas/*.yaml` definition files.

definitions = read_definitions(Path("schemas"))   # validated, or SchemaFileInvalid
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import yaml
from django.utils.translation import gettext as _

from modules.core.exceptions import TesseraError
from modules.metamodel.exceptions import InvalidDefinition, SchemaFileInvalid
from modules.metamodel.field_types import field_types
from modules.metamodel.labels import clean_label
from modules.metamodel.names import check_entity_slug, check_field_name

SCHEMA = json.loads((Path(__file__).parent / "entity_type.schema.json").read_text())
FEATURE_KEYS = {
    "visibility": "supports_visibility",
    "segmentation": "supports_segmentation",
    "relations": "supports_relations",
}
FEATURE_DEFAULTS = {"visibility": True, "segmentation": False, "relations": True}
DEFAULT_ICON = "folder"


def digest(definition: dict) -> str:
    """A stable hash of a definition, to skip files that did not change."""
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()


def parse(text: str, source: str) -> dict:
    """One definition from YAML text; errors name the file and the place."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SchemaFileInvalid(
            _("%(file)s is not valid YAML: %(error)s") % {"file": source, "error": error}
        ) from None
    errors = {}
    for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(data):
        place = "/".join(str(p) for p in error.absolute_path) or "(top)"
        errors.setdefault(f"{source}:{place}", []).append(error.message)
    if errors:
        raise SchemaFileInvalid(
            _("%(file)s does not match the definition format.") % {"file": source}, errors=errors
        )
    fields = data.get("fields", {})
    placed: set[str] = set()
    for index, section in enumerate(data.get("layout", [])):
        missing = [n for n in section["fields"] if n not in fields]
        if missing:
            raise SchemaFileInvalid(
                _("%(file)s: layout section %(n)s names unknown fields: %(names)s")
                % {"file": source, "n": index + 1, "names": ", ".join(missing)}
            )
        twice = [n for n in section["fields"] if n in placed]
        if twice:
            raise SchemaFileInvalid(
                _("%(file)s: layout section %(n)s places fields another section has: %(names)s")
                % {"file": source, "n": index + 1, "names": ", ".join(twice)}
            )
        placed.update(section["fields"])
    _check_with_the_registry(data, source)
    return data


def _problems(check, *args, **kwargs) -> list[str]:
    """The messages of the TesseraError `check(...)` raises, or none."""
    try:
        check(*args, **kwargs)
    except TesseraError as error:
        details = [
            f"{key}: {message}"
            for key, messages in error.errors.items()
            for message in messages
            if message != error.detail
        ]
        return [error.detail, *details]
    return []


def _check_field(spec: dict) -> None:
    field_type = field_types.get(spec["type"])
    clean_label(spec["label"])
    clean_label(spec.get("help_text"), key="help_text", required=False)
    options = dict(spec.get("options") or {})
    if field_type.needs_target_entity and not field_type.target_from_options(options):
        raise InvalidDefinition(
            _("Choose the entity type this field links to."), field="options.target"
        )
    field_type.validate_options(options)
    if spec.get("unique") and not field_type.can_be_unique:
        raise InvalidDefinition(
            _("A %(type)s field cannot be unique.") % {"type": field_type.label}, field="unique"
        )


def _check_with_the_registry(data: dict, source: str) -> None:
    """What the schema service would refuse half-way through a sync, refused up front.

    A sync applies file after file; a bad field found only while applying would
    leave the files before it (and part of its own) applied.
    """
    errors: dict[str, list[str]] = {}

    def note(place: str, problems: list[str]) -> None:
        if problems:
            errors.setdefault(f"{source}:{place}", []).extend(problems)

    note("slug", _problems(check_entity_slug, data["slug"]))
    for key in ("label", "label_plural"):
        note(key, _problems(clean_label, data[key], key=key))
    for index, section in enumerate(data.get("layout", [])):
        note(f"layout/{index}/label", _problems(clean_label, section["label"]))
    owners: dict[str, str] = {}
    for name, spec in data.get("fields", {}).items():
        note(f"fields/{name}", _problems(check_field_name, name) + _problems(_check_field, spec))
        if spec["type"] not in field_types:
            continue
        for attribute in field_types.get(spec["type"]).attribute_names(name):
            if attribute in owners:
                note(
                    f"fields/{name}",
                    [
                        _("'%(name)s' is also a name of field '%(other)s'.")
                        % {"name": attribute, "other": owners[attribute]}
                    ],
                )
            owners.setdefault(attribute, name)
    if errors:
        raise SchemaFileInvalid(
            _("%(file)s defines what cannot be created: %(places)s")
            % {"file": source, "places": ", ".join(p.split(":", 1)[1] for p in errors)},
            errors=errors,
        )


def read_definitions(directory: Path) -> list[dict]:
    """Every `*.yaml` in `directory`, sorted by file name, all validated before use."""
    paths = sorted(directory.glob("*.yaml"))
    definitions = [parse(path.read_text(encoding="utf-8"), path.name) for path in paths]
    slugs = [d["slug"] for d in definitions]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        raise SchemaFileInvalid(
            _("More than one file defines: %(slugs)s") % {"slugs": ", ".join(duplicates)}
        )
    return definitions
