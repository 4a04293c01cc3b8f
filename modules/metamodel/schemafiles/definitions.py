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

from modules.metamodel.exceptions import SchemaFileInvalid

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
    for index, section in enumerate(data.get("layout", [])):
        missing = [n for n in section["fields"] if n not in fields]
        if missing:
            raise SchemaFileInvalid(
                _("%(file)s: layout section %(n)s names unknown fields: %(names)s")
                % {"file": source, "n": index + 1, "names": ", ".join(missing)}
            )
    return data


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
