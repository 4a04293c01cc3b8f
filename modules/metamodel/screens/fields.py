"""The field pages of the form builder: add, edit, trash, restore and change type.

    settings/data-model/<slug>/add-field/
    settings/data-model/<slug>/fields/<api_name>/[move-to-trash/|change-type/]
    settings/data-model/<slug>/field-trash/[<api_name>/restore/]

Every change goes through `SchemaService`; its refusals show next to the form fields.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.exceptions import TesseraError
from modules.core.i18n import localized
from modules.core.values import is_digits
from modules.metamodel.exceptions import FieldInUse
from modules.metamodel.field_types import field_types
from modules.metamodel.screens import forms as screen_forms
from modules.metamodel.screens.layout import (
    builder_sections,
)
from modules.metamodel.screens.views import (
    DataModelView,
    EntityMixin,
    FormMixin,
    show_error,
    url,
)


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
            options=form.options_for(field_types.get(data["type"])),
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

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "field_type": self.field.type_class}

    def get_initial(self):
        f = self.field
        return {
            "label": f.label,
            "api_name": f.api_name,
            "help_text": f.help_text,
            "required": f.required,
            "is_basic": f.is_basic,
            "options": f.options,
            "choices": f.options.get("choices", []),
        }

    def save(self, form):
        data = form.cleaned_data
        f = self.field
        changes = {
            "label": data["label"],
            "help_text": data["help_text"],
            "required": data["required"],
            "is_basic": data["is_basic"],
        }
        if data["api_name"] != f.api_name:
            changes["api_name"] = data["api_name"]
        options = form.options_for(f.type_class)
        if options != (f.options or {}):
            changes["options"] = options
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
