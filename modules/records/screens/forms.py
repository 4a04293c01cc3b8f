"""Create/edit forms of records, built from the entity type's fields and layout.

    form_class = record_form(snapshot, "persons")      # built once per snapshot
    edit_handler = record_panels(snapshot, "persons")  # sections in order

Values are cleaned by the field types' form fields here and written through
RecordService by the views; the model form itself writes nothing.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList

from modules.metamodel.runtime.builder import class_name
from modules.metamodel.runtime.snapshot import SchemaSnapshot


class RecordForm(WagtailAdminModelForm):
    """A model form with no model fields: every field is declared from a field type."""

    entity = None
    #: The version the user opened; a newer stored one is a conflict on save.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.initial["version"] = self.instance.version
            for spec in self.entity.fields:
                if spec.api_name in self.fields:
                    value = spec.type_class.get_value(self.instance, spec)
                    self.initial[spec.api_name] = spec.type_class.form_initial(spec, value)
                    self._keep_current_choice(spec.api_name, value)

    def _keep_current_choice(self, name: str, value) -> None:
        """A picker limited to some records or active users still offers the stored one."""
        field = self.fields[name]
        if value in (None, "", []):
            return
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = field.queryset.model.objects.filter(
                Q(pk__in=field.queryset.values("pk")) | Q(pk=value)
            )
        elif isinstance(field, forms.TypedChoiceField) and not isinstance(value, list):
            choices = list(field.choices)
            if value not in {c[0] for c in choices}:
                field.choices = [*choices, (value, str(self.instance_link(name, value)))]

    def instance_link(self, name: str, value):
        """The record a relation field points at, for its label."""
        return getattr(self.instance, name, None) or value

    def _post_clean(self):
        # The field types validated the values; RecordService writes them. Filling the
        # model instance here would validate a money dict against a decimal column.
        pass

    def values(self) -> dict:
        """The cleaned values by api name, for RecordService."""
        return {name: self.cleaned_data.get(name) for name in self.fields if name != "version"}


def _build_form(snapshot: SchemaSnapshot, slug: str) -> type[RecordForm]:
    entity, model = snapshot.entity(slug), snapshot.model(slug)
    declared: dict[str, forms.Field] = {}
    for spec in entity.fields:
        declared[spec.api_name] = spec.type_class.admin_form_field(spec)
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(
        f"{class_name(entity)}Form", (RecordForm,), {**declared, "entity": entity, "Meta": meta}
    )


def record_form(snapshot: SchemaSnapshot, slug: str) -> type[RecordForm]:
    """The create/edit form class of an entity type, built once per snapshot."""
    return snapshot.memo(("admin-form", slug), lambda: _build_form(snapshot, slug))


def record_panels(snapshot: SchemaSnapshot, slug: str) -> ObjectList:
    """Sections in order, fields in order; fields placed nowhere come last under "Other"."""

    def build():
        entity = snapshot.entity(slug)
        panels = [
            MultiFieldPanel([FieldPanel(spec.api_name) for spec in fields], heading=label)
            for label, fields in entity.layout()
            if fields
        ]
        return ObjectList(panels, base_form_class=record_form(snapshot, slug)).bind_to_model(
            snapshot.model(slug)
        )

    return snapshot.memo(("admin-panels", slug), build)
