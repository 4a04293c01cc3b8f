"""Views of Settings > Teams: the team tree, create, edit and delete.

Administrators only (403 for others; anonymous users are sent to log in), like the
data-model settings. Every change goes through `AccountService`; its refusals show
next to the form fields they name, or as a message.
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

from modules.accounts.exceptions import TeamNotFound
from modules.accounts.models import Membership, Role, Team
from modules.accounts.screens.forms import TeamForm, user_label
from modules.accounts.services import AccountService, team_tree, team_usage
from modules.core.exceptions import TesseraError
from modules.core.values import is_digits
from modules.metamodel.screens.base import SettingsAreaView
from modules.metamodel.screens.views import FormMixin

NS = "teams_settings"
ROLE_ORDER = {Role.ADMINISTRATOR: 0, Role.MANAGER: 1, Role.USER: 2}
INDENT_PX = 28
SHOWN_MEMBERS = 6


def url(name: str, *args) -> str:
    """A URL of the teams settings."""
    return reverse(f"{NS}:{name}", args=args)


def show_error(form, error: TesseraError) -> None:
    """A service's refusal on the form: on the field it names, else above the form."""
    for name, problems in error.errors.items():
        key = name.split(".")[0]
        if key in form.fields:
            form.add_error(key, problems)
        else:
            form.add_error(None, problems)
    if not error.errors:
        form.add_error(None, error.detail)


class TeamsView(SettingsAreaView):
    """A page under Settings > Teams."""

    service = AccountService()


class TeamListView(TeamsView):
    """Every team as a tree, indented by depth, with its members."""

    template_name = "accounts/team_list.html"
    page_title = gettext_lazy("Teams")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memberships = Membership.objects.select_related("user").order_by("user__username")
        teams = Team.objects.prefetch_related(Prefetch("memberships", memberships))
        rows = []
        for team, depth in team_tree(teams):
            members = sorted(team.memberships.all(), key=lambda m: ROLE_ORDER.get(m.role, 9))
            rows.append(
                {
                    "team": team,
                    "depth": depth,
                    "indent": depth * INDENT_PX,
                    "member_count": len(members),
                    "members": [
                        {"label": user_label(m.user), "role": m.get_role_display()}
                        for m in members[:SHOWN_MEMBERS]
                    ],
                    "more": max(0, len(members) - SHOWN_MEMBERS),
                }
            )
        context["rows"] = rows
        return context


class TeamMixin:
    """Views of one team (404 if there is none)."""

    @cached_property
    def team(self) -> Team:
        try:
            return self.service.get_team(self.kwargs["pk"])
        except TeamNotFound:
            raise Http404(_("There is no such team.")) from None

    def get_page_subtitle(self):
        return self.team.name

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.team.name}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["team"] = self.team
        return context


class TeamFormMixin(FormMixin):
    """The team form; the service's refusals go onto it."""

    template_name = "accounts/team_form.html"
    form_class = TeamForm
    team = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "team": self.team}

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                return self.save(form)
            except TesseraError as error:
                show_error(form, error)
        return self.render_to_response(self.get_context_data(form=form))


class TeamCreateView(TeamFormMixin, TeamsView):
    """Create a team."""

    page_title = gettext_lazy("New team")

    def get_initial(self):
        parent = self.request.GET.get("parent", "")
        return {"parent": int(parent)} if is_digits(parent) else {}

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def save(self, form):
        team = self.service.create_team(self.request.user, **form.service_kwargs())
        messages.success(self.request, _("Team '%(name)s' created.") % {"name": team.name})
        return redirect(url("index"))


class TeamEditView(TeamMixin, TeamFormMixin, TeamsView):
    """Rename a team, move it in the tree, change its members."""

    page_title = gettext_lazy("Edit team")

    def get_initial(self):
        return TeamForm.initial_for(self.team)

    def save(self, form):
        team = self.service.update_team(self.request.user, self.team.pk, **form.service_kwargs())
        messages.success(self.request, _("Team '%(name)s' saved.") % {"name": team.name})
        return redirect(url("index"))


class TeamDeleteView(TeamMixin, TeamsView):
    """GET asks for confirmation (or says what stands in the way); POST deletes."""

    template_name = "accounts/team_delete.html"
    page_title = gettext_lazy("Delete team")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = list(self.team.children.order_by("name"))
        context["usage"] = team_usage(self.team)
        context["member_count"] = self.team.memberships.count()
        return context

    def post(self, request, *args, **kwargs):
        name = self.team.name
        try:
            self.service.delete_team(request.user, self.team.pk)
        except TesseraError as error:
            messages.error(request, error.detail)
            return redirect(url("delete", self.team.pk))
        messages.success(request, _("Team '%(name)s' deleted.") % {"name": name})
        return redirect(url("index"))
