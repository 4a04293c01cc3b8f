"""The base class every field type extends; one subclass per file in this package.

    class PercentType(DecimalType):
        type = "percent"
        label = _("Percent")

A field type owns everything type-specific: options, model fields, validation,
text form (export, import, conversion), filter lookups and conversions. Code
outside this package asks the type; it never switches on a type name.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar, Protocol

import django_filters
import jsonschema
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from rest_framework import serializers

from modules.core.i18n import localized
from modules.metamodel.exceptions import InvalidFieldOptions


class FieldLike(Protocol):
    """What a field type needs of a field: a FieldDefinition row or a snapshot FieldSpec."""

    id: int
    api_name: str
    label: Any
    options: dict
    required: bool
    target_entity_id: int | None

    @property
    def column(self) -> str: ...


class ConversionError(ValueError):
    """Raised when one stored value cannot be converted to another type."""


class FieldType:
    """One kind of field. Subclasses set `type`, `label` and override what differs."""

    type: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    #: JSON Schema of `options`; defaults in it are filled in on validation.
    options_schema: ClassVar[dict] = {
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }
    #: Filter lookups the API offers (`?<field>__<lookup>=`).
    lookups: ClassVar[tuple[str, ...]] = ("exact", "in", "isnull")
    sortable: ClassVar[bool] = True
    searchable: ClassVar[bool] = False
    #: "numeric", "categorical" or "none": how segmentation may score it.
    segmentation_kind: ClassVar[str] = "none"
    #: Types this one's values can be converted to, by key.
    convertible_to: ClassVar[frozenset[str]] = frozenset()
    #: The record service asks the numbering allocator for a value on create.
    allocates_on_create: ClassVar[bool] = False
    #: Points at another entity type (`FieldDefinition.target_entity`).
    needs_target_entity: ClassVar[bool] = False
    #: May be marked `unique` (one scalar value per record to compare).
    can_be_unique: ClassVar[bool] = True
    #: Gets a (non-unique) index, built concurrently on PostgreSQL.
    indexed: ClassVar[bool] = False
    #: A change of its value is a milestone (a stage, a status): a line on the record's
    #: timeline (modules/activity), read from the record's history.
    notable: ClassVar[bool] = False
    #: Its options are `{"choices": [{"value", "label", "color"}]}`: the settings screens
    #: edit them with the choices editor instead of JSON.
    has_choices: ClassVar[bool] = False
    #: The django-filter class for `?<field>=`; lookups derive from it.
    filter_class: ClassVar[type] = django_filters.CharFilter

    # -- options ---------------------------------------------------------------
    def validate_options(self, options: Any) -> dict:
        """Return the options with defaults filled in; raise InvalidFieldOptions."""
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise InvalidFieldOptions(_("Options must be an object."), field="options")
        validator = jsonschema.Draft202012Validator(self.options_schema)
        errors: dict[str, list[str]] = {}
        for error in validator.iter_errors(options):
            path = ".".join(str(p) for p in error.absolute_path)
            key = f"options.{path}" if path else "options"
            errors.setdefault(key, []).append(error.message)
        if errors:
            raise InvalidFieldOptions(_("The options do not fit the field type."), errors=errors)
        cleaned = {
            name: copy.deepcopy(spec["default"])
            for name, spec in self.options_schema.get("properties", {}).items()
            if "default" in spec
        }
        cleaned.update(options)
        self.check_options(cleaned)
        return cleaned

    def check_options(self, options: dict) -> None:
        """Checks JSON Schema cannot express; raise InvalidFieldOptions."""

    def values_lost_by(self, field: FieldLike, new_options: dict, model: Any) -> int:
        """How many records hold values that `new_options` would no longer allow."""
        return 0

    def target_from_options(self, options: dict) -> str | None:
        """The slug of the entity type this field points at, taken out of `options`."""
        return None

    # -- model -----------------------------------------------------------------
    def model_fields(self, field: FieldLike, target_model: Any = None) -> dict[str, models.Field]:
        """The Django model fields (attribute name -> field) this field contributes."""
        model_field = self.model_field(field, target_model)
        model_field.db_column = field.column
        model_field.verbose_name = field.display_label
        return {field.api_name: model_field}

    def model_field(self, field: FieldLike, target_model: Any = None) -> models.Field:
        raise NotImplementedError(f"{type(self).__name__} must build its model field.")

    def attribute_names(self, api_name: str) -> list[str]:
        """Every model attribute the field takes, so no two fields collide."""
        return [api_name]

    def get_value(self, instance: models.Model, field: FieldLike) -> Any:
        return getattr(instance, field.api_name)

    def set_value(self, instance: models.Model, field: FieldLike, value: Any) -> None:
        setattr(instance, field.api_name, value)

    def segmentation_value(self, field: FieldLike, value: Any) -> Any:
        """What a segmentation parameter scores, given `get_value`'s result; it must equal
        what the field's column (`field.column`) holds, as the set-based recompute reads that."""
        return value

    # -- values ----------------------------------------------------------------
    def form_field(self, field: FieldLike) -> forms.Field:
        """A Django form field that cleans one value (required is checked elsewhere)."""
        return forms.CharField(required=False)

    def clean(self, field: FieldLike, value: Any) -> Any:
        """Turn an input value (JSON or Python) into the stored value; raise ValidationError."""
        if self.is_empty(value):
            return None
        cleaned = self.cleaning_field(field).clean(value)
        return None if self.is_empty(cleaned) else cleaned

    def cleaning_field(self, field: FieldLike) -> forms.Field:
        """The form field `clean` runs; a snapshot's field spec (immutable) keeps it, so
        cleaning many values (an import, a bulk edit) builds it once."""
        cache = getattr(field, "cache", None)
        if cache is None:
            return self.form_field(field)
        if "form_field" not in cache:
            cache["form_field"] = self.form_field(field)
        return cache["form_field"]

    def is_empty(self, value: Any) -> bool:
        return value is None or (isinstance(value, (str, list, dict, tuple)) and not value)

    def to_json(self, field: FieldLike, value: Any) -> Any:
        """The value as JSON (API output, history)."""
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        return value

    def to_text(self, field: FieldLike, value: Any, *, viewer: Any) -> str:
        """Plain text of a value as `viewer` may read it (None: the system): exports,
        conversions, titles. A link to a record out of the viewer's sight is ""."""
        if value is None:
            return ""
        return str(self.to_json(field, value))

    def parse_text(self, field: FieldLike, text: str) -> Any:
        """A value from text (imports, conversions); raise ValidationError."""
        return self.clean(field, text.strip() if isinstance(text, str) else text)

    def parse_many(
        self, field: FieldLike, texts: set[str], *, viewer: Any
    ) -> dict[str, Any] | None:
        """Values for many import cells of one column at once (a natural-key lookup in one
        query, among what `viewer` may see), `{text: value}` for the texts it found; None:
        parse each with `parse_text`."""
        return None

    # -- conversions -------------------------------------------------------------
    def can_convert_to(self, target: FieldType) -> bool:
        return target.type in self.convertible_to

    def convert_from(
        self, source: FieldType, source_field: FieldLike, field: FieldLike, value: Any
    ) -> Any:
        """This type's value for a value of `source`; raise ConversionError if it has none."""
        if value is None:
            return None
        try:
            # Conversions rewrite every stored value: the system reads them all.
            return self.parse_text(field, source.to_text(source_field, value, viewer=None))
        except ValidationError as error:
            raise ConversionError("; ".join(error.messages)) from error

    # -- API -------------------------------------------------------------------------
    def serializer_field(self, field: FieldLike) -> serializers.Field:
        """A DRF field documenting the JSON value (OpenAPI); values are cleaned by `clean`."""
        return serializers.CharField(**self.serializer_kwargs(field))

    def serializer_kwargs(self, field: FieldLike) -> dict:
        return {
            "allow_null": True,
            "required": bool(field.required),
            "label": field.display_label,
            "help_text": _help(field),
        }

    def filter_for(self, field: FieldLike, lookup: str) -> django_filters.Filter:
        """The filter behind `?<api_name>__<lookup>=`, on this field's model attribute."""
        name = field.api_name
        if lookup == "isnull":
            return django_filters.BooleanFilter(field_name=name, lookup_expr="isnull")
        base = self.filter_class
        kwargs = self.filter_kwargs(field)
        if lookup == "in":
            cls = type(f"{base.__name__}In", (django_filters.BaseInFilter, base), {})
            return cls(field_name=name, lookup_expr="in", **kwargs)
        if lookup == "range":
            cls = type(f"{base.__name__}Range", (django_filters.BaseRangeFilter, base), {})
            return cls(field_name=name, lookup_expr="range", **kwargs)
        if lookup == "year":
            # Years Python's dates can hold; 0 or 10000 could only fail the query.
            return django_filters.NumberFilter(
                field_name=name, lookup_expr="year", min_value=1, max_value=9999, decimal_places=0
            )
        if lookup == "date":
            return django_filters.DateFilter(field_name=name, lookup_expr="date")
        return base(field_name=name, lookup_expr=lookup, **kwargs)

    def filter_kwargs(self, field: FieldLike) -> dict:
        return {}

    def search_q(self, field: FieldLike, text: str) -> Q | None:
        """The condition "`text` is in this field", without case or diacritics
        (`modules/core/folding.py`), that search ORs over the fields; None for a type search
        does not look in (`searchable` is False). On PostgreSQL a trigram index serves it."""
        if not self.searchable:
            return None
        return Q(**{f"{field.api_name}__folded_contains": text})

    # -- admin screens -----------------------------------------------------------------
    def admin_form_field(self, field: FieldLike) -> forms.Field:
        """The form field (with its widget) on the admin's create and edit screens."""
        form_field = self.form_field(field)
        form_field.required = bool(field.required)
        form_field.label = field.display_label
        form_field.help_text = _help(field)
        return form_field

    def display_value(self, field: FieldLike, value: Any, *, viewer: Any) -> str:
        """A stored value as `viewer` reads it on a profile ("—" when empty)."""
        return self.display_text(field, value, viewer=viewer) if value is not None else "—"

    def display_text(self, field: FieldLike, value: Any, *, viewer: Any) -> str:
        """A value as the screens write it for `viewer` (list cells, profiles, a screen's
        csv export): numbers and dates in the active regional format (`core.formats`).
        `to_text` stays the neutral form (API exports, conversions, titles)."""
        return self.to_text(field, value, viewer=viewer)

    def spreadsheet_cell(self, field: FieldLike, value: Any, *, viewer: Any) -> tuple[Any, str]:
        """A screen's xlsx export cell: a typed value and its spreadsheet number format
        ("General" for text), in the user's regional format."""
        return self.export_value(field, value, viewer=viewer), "General"

    def history_texts(self, field: FieldLike, values: list, *, viewer: Any) -> list[str]:
        """Values as history keeps them (`to_json`'s results) as `viewer` reads them, all
        of a page's at once, so a type that looks values up does it in one query."""
        texts = []
        for value in values:
            try:
                texts.append(self.display_value(field, value, viewer=viewer))
            except (TypeError, ValueError, ArithmeticError, LookupError):
                texts.append(str(value))
        return texts

    def export_value(self, field: FieldLike, value: Any, *, viewer: Any) -> Any:
        """A stored value in a spreadsheet cell (text unless the type keeps its own)."""
        return self.to_text(field, value, viewer=viewer)

    def export_widget(self, field: FieldLike) -> widgets.Widget:
        """The django-import-export widget that writes `export_value` into a file: text
        unless the type keeps numbers or dates (then typed in xls and ods)."""
        return widgets.Widget()

    def admin_filter(self, field: FieldLike) -> django_filters.Filter | None:
        """The filter the admin list offers for this field (None: search covers it)."""
        return None

    def form_initial(self, field: FieldLike, value: Any, *, viewer: Any) -> Any:
        """A stored value as the admin form field shows it to `viewer`."""
        return value

    def bind_viewer(self, form_field: forms.Field, field: FieldLike, viewer: Any) -> None:
        """Let a form field built once per schema snapshot name its values (a picker's
        titles) as `viewer` may see them; most types show nothing they need to check."""

    # -- links to records -------------------------------------------------------------
    def linked_records(self, field: FieldLike, viewer: Any, *, live: bool = True) -> Any:
        """The records a value may point at that `viewer` may see (None: the system sees
        every one), as a queryset flagged by the access engine; None for a type whose
        values point at no record. Live ones only, unless `live` is False: a link to a
        record in the trash, like one to a record out of the viewer's sight, is withheld
        (`modules/access/links.py`)."""
        return None

    def describe(self) -> dict:
        """The public description listed by the metadata API."""
        return {
            "type": self.type,
            "label": str(self.label),
            "options_schema": self.options_schema,
            "lookups": list(self.lookups),
            "sortable": self.sortable,
            "segmentation_kind": self.segmentation_kind,
            "convertible_to": sorted(self.convertible_to),
        }


class LinkType(FieldType):
    """A foreign key stored as an id (a user, a record): `x` is the object, `x_id` the value."""

    filter_class = django_filters.NumberFilter

    def serializer_field(self, field):
        return serializers.IntegerField(**self.serializer_kwargs(field))

    def attribute_names(self, api_name):
        return [api_name, f"{api_name}_id"]

    def get_value(self, instance, field):
        return getattr(instance, f"{field.api_name}_id")

    def set_value(self, instance, field, value):
        setattr(instance, f"{field.api_name}_id", value)


def _help(field: FieldLike) -> str:
    return localized(getattr(field, "help_text", None))


def number_options(extra: dict | None = None) -> dict:
    """Options schema shared by numeric types (min/max, and what `extra` adds)."""
    properties = {"min": {"type": "number"}, "max": {"type": "number"}}
    properties.update(extra or {})
    return {"type": "object", "properties": properties, "additionalProperties": False}


def check_min_max(options: dict) -> None:
    """Refuse a minimum above the maximum."""
    low, high = options.get("min"), options.get("max")
    if low is not None and high is not None and low > high:
        raise InvalidFieldOptions(
            _("The minimum must not exceed the maximum."), field="options.min"
        )
