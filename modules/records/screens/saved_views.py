"""Saving the list as it is shown (filters, search, sort) as a named view.

    /records/<slug>/views/new/?city=Kraków&ordering=-updated_at   -> a name (and, for
    administrators, shared and a role's default), then the list with `?view=<id>`

Stored by `SavedViewService`; the list offers the saved views in its "…" menu.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from modules.accounts.models import Role
from modules.core.exceptions import TesseraError
from modules.records.saved_views import SavedViewService

#: Query parameters of the list that are not what a view shows.
NOT_SHOWN = {"q", "ordering", "p", "view", "export"}


class SaveViewForm(forms.Form):
    """A view's name; whether it is shared, and whose default it is (administrators)."""

    name = forms.CharField(label=gettext_lazy("Name of the view"), max_length=100)
    shared = forms.BooleanField(label=gettext_lazy("Share with everyone"), required=False)
    default_for_role = forms.ChoiceField(
        label=gettext_lazy("Open the list with this view for"),
        choices=[("", gettext_lazy("Nobody")), *Role.choices],
        required=False,
    )

    def __init__(self, *args, administrator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not administrator:
            del self.fields["shared"]
            del self.fields["default_for_role"]


class SaveViewView(WagtailAdminTemplateMixin, FormView):
    """Name the list's current filters, search and sort as a view."""

    template_name = "records/save_view.html"
    form_class = SaveViewForm
    page_title = gettext_lazy("Save this view")
    header_icon = "list-ul"
    entity_slug = ""
    index_url_name = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["administrator"] = bool(getattr(self.request.user, "is_administrator", False))
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["back_url"] = f"{reverse(self.index_url_name)}?{self.request.GET.urlencode()}"
        return context

    def form_valid(self, form):
        query = self.request.GET
        filters = {k: v for k, v in query.items() if k not in NOT_SHOWN and v != ""}
        try:
            view = SavedViewService().create(
                self.request.user,
                self.entity_slug,
                name=form.cleaned_data["name"],
                filters=filters,
                search=query.get("q", ""),
                ordering=query.get("ordering", ""),
                shared=form.cleaned_data.get("shared", False),
                default_for_role=form.cleaned_data.get("default_for_role", ""),
            )
        except TesseraError as error:
            for name, problems in error.errors.items():
                form.add_error(name if name in form.fields else None, problems)
            if not error.errors:
                form.add_error(None, error.detail)
            return self.form_invalid(form)
        messages.success(self.request, _("View “%(name)s” saved.") % {"name": view.name})
        shown = SavedViewService.query_string(view)
        return redirect(f"{reverse(self.index_url_name)}?{shown}&view={view.pk}")
