"""The `relation` field type: a link to one record of another (or the same) entity type;
stored as that record's id. Relations registers it in its `AppConfig.ready()`.

Options on input: `{"target": "companies"}`; the schema service keeps the target in
`FieldDefinition.target_entity`, not in the options.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modules.core.values import is_digits
from modules.core.widgets import PickerWidget
from modules.metamodel.field_types.base import LinkType
from modules.metamodel.runtime import get_snapshot


class RelationFieldType(LinkType):
    """A field holding the id of one record of its target type (not `models.RelationType`,
    the kinds of many-to-many relations between records)."""

    type = "relation"
    label = _("Relation")
    options_schema = {
        "type": "object",
        "properties": {"target": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}},
        "additionalProperties": False,
    }
    lookups = ("exact", "in", "isnull")
    needs_target_entity = True
    indexed = True

    def validate_options(self, options):
        options = super().validate_options(options)
        options.pop("target", None)
        return options

    def target_from_options(self, options):
        return (options or {}).get("target")

    def model_field(self, field, target_model=None):
        assert target_model is not None, "A relation field needs its target model."
        return models.ForeignKey(
            target_model,
            null=True,
            blank=True,
            on_delete=models.DO_NOTHING,
            related_name="+",
            db_index=False,
            db_constraint=False,
        )

    def linked_records(self, field, viewer, *, live=True):
        """Records of the target type `viewer` may see (titles masked where due)."""
        model = self.target_model(field)
        rows = model.objects.alive() if live else model.objects.all()
        return rows.visible_to(viewer)

    def form_field(self, field):
        # A type-ahead over the target's lookup (any table size); the record service
        # checks that a newly chosen record exists and that the user may see it. The
        # form names the chosen record for its user (`bind_viewer`).
        widget = PickerWidget(lambda: self.lookup_url(field))
        return forms.IntegerField(required=False, min_value=1, widget=widget)

    def bind_viewer(self, form_field, field, viewer):
        form_field.widget.titles = lambda ids: self.titles(field, ids, viewer=viewer)

    def lookup_url(self, field) -> str:
        """The admin's type-ahead lookup of the target type (records/screens/lookup.py)."""
        slug = self.target_model(field).entity.slug
        return reverse(f"records_{slug}:lookup")  # the namespace of viewsets.url_namespace

    def titles(self, field, ids, *, viewer) -> dict[int, str]:
        """Titles of the linked records `viewer` may see (live ones); one query."""
        ids = {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
        if not ids:
            return {}
        return {r.pk: str(r) for r in self.linked_records(field, viewer).filter(pk__in=ids)}

    def history_texts(self, field, values, *, viewer):
        titles = self.titles(field, values, viewer=viewer)
        # A linked record the viewer may not see shows as nothing: no title, no id.
        return [titles.get(v, "—") for v in values]

    def display_value(self, field, value, *, viewer):
        return self.to_text(field, value, viewer=viewer) or "—"

    def target_model(self, field):
        return get_snapshot().model_by_id(field.target_entity_id)

    def clean(self, field, value):
        if self.is_empty(value):
            return None
        if isinstance(value, models.Model):
            value = value.pk
        if isinstance(value, bool) or not is_digits(str(value)):
            raise ValidationError(_("Give the linked record's id."), code="invalid")
        record_id = int(value)
        target = self.target_model(field)
        if not target.objects.alive().filter(pk=record_id).exists():
            raise ValidationError(
                _("No record has the id %(id)s."), params={"id": record_id}, code="invalid_relation"
            )
        return record_id

    def to_text(self, field, value, *, viewer):
        if value is None:
            return ""
        # A linked record the viewer may not see shows as nothing: no title, no id.
        return self.titles(field, [value], viewer=viewer).get(value, "")

    def parse_many(self, field, texts, *, viewer):
        """Records `viewer` may see, by id or by a title only one of them has."""
        wanted = {text: " ".join(text.split()).casefold() for text in texts if text.strip()}
        by_title = any(not is_digits(key) for key in wanted.values())
        ids = {int(key) for key in wanted.values() if is_digits(key)}
        rows = self.linked_records(field, viewer)
        seen: set[int] = set()
        titles: dict[str, list[int]] = {}
        for record in rows if by_title else rows.filter(pk__in=ids):
            seen.add(record.pk)
            if by_title:
                titles.setdefault(" ".join(str(record).split()).casefold(), []).append(record.pk)
        found = {}
        for text, key in wanted.items():
            if is_digits(key) and int(key) in seen:
                found[text] = int(key)
            elif len(titles.get(key, ())) == 1:
                found[text] = titles[key][0]
        return found

    def parse_text(self, field, text):
        """A record by id or by its title."""
        if self.is_empty(text) or not str(text).strip():
            return None
        text = str(text).strip()
        if is_digits(text):
            return self.clean(field, text)
        found = get_snapshot().find_by_title(field.target_entity_id, text)
        if found is None:
            raise ValidationError(
                _("No record is called %(name)s."), params={"name": text}, code="invalid_relation"
            )
        return found
