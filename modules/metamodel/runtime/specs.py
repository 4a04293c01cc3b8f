"""Immutable views of metadata rows, as one schema snapshot saw them.

spec = snapshot.entity("persons")
spec.field("email").type_class.clean(spec.field("email"), "A@B.PL")
[(section_label, fields) for section_label, fields in spec.layout()]
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from modules.core.i18n import localized
from modules.metamodel.exceptions import FieldNotFound
from modules.metamodel.field_types import FieldType, field_types


@dataclass(frozen=True)
class FieldSpec:
    """A field as a snapshot saw it."""

    id: int
    api_name: str
    label: Any
    type: str
    options: dict
    target_entity_id: int | None = None
    help_text: Any = None
    required: bool = False
    unique: bool = False
    is_basic: bool = False
    is_system: bool = False
    position: int = 0
    #: What the field type builds once per spec and reuses (the form field `clean` uses).
    cache: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    @classmethod
    def from_row(cls, row) -> FieldSpec:
        return cls(
            id=row.pk,
            api_name=row.api_name,
            label=row.label,
            type=row.type,
            options=dict(row.options or {}),
            target_entity_id=row.target_entity_id,
            help_text=row.help_text,
            required=row.required,
            unique=row.unique,
            is_basic=row.is_basic,
            is_system=row.is_system,
            position=row.position,
        )

    @property
    def column(self) -> str:
        return f"f_{self.id}"

    @property
    def display_label(self) -> str:
        return localized(self.label) or self.api_name

    @property
    def type_class(self) -> FieldType:
        return field_types.get(self.type)


@dataclass(frozen=True)
class SectionSpec:
    """A form section as a snapshot saw it: its label and field ids in order."""

    label: Any
    field_ids: tuple[int, ...]
    id: int | None = None

    @property
    def display_label(self) -> str:
        return localized(self.label)


@dataclass(frozen=True)
class EntitySpec:
    """An entity type as a snapshot saw it, with its live fields and layout."""

    id: int
    slug: str
    label: Any
    label_plural: Any
    icon: str
    title_template: str
    supports_visibility: bool
    supports_segmentation: bool
    supports_relations: bool
    is_system: bool
    fields: tuple[FieldSpec, ...]
    sections: tuple[SectionSpec, ...] = ()
    list_columns: tuple[int, ...] = ()
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._by_name.update({f.api_name: f for f in self.fields})

    @property
    def db_table(self) -> str:
        return f"ent_{self.id}"

    @property
    def display_label(self) -> str:
        return localized(self.label) or self.slug

    @property
    def display_label_plural(self) -> str:
        return localized(self.label_plural) or self.slug

    def field(self, api_name: str) -> FieldSpec:
        try:
            return self._by_name[api_name]
        except KeyError:
            raise FieldNotFound(
                _("%(entity)s has no field '%(name)s'.")
                % {"entity": self.display_label, "name": api_name},
                field=api_name,
            ) from None

    def has_field(self, api_name: str) -> bool:
        return api_name in self._by_name

    def column_fields(self, default: int = 5) -> list[FieldSpec]:
        """The fields a record list shows: the chosen ones, else basic fields first."""
        by_id = {f.id: f for f in self.fields}
        chosen = [by_id[i] for i in self.list_columns if i in by_id]
        if chosen:
            return chosen
        ordered = [f for f in self.fields if f.is_basic] + [
            f for f in self.fields if not f.is_basic
        ]
        return ordered[:default]

    def layout(self) -> list[tuple[str, list[FieldSpec]]]:
        """Sections in order with their fields; fields placed nowhere go to "Other"."""
        by_id = {f.id: f for f in self.fields}
        placed: set[int] = set()
        result = []
        for section in self.sections:
            section_fields = [by_id[i] for i in section.field_ids if i in by_id]
            placed.update(f.id for f in section_fields)
            result.append((section.display_label, section_fields))
        rest = [f for f in self.fields if f.id not in placed]
        if rest:
            result.append((_("Other"), rest))
        return result

    def title_of(self, record, *, basic_only: bool = False) -> str:
        """The record's name from the title template, e.g. `{first_name} {last_name}`.

        `basic_only` leaves out non-basic fields: the title of a record shown to
        someone who may read only its basic fields. Fields linking to other records are
        left out too: a title is shown to whoever sees the record, who may not be allowed
        to see the linked one.
        """
        if self.title_template:
            names = [n for _t, n, _f, _c in string.Formatter().parse(self.title_template) if n]
            values = {}
            for name in names:
                spec = self._by_name.get(name) if self.has_field(name) else None
                if (
                    spec is None
                    or (basic_only and not spec.is_basic)
                    or spec.type_class.needs_target_entity
                ):
                    values[name] = ""
                else:
                    value = spec.type_class.get_value(record, spec)
                    # A title reads the record's own values; none depends on who reads.
                    values[name] = spec.type_class.to_text(spec, value, viewer=None)
            title = " ".join(self.title_template.format_map(values).split())
            if title:
                return title
        return f"{self.display_label} #{record.pk}"
