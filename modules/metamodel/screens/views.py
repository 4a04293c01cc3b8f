"""Views of the data-model settings: entity types and the form builder.

Administrators only (403 for others; Wagtail sends anonymous users to log in).
Every change goes through SchemaService; its refusals show next to the form fields.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.exceptions import TesseraError
from modules.core.i18n import localized
from modules.core.values import is_digits
from modules.metamodel.exceptions import FieldInUse
from modules.metamodel.field_types import field_types
from modules.metamodel.models import EntityType
from modules.metamodel.screens import forms as screen_forms
from modules.metamodel.screens.base import SettingsAreaView, SettingsView
from modules.metamodel.screens.layout import (
    builder_sections,
    layout_payload,
    move_field,
    move_section,
)
from modules.metamodel.screens.registry import settings_sections
from modules.metamodel.services import FEATURES, SchemaService

NS = "tessera_settings"

FEATURE_LABELS = {
    "supports_visibility": gettext_lazy("Record visibility"),
    "supports_segmentation": gettext_lazy("Segmentation"),
    "supports_relations": gettext_lazy("Relations"),
}


def url(name: str, *args) -> str:
    """A URL of the settings area."""
    return reverse(f"{NS}:{name}", args=args)


def show_error(form, error: TesseraError) -> None:
    """A service's refusal on the form, next to the fields it names (`options.min` -> options)."""
    for name, problems in error.errors.items():
        key = name.split(".")[0]
        if key in form.fields and not form.fields[key].widget.is_hidden:
            prefix = f"{name[len(key) + 1 :]}: " if name != key else ""
            form.add_error(key, [f"{prefix}{p}" for p in problems])
        else:
            form.add_error(None, problems)
    if not error.errors:
        form.add_error(None, error.detail)


class SettingsIndexView(SettingsView):
    """The settings area: every section registered through the hook."""

    template_name = "metamodel/settings_index.html"
    page_title = gettext_lazy("Settings")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": _("Settings")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = [s for s in settings_sections() if s.url]
        return context


class DataModelView(SettingsAreaView):
    """A page under Settings > Data model."""

    header_icon = "table"
    service = SchemaService()


class EntityTypeListView(DataModelView):
    """Entity types with their API names, field counts and features."""

    template_name = "metamodel/entity_type_list.html"
    page_title = gettext_lazy("Data model")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = (
            EntityType.objects.alive()
            .annotate(field_count=Count("fields", filter=Q(fields__deleted_at__isnull=True)))
            .order_by("slug")
        )
        context["entity_types"] = [
            {
                "slug": e.slug,
                "label": localized(e.label_plural) or e.slug,
                "singular": localized(e.label),
                "icon": e.icon,
                "field_count": e.field_count,
                "is_system": e.is_system,
                "features": [str(FEATURE_LABELS[f]) for f in FEATURES if getattr(e, f)],
            }
            for e in rows
        ]
        return context


class FormMixin:
    """GET shows the form; POST validates it and calls `save`, which may raise TesseraError."""

    form_class = None

    def get_form_kwargs(self):
        return {"initial": self.get_initial()}

    def get_initial(self):
        return {}

    def get_form(self, data=None):
        return self.form_class(data, **self.get_form_kwargs())

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                response = self.save(form)
            except TesseraError as error:
                show_error(form, error)
            else:
                return response
        return self.render_to_response(self.get_context_data(form=form))

    def save(self, form):  # pragma: no cover - overridden
        raise NotImplementedError


class EntityTypeCreateView(FormMixin, DataModelView):
    """Create an entity type."""

    template_name = "metamodel/form.html"
    page_title = gettext_lazy("New entity type")
    form_class = screen_forms.EntityTypeCreateForm

    def get_initial(self):
        return {"icon": "folder"}

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def save(self, form):
        data = form.cleaned_data
        entity = self.service.create_entity_type(
            self.request.user,
            slug=data["slug"],
            label=data["label"],
            label_plural=data["label_plural"],
            icon=data["icon"],
            title_template=data["title_template"],
            **{f: data[f] for f in FEATURES},
        )
        messages.success(
            self.request,
            _("Entity type '%(label)s' created.") % {"label": localized(entity.label_plural)},
        )
        return redirect(url("builder", entity.slug))


class EntityMixin:
    """Views of one entity type, taken from the metadata rows (404 if gone)."""

    @cached_property
    def entity(self) -> EntityType:
        try:
            return EntityType.objects.alive().get(slug=self.kwargs["slug"])
        except EntityType.DoesNotExist:
            raise Http404(
                _("There is no entity type '%(slug)s'.") % {"slug": self.kwargs["slug"]}
            ) from None

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": url("builder", self.entity.slug), "label": localized(self.entity.label_plural)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_page_subtitle(self):
        return localized(self.entity.label_plural)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entity"] = self.entity
        context["entity_label"] = localized(self.entity.label_plural)
        return context


class EntityTypeEditView(EntityMixin, FormMixin, DataModelView):
    """Rename an entity type, change its icon, title template and features."""

    template_name = "metamodel/form.html"
    page_title = gettext_lazy("Entity type settings")
    form_class = screen_forms.EntityTypeEditForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["fields"] = list(self.entity.fields.alive().order_by("position", "id"))
        return kwargs

    def get_initial(self):
        e = self.entity
        return {
            "label": localized(e.label),
            "label_plural": localized(e.label_plural),
            "icon": e.icon,
            "title_template": e.title_template,
            "version": e.version,
            "list_columns": [
                f.api_name for f in e.fields.alive().filter(pk__in=e.list_columns or [])
            ],
            **{f: getattr(e, f) for f in FEATURES},
        }

    def save(self, form):
        data = form.cleaned_data
        e = self.entity
        self.service.update_entity_type(
            self.request.user,
            e.slug,
            expected_version=data["version"],
            label=screen_forms.merge_label(e.label, data["label"]),
            label_plural=screen_forms.merge_label(e.label_plural, data["label_plural"]),
            icon=data["icon"],
            title_template=data["title_template"],
            list_columns=data["list_columns"],
            **{f: data[f] for f in FEATURES},
        )
        messages.success(self.request, _("Settings saved."))
        return redirect(url("builder", e.slug))


class BuilderView(EntityMixin, DataModelView):
    """The form builder: sections and fields in order, with their actions."""

    template_name = "metamodel/builder.html"
    page_title = gettext_lazy("Form builder")

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()[:-1]
        items[-1] = {"url": "", "label": items[-1]["label"]}
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = builder_sections(self.entity)
        for section in sections:
            for f in section.fields:
                f.type_label = str(f.type_class.label)
                f.can_convert = bool(f.type_class.convertible_to)
        context["sections"] = sections
        context["section_form"] = kwargs.get("section_form") or screen_forms.SectionForm()
        context["trash_count"] = (
            self.entity.fields.trashed().filter(replaced_by__isnull=True).count()
        )
        context["feature_labels"] = [
            str(FEATURE_LABELS[f]) for f in FEATURES if getattr(self.entity, f)
        ]
        return context


class LayoutView(EntityMixin, DataModelView):
    """POST only: drag-and-drop layout JSON, up/down moves, add/rename/remove sections."""

    template_name = "metamodel/builder.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        sections = builder_sections(self.entity)
        payload = layout_payload(sections)
        other = [f.api_name for s in sections if not s.is_real for f in s.fields]
        post = request.POST
        try:
            if "layout" in post:
                payload = self.from_json(post["layout"], payload)
            elif "move_field" in post:
                name, _sep, direction = post["move_field"].rpartition(":")
                payload = move_field(payload, name, direction, other)
            elif "move_section" in post:
                index, _sep, direction = post["move_section"].rpartition(":")
                payload = move_section(payload, self.index(index, payload), direction)
            elif "add_section" in post or "rename_section" in post:
                form = screen_forms.SectionForm(post)
                if not form.is_valid():
                    messages.error(request, _("Give the section a name."))
                    return redirect(url("builder", self.entity.slug))
                if "add_section" in post:
                    payload.append({"label": form.cleaned_data["label"], "fields": []})
                else:
                    index = self.index(post["rename_section"], payload)
                    payload[index]["label"] = screen_forms.merge_label(
                        payload[index]["label"], form.cleaned_data["label"]
                    )
            elif "remove_section" in post:
                index = self.index(post["remove_section"], payload)
                if payload[index]["fields"]:
                    raise TesseraError(_("Move the fields out of the section before removing it."))
                if len(payload) == 1:
                    raise TesseraError(_("A form needs at least one section."))
                del payload[index]
            else:
                raise TesseraError(_("Nothing to change."))
            self.service.set_layout(request.user, self.entity.slug, payload)
        except TesseraError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Layout saved."))
        return HttpResponseRedirect(url("builder", self.entity.slug))

    @staticmethod
    def index(value: str, payload: list) -> int:
        try:
            index = int(value)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(payload):
            raise TesseraError(_("There is no such section."))
        return index

    def from_json(self, text: str, current: list[dict]) -> list[dict]:
        """`[{"section": <index>, "fields": [...]}, ...]` from the builder's script."""
        try:
            data = json.loads(text)
        except ValueError:
            raise TesseraError(_("The layout could not be read.")) from None
        if not isinstance(data, list):
            raise TesseraError(_("The layout could not be read."))
        result = []
        for item in data:
            if not isinstance(item, dict) or not isinstance(item.get("fields"), list):
                raise TesseraError(_("The layout could not be read."))
            if "label" in item:
                label = item["label"]
            else:
                label = current[self.index(item.get("section"), current)]["label"]
            result.append({"label": label, "fields": [str(n) for n in item["fields"]]})
        return result


class FieldAddView(EntityMixin, FormMixin, DataModelView):
    """Add a field into a chosen section."""

    template_name = "metamodel/field_form.html"
    page_title = gettext_lazy("Add a field")
    form_class = screen_forms.FieldAddForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["sections"] = [s.label for s in builder_sections(self.entity) if s.is_real]
        return kwargs

    def get_initial(self):
        initial = {}
        if is_digits(self.request.GET.get("section", "")):
            initial["section"] = int(self.request.GET["section"])
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["type_options"] = [
            {
                "type": t.type,
                "label": str(t.label),
                "options": sorted(t.options_schema.get("properties", {})),
            }
            for t in sorted(field_types, key=lambda t: str(t.label))
        ]
        return context

    def save(self, form):
        data = form.cleaned_data
        field = self.service.add_field(
            self.request.user,
            self.entity.slug,
            api_name=data["api_name"],
            label=data["label"],
            type=data["type"],
            options=data["options"],
            help_text=data["help_text"],
            required=data["required"],
            is_basic=data["is_basic"],
            section=data["section"],
        )
        messages.success(
            self.request, _("Field '%(label)s' added.") % {"label": localized(field.label)}
        )
        return redirect(url("builder", self.entity.slug))


class FieldMixin(EntityMixin):
    """Views of one live field of the entity type (404 if there is none)."""

    @cached_property
    def field(self):
        field = self.entity.fields.alive().filter(api_name=self.kwargs["api_name"]).first()
        if field is None:
            raise Http404(_("There is no field '%(name)s'.") % {"name": self.kwargs["api_name"]})
        return field

    def get_page_subtitle(self):
        return f"{localized(self.entity.label_plural)} · {localized(self.field.label)}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["field"] = self.field
        context["field_label"] = localized(self.field.label) or self.field.api_name
        context["field_type_label"] = str(self.field.type_class.label)
        return context


class FieldEditView(FieldMixin, FormMixin, DataModelView):
    """Rename a field, change its flags, help text and options."""

    template_name = "metamodel/field_form.html"
    page_title = gettext_lazy("Edit field")
    form_class = screen_forms.FieldEditForm

    def get_initial(self):
        f = self.field
        return {
            "label": localized(f.label),
            "api_name": f.api_name,
            "help_text": localized(f.help_text),
            "required": f.required,
            "is_basic": f.is_basic,
            "options": f.options,
        }

    def save(self, form):
        data = form.cleaned_data
        f = self.field
        changes = {
            "label": screen_forms.merge_label(f.label, data["label"]),
            "help_text": screen_forms.merge_label(f.help_text, data["help_text"]),
            "required": data["required"],
            "is_basic": data["is_basic"],
        }
        if data["api_name"] != f.api_name:
            changes["api_name"] = data["api_name"]
        if data["options"] != (f.options or {}):
            changes["options"] = data["options"]
        self.service.update_field(
            self.request.user,
            self.entity.slug,
            f.api_name,
            confirm_loss=data["confirm_loss"],
            **changes,
        )
        messages.success(self.request, _("Field saved."))
        return redirect(url("builder", self.entity.slug))


class FieldTrashView(FieldMixin, DataModelView):
    """GET asks for confirmation; POST moves the field to the trash."""

    template_name = "metamodel/field_trash.html"
    page_title = gettext_lazy("Move field to trash")

    def post(self, request, *args, **kwargs):
        try:
            self.service.trash_field(
                request.user,
                self.entity.slug,
                self.field.api_name,
                confirm_in_use=bool(request.POST.get("confirm_in_use")),
            )
        except FieldInUse as warning:
            # Other settings use the field: say which, and ask again.
            context = self.get_context_data(in_use=warning.detail)
            return self.render_to_response(context, status=409)
        except TesseraError as error:
            messages.error(request, error.detail)
        else:
            messages.success(
                request,
                _("Field '%(label)s' moved to the trash; its data is kept.")
                % {"label": localized(self.field.label)},
            )
        return redirect(url("builder", self.entity.slug))


class FieldTrashListView(EntityMixin, DataModelView):
    """The entity type's trashed fields, each with a restore button."""

    template_name = "metamodel/field_trash_list.html"
    page_title = gettext_lazy("Trashed fields")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.entity.fields.trashed().filter(replaced_by__isnull=True).order_by("-deleted_at")
        context["trashed"] = [
            {
                "api_name": f.api_name,
                "label": localized(f.label) or f.api_name,
                "type_label": str(f.type_class.label),
                "deleted_at": f.deleted_at,
            }
            for f in rows
        ]
        return context


class FieldRestoreView(EntityMixin, DataModelView):
    """POST only: bring a trashed field back."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            field = self.service.restore_field(request.user, self.entity.slug, kwargs["api_name"])
        except TesseraError as error:
            messages.error(request, error.detail)
            return redirect(url("field_trash_list", self.entity.slug))
        messages.success(
            request, _("Field '%(label)s' restored.") % {"label": localized(field.label)}
        )
        return redirect(url("builder", self.entity.slug))


class FieldTypeView(FieldMixin, FormMixin, DataModelView):
    """Pick a new type, see what would not convert, confirm the loss, convert."""

    template_name = "metamodel/field_type.html"
    page_title = gettext_lazy("Change field type")
    form_class = screen_forms.ChangeTypeForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["convertible"] = sorted(self.field.type_class.convertible_to)
        return kwargs

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        preview = None
        if form.is_valid():
            data = form.cleaned_data
            try:
                preview = self.service.preview_type_change(
                    request.user,
                    self.entity.slug,
                    self.field.api_name,
                    data["new_type"],
                    data["options"],
                )
                if "convert" in request.POST:
                    if preview.failing and not data["confirm_loss"]:
                        form.add_error(
                            "confirm_loss",
                            _("%(n)s values would not convert; tick the box to go on.")
                            % {"n": preview.failing},
                        )
                    else:
                        self.service.change_field_type(
                            request.user,
                            self.entity.slug,
                            self.field.api_name,
                            data["new_type"],
                            data["options"],
                            confirm_loss=data["confirm_loss"],
                        )
                        messages.success(
                            request,
                            _("'%(label)s' is now a %(type)s field.")
                            % {
                                "label": localized(self.field.label),
                                "type": screen_forms.type_label(data["new_type"]),
                            },
                        )
                        return redirect(url("builder", self.entity.slug))
            except TesseraError as error:
                show_error(form, error)
                if "preview" in error.extra:
                    preview = error.extra["preview"]
        return self.render_to_response(self.get_context_data(form=form, preview=preview))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preview = kwargs.get("preview")
        if preview is not None and not isinstance(preview, dict):
            preview = preview.as_dict()
        context["preview"] = preview
        return context
