"""The hand-over screen of Settings > Users: what a user holds, then all of it to another.

    /settings/users/<pk>/hand-over/     url name users_settings:hand_over

Records adds the route to the users settings area (`wagtail_hooks.py`); the page
is one of that area's and moves records through `modules/records/handover.py`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.accounts.models import User, UserStatus
from modules.accounts.screens.lookup import user_picker
from modules.accounts.screens.users import FormPage, UserMixin, url
from modules.records import handover


class HandOverForm(forms.Form):
    """The user who takes over everything."""

    to_user = forms.ModelChoiceField(
        label=gettext_lazy("Hand over to"),
        queryset=User.objects.filter(status=UserStatus.ACTIVE),
        widget=user_picker(),
    )


class HandOverView(UserMixin, FormPage):
    """Preview what a user holds, then hand all of it over to another user."""

    template_name = "records/user_hand_over.html"
    form_class = HandOverForm
    page_title = gettext_lazy("Hand over records")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        moves = handover.preview(self.request.user, self.user.pk)
        context["moves"] = moves
        context["total"] = sum(m.count for m in moves)
        return context

    def save(self, form):
        target = form.cleaned_data["to_user"]
        moves = handover.hand_over(self.request.user, self.user.pk, target.pk)
        messages.success(
            self.request,
            _("%(count)s record roles handed over from %(from)s to %(to)s.")
            % {"count": sum(m.count for m in moves), "from": self.user, "to": target},
        )
        return redirect(url("index"))
