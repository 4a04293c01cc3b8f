"""The access settings form of one entity type: visibility, permissions, default participants.

    form = AccessForm(request.POST, settings=AccessService().settings("persons"), entity=spec)
    if form.is_valid():
        form.visibility_kwargs(), form.permissions_kwargs(), form.participants_kwargs()

The form only shapes what was ticked and picked; `AccessService` checks the rules
(the default is allowed, Owner stays, users are active ...). The two matrices are
one multiple-choice field per column (`system_manager`, `objects_owner`, ...), drawn
as a table of checkboxes by `matrix()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.access.models import (
    CONFIGURABLE_ROLES,
    RECORD_ACTIONS,
    Action,
    ObjectRole,
    Visibility,
    default_object_permissions,
)
from modules.accounts.models import Role, Team

#: Object roles that are always on: every record has an owner.
FIXED_ROLES = (ObjectRole.OWNER.value,)
RECORD_ACTION_CHOICES = [(a, label) for a, label in Action.choices if a in RECORD_ACTIONS]
SYSTEM_ROLE_LABELS = {role: label for role, label in Role.choices}


def system_field(role: str) -> str:
    """The form field holding the actions of a system role."""
    return f"system_{role}"


def objects_field(role: str) -> str:
    """The form field holding the actions of an object role."""
    return f"objects_{role}"


def user_label(user) -> str:
    """How a user appears in the participant list."""
    name = user.get_full_name()
    label = f"{name} ({user.username})" if name else user.username
    if not user.is_active:
        label = _("%(user)s — inactive") % {"user": label}
    return label


@dataclass
class Cell:
    """One checkbox of a matrix."""

    name: str
    value: str
    checked: bool
    disabled: bool = False
    label: str = ""
    off: bool = False  # in the column of a role that is switched off


@dataclass
class Row:
    """One action of a matrix, with a checkbox per role."""

    value: str
    label: str
    cells: list[Cell]


@dataclass
class Column:
    """One role of a matrix."""

    role: str
    label: str
    active: bool = True


class AccessForm(forms.Form):
    """Every access setting of one entity type on one page."""

    allowed = forms.MultipleChoiceField(
        label=gettext_lazy("Allowed visibilities"),
        choices=Visibility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Public: every user whose role may view the type opens the record. "
            "Non-public: they see it in lists with its basic fields only. "
            "Hidden: only people with a role on the record (and their managers) see it."
        ),
    )
    default = forms.ChoiceField(
        label=gettext_lazy("Default visibility"),
        choices=Visibility.choices,
        help_text=gettext_lazy("What a new record gets unless its author picks another."),
    )
    object_roles = forms.MultipleChoiceField(
        label=gettext_lazy("Object roles"),
        choices=ObjectRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Roles people hold on a single record. Every record has an owner; a role "
            "switched off loses its permissions."
        ),
    )
    creator_team = forms.BooleanField(
        label=gettext_lazy("The creator's teams participate"),
        required=False,
        help_text=gettext_lazy("New records invite the teams of the user who creates them."),
    )
    users = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Users"),
        coerce=int,
        required=False,
        help_text=gettext_lazy("Invited to every new record as participants."),
    )
    teams = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Teams"),
        coerce=int,
        required=False,
        help_text=gettext_lazy("Invited to every new record as participants."),
    )

    def __init__(self, *args, settings: dict, supports_visibility: bool = True, **kwargs):
        self.current = settings
        kwargs.setdefault("initial", self.initial_from(settings))
        super().__init__(*args, **kwargs)
        for role in CONFIGURABLE_ROLES:
            self.fields[system_field(role)] = forms.MultipleChoiceField(
                label=SYSTEM_ROLE_LABELS.get(role, role),
                choices=Action.choices,
                required=False,
            )
        for role, label in ObjectRole.choices:
            self.fields[objects_field(role)] = forms.MultipleChoiceField(
                label=label, choices=RECORD_ACTION_CHOICES, required=False
            )
        self.supports_visibility = supports_visibility
        if not supports_visibility:
            # Disabled fields keep their initial value whatever is posted.
            self.fields["allowed"].disabled = True
            self.fields["default"].disabled = True
        self.fields["users"].choices = self.user_choices(settings["participants"]["users"])
        self.fields["teams"].choices = [(t.pk, t.name) for t in Team.objects.order_by("name")]

    @staticmethod
    def initial_from(settings: dict) -> dict:
        """The form's values from `AccessService.settings()`."""
        defaults = default_object_permissions()
        return {
            "allowed": settings["visibility"]["allowed"],
            "default": settings["visibility"]["default"],
            "object_roles": settings["object_roles"],
            **{system_field(r): settings["system"].get(r, []) for r in CONFIGURABLE_ROLES},
            # A role that is off shows the actions it would start with.
            **{
                objects_field(r): settings["objects"].get(r, defaults.get(r, []))
                for r in ObjectRole.values
            },
            "creator_team": settings["participants"]["creator_team"],
            "users": settings["participants"]["users"],
            "teams": settings["participants"]["teams"],
        }

    @staticmethod
    def user_choices(selected) -> list[tuple[int, str]]:
        """Active users, and the inactive ones still selected (so they can be removed)."""
        rows = get_user_model().objects.filter(Q(is_active=True) | Q(pk__in=list(selected)))
        rows = rows.order_by("first_name", "last_name", "username")
        return [(u.pk, user_label(u)) for u in rows]

    # -- reading the form -------------------------------------------------------------------
    def clean_object_roles(self) -> list[str]:
        """The ticked roles and the fixed ones, in their usual order."""
        ticked = set(self.cleaned_data["object_roles"]) | set(FIXED_ROLES)
        return [r for r in ObjectRole.values if r in ticked]

    @staticmethod
    def ordered(values, order) -> list[str]:
        """`values` in the order of `order` (as the service returns them)."""
        chosen = set(values)
        return [v for v in order if v in chosen]

    def visibility_kwargs(self) -> dict:
        """What `AccessService.update_visibility` takes."""
        data = self.cleaned_data
        return {
            "allowed": self.ordered(data["allowed"], Visibility.values),
            "default": data["default"],
        }

    def permissions_kwargs(self) -> dict:
        """What `AccessService.update_permissions` takes; only enabled roles get actions."""
        data = self.cleaned_data
        roles = data["object_roles"]
        return {
            "object_roles": roles,
            "system": {
                r: self.ordered(data[system_field(r)], Action.values) for r in CONFIGURABLE_ROLES
            },
            "objects": {r: self.ordered(data[objects_field(r)], RECORD_ACTIONS) for r in roles},
        }

    def participants_kwargs(self) -> dict:
        """What `AccessService.update_participants` takes."""
        data = self.cleaned_data
        return {
            "creator_team": data["creator_team"],
            "users": sorted(data["users"]),
            "teams": sorted(data["teams"]),
        }

    def changed_parts(self) -> dict[str, dict]:
        """The parts whose values differ from the stored settings: part -> service kwargs."""
        current = self.current
        parts = {}
        visibility = self.visibility_kwargs()
        if self.supports_visibility and visibility != current["visibility"]:
            parts["visibility"] = visibility
        permissions = self.permissions_kwargs()
        if permissions != {key: current[key] for key in ("object_roles", "system", "objects")}:
            parts["permissions"] = permissions
        participants = self.participants_kwargs()
        stored = current["participants"]
        if participants != {
            "creator_team": stored["creator_team"],
            "users": sorted(stored["users"]),
            "teams": sorted(stored["teams"]),
        }:
            parts["participants"] = participants
        return parts

    # -- drawing the matrices ---------------------------------------------------------------
    def _checked(self, name: str) -> set[str]:
        return {str(v) for v in (self[name].value() or [])}

    def system_matrix(self) -> tuple[list[Column], list[Row]]:
        """Rows of actions; columns Administrator (always on), Manager, User."""
        columns = [Column("administrator", str(SYSTEM_ROLE_LABELS["administrator"]))] + [
            Column(role, str(SYSTEM_ROLE_LABELS.get(role, role))) for role in CONFIGURABLE_ROLES
        ]
        checked = {role: self._checked(system_field(role)) for role in CONFIGURABLE_ROLES}
        rows = []
        for action, label in Action.choices:
            cells = [Cell("", action, True, disabled=True, label=columns[0].label)]
            cells += [
                Cell(system_field(c.role), action, action in checked[c.role], label=c.label)
                for c in columns[1:]
            ]
            rows.append(Row(action, str(label), cells))
        return columns, rows

    def object_matrix(self) -> tuple[list[Column], list[Row]]:
        """Rows of record actions; a column per object role (dimmed while it is off)."""
        enabled = self._checked("object_roles") | set(FIXED_ROLES)
        columns = [Column(role, str(label), role in enabled) for role, label in ObjectRole.choices]
        checked = {c.role: self._checked(objects_field(c.role)) for c in columns}
        rows = [
            Row(
                action,
                str(label),
                [
                    Cell(
                        objects_field(c.role),
                        action,
                        action in checked[c.role],
                        label=c.label,
                        off=not c.active,
                    )
                    for c in columns
                ],
            )
            for action, label in RECORD_ACTION_CHOICES
        ]
        return columns, rows

    def role_boxes(self) -> list[Cell]:
        """The object-role checkboxes; fixed roles are ticked and cannot be unticked."""
        checked = self._checked("object_roles")
        return [
            Cell(
                "object_roles",
                role,
                role in checked or role in FIXED_ROLES,
                disabled=role in FIXED_ROLES,
                label=str(label),
            )
            for role, label in ObjectRole.choices
        ]

    def matrix_errors(self, kind: str) -> list[str]:
        """The errors of every column of the `system` or `objects` matrix, labelled."""
        roles = CONFIGURABLE_ROLES if kind == "system" else ObjectRole.values
        found = []
        for role in roles:
            name = f"{kind}_{role}"
            found += [f"{self.fields[name].label}: {e}" for e in self.errors.get(name, [])]
        return found
