"""The team form of the settings screens: name, parent, and members per role.

    form = TeamForm(request.POST, team=team)
    if form.is_valid():
        AccountService().update_team(user, team.pk, **form.service_kwargs())

The form checks what a person typed; the tree and name rules are `AccountService`'s.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.accounts.models import Role, Team, User
from modules.accounts.services import NAME_LENGTH, descendant_ids, team_tree

#: One multi-select per role: form field name -> the role its users hold.
ROLE_FIELDS = {
    "administrators": Role.ADMINISTRATOR,
    "managers": Role.MANAGER,
    "users": Role.USER,
}
INDENT = "\u2003"  # an em space per level of the tree


def user_label(user: User) -> str:
    """How a user appears in the member lists."""
    name = user.get_full_name()
    label = f"{name} ({user.username})" if name else user.username
    if not user.is_active:
        label = _("%(user)s — inactive") % {"user": label}
    return label


def parent_choices(team: Team | None) -> list[tuple[str, str]]:
    """Every team, indented by depth, except the team itself and its sub-teams."""
    rows = team_tree()
    excluded: set[int] = set()
    if team is not None:
        parents = {t.pk: t.parent_id for t, _depth in rows}
        excluded = {team.pk} | descendant_ids(team.pk, parents)
    return [("", _("None (a top-level team)"))] + [
        (str(t.pk), f"{INDENT * depth}{t.name}") for t, depth in rows if t.pk not in excluded
    ]


class TeamForm(forms.Form):
    """Create or edit a team."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=NAME_LENGTH)
    parent = forms.TypedChoiceField(
        label=gettext_lazy("Parent team"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("The team this one belongs to; leave empty for a top-level team."),
    )
    administrators = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Administrators"),
        required=False,
        coerce=int,
        help_text=gettext_lazy("May do everything in Tessera, including these settings."),
    )
    managers = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Managers"),
        required=False,
        coerce=int,
    )
    users = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Users"),
        required=False,
        coerce=int,
    )

    def __init__(self, *args, team: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["parent"].choices = parent_choices(team)
        people = [(u.pk, user_label(u)) for u in User.objects.order_by("username")]
        size = max(4, min(10, len(people)))
        for name in ROLE_FIELDS:
            field = self.fields[name]
            field.choices = people
            field.widget = forms.SelectMultiple(attrs={"size": size})
            field.widget.choices = people

    @staticmethod
    def initial_for(team: Team) -> dict:
        """The form's initial values for an existing team."""
        initial = {"name": team.name, "parent": team.parent_id}
        for name, role in ROLE_FIELDS.items():
            initial[name] = [m.user_id for m in team.memberships.all() if m.role == role]
        return initial

    def clean(self):
        data = super().clean()
        seen: dict[int, str] = {}
        for name in ROLE_FIELDS:
            for user_id in data.get(name) or []:
                if user_id in seen:
                    self.add_error(
                        name,
                        _("%(user)s is also listed under %(other)s; choose one role.")
                        % {
                            "user": dict(self.fields[name].choices).get(user_id, user_id),
                            "other": self.fields[seen[user_id]].label,
                        },
                    )
                else:
                    seen[user_id] = name
        return data

    def members(self) -> list[dict]:
        """The members as `AccountService` takes them."""
        return [
            {"user": user_id, "role": role}
            for name, role in ROLE_FIELDS.items()
            for user_id in self.cleaned_data.get(name) or []
        ]

    def service_kwargs(self) -> dict:
        """What `create_team` / `update_team` take."""
        return {
            "name": self.cleaned_data["name"],
            "parent": self.cleaned_data["parent"],
            "members": self.members(),
        }
