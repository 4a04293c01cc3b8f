"""Views of the data-model settings: the settings index and the entity types, and what the
form builder's pages (`builder.py`, `fields.py`) share: the entity they are about, the form
handling and where a service's refusal shows.

Administrators only (403 for others; Wagtail sends anonymous users to log in).
Every change goes through SchemaService; its refusals show next to the form fields.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.exceptions import TesseraError
from modules.core.i18n import localized
from modules.core.trash import alive_q
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.models import EntityType
from modules.metamodel.screens import forms as screen_forms
from modules.metamodel.screens.base import SettingsAreaView, SettingsView
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
        if name.startswith("options.choices") and "choices" in form.fields:
            key, name = "choices", "choices"
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
            .annotate(field_count=Count("fields", filter=alive_q("fields")))
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
            return EntityType.objects.alive().by_slug(self.kwargs["slug"])
        except EntityTypeNotFound as error:
            raise Http404(error.detail) from None

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
            "label": e.label,
            "label_plural": e.label_plural,
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
            label=data["label"],
            label_plural=data["label_plural"],
            icon=data["icon"],
            title_template=data["title_template"],
            list_columns=data["list_columns"],
            **{f: data[f] for f in FEATURES},
        )
        messages.success(self.request, _("Settings saved."))
        return redirect(url("builder", e.slug))
