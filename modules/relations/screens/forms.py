"""The relation type form of Settings > Relations.

    form = RelationTypeForm(request.POST, instance=row)     # row None: a new type
    if form.is_valid():
        RelationTypeService().update(admin, row.pk, form.data_for_service())

The form only shapes what was typed and picked; `RelationTypeService` checks the
rules (entity types take relations, limits fit the relations already made ...). A
label is typed in the active language; the other languages of a per-language label
stay as they are. A "show in form" section is picked from one list grouped by entity
type and sent as its position on that entity type's form.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.i18n import localized
from modules.core.translated import TranslatedField
from modules.core.values import is_digits
from modules.metamodel.models import EntityType, LayoutSection
from modules.relations.models import RelationType
from modules.relations.type_service import section_positions

#: Separates the entity type from the section position in a section choice: `companies:2`.
SECTION_SEP = ":"


def entity_choices() -> list[tuple[str, str]]:
    """Live entity types that take relations, by label."""
    rows = EntityType.objects.alive().filter(supports_relations=True)
    choices = [(e.slug, localized(e.label_plural) or e.slug) for e in rows]
    return sorted(choices, key=lambda c: str(c[1]).lower())


def section_choices() -> list:
    """Every entity type's form sections, grouped by entity type: `slug:position`."""
    entities = {e.pk: e for e in EntityType.objects.alive().filter(supports_relations=True)}
    grouped: dict[int, list[tuple[str, str]]] = {}
    rows = LayoutSection.objects.filter(layout__entity_type_id__in=entities).select_related(
        "layout"
    )
    for section in rows.order_by("layout__entity_type_id", "sort_order", "id"):
        entity_id = section.layout.entity_type_id
        options = grouped.setdefault(entity_id, [])
        slug = entities[entity_id].slug
        label = localized(section.label) or _("Section %(number)s") % {"number": len(options) + 1}
        options.append((f"{slug}{SECTION_SEP}{len(options) + 1}", label))
    groups = [
        (localized(entities[entity_id].label_plural) or entities[entity_id].slug, options)
        for entity_id, options in grouped.items()
    ]
    groups.sort(key=lambda g: str(g[0]).lower())
    return [("", gettext_lazy("Not in the form")), *groups]


class RelationTypeForm(forms.Form):
    """A relation type: the two entity types, a label per side, limits, form sections."""

    source = forms.ChoiceField(
        label=gettext_lazy("Source entity type"),
        help_text=gettext_lazy("A relation reads: the source is the source label of the target."),
    )
    source_label = TranslatedField(
        label=gettext_lazy("Source label"),
        help_text=gettext_lazy("What the source is to the target, e.g. Headquarters."),
    )
    target = forms.ChoiceField(label=gettext_lazy("Target entity type"))
    target_label = TranslatedField(
        label=gettext_lazy("Target label"),
        required=False,
        help_text=gettext_lazy(
            "What the target is to the source, e.g. Branch. Not used when symmetric."
        ),
    )
    symmetric = forms.BooleanField(
        label=gettext_lazy("Symmetric"),
        required=False,
        help_text=gettext_lazy(
            "Both sides are alike and share the source label (e.g. Competitors); "
            "source and target must be the same entity type."
        ),
    )
    max_targets = forms.IntegerField(
        label=gettext_lazy("Targets per source at most"),
        required=False,
        min_value=1,
        max_value=10**6,
        help_text=gettext_lazy("Empty: no limit. Symmetric types use this limit on both sides."),
    )
    max_sources = forms.IntegerField(
        label=gettext_lazy("Sources per target at most"),
        required=False,
        min_value=1,
        max_value=10**6,
        help_text=gettext_lazy("Empty: no limit. E.g. 1: a branch has one headquarters."),
    )
    source_form_section = forms.ChoiceField(
        label=gettext_lazy("Show in the source's form"),
        required=False,
        help_text=gettext_lazy("The section of the source's form that shows these relations."),
    )
    target_form_section = forms.ChoiceField(
        label=gettext_lazy("Show in the target's form"),
        required=False,
        help_text=gettext_lazy(
            "The section of the target's form that shows these relations. Not used when symmetric."
        ),
    )

    def __init__(self, *args, instance: RelationType | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", self.initial_from(instance))
        super().__init__(*args, **kwargs)
        entities = entity_choices()
        if instance is not None:
            # An entity type that no longer takes relations still shows as chosen.
            for row in (instance.source, instance.target):
                if row.slug not in {slug for slug, _label in entities}:
                    entities.append((row.slug, localized(row.label_plural) or row.slug))
        self.fields["source"].choices = entities
        self.fields["target"].choices = entities
        sections = section_choices()
        self.fields["source_form_section"].choices = sections
        self.fields["target_form_section"].choices = sections

    @staticmethod
    def initial_from(row: RelationType) -> dict:
        """The form's values from a stored relation type."""
        positions = section_positions()

        def section(end: str):
            position = positions.get(getattr(row, f"{end}_form_section_id"))
            entity = getattr(row, end)
            return f"{entity.slug}{SECTION_SEP}{position}" if position else ""

        return {
            "source": row.source.slug,
            "target": row.target.slug,
            "source_label": row.source_label,
            "target_label": "" if row.symmetric else row.target_label,
            "symmetric": row.symmetric,
            "max_targets": row.max_targets,
            "max_sources": row.max_sources,
            "source_form_section": section("source"),
            "target_form_section": section("target"),
        }

    def clean(self):
        data = super().clean()
        for end in ("source", "target"):
            key = f"{end}_form_section"
            chosen = data.get(key) or ""
            slug, _sep, _position = chosen.partition(SECTION_SEP)
            if chosen and data.get(end) and slug != data[end] and not self._ignored(end, data):
                messages = {
                    "source": _("Pick a section of the source entity type's form."),
                    "target": _("Pick a section of the target entity type's form."),
                }
                self.add_error(key, messages[end])
        return data

    @staticmethod
    def _ignored(end: str, data: dict) -> bool:
        """The target's section of a symmetric type is not used."""
        return end == "target" and bool(data.get("symmetric"))

    def data_for_service(self) -> dict:
        """What `RelationTypeService.create` / `update` take."""
        data = self.cleaned_data
        result = {
            "source": data["source"],
            "target": data["target"],
            "symmetric": data["symmetric"],
            "source_label": data["source_label"],
            "max_targets": data["max_targets"],
            "max_sources": None if data["symmetric"] else data["max_sources"],
        }
        if not data["symmetric"]:
            # Left empty, the service says the target side needs a name.
            text = data["target_label"]
            result["target_label"] = text or ""
        for end in ("source", "target"):
            key = f"{end}_form_section"
            if self._ignored(end, data):
                continue
            chosen = data.get(key) or ""
            _slug, _sep, position = chosen.partition(SECTION_SEP)
            result[key] = int(position) if is_digits(position) else None
        return result
