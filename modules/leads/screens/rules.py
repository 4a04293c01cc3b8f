"""Settings > Lead distribution: the rules in order, a form per rule, and its preview.

The form is plain HTML with numbered rows (`cond-0-field`, `asg-1-percent`), so it works
without JavaScript: three empty condition rows and three empty assignee rows follow the
filled ones. `DistributionService` checks the whole rule; its errors (`conditions.0.value`)
go back next to the row and column they name, and nothing is saved.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.accounts.models import Team, UserStatus
from modules.core.exceptions import TesseraError
from modules.core.i18n import localized
from modules.leads import conditions as conds
from modules.leads.distribution import LEADS, DistributionService, RuleNotFound
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.screens.base import SettingsAreaView

NS = "lead_distribution"
BLANK_ROWS = 3
CONDITION_KEY = re.compile(r"^cond-(\d+)-(field|op|value)$")
ASSIGNEE_KEY = re.compile(r"^asg-(\d+)-(who|percent)$")
OPERATOR_LABELS = {
    "eq": gettext_lazy("is"),
    "ne": gettext_lazy("is not"),
    "in": gettext_lazy("is one of (comma-separated)"),
    "contains": gettext_lazy("contains"),
    "gt": gettext_lazy("is more than"),
    "gte": gettext_lazy("is at least"),
    "lt": gettext_lazy("is less than"),
    "lte": gettext_lazy("is at most"),
    "empty": gettext_lazy("is empty"),
    "not_empty": gettext_lazy("is not empty"),
}


def url(name: str, *args) -> str:
    """A URL of the lead distribution settings."""
    return reverse(f"{NS}:{name}", args=args)


def _value(op: str, text: str):
    if op in conds.WITHOUT_VALUE:
        return None
    if op == "in":
        return [part.strip() for part in text.split(",") if part.strip()]
    return text.strip()


def payload_from_post(post) -> dict:
    """The service's rule from the form's names; rows left blank are dropped."""
    rows: dict[int, dict] = {}
    shares: dict[int, dict] = {}
    for key, value in post.items():
        if match := CONDITION_KEY.match(key):
            rows.setdefault(int(match[1]), {})[match[2]] = value
        elif match := ASSIGNEE_KEY.match(key):
            shares.setdefault(int(match[1]), {})[match[2]] = value.strip()
    conditions = []
    for index in sorted(rows):
        row = rows[index]
        if not row.get("field"):
            continue
        op = row.get("op", "")
        conditions.append(
            {"field": row["field"], "op": op, "value": _value(op, row.get("value", ""))}
        )
    assignees = []
    for index in sorted(shares):
        share = shares[index]
        if not share.get("who") and not share.get("percent"):
            continue
        kind, _sep, ident = share.get("who", "").partition(":")
        percent = share.get("percent", "")
        item = {
            "user" if kind != "team" else "team": int(ident) if ident.isdigit() else ident,
            "percent": int(percent) if percent.isdigit() else percent,
        }
        assignees.append(item)
    position = post.get("position", "").strip()
    return {
        **({"position": int(position) if position.isdigit() else position} if position else {}),
        "name": post.get("name", ""),
        "active": post.get("active") == "on",
        "conditions": conditions,
        "assignees": assignees,
    }


def form_errors(errors: dict) -> dict:
    """Service error keys (`assignees.1.percent`) as the form's names (`asg-1-percent`)."""
    shown = {}
    for key, problems in errors.items():
        name = re.sub(r"^conditions\.(\d+)", r"cond-\1", key)
        name = re.sub(r"^assignees\.(\d+)", r"asg-\1", name)
        name = re.sub(r"^(asg-\d+)\.(user|team)$", r"\1-who", name).replace(".", "-")
        shown[name] = problems
    return shown


def who_choices() -> list[tuple[str, str]]:
    """Users (not deleted) and teams as the assignee select offers them."""
    users = (
        get_user_model()
        .objects.exclude(status=UserStatus.DELETED)
        .order_by("first_name", "last_name", "username")
    )
    choices = [(f"user:{u.pk}", str(u.get_full_name() or u.username)) for u in users]
    suspended = {u.pk for u in users if u.status == UserStatus.SUSPENDED}
    choices = [
        (key, _("%(user)s (suspended)") % {"user": label} if int(key[5:]) in suspended else label)
        for key, label in choices
    ]
    choices += [
        (f"team:{t.pk}", _("Team: %(team)s") % {"team": t.name}) for t in Team.objects.all()
    ]
    return choices


def field_choices() -> list[tuple[str, str]]:
    """The lead fields a condition may name, with their labels."""
    entity = get_snapshot().entity(LEADS)
    labels = {spec.api_name: localized(spec.label) or spec.api_name for spec in entity.fields}
    labels.update({"score": _("Score"), "segment": _("Segment")})
    return [(name, labels[name]) for name in conds.field_names(entity)]


def found(user, rule_id):
    """The rule, or the admin's 404 page."""
    try:
        return DistributionService().rule(user, rule_id)
    except RuleNotFound as error:
        raise Http404(error.detail) from None


class DistributionView(SettingsAreaView):
    """A page under Settings > Lead distribution."""

    service = DistributionService()


class RuleIndexView(DistributionView):
    """The rules in the order they are tried."""

    template_name = "leads/rules.html"
    page_title = gettext_lazy("Lead distribution")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fields = dict(field_choices())
        rules = self.service.rules(self.request.user)
        for rule in rules:
            rule["summary"] = [
                " ".join(
                    str(part)
                    for part in (
                        fields.get(c["field"], c["field"]),
                        OPERATOR_LABELS.get(c["op"], c["op"]),
                        ", ".join(map(str, c["value"]))
                        if isinstance(c["value"], list)
                        else c["value"] or "",
                    )
                ).strip()
                for c in rule["conditions"]
            ]
        context["rules"] = rules
        return context


class RuleFormView(DistributionView):
    """Add a rule, or change one (`rule_id`)."""

    template_name = "leads/rule_form.html"

    def get_page_title(self):
        return _("Change rule") if self.kwargs.get("rule_id") else _("Add a rule")

    def get(self, request, *args, **kwargs):
        rule_id = kwargs.get("rule_id")
        if rule_id:
            data = self.service.describe(found(request.user, rule_id))
        else:
            data = {
                "position": "",
                "name": "",
                "active": True,
                "conditions": [],
                "assignees": [],
                "version": None,
            }
        return self.render_to_response(self.get_context_data(rule=data, errors={}))

    def post(self, request, *args, **kwargs):
        rule_id = kwargs.get("rule_id")
        payload = payload_from_post(request.POST)
        version = request.POST.get("version", "")
        try:
            if rule_id:
                saved = self.service.update(
                    request.user,
                    rule_id,
                    payload,
                    expected_version=int(version) if version.isdigit() else None,
                )
            else:
                saved = self.service.create(request.user, payload)
        except TesseraError as error:
            shown = {
                "position": payload.get("position", ""),
                "name": payload["name"],
                "active": payload["active"],
                "conditions": payload["conditions"],
                "assignees": payload["assignees"],
                "version": version,
                "id": rule_id,
            }
            if not error.errors:
                messages.error(request, error.detail)
            return self.render_to_response(
                self.get_context_data(rule=shown, errors=form_errors(error.errors)), status=400
            )
        messages.success(request, _("Rule “%(name)s” saved.") % {"name": saved["name"]})
        return redirect(url("index"))

    def get_context_data(self, *, rule, errors, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        for c in [*rule["conditions"], *[{} for _row in range(BLANK_ROWS)]]:
            value = c.get("value")
            rows.append(
                {
                    "field": c.get("field", ""),
                    "op": c.get("op", "eq"),
                    "value": ", ".join(map(str, value)) if isinstance(value, list) else value or "",
                }
            )
        shares = []
        for a in [*rule["assignees"], *[{} for _row in range(BLANK_ROWS)]]:
            who = (
                f"user:{a['user']}"
                if a.get("user")
                else f"team:{a['team']}"
                if a.get("team")
                else ""
            )
            shares.append({"who": who, "percent": a.get("percent", "")})
        context.update(
            rule=rule,
            errors=errors,
            general=errors.get("assignees", [])
            + errors.get("conditions", [])
            + errors.get("name", [])
            + errors.get("position", []),
            conditions=rows,
            assignees=shares,
            fields=field_choices(),
            operators=list(OPERATOR_LABELS.items()),
            whos=who_choices(),
        )
        return context


class RuleDeleteView(DistributionView):
    """Delete a rule (POST)."""

    def post(self, request, rule_id):
        try:
            self.service.delete(request.user, rule_id)
        except TesseraError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Rule deleted."))
        return redirect(url("index"))

    def get(self, request, rule_id):
        return redirect(url("edit", rule_id))


class RulePreviewView(DistributionView):
    """Who would get the rule's next 100 leads."""

    template_name = "leads/rule_preview.html"
    page_title = gettext_lazy("Preview of the next 100 leads")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rule = found(self.request.user, self.kwargs["rule_id"])
        context["rule"] = self.service.describe(rule)
        context["preview"] = self.service.preview(self.request.user, rule.pk)
        return context
