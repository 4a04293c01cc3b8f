"""Matching a file's column names to an entity type's fields.

    suggest(["Imię", "E-mail", "Notes"], persons)   # {"Imię": "first_name", "E-mail": "email"}
    normalize("Imię ") == normalize("imie")           # True

    unreadable_keys(piotr, persons, ["email", "tax_number"])   # {"tax_number"}

A column matches a field when its name equals the field's api name or any of its
labels (every translation), ignoring case, diacritics, spaces and punctuation.
Each field is matched at most once, by the first column that names it.
"""

from __future__ import annotations

import re
import unicodedata

from modules.access import engine
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec
from modules.records.query import unreadable_names

#: Letters NFKD does not take apart into a base letter and a mark.
FOLDED = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss"})
NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize(name: str) -> str:
    """A name folded for comparison: no case, no diacritics, words joined by "_"."""
    decomposed = unicodedata.normalize("NFKD", str(name).translate(FOLDED))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return NOT_ALNUM.sub("_", bare).strip("_")


def field_names(spec) -> set[str]:
    """Every normalized name a column may give to mean this field."""
    labels = spec.label.values() if isinstance(spec.label, dict) else [spec.label]
    return {normalize(spec.api_name), *(normalize(label) for label in labels if label)} - {""}


def importable_fields(entity: EntitySpec) -> list:
    """The fields an import may write (auto-numbers are allocated, not imported)."""
    return [spec for spec in entity.fields if not spec.type_class.allocates_on_create]


def suggest(columns: list[str], entity: EntitySpec) -> dict[str, str]:
    """{column: api name} for the columns that name a field."""
    by_name: dict[str, str] = {}
    for spec in importable_fields(entity):
        for name in field_names(spec):
            by_name.setdefault(name, spec.api_name)
    mapping: dict[str, str] = {}
    for column in columns:
        api_name = by_name.get(normalize(column))
        if api_name is not None and api_name not in mapping.values():
            mapping[column] = api_name
    return mapping


def unreadable_keys(user, entity: EntitySpec, names: list[str]) -> set[str]:
    """Of the fields `names`, those a live record the user may list but not open masks.

    Matching on such a field would tell, row by row, which masked record holds a value.
    """
    model = get_snapshot().model_by_id(entity.id)
    rows = model.objects.alive().filter(engine.visible_q(user, entity))
    return unreadable_names(rows, user, entity, names)
