"""Settings > API tokens: a user's named tokens; make one (its secret shown once); revoke.

Every signed-in user manages their own tokens here; administrators also see everyone's
and may revoke any. Every change goes through `TokenService`; the secret is on the page
that answers the form and nowhere else (not in the session, not in a message).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets import AdminDateInput

from modules.accounts import scopes
from modules.accounts.models import ApiToken
from modules.accounts.tokens import TokenNotFound, TokenService
from modules.core.i18n import localized
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.screens.base import SettingsAreaView
from modules.metamodel.screens.views import FormMixin

NS = "tokens_settings"


def scope_choices(user) -> list[tuple[str, str]]:
    """Every scope `user` may give a token, with words for people."""
    labels = {
        scopes.READ: _("Read everything you may see"),
        scopes.WRITE: _("Change records of every type, notes and tasks"),
        scopes.ADMIN: _("Administration: data model, users and teams"),
        scopes.LEAD_INTAKE: _("Send leads in (lead intake)"),
    }
    entities = sorted(get_snapshot().entities, key=lambda e: e.slug)
    choices = [(scope, labels[scope]) for scope in scopes.FIXED_SCOPES]
    choices += [
        (scopes.write_scope(e.slug), _("Change %(type)s") % {"type": localized(e.label_plural)})
        for e in entities
    ]
    if not user.is_administrator:
        choices = [c for c in choices if c[0] != scopes.ADMIN]
    return choices


class TokenForm(forms.Form):
    """Name, scopes and an optional last day of a new token."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("What it may do"), widget=forms.CheckboxSelectMultiple
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        widget=AdminDateInput,
        help_text=gettext_lazy("Its last day; leave empty for a token that does not expire."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices(user)

    def expires_at(self) -> dt.datetime | None:
        """The end of the last day, in the user's time zone."""
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


class TokensView(SettingsAreaView):
    """A page under Settings > API tokens."""

    service = TokenService()


class TokenListView(TokensView):
    """The caller's tokens; an administrator's page lists every user's."""

    template_name = "accounts/token_list.html"
    page_title = gettext_lazy("API tokens")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = ApiToken.objects.select_related("user")
        if not user.is_administrator:
            rows = rows.filter(user=user)
        now = timezone.now()
        context["tokens"] = [{"token": t, "expired": t.expired(now)} for t in rows]
        context["everyone"] = user.is_administrator
        return context


class TokenCreateView(FormMixin, TokensView):
    """Make a token; the answer shows its secret, once."""

    template_name = "accounts/token_form.html"
    page_title = gettext_lazy("New API token")
    form_class = TokenForm

    def get_form(self, data=None):
        return TokenForm(data, user=self.request.user)

    def save(self, form):
        token, secret = self.service.create(
            self.request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.expires_at(),
        )
        context = self.get_context_data(token=token, secret=secret)
        return self.render_to_response(context)

    def render_to_response(self, context, **kwargs):
        if "secret" in context:
            self.template_name = "accounts/token_made.html"
            self.page_title = _("Your new API token")
        response = super().render_to_response(context, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeView(TokensView):
    """Ask, then revoke a token: its owner or an administrator."""

    template_name = "accounts/token_revoke.html"
    page_title = gettext_lazy("Revoke API token")

    @cached_property
    def token(self) -> ApiToken:
        try:
            return self.service.get(self.request.user, self.kwargs["pk"])
        except TokenNotFound:
            raise Http404(_("There is no such token.")) from None

    def get_context_data(self, **kwargs):
        return super().get_context_data(token=self.token, **kwargs)

    def post(self, request, *args, **kwargs):
        name = self.token.name
        self.service.revoke(request.user, self.token.pk)
        messages.success(request, _("The token “%(name)s” stopped working.") % {"name": name})
        return redirect(reverse(f"{NS}:index"))
