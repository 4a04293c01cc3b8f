"""The relation types a record's form shows in its sections (registered in `apps.py`).

    extensions.register_form_section(RelationFormSection())

A side of a relation type placed in a layout section is a picker in that section of the
record's create and edit forms, named `relation-<type id>-<side>`; what the user changes
there is written through `RelationService.replace` in the record's transaction.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modules.core.exceptions import TesseraError
from modules.core.widgets import PickerWidget
from modules.metamodel.runtime.snapshot import SchemaSnapshot
from modules.records.screens.extensions import FormSection
from modules.relations import specs
from modules.relations.services import RelationService, live_visible

#: Form fields of relation types shown in a section: `relation-<type id>-<side>` (an api
#: name cannot hold a dash, so no entity field can take the name).
RELATION_PREFIX = "relation-"


class RelatedRecordsField(forms.Field):
    """The records related on one side of a relation type: a picker, cleaned to a list of ids.

    One record (a single picker) when the side allows one, several (chips) otherwise.
    """

    def __init__(self, side, other_slug: str, **kwargs):
        self.side = side
        widget = PickerWidget(
            lambda: reverse(f"records_{other_slug}:lookup"), multiple=side.limit != 1
        )
        super().__init__(required=False, widget=widget, label=side.label, **kwargs)

    def bind_viewer(self, viewer) -> None:
        """Name the chosen records as `viewer` may see them."""
        other = self.side.other_id
        self.widget.titles = lambda ids: related_titles(viewer, other, ids)

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, (list, tuple)) else [value]
        ids = []
        for item in values:
            text = str(getattr(item, "pk", item) if item is not None else "").strip()
            if not text:
                continue
            if not text.isdecimal() or len(text) > 18:
                raise forms.ValidationError(_("Give the ids of records."), code="invalid")
            ids.append(int(text))
        return list(dict.fromkeys(ids))

    def has_changed(self, initial, data) -> bool:
        try:
            return sorted(self.to_python(initial)) != sorted(self.to_python(data))
        except forms.ValidationError:
            return True


def related_titles(viewer, entity_id: int, ids) -> dict[int, str]:
    """Titles of the records among `ids` `viewer` may see (masked where due)."""
    return {r.pk: str(r) for r in live_visible(viewer, entity_id, ids)}


class RelationFormSection(FormSection):
    """The relation fields of a record's form: one per side placed in a section."""

    def fields(self, snapshot: SchemaSnapshot, entity) -> dict[int, dict[str, forms.Field]]:
        """The relation fields of the entity type's form, by the section that shows them.

        Only sides shown in a section of the form: a field the form does not show would
        post nothing and so clear the relations.
        """
        sections = {section.id for section in entity.sections}
        placed: dict[int, dict[str, forms.Field]] = {}
        for side in specs.sides_of(entity):
            if side.section_id is None or side.section_id not in sections:
                continue
            other_slug = snapshot.model_by_id(side.other_id).entity.slug
            name = f"{RELATION_PREFIX}{side.type.id}-{side.side}"
            placed.setdefault(side.section_id, {})[name] = RelatedRecordsField(side, other_slug)
        return placed

    def start(self, form, names: list[str]) -> None:
        """Name the picked records as the form's user may see them; on an edit form, start
        from the records related on each field's side (those the user may see)."""
        for name in names:
            form.fields[name].bind_viewer(form.for_user)
        if not (form.instance and form.instance.pk):
            return
        pk = form.instance.pk
        linked = RelationService().of(form.for_user, form.entity.slug, [pk])[pk]
        for name in names:
            side = form.fields[name].side
            form.initial[name] = [link.other.pk for link in linked if link.side == side]

    def save(self, user, entity_slug: str, record, form, names: list[str]) -> None:
        """The relation fields the user changed, through RelationService; a refusal names
        the form field (and, raised inside the record's transaction, saves nothing)."""
        changes = [
            (name, form.fields[name].side.key, form.cleaned_data.get(name) or [])
            for name in names
            if name in form.changed_data
        ]
        if not changes:
            return
        service = RelationService()
        for name, key, ids in changes:
            try:
                service.replace(user, entity_slug, record.pk, key, ids)
            except TesseraError as error:
                raise TesseraError(error.detail, errors={name: [error.detail]}) from error
