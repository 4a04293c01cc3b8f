"""Views of Settings > Users: seats, users and their status, invitations.

    /admin/settings/users/    namespace users_settings, routed by accounts' wagtail_hooks

Administrators only (403 for others). Every change goes through the accounts services;
their refusals (no free seat, your own account, the last administrator) show as
messages or next to the form fields they name.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.accounts.exceptions import UserNotFound
from modules.accounts.invitations import InvitationService
from modules.accounts.lifecycle import LifecycleService
from modules.accounts.models import AccountSettings, Invitation, Membership, User
from modules.accounts.screens import user_forms as f
from modules.accounts.seats import seat_usage
from modules.accounts.services import AccountService
from modules.core.exceptions import TesseraError
from modules.metamodel.screens.base import SettingsAreaView
from modules.metamodel.screens.views import FormMixin

NS = "users_settings"


def url(name: str, *args) -> str:
    """A URL of the users settings."""
    return reverse(f"{NS}:{name}", args=args)


class UsersView(SettingsAreaView):
    """A page under Settings > Users."""

    accounts = AccountService()
    lifecycle = LifecycleService()
    invitations = InvitationService()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["seats"] = seat_usage()
        return context


class UserListView(UsersView):
    """Seats, every user with status and actions, invitations, and the filter setting."""

    template_name = "accounts/user_list.html"
    page_title = gettext_lazy("Users")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memberships = Membership.objects.select_related("team").order_by("team__name")
        context["users"] = User.objects.prefetch_related(
            Prefetch("memberships", memberships)
        ).order_by("status", "username")
        context["invitations"] = Invitation.objects.select_related("team")[:100]
        row = AccountSettings.current()
        context["seats_form"] = f.SeatsForm(initial={"seats": row.seats})
        context["settings_form"] = f.FilterSettingsForm(
            initial={"show_deleted_users_in_filters": row.show_deleted_users_in_filters}
        )
        return context

    def post(self, request):
        """The seats form or the filter-setting form of the page."""
        try:
            if "seats" in request.POST:
                form = f.SeatsForm(request.POST)
                if not form.is_valid():
                    raise TesseraError(_("Give a whole number of seats, at least 1."))
                self.lifecycle.set_seats(request.user, form.cleaned_data["seats"])
            else:
                form = f.FilterSettingsForm(request.POST)
                form.is_valid()
                show = bool(form.cleaned_data.get("show_deleted_users_in_filters"))
                self.lifecycle.set_show_deleted_users(request.user, show)
        except TesseraError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Settings saved."))
        return redirect(url("index"))


class FormPage(FormMixin, UsersView):
    """A form page of the users settings."""

    template_name = "accounts/user_form.html"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]


class AddUserView(FormPage):
    """Add a user directly, with a temporary password sent by e-mail."""

    form_class = f.AddUserForm
    page_title = gettext_lazy("Add a user")

    def save(self, form):
        user = self.accounts.create_user(self.request.user, **form.service_kwargs())
        messages.success(
            self.request,
            _("%(user)s added; a temporary password was e-mailed to %(email)s.")
            % {"user": user.username, "email": user.email},
        )
        return redirect(url("index"))


class InviteView(FormPage):
    """Invite a user by e-mail into a team with a role."""

    form_class = f.InviteForm
    page_title = gettext_lazy("Invite a user")

    def save(self, form):
        invitation = self.invitations.invite(self.request.user, **form.service_kwargs())
        messages.success(
            self.request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
        )
        return redirect(url("index"))


class UserMixin:
    """Views of one user (404 if there is none)."""

    @cached_property
    def user(self) -> User:
        try:
            return self.accounts.get_user(self.kwargs["pk"])
        except UserNotFound:
            raise Http404(_("There is no such user.")) from None

    def get_page_subtitle(self):
        return str(self.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["target"] = self.user
        return context


class StatusView(UserMixin, UsersView):
    """POST: suspend, unsuspend or anonymise a user."""

    actions = {
        "suspend": ("suspend", gettext_lazy("%(user)s is suspended.")),
        "unsuspend": ("unsuspend", gettext_lazy("%(user)s is active again.")),
        "anonymise": ("anonymise", gettext_lazy("The user is anonymised.")),
    }

    def post(self, request, pk, action):
        if action not in self.actions:
            raise Http404
        method, done = self.actions[action]
        name = str(self.user)
        try:
            getattr(self.lifecycle, method)(request.user, pk)
        except TesseraError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, done % {"user": name})
        return redirect(url("index"))


class DeleteUserView(UserMixin, FormPage):
    """Confirm deleting a user, keeping the seat or not."""

    template_name = "accounts/user_delete.html"
    form_class = f.DeleteUserForm
    page_title = gettext_lazy("Delete user")

    def save(self, form):
        keep_seat = not form.cleaned_data["remove_seat"]
        self.lifecycle.delete(self.request.user, self.user.pk, keep_seat=keep_seat)
        messages.success(self.request, _("%(user)s is deleted.") % {"user": self.user})
        return redirect(url("index"))


class InvitationActionView(UsersView):
    """POST: re-send or revoke an invitation."""

    def post(self, request, pk, action):
        if action not in ("resend", "revoke"):
            raise Http404
        try:
            invitation = getattr(self.invitations, action)(request.user, pk)
        except TesseraError as error:
            messages.error(request, error.detail)
        else:
            done = (
                _("Invitation re-sent to %(email)s.")
                if action == "resend"
                else _("Invitation to %(email)s revoked.")
            )
            messages.success(request, done % {"email": invitation.email})
        return redirect(url("index"))
