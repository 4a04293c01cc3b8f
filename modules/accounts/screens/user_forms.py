"""Forms of Settings > Users: add a user, invite one, delete, the settings.

    form = AddUserForm(request.POST)
    if form.is_valid():
        AccountService().create_user(admin, **form.service_kwargs())

The forms check what a person typed; seats, statuses and who may act are the services'.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.accounts.models import Role, Team


def team_choices() -> list[tuple[str, str]]:
    """Every team, and "no team"."""
    return [("", _("No team"))] + [(str(t.pk), t.name) for t in Team.objects.order_by("name")]


class TeamRoleForm(forms.Form):
    """An e-mail address with the team and role the new user gets."""

    email = forms.EmailField(label=_("E-mail address"))
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(label=_("Role in the team"), choices=Role.choices, initial=Role.USER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = team_choices()


class InviteForm(TeamRoleForm):
    """Invite by e-mail: the invitee chooses username and password from the link."""

    def service_kwargs(self) -> dict:
        """What `InvitationService.invite` takes."""
        data = self.cleaned_data
        return {"email": data["email"], "team": data["team"], "role": data["role"]}


class AddUserForm(TeamRoleForm):
    """Add a user directly; a temporary password is e-mailed to them."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        required=False,
        help_text=_("Left empty: the e-mail address."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    field_order = ["email", "username", "first_name", "last_name", "team", "role"]

    def service_kwargs(self) -> dict:
        """What `AccountService.create_user` takes."""
        data = self.cleaned_data
        teams = [{"team": data["team"], "role": data["role"]}] if data["team"] else []
        return {
            "username": data["username"] or data["email"],
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "teams": teams,
            "temporary_password": True,
        }


class DeleteUserForm(forms.Form):
    """Delete a user; the seat stays unless "also remove the seat" is ticked."""

    remove_seat = forms.BooleanField(
        label=_("Also remove the seat"),
        required=False,
        help_text=_("Left unticked, the paid seat stays free for a successor."),
    )


class SeatsForm(forms.Form):
    """The number of paid seats."""

    seats = forms.IntegerField(label=_("Paid seats"), min_value=1)


class FilterSettingsForm(forms.Form):
    """Whether deleted users appear in list filters."""

    show_deleted_users_in_filters = forms.BooleanField(
        label=_("Show deleted users in list filters"),
        required=False,
        help_text=_(
            "Deleted users then appear in the owner and participant filters of every list, "
            "marked (deleted), so their records can be found and handed over."
        ),
    )
