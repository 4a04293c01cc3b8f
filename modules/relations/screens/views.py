"""Settings > Relations: the relation types administrators define, and the on/off switch.

Administrators only (403 for others; Wagtail sends anonymous users to log in). Every
write goes through `RelationTypeService`; its refusals show next to the form fields
they name (else above the form), and nothing is saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.exceptions import TesseraError
from modules.core.i18n import localized
from modules.metamodel.screens.base import SettingsAreaView
from modules.relations.exceptions import RelationTypeNotFound
from modules.relations.models import Relation, RelationType
from modules.relations.screens.forms import RelationTypeForm
from modules.relations.type_service import RelationTypeService, relation_counts

NS = "relations_settings"


def url(name: str, *args) -> str:
    """A URL of the relations settings."""
    return reverse(f"{NS}:{name}", args=args)


def show_error(form: RelationTypeForm, error: TesseraError) -> None:
    """A service's refusal on the form, next to the fields it names (else at the top)."""
    for name, problems in error.errors.items():
        if name in form.fields:
            form.add_error(name, problems)
        else:
            form.add_error(None, problems)
    if not error.errors:
        form.add_error(None, error.detail)


def limit_text(value: int | None) -> str:
    """A limit as the list shows it."""
    return str(value) if value is not None else "∞"


def summary(row: RelationType, count: int) -> dict:
    """One relation type as the list shows it."""
    source, target = localized(row.source.label_plural), localized(row.target.label_plural)
    return {
        "id": row.pk,
        "key": row.key,
        "name": str(row),
        "source_label": localized(row.source_label),
        "target_label": "" if row.symmetric else localized(row.target_label),
        "source": source or row.source.slug,
        "target": target or row.target.slug,
        "symmetric": row.symmetric,
        "limits": (
            limit_text(row.max_targets)
            if row.symmetric
            else f"{limit_text(row.max_targets)} / {limit_text(row.max_sources)}"
        ),
        "in_forms": bool(row.source_form_section_id or row.target_form_section_id),
        "relations": count,
        "is_system": row.is_system,
    }


class RelationSettingsView(SettingsAreaView):
    """A page under Settings > Relations."""

    types = RelationTypeService()


class RelationTypeIndexView(RelationSettingsView):
    """Every relation type, the trashed ones apart, and the installation's switch."""

    template_name = "relations/index.html"
    page_title = gettext_lazy("Relations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = relation_counts()
        rows = self.types.all(include_trashed=True)
        context["relation_types"] = [
            summary(r, counts.get(r.pk, 0)) for r in rows if r.deleted_at is None
        ]
        context["trashed"] = [
            summary(r, counts.get(r.pk, 0)) for r in rows if r.deleted_at is not None
        ]
        context["enabled"] = self.types.enabled()
        return context


class RelationSwitchView(RelationSettingsView):
    """POST: switch relations on or off for the whole installation."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        enabled = request.POST.get("enabled") == "on"
        try:
            self.types.set_enabled(request.user, enabled)
        except TesseraError as error:
            messages.error(request, error.detail)
        else:
            if enabled:
                messages.success(request, _("Relations are switched on."))
            else:
                messages.success(
                    request,
                    _(
                        "Relations are switched off: profiles, forms, lists and the API show "
                        "none. They are kept and come back when you switch them on."
                    ),
                )
        return redirect(url("index"))


class FormView(RelationSettingsView):
    """GET shows the form; POST validates it and saves through the service."""

    template_name = "relations/form.html"
    instance: RelationType | None = None

    def get_form(self, data=None) -> RelationTypeForm:
        return RelationTypeForm(data, instance=self.instance)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                row = self.save(form.data_for_service())
            except TesseraError as error:
                show_error(form, error)
            else:
                messages.success(request, _("Relation type '%(name)s' saved.") % {"name": row})
                return redirect(url("index"))
        if not form.non_field_errors():
            form.add_error(None, _("Nothing was saved; correct the errors below."))
        return self.render_to_response(self.get_context_data(form=form))

    def save(self, data: dict) -> RelationType:  # pragma: no cover - overridden
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["instance"] = self.instance
        return context


class RelationTypeCreateView(FormView):
    """Define a relation type."""

    page_title = gettext_lazy("New relation type")

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def save(self, data: dict) -> RelationType:
        return self.types.create(self.request.user, data)


class TypeMixin:
    """Views of one relation type (404 if there is none such)."""

    include_trashed = False

    @cached_property
    def instance(self) -> RelationType:
        try:
            return self.types.get(self.kwargs["type_id"], include_trashed=self.include_trashed)
        except RelationTypeNotFound as error:
            raise Http404(error.detail) from None

    def get_page_subtitle(self):
        return str(self.instance)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": str(self.instance)}]


class RelationTypeEditView(TypeMixin, FormView):
    """Change a relation type."""

    page_title = gettext_lazy("Relation type")

    def save(self, data: dict) -> RelationType:
        return self.types.update(self.request.user, self.instance.pk, data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = self.instance
        context["relations"] = Relation.objects.filter(relation_type=row).count()
        return context


class RelationTypeTrashView(TypeMixin, RelationSettingsView):
    """Confirm, then move a relation type to the trash; its relations are kept."""

    template_name = "relations/trash.html"
    page_title = gettext_lazy("Move to the trash")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["instance"] = self.instance
        context["relations"] = Relation.objects.filter(relation_type=self.instance).count()
        return context

    def post(self, request, *args, **kwargs):
        try:
            self.types.delete(request.user, self.instance.pk)
        except TesseraError as error:
            messages.error(request, error.detail)
        else:
            messages.success(
                request,
                _("Relation type '%(name)s' moved to the trash; its relations are kept.")
                % {"name": self.instance},
            )
        return redirect(url("index"))


class RelationTypeRestoreView(TypeMixin, RelationSettingsView):
    """POST: bring a relation type back from the trash, with its relations."""

    http_method_names = ["post"]
    include_trashed = True

    def post(self, request, *args, **kwargs):
        try:
            row = self.types.restore(request.user, self.instance.pk)
        except TesseraError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Relation type '%(name)s' restored.") % {"name": row})
        return redirect(url("index"))
