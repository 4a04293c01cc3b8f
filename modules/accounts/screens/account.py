"""The account page: the password change counted like a sign-in, and regional formats.

Changing your password while signed in, with the old password counted like a sign-in.

    form = CountedPasswordChangeForm(request.user, request.POST, request=request)
    path("account/", AccountView.as_view(), name="wagtailadmin_account")   # before Wagtail's

Whoever holds a signed-in session could otherwise guess the account's password without
limit on a password-change form, and so keep the account after the session ends. Here
the old password is refused during a sign-in lockout and a wrong one counts as a failed
sign-in (`throttle.py`). `AccountView` is Wagtail's account page with this form in its
password panel; `FirstPasswordView` uses the same form.
"""

from __future__ import annotations

import math

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.views import account as wagtail_account

from modules.accounts import regional, throttle
from modules.accounts.models import RegionalSettings


def lockout_error(lock: throttle.Lock) -> forms.ValidationError:
    """What a form says while a sign-in lockout is in force."""
    minutes = math.ceil(lock.retry_after / 60)
    return forms.ValidationError(
        ngettext(
            "Too many failed sign-ins. Wait %(minutes)s minute, then try again.",
            "Too many failed sign-ins. Wait %(minutes)s minutes, then try again.",
            minutes,
        )
        % {"minutes": minutes},
        code="throttled",
    )


class CountedPasswordChangeForm(PasswordChangeForm):
    """Django's password change form; the old password goes through the sign-in lockout."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        username = self.user.get_username()
        lock = throttle.lockout(self.request, username)
        if lock:
            raise lockout_error(lock)
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            throttle.record_failure(self.request, username)
            raise


class CountedChangePasswordPanel(wagtail_account.ChangePasswordPanel):
    """Wagtail's password panel of the account page, with the counted form."""

    form_class = CountedPasswordChangeForm

    def get_form(self):
        form = super().get_form()
        form.request = self.request
        return form


class AccountView(wagtail_account.AccountView):
    """Wagtail's account page, its password panel replaced by the counted one."""

    def get_panels(self):
        return [
            CountedChangePasswordPanel(panel.request, panel.user, panel.profile)
            if type(panel) is wagtail_account.ChangePasswordPanel
            else panel
            for panel in super().get_panels()
        ]


class RegionalFormatsForm(forms.ModelForm):
    """The user's date, time and number styles; saved through `save_regional`."""

    class Meta:
        model = RegionalSettings
        fields = ["date_format", "time_format", "number_format"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def save(self, commit: bool = True) -> RegionalSettings:
        return regional.save_regional(self.user, **self.cleaned_data)


class RegionalFormatsPanel(wagtail_account.BaseSettingsPanel):
    """Account > Profile: date, time and number formats, after Wagtail's language and
    time zone panel."""

    name = "regional"
    title = gettext_lazy("Date and number formats")
    order = 410
    form_class = RegionalFormatsForm

    def get_form(self):
        instance = RegionalSettings.objects.filter(user=self.user).first()
        kwargs = {"instance": instance, "prefix": self.name, "user": self.user}
        if self.request.method == "POST":
            return self.form_class(self.request.POST, **kwargs)
        return self.form_class(**kwargs)
