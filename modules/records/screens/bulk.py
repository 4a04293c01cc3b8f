"""Bulk actions on the record list: change user, move to the trash, export the selection.

    /records/<slug>/bulk/change-user/?id=3&id=7&next=/records/<slug>/
    /records/<slug>/bulk/trash/?id=3&id=7
    /records/<slug>/bulk/export/xlsx/?id=3&id=7        (or csv)

The list reuses Wagtail's row checkboxes, bulk bar markup and `bulk-actions.js`, which
only builds these `?id=…&next=…` URLs. Wagtail's bulk action views do not fit: they find
the model in the global app registry and their actions are registered per model at
start-up, and runtime models are in neither. So each action is a small view here,
registered by `EntityViewSet.get_urlpatterns`.

Every write is one all-or-nothing `RecordService` call: if one selected record is refused,
nothing is written and the page names the refused records. Ids the user cannot see answer
the same 404 as ids that do not exist.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import View
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from modules.access import engine
from modules.access.grants import MODES
from modules.access.models import ObjectRole
from modules.access.spec import access_spec
from modules.accounts.models import Team
from modules.core.exceptions import PermissionDenied as Refused
from modules.core.exceptions import TesseraError
from modules.metamodel.runtime import get_snapshot
from modules.records.exceptions import RecordNotFound
from modules.records.screens.listing import RecordIndexView
from modules.records.services import BULK_LIMIT, RecordService


class SelectionMixin:
    """The records chosen on the list (`?id=…`), loaded as the list shows them."""

    entity_slug: str = ""
    index_url_name: str = ""

    @property
    def entity(self):
        return get_snapshot().entity(self.entity_slug)

    @cached_property
    def selected_ids(self) -> list[int]:
        """The ids asked for, in order, without repeats; a malformed one is a 404."""
        ids = []
        for raw in self.request.GET.getlist("id"):
            if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:  # 18 digits fit a bigint
                raise Http404
            if int(raw) not in ids:
                ids.append(int(raw))
        return ids

    def load_selection(self) -> list:
        """The live records of `selected_ids` this user may see; any other id is a 404."""
        model = get_snapshot().model(self.entity_slug)
        rows = model.objects.alive().filter(pk__in=self.selected_ids)
        found = {r.pk: r for r in rows.visible_to(self.request.user)}
        if len(found) != len(self.selected_ids):
            raise Http404
        return [found[pk] for pk in self.selected_ids]

    def no_selection(self):
        """None, or the redirect back to the list when the selection is empty or too big."""
        if not self.selected_ids:
            messages.warning(self.request, _("Select at least one record first."))
        elif len(self.selected_ids) > BULK_LIMIT:
            messages.error(
                self.request,
                _("Act on at most %(limit)s records at once.") % {"limit": BULK_LIMIT},
            )
        else:
            return None
        return redirect(self.index_url_name)


class BulkActionView(SelectionMixin, WagtailAdminTemplateMixin, View):
    """GET: what will happen to the selected records; POST: do it through RecordService."""

    #: The access engine's action the service checks on every selected record.
    action: str = ""
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        if response := self.no_selection():
            return response
        self.records = self.load_selection()
        engine.prime_roles(request.user, self.records)
        self.refused = [r for r in self.records if not engine.can(request.user, self.action, r)]
        self.error = None
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def form(self):
        return self.get_form()

    @property
    def form_data(self):
        return self.request.POST if self.request.method == "POST" else None

    def get_form(self):
        return forms.Form(self.form_data)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        if not self.form.is_valid():
            return self.render_to_response(self.get_context_data(), status=400)
        try:
            count = self.perform(self.records, self.form.cleaned_data)
        except RecordNotFound:
            # Someone trashed or hid a record since the page was shown: the same 404.
            raise Http404 from None
        except Refused as refusal:
            refused = set(refusal.extra.get("ids", []))
            self.refused = [r for r in self.records if r.pk in refused]
            self.error = None if self.refused else refusal.detail
            return self.render_to_response(self.get_context_data(), status=403)
        except TesseraError as error:
            self.show_on_form(error)
            return self.render_to_response(self.get_context_data(), status=400)
        messages.success(request, self.success_text(count))
        return redirect(self.next_url)

    def perform(self, records: list, data: dict) -> int:
        """Do the action through RecordService; the number of records acted on."""
        raise NotImplementedError

    def success_text(self, count: int) -> str:
        raise NotImplementedError

    def show_on_form(self, error: TesseraError) -> None:
        """A service's refusal of the values, next to the fields it names."""
        for name, problems in error.errors.items():
            self.form.add_error(name if name in self.form.fields else None, problems)
        if not error.errors:
            self.form.add_error(None, error.detail)

    @cached_property
    def next_url(self) -> str:
        return get_valid_next_url_from_request(self.request) or reverse(self.index_url_name)

    def get_page_subtitle(self):
        return self.entity.display_label_plural

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.entity.display_label_plural},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            entity=self.entity,
            records=self.records,
            refused=self.refused,
            refusal_message=self.refusal_message(),
            error=self.error,
            form=self.form,
            next_url=self.next_url,
            submit_url=f"{self.request.path}?{self.request.GET.urlencode()}",
            continue_url=self.continue_url(),
        )
        return context

    def continue_url(self) -> str:
        """This page for the selected records minus the refused ones ("" if none is left)."""
        allowed = [str(r.pk) for r in self.records if r not in self.refused]
        if not self.refused or not allowed:
            return ""
        params = self.request.GET.copy()
        params.setlist("id", allowed)
        return f"{self.request.path}?{params.urlencode()}"

    def refusal_message(self) -> str:
        if not self.refused:
            return ""
        return _(
            "You may not do this with: %(records)s. Nothing is changed while a record you may "
            "not act on is selected."
        ) % {"records": ", ".join(f"“{r}”" for r in self.refused)}


class BulkTrashView(BulkActionView):
    """Move the selected records to the trash, after a confirmation that lists them."""

    action = "delete"
    template_name = "records/bulk_trash.html"
    page_title = gettext_lazy("Move to trash")
    header_icon = "bin"

    def perform(self, records, data):
        return RecordService().bulk_delete(
            self.request.user, self.entity_slug, [r.pk for r in records]
        )

    def success_text(self, count):
        return ngettext(
            "%(count)s record moved to the trash.", "%(count)s records moved to the trash.", count
        ) % {"count": count}


ROLE_LABELS = {
    ObjectRole.OWNER.value: ObjectRole.OWNER.label,
    ObjectRole.PARTICIPANT.value: gettext_lazy("Participants"),
    ObjectRole.RESPONSIBLE.value: gettext_lazy("Responsible"),
}
MODE_LABELS = {
    "replace": gettext_lazy("Replace: the chosen users and teams only"),
    "add": gettext_lazy("Add the chosen users and teams"),
    "remove": gettext_lazy("Remove the chosen users and teams"),
}


class ChangeUserForm(forms.Form):
    """A role of the type, then one user (owner) or users and teams with a mode."""

    role = forms.ChoiceField(label=gettext_lazy("Role"))
    user = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("New owner"),
        required=False,
        help_text=gettext_lazy("A record has exactly one owner."),
    )
    users = forms.ModelMultipleChoiceField(
        queryset=None,
        label=gettext_lazy("Users"),
        required=False,
        help_text=gettext_lazy("Hold Ctrl (Cmd on a Mac) to select more than one."),
    )
    teams = forms.ModelMultipleChoiceField(
        queryset=None, label=gettext_lazy("Teams"), required=False
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Mode"),
        choices=[(m, MODE_LABELS[m]) for m in MODES],
        initial="add",
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")
        self.fields["role"].choices = [(r, ROLE_LABELS.get(r, r)) for r in roles]
        self.fields["user"].queryset = users
        self.fields["users"].queryset = users
        self.fields["teams"].queryset = Team.objects.order_by("name")
        if not Team.objects.exists():
            del self.fields["teams"]  # an empty list box looks broken

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == ObjectRole.OWNER.value:
            if not data.get("user"):
                self.add_error("user", _("Choose the new owner."))
        elif role:
            mode = data.get("mode") or ""
            if mode not in MODES:
                self.add_error("mode", _("Choose what to do with the chosen users and teams."))
            elif mode != "replace" and not (data.get("users") or data.get("teams")):
                self.add_error("users", _("Choose at least one user or team."))
        return data


class BulkChangeUserView(BulkActionView):
    """Hand the selected records over: a new owner, or participants/responsible changed."""

    action = "change_user"
    template_name = "records/bulk_change_user.html"
    page_title = gettext_lazy("Change user")
    header_icon = "user"

    def get_form(self):
        granted = access_spec(self.entity).granted_roles
        roles = [ObjectRole.OWNER.value, *(str(r) for r in granted)]
        return ChangeUserForm(self.form_data, roles=roles)

    def perform(self, records, data):
        ids = [r.pk for r in records]
        if data["role"] == ObjectRole.OWNER.value:
            return RecordService().change_user(
                self.request.user,
                self.entity_slug,
                ids,
                role="owner",
                users=[data["user"].pk],
                mode="replace",
            )
        return RecordService().change_user(
            self.request.user,
            self.entity_slug,
            ids,
            role=data["role"],
            users=[u.pk for u in data.get("users") or []],
            teams=[t.pk for t in data.get("teams") or []],
            mode=data["mode"],
        )

    def success_text(self, count):
        role = ROLE_LABELS.get(self.form.cleaned_data["role"], "")
        return ngettext(
            "%(role)s changed on %(count)s record.", "%(role)s changed on %(count)s records.", count
        ) % {"role": role, "count": count}

    def show_on_form(self, error):
        if self.form.cleaned_data.get("role") == ObjectRole.OWNER.value and "users" in error.errors:
            error.errors["user"] = error.errors.pop("users")
        super().show_on_form(error)


class BulkExportView(SelectionMixin, RecordIndexView):
    """The selected rows as XLSX or CSV: the list export's columns and masking."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.export_format = kwargs["export_format"]
        self.is_export = True

    def get(self, request, *args, **kwargs):
        if response := self.no_selection():
            return response
        if not engine.can(request.user, "export", entity=self.entity):
            raise PermissionDenied
        self.load_selection()  # a record the user cannot see: 404, as if missing
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=self.selected_ids)

    def render_to_response(self, context, **response_kwargs):
        return self.as_spreadsheet(context["object_list"], self.export_format)
