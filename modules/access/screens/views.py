"""Settings > Access: who may see and do what with the records of each entity type.

Administrators only (403 for others; Wagtail sends anonymous users to log in). A save
calls `AccessService` once per changed part (visibility, permissions, participants)
inside one transaction: if any part is refused, nothing is saved and every refusal
shows next to its field.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.access.models import ObjectRole, Visibility
from modules.access.screens.forms import AccessForm
from modules.access.services import AccessService
from modules.core.exceptions import TesseraError
from modules.core.i18n import localized
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec
from modules.metamodel.screens.base import SettingsAreaView

NS = "access_settings"
VISIBILITY_LABELS = dict(Visibility.choices)
ROLE_LABELS = dict(ObjectRole.choices)
#: Service error keys that name a matrix column: `system.manager` -> `system_manager`.
MATRIX_KEYS = ("system", "objects")


def url(name: str, *args) -> str:
    """A URL of the access settings."""
    return reverse(f"{NS}:{name}", args=args)


def form_key(name: str) -> str:
    """The form field a service error key refers to."""
    head, _dot, rest = name.partition(".")
    if head in MATRIX_KEYS and rest:
        return f"{head}_{rest}"
    return name


def show_error(form: AccessForm, error: TesseraError) -> None:
    """A service's refusal on the form, next to the fields it names (else at the top)."""
    for name, problems in error.errors.items():
        key = form_key(name)
        if key in form.fields and not form.fields[key].disabled:
            form.add_error(key, problems)
        else:
            form.add_error(None, problems)
    if not error.errors:
        form.add_error(None, error.detail)


class _RollBack(Exception):
    """Leaves the save's transaction after a part was refused."""


class AccessSettingsView(SettingsAreaView):
    """A page under Settings > Access."""

    access = AccessService()


class AccessIndexView(AccessSettingsView):
    """Every entity type with a summary of its access settings."""

    template_name = "access/index.html"
    page_title = gettext_lazy("Access")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        for entity in sorted(get_snapshot().entities, key=lambda e: e.slug):
            settings = self.access.settings(entity.slug)
            rows.append(
                {
                    "slug": entity.slug,
                    "label": localized(entity.label_plural) or entity.slug,
                    "icon": entity.icon,
                    "default": VISIBILITY_LABELS[settings["visibility"]["default"]],
                    "allowed": [VISIBILITY_LABELS[v] for v in settings["visibility"]["allowed"]],
                    "roles": [ROLE_LABELS[r] for r in settings["object_roles"]],
                }
            )
        context["entity_types"] = rows
        return context


class EntityAccessView(AccessSettingsView):
    """The access settings of one entity type, saved all at once."""

    template_name = "access/entity_access.html"
    page_title = gettext_lazy("Access")

    @cached_property
    def entity(self) -> EntitySpec:
        try:
            return get_snapshot().entity(self.kwargs["slug"])
        except EntityTypeNotFound as error:
            raise Http404(error.detail) from None

    def get_page_subtitle(self):
        return localized(self.entity.label_plural)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": "", "label": localized(self.entity.label_plural) or self.entity.slug},
        ]

    def get_form(self, data=None) -> AccessForm:
        return AccessForm(
            data,
            settings=self.access.settings(self.entity.slug),
            supports_visibility=self.entity.supports_visibility,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            parts = form.changed_parts()
            if not parts:
                messages.info(request, _("Nothing changed."))
                return redirect(url("entity", self.entity.slug))
            if self.save(form, parts):
                messages.success(
                    request,
                    _("Access settings of %(entity)s saved.")
                    % {"entity": localized(self.entity.label_plural)},
                )
                return redirect(url("entity", self.entity.slug))
        if not form.non_field_errors():
            form.add_error(None, _("Nothing was saved; correct the errors below."))
        return self.render_to_response(self.get_context_data(form=form))

    def save(self, form: AccessForm, parts: dict[str, dict]) -> bool:
        """One service call per changed part, all in one transaction; False if refused."""
        user, slug = self.request.user, self.entity.slug
        calls = {
            "visibility": self.access.update_visibility,
            "permissions": self.access.update_permissions,
            "participants": self.access.update_participants,
        }
        refused: list[TesseraError] = []
        try:
            with transaction.atomic():
                for part, kwargs in parts.items():
                    try:
                        calls[part](user, slug, **kwargs)
                    except TesseraError as error:
                        # Refused before writing; check the other parts too, then roll back.
                        refused.append(error)
                if refused:
                    raise _RollBack
        except _RollBack:
            for error in refused:
                show_error(form, error)
            return False
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs["form"]
        context["entity"] = self.entity
        context["entity_label"] = localized(self.entity.label_plural) or self.entity.slug
        context["system_columns"], context["system_rows"] = form.system_matrix()
        context["object_columns"], context["object_rows"] = form.object_matrix()
        context["role_boxes"] = form.role_boxes()
        context["system_errors"] = form.matrix_errors("system")
        context["object_errors"] = form.matrix_errors("objects")
        return context
