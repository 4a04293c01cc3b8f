"""Forms of the data-model settings screens. They only shape input; SchemaService validates."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.core.i18n import localized
from modules.core.translated import TranslatedField
from modules.metamodel.field_types import field_types
from modules.metamodel.screens.choices import ChoicesField

FEATURE_FIELDS = ("supports_visibility", "supports_segmentation", "supports_relations")


def type_choices() -> list[tuple[str, str]]:
    """Every registered field type, by its label."""
    return sorted(((t.type, str(t.label)) for t in field_types), key=lambda c: c[1])


def type_label(key: str) -> str:
    """The label of a field type key (the key itself if unknown)."""
    try:
        return str(field_types.get(key).label)
    except field_types.DoesNotExist:
        return key


class OptionsField(forms.CharField):
    """A JSON object typed in a textarea; the field type checks what is in it."""

    widget = forms.Textarea(attrs={"rows": 4, "class": "tessera-code", "spellcheck": "false"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Options (JSON)"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, indent=2) if value else ""
        return value

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return {}
        try:
            parsed = json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s"), params={"error": error}, code="invalid"
            ) from None
        if not isinstance(parsed, dict):
            raise forms.ValidationError(_("Give a JSON object, e.g. {}."), code="invalid")
        return parsed


class EntityTypeForm(forms.Form):
    """Labels, icon, title template and features of an entity type."""

    label = TranslatedField(label=_("Singular label"))
    label_plural = TranslatedField(label=_("Plural label"))
    icon = forms.CharField(
        label=_("Icon"),
        max_length=40,
        initial="folder",
        help_text=_("The name of a Wagtail admin icon, e.g. folder, user, group, date."),
    )
    title_template = forms.CharField(
        label=_("Title template"),
        max_length=255,
        required=False,
        help_text=_("How a record is named, from API names in braces: {first_name} {last_name}."),
    )
    supports_visibility = forms.BooleanField(label=_("Record visibility"), required=False)
    supports_segmentation = forms.BooleanField(label=_("Segmentation"), required=False)
    supports_relations = forms.BooleanField(label=_("Relations"), required=False)


class EntityTypeCreateForm(EntityTypeForm):
    """A new entity type: its API name (slug) as well."""

    slug = forms.CharField(
        label=_("API name"),
        max_length=63,
        help_text=_("Lower-case letters, digits and underscores, e.g. sales_leads. Fixed later."),
    )
    field_order = ["slug", "label", "label_plural", "icon", "title_template", *FEATURE_FIELDS]


class EntityTypeEditForm(EntityTypeForm):
    """Changes to an entity type, refused when it changed meanwhile."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    list_columns = forms.MultipleChoiceField(
        label=_("List columns"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The fields the record list shows, in form order; none: the basic fields."),
    )

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["list_columns"].choices = [(f.api_name, localized(f.label)) for f in fields]


class FieldBaseForm(forms.Form):
    """What adding and editing a field share."""

    label = TranslatedField(label=_("Label"))
    api_name = forms.CharField(
        label=_("API name"),
        max_length=63,
        help_text=_("Lower-case letters, digits and underscores, e.g. sales_score."),
    )
    help_text = TranslatedField(label=_("Help text"), required=False, multiline=True)
    required = forms.BooleanField(label=_("Required"), required=False)
    is_basic = forms.BooleanField(
        label=_("Basic"), required=False, help_text=_("Shown first, e.g. as a list column.")
    )
    choices = ChoicesField(label=_("Choices"), required=False)
    options = OptionsField()

    def options_for(self, field_type) -> dict:
        """The options to store: the choices editor's rows for a type of choices."""
        options = dict(self.cleaned_data.get("options") or {})
        if field_type.has_choices:
            options["choices"] = self.cleaned_data.get("choices") or []
        return options


class FieldAddForm(FieldBaseForm):
    """A new field: its type and the section it goes into as well."""

    type = forms.ChoiceField(label=_("Type"))
    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    field_order = ["type", "label", "api_name", "section", "required", "is_basic", "help_text"]

    def clean(self):
        data = super().clean()
        chosen = data.get("type")
        has_choices = chosen in field_types and field_types.get(chosen).has_choices
        if has_choices and not data.get("choices") and "choices" not in self.errors:
            self.add_error("choices", _("Add at least one choice."))
        return data

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "---------"), *type_choices()]
        self.fields["type"].widget.attrs["data-choice-types"] = " ".join(
            t.type for t in field_types if t.has_choices
        )
        self.fields["options"].help_text = _("Not needed for choices: use the list above.")
        self.fields["section"].choices = [(i, label) for i, label in enumerate(sections)]
        if sections and "section" not in self.initial:
            self.initial["section"] = len(sections) - 1


class FieldEditForm(FieldBaseForm):
    """Changes to a field; `confirm_loss` accepts options that orphan values. A field of
    choices shows the choices editor, any other its options as JSON."""

    def __init__(self, *args, field_type=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields[
            "options" if field_type is not None and field_type.has_choices else "choices"
        ]

    def clean(self):
        data = super().clean()
        if "choices" in self.fields and not data.get("choices") and "choices" not in self.errors:
            self.add_error("choices", _("Add at least one choice."))
        return data

    confirm_loss = forms.BooleanField(
        label=_("Keep the change although some stored values no longer fit the options"),
        required=False,
    )


class ChangeTypeForm(forms.Form):
    """A new type among the field's `convertible_to`, with options."""

    new_type = forms.ChoiceField(label=_("New type"))
    options = OptionsField()
    confirm_loss = forms.BooleanField(
        label=_("I understand that values which do not convert will be left empty"),
        required=False,
    )

    def __init__(self, *args, convertible=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_type"].choices = sorted(
            ((key, type_label(key)) for key in convertible), key=lambda c: c[1]
        )


class SectionForm(forms.Form):
    """The name of a new or renamed section."""

    label = TranslatedField(label=_("Section name"))
