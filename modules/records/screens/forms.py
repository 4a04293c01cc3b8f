"""Create/edit forms of records, built from the entity type's fields and layout.

    form_class = record_form(snapshot, "persons")      # built once per snapshot
    edit_handler = record_panels(snapshot, "persons")  # sections in order

Values are cleaned by the field types' form fields here and written through
RecordService by the views; the model form itself writes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList

from modules.access import engine, grants
from modules.access.links import Links
from modules.access.models import Visibility
from modules.access.spec import access_spec
from modules.accounts.models import Team
from modules.accounts.screens.lookup import team_picker, user_picker
from modules.metamodel.runtime.builder import class_name
from modules.metamodel.runtime.snapshot import SchemaSnapshot
from modules.records.screens import extensions


class RecordForm(WagtailAdminModelForm):
    """A model form with no model fields: every field is declared from a field type."""

    entity = None
    #: The fields that modules above records add (relations), each with its section.
    contributed: dict = {}
    #: The version the user opened; a newer stored one is a conflict on save.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sharing_fields()
        self._bind_viewer()
        for section, names in self._contributed_names():
            section.start(self, names)
        if self.instance and self.instance.pk:
            self.initial["version"] = self.instance.version
            # A link to a record the user may not see starts empty (no id, no title);
            # left empty, it is not sent, and the record service keeps it.
            links = Links.of(self.for_user, self.entity, [self.instance])
            for spec in self.entity.fields:
                if spec.api_name in self.fields:
                    value = links.value(self.instance, spec)
                    self.initial[spec.api_name] = spec.type_class.form_initial(
                        spec, value, viewer=self.for_user
                    )
                    self._keep_current_choice(spec.api_name, value)

    def _bind_viewer(self) -> None:
        """Pickers name the records they hold as this form's user may see them."""
        for spec in self.entity.fields:
            if spec.api_name in self.fields:
                spec.type_class.bind_viewer(self.fields[spec.api_name], spec, self.for_user)

    def _sharing_fields(self) -> None:
        """Owner, visibility and participants: offered when this user may set them."""
        record = self.instance if self.instance and self.instance.pk else None
        spec = access_spec(self.entity)
        if record is not None:
            self.initial["owner"] = record.owner_id
            self.initial["visibility"] = record.visibility
            held = grants.holders(self.entity, [record.pk])[record.pk].get("participant")
            if held:
                self.initial["participants"] = held["users"]
                self.initial["participant_teams"] = held["teams"]
        else:
            self.initial["visibility"] = spec.default_visibility
        # A new record: the user's system role decides (nobody holds a role on it yet).
        on = {"entity": self.entity} if record is None else {"record": record}
        may_hand_over = engine.can(self.for_user, "change_user", **on)
        may_change_visibility = engine.can(self.for_user, "change_visibility", **on)
        for name in SHARING_FIELDS:
            if name not in self.fields:
                continue
            if name == "visibility":
                keep = {spec.default_visibility} | ({record.visibility} if record else set())
                self.fields[name].choices = [
                    (v, label) for v, label in Visibility.choices if v in spec.allowed or v in keep
                ]
                if not may_change_visibility:
                    del self.fields[name]
            elif not may_hand_over:
                del self.fields[name]
        if record is not None:
            # An owner or participant who has left stays valid while nobody changes it.
            self._keep_users("owner", [record.owner_id])
            self._keep_users("participants", self.initial.get("participants") or [])

    def _keep_users(self, name: str, ids: list) -> None:
        field = self.fields.get(name)
        ids = [i for i in ids if i is not None]
        if field is not None and ids:
            field.queryset = field.queryset.model.objects.filter(
                Q(pk__in=field.queryset.values("pk")) | Q(pk__in=ids)
            )

    def sharing(self) -> dict:
        """What the user chose for owner, visibility and participants (changed ones only)."""
        chosen = {}
        data = self.cleaned_data
        creating = not (self.instance and self.instance.pk)
        if "owner" in self.fields and (creating or "owner" in self.changed_data):
            chosen["owner"] = data.get("owner") or self.for_user
        if "visibility" in self.fields and (creating or "visibility" in self.changed_data):
            chosen["visibility"] = data.get("visibility") or None
        if {"participants", "participant_teams"} & set(self.changed_data) or (
            creating and "participants" in self.fields
        ):
            chosen["participants"] = {
                "users": [u.pk for u in data.get("participants") or []],
                "teams": [t.pk for t in data.get("participant_teams") or []],
            }
        return chosen

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
        skip = {"version", *SHARING_FIELDS}
        return {
            name: self.cleaned_data.get(name)
            for name in self.fields
            if name not in skip and name not in self.contributed
        }

    # -- fields of modules above records (extensions.FormSection) -------------------------
    def _contributed_names(self) -> list[tuple[extensions.FormSection, list[str]]]:
        """Each contributing section with the names of its fields this form shows."""
        by_section: dict = {}
        for name in self.fields:
            if name in self.contributed:
                by_section.setdefault(self.contributed[name], []).append(name)
        return list(by_section.items())

    def save_sections(self, user, entity_slug: str, record) -> None:
        """Have each contributing section write what the user changed in its fields."""
        for section, names in self._contributed_names():
            section.save(user, entity_slug, record, self, names)


SHARING_FIELDS = ("owner", "visibility", "participants", "participant_teams")


def contributed_fields(snapshot: SchemaSnapshot, entity) -> dict[int, dict[str, tuple]]:
    """The fields modules above records add, by the section that shows them:
    `{section id: {name: (form field, its FormSection)}}`."""
    placed: dict[int, dict[str, tuple]] = {}
    for section in extensions.form_sections():
        for section_id, fields in section.fields(snapshot, entity).items():
            for name, field in fields.items():
                placed.setdefault(section_id, {})[name] = (field, section)
    return placed


def _sharing(entity) -> dict[str, forms.Field]:
    users = get_user_model().objects.filter(is_active=True)
    fields: dict[str, forms.Field] = {
        "owner": forms.ModelChoiceField(
            users,
            label=_("Owner"),
            required=False,
            help_text=_("Empty: you."),
            widget=user_picker(),
        ),
    }
    if entity.supports_visibility:
        fields["visibility"] = forms.ChoiceField(
            label=_("Visibility"), choices=Visibility.choices, required=False
        )
    if "participant" in access_spec(entity).roles:
        fields["participants"] = forms.ModelMultipleChoiceField(
            users,
            label=_("Participants (users)"),
            required=False,
            widget=user_picker(multiple=True),
        )
        fields["participant_teams"] = forms.ModelMultipleChoiceField(
            Team.objects.all(),
            label=_("Participants (teams)"),
            required=False,
            widget=team_picker(),
        )
    return fields


def _build_form(snapshot: SchemaSnapshot, slug: str) -> type[RecordForm]:
    entity, model = snapshot.entity(slug), snapshot.model(slug)
    declared: dict[str, forms.Field] = {}
    for spec in entity.fields:
        declared[spec.api_name] = spec.type_class.admin_form_field(spec)
    contributed = {}
    for fields in contributed_fields(snapshot, entity).values():
        for name, (field, section) in fields.items():
            declared[name], contributed[name] = field, section
    declared.update(_sharing(entity))
    meta = type("Meta", (), {"model": model, "fields": []})
    attrs = {**declared, "entity": entity, "contributed": contributed, "Meta": meta}
    return type(f"{class_name(entity)}Form", (RecordForm,), attrs)


def record_form(snapshot: SchemaSnapshot, slug: str) -> type[RecordForm]:
    """The create/edit form class of an entity type, built once per snapshot."""
    return snapshot.memo(("admin-form", slug, get_language()), lambda: _build_form(snapshot, slug))


def record_panels(snapshot: SchemaSnapshot, slug: str) -> ObjectList:
    """Sections in order, fields in order; fields placed nowhere come last under "Other"."""

    def build():
        entity = snapshot.entity(slug)
        related = contributed_fields(snapshot, entity)
        panels = []
        for index, (label, fields) in enumerate(entity.layout()):
            # layout() gives the sections in order, then "Other" for fields placed nowhere.
            section = entity.sections[index] if index < len(entity.sections) else None
            names = [spec.api_name for spec in fields]
            names += list(related.get(section.id, {})) if section is not None else []
            if names:
                panels.append(MultiFieldPanel([FieldPanel(n) for n in names], heading=label))
        panels.append(
            MultiFieldPanel(
                [FieldPanel(name) for name in _sharing(entity)], heading=_("Owner and sharing")
            )
        )
        return ObjectList(panels, base_form_class=record_form(snapshot, slug)).bind_to_model(
            snapshot.model(slug)
        )

    return snapshot.memo(("admin-panels", slug, get_language()), build)
