"""Pages around signing in: the throttled sign-in form, the first-password page, and
accepting an invitation.

    WAGTAILADMIN_USER_LOGIN_FORM = "modules.accounts.screens.login.LoginForm"
    path("invitations/<token>/", AcceptInvitationView.as_view(), name="tessera_invitation")

The invitation page is open to anyone with a valid link; an expired, used or revoked
link shows a page that says so. Passwords go through Django's validators.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from modules.accounts import throttle
from modules.accounts.exceptions import InvitationUnusable
from modules.accounts.invitations import InvitationService
from modules.accounts.screens.account import CountedPasswordChangeForm, lockout_error
from modules.accounts.screens.views import show_error
from modules.core.exceptions import TesseraError

BACKEND = "modules.accounts.backends.TesseraBackend"


class LoginForm(WagtailLoginForm):
    """Wagtail's sign-in form, saying so when a sign-in lockout refuses the attempt."""

    def clean(self):
        lock = throttle.lockout(self.request, self.cleaned_data.get("username"))
        if lock:
            raise lockout_error(lock)
        return super().clean()


@method_decorator(login_required, name="dispatch")
class FirstPasswordView(View):
    """A user with a temporary password chooses their own one."""

    template_name = "accounts/first_password.html"

    def get(self, request):
        return self.show(CountedPasswordChangeForm(request.user, request=request))

    def post(self, request):
        form = CountedPasswordChangeForm(request.user, request.POST, request=request)
        if form.is_valid():
            user = form.save()  # set_password clears must_change_password
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("wagtailadmin_home")
        return self.show(form)

    def show(self, form):
        return render(self.request, self.template_name, {"form": form})


class AcceptInvitationForm(forms.Form):
    """What the invitee chooses: username, name and password."""

    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=gettext_lazy("Password"), strip=False, widget=forms.PasswordInput
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"), strip=False, widget=forms.PasswordInput
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") != data["password1"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class AcceptInvitationView(View):
    """The link of an invitation e-mail: choose a username and password, then signed in."""

    template_name = "accounts/accept_invitation.html"
    service = InvitationService()

    def get(self, request, token):
        try:
            invitation = self.service.usable(token)
        except InvitationUnusable as error:
            return self.unusable(error)
        form = AcceptInvitationForm(initial={"username": invitation.email})
        return self.show(form, invitation)

    def post(self, request, token):
        try:
            invitation = self.service.usable(token)
        except InvitationUnusable as error:
            return self.unusable(error)
        form = AcceptInvitationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = self.service.accept(
                    token,
                    username=data["username"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
            except InvitationUnusable as error:
                return self.unusable(error)
            except TesseraError as error:
                if "password" in error.errors:
                    error.errors["password1"] = error.errors.pop("password")
                show_error(form, error)
            else:
                login(request, user, backend=BACKEND)
                messages.success(request, _("Welcome to Tessera."))
                return redirect("wagtailadmin_home")
        return self.show(form, invitation)

    def show(self, form, invitation):
        context = {
            "form": form,
            "invitation": invitation,
            "password_help": password_validators_help_text_html(),
        }
        return render(self.request, self.template_name, context)

    def unusable(self, error):
        return render(self.request, self.template_name, {"problem": error.detail}, status=410)
