"""Distribution of new leads: ordered rules, first match wins, shares kept within one lead.

    DistributionService().create(admin, {"name": "Poland", "conditions": [...],
        "assignees": [{"user": 3, "percent": 50}, {"team": 2, "percent": 50}]})
    DistributionService().preview(admin, rule_id)     # the next 100 leads, nothing saved

`assign` is registered as an assigner in `records.hooks`: `RecordService.create` calls it
for every new record, inside the creating transaction, after the preparers (so a score or a
segment can be a condition). For a lead whose creator named no owner it takes the first
active rule whose conditions hold, locks that rule's row (`SELECT … FOR UPDATE`: the
counters are shared by every process and serialise concurrent intakes), picks the assignee
with `quota_pick`, and for a team its next active member in turn. The lead keeps the rule's
name and the reason in `assignment_rule` and `assignment_reason`, so its history shows
both. A rule whose assignees are all unavailable (suspended, deleted, a team without
active members) lets the next rule try.

Fairness: `quota_pick` is Balinski and Young's quota method. Among the assignees that
would not go above their upper quota (`count < N·p`, N counting this lead) it picks the
one whose next lead is due first (least `(count + 1) / p`), ties to the earlier one. For
every prefix of N assignments each assignee's count stays within `|count - N·p| < 1`
(tests/modules/leads/test_fairness.py checks it with hypothesis).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from modules.accounts.models import Membership, Team, UserStatus
from modules.core.exceptions import Conflict, NotFound, TesseraError
from modules.core.permissions import require_administrator
from modules.leads import conditions as conds
from modules.leads.models import DistributionRule, RuleAssignee
from modules.metamodel.runtime import get_snapshot

LEADS = "leads"
PREVIEW_SIZE = 100
MAX_ASSIGNEES = 100


class RuleInvalid(TesseraError):
    """Raised when a rule's name, conditions or shares are not valid."""

    code = "invalid"


class RuleNotFound(NotFound):
    """Raised when no distribution rule has the id."""

    code = "not_found"


class StaleRule(Conflict):
    """Raised when a rule changed since the version the caller read."""

    code = "stale_version"


def quota_pick(percents: list[int], counts: list[int], available: list[bool]) -> int | None:
    """The index of the assignee who gets the next lead; None when nobody is available.

    `percents` are whole percents summing to 100, `counts` what each got so far.
    """
    candidates = [i for i, ok in enumerate(available) if ok]
    if not candidates:
        return None
    n = sum(counts) + 1
    eligible = [i for i in candidates if counts[i] * 100 < n * percents[i]]
    pool = eligible or candidates
    return min(pool, key=lambda i: (Fraction(counts[i] + 1, percents[i]), i))


def _admin(user) -> None:
    require_administrator(user, _("Only administrators may change distribution rules."))


def _active_members(team_ids: set[int]) -> dict[int, list]:
    """Each team's active members, by id (the round-robin order)."""
    members: dict[int, list] = {team_id: [] for team_id in team_ids}
    rows = (
        Membership.objects.filter(team_id__in=team_ids, user__status=UserStatus.ACTIVE)
        .select_related("user")
        .order_by("user_id")
    )
    for membership in rows:
        members[membership.team_id].append(membership.user)
    return members


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


class DistributionService:
    """Reads and writes distribution rules (administrators) and assigns new leads."""

    # -- reads ---------------------------------------------------------------------------
    def describe(self, rule: DistributionRule) -> dict:
        """A rule as the API and the screens show it."""
        return {
            "id": rule.pk,
            "name": rule.name,
            "position": rule.position,
            "active": rule.active,
            "conditions": rule.conditions,
            "assignees": [
                {
                    "user": a.user_id,
                    "team": a.team_id,
                    "name": _name(a.user) if a.user_id else a.team.name,
                    "percent": a.percent,
                    "assigned": a.count,
                }
                for a in rule.assignees.all()
            ],
            "total": rule.total,
            "version": rule.version,
        }

    def rules(self, user) -> list[dict]:
        _admin(user)
        rows = DistributionRule.objects.prefetch_related("assignees__user", "assignees__team")
        return [self.describe(rule) for rule in rows]

    def rule(self, user, rule_id: Any) -> DistributionRule:
        _admin(user)
        return self._get(rule_id)

    def _get(self, rule_id: Any, *, lock: bool = False) -> DistributionRule:
        rows = DistributionRule.objects.all()
        if lock:
            rows = rows.select_for_update()
        try:
            return rows.get(pk=int(rule_id))
        except (DistributionRule.DoesNotExist, TypeError, ValueError, OverflowError):
            raise RuleNotFound(_("No such distribution rule.")) from None

    # -- writes --------------------------------------------------------------------------
    def _clean(self, body: Any, *, partial_of: DistributionRule | None = None) -> dict:
        """The rule's values from a body, every problem keyed like the body."""
        if not isinstance(body, dict):
            raise RuleInvalid(_("Give a rule as an object."))
        errors: dict[str, list[str]] = {}
        unknown = set(body) - {"name", "active", "conditions", "assignees", "position", "version"}
        for key in sorted(unknown):
            errors[key] = [_("Unknown key.")]
        cleaned: dict = {}
        if "name" in body or partial_of is None:
            name = body.get("name")
            if not isinstance(name, str) or not name.strip() or len(name) > 200:
                errors["name"] = [_("Give a name of 1 to 200 characters.")]
            else:
                cleaned["name"] = name.strip()
        if "active" in body:
            if not isinstance(body["active"], bool):
                errors["active"] = [_("Give true or false.")]
            else:
                cleaned["active"] = body["active"]
        if "position" in body:
            position = body["position"]
            if (
                isinstance(position, bool)
                or not isinstance(position, int)
                or not 0 <= position <= 10**6
            ):
                errors["position"] = [_("Give a whole number from 0 to 1000000.")]
            else:
                cleaned["position"] = position
        if "conditions" in body or partial_of is None:
            problems = conds.check(get_snapshot().entity(LEADS), body.get("conditions", []))
            errors.update(problems)
            if not problems:
                cleaned["conditions"] = body.get("conditions", [])
        if "assignees" in body or partial_of is None:
            problems, assignees = self._clean_assignees(body.get("assignees"))
            errors.update(problems)
            cleaned["assignees"] = assignees
        if errors:
            raise RuleInvalid(_("The rule is not valid."), errors=errors)
        return cleaned

    def _clean_assignees(self, given: Any) -> tuple[dict, list]:
        if not isinstance(given, list) or not 0 < len(given) <= MAX_ASSIGNEES:
            return {
                "assignees": [
                    _("Give 1 to %(n)s users or teams with their percents.") % {"n": MAX_ASSIGNEES}
                ]
            }, []
        errors: dict[str, list[str]] = {}
        users = get_user_model()
        seen: set = set()
        cleaned = []
        for index, item in enumerate(given):
            key = f"assignees.{index}"
            if not isinstance(item, dict) or set(item) - {
                "user",
                "team",
                "percent",
                "name",
                "assigned",
            }:
                errors[key] = [_("Give a user or a team and a percent.")]
                continue
            user_id, team_id = item.get("user"), item.get("team")
            if (user_id is None) == (team_id is None):
                errors[key] = [_("Give either a user or a team.")]
                continue
            kind, ident = ("user", user_id) if user_id is not None else ("team", team_id)
            if isinstance(ident, bool) or not isinstance(ident, int) or not 0 < ident < 2**63:
                errors[f"{key}.{kind}"] = [_("Give the id of a user or a team.")]
                continue
            if kind == "user":
                if not users.objects.filter(pk=ident).exclude(status=UserStatus.DELETED).exists():
                    errors[f"{key}.user"] = [_("No such user, or the user was deleted.")]
            elif not Team.objects.filter(pk=ident).exists():
                errors[f"{key}.team"] = [_("No such team.")]
            if (kind, ident) in seen:
                errors[f"{key}.{kind}"] = [_("Each user or team appears once.")]
            seen.add((kind, ident))
            percent = item.get("percent")
            if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 100:
                errors[f"{key}.percent"] = [_("Give a whole percent from 1 to 100.")]
                continue
            cleaned.append({"user": user_id, "team": team_id, "percent": percent})
        if not errors and sum(a["percent"] for a in cleaned) != 100:
            errors["assignees"] = [
                _("The percents add up to %(sum)s; they must add up to 100.")
                % {"sum": sum(a["percent"] for a in cleaned)}
            ]
        return errors, cleaned

    @transaction.atomic
    def create(self, user, body: Any) -> dict:
        _admin(user)
        cleaned = self._clean(body)
        assignees = cleaned.pop("assignees")
        if "position" not in cleaned:
            last = DistributionRule.objects.order_by("-position").values_list("position", flat=True)
            cleaned["position"] = (last.first() or 0) + 1
        rule = DistributionRule.objects.create(**cleaned)
        self._write_assignees(rule, assignees)
        return self.describe(rule)

    @transaction.atomic
    def update(self, user, rule_id: Any, body: Any, *, expected_version: int | None = None) -> dict:
        """Change the keys given; new assignees or shares reset the rule's counters."""
        _admin(user)
        rule = self._get(rule_id, lock=True)
        if expected_version is not None and expected_version != rule.version:
            raise StaleRule(
                _("Someone changed this rule meanwhile; reload it."),
                extra={"current_version": rule.version},
            )
        cleaned = self._clean(body, partial_of=rule)
        assignees = cleaned.pop("assignees", None)
        for key, value in cleaned.items():
            setattr(rule, key, value)
        current = [
            {"user": a.user_id, "team": a.team_id, "percent": a.percent}
            for a in rule.assignees.all()
        ]
        if assignees is not None and assignees != current:
            rule.assignees.all().delete()
            rule.total = 0
            self._write_assignees(rule, assignees)
        rule.version = F("version") + 1
        rule.save()
        rule.refresh_from_db()
        return self.describe(rule)

    def _write_assignees(self, rule: DistributionRule, assignees: list[dict]) -> None:
        RuleAssignee.objects.bulk_create(
            RuleAssignee(
                rule=rule,
                position=index,
                user_id=a["user"],
                team_id=a["team"],
                percent=a["percent"],
            )
            for index, a in enumerate(assignees)
        )

    @transaction.atomic
    def delete(self, user, rule_id: Any) -> None:
        _admin(user)
        self._get(rule_id, lock=True).delete()

    # -- assignment ----------------------------------------------------------------------
    def _choose(self, rule: DistributionRule, assignees: list, members: dict) -> tuple | None:
        """(assignee row, the user) for the rule's next lead, from its counters; or None."""
        available = []
        for a in assignees:
            if a.user_id is not None:
                available.append(a.user.status == UserStatus.ACTIVE)
            else:
                available.append(bool(members.get(a.team_id)))
        index = quota_pick([a.percent for a in assignees], [a.count for a in assignees], available)
        if index is None:
            return None
        chosen = assignees[index]
        if chosen.user_id is not None:
            return chosen, chosen.user
        team = members[chosen.team_id]
        return chosen, team[chosen.rotation % len(team)]

    def _load(self, rule: DistributionRule, *, lock: bool) -> tuple[list, dict]:
        rows = rule.assignees.select_related("user", "team").order_by("position")
        if lock:
            rows = rows.select_for_update(of=("self",))
        assignees = list(rows)
        members = _active_members({a.team_id for a in assignees if a.team_id is not None})
        return assignees, members

    def assign(self, user, entity, record, owner_given: bool) -> list[str]:
        """The assigner of `records.hooks`: hand a new lead to its rule's next assignee."""
        if entity.slug != LEADS or owner_given:
            return []
        for candidate in DistributionRule.objects.filter(active=True):
            if not conds.matches(entity, record, candidate.conditions):
                continue
            rule = DistributionRule.objects.select_for_update().get(pk=candidate.pk)
            if not rule.active or not conds.matches(entity, record, rule.conditions):
                continue  # changed since it was read
            assignees, members = self._load(rule, lock=True)
            chosen = self._choose(rule, assignees, members)
            if chosen is None:
                continue
            assignee, owner = chosen
            rule.total += 1
            assignee.count += 1
            assignee.rotation += 1 if assignee.team_id is not None else 0
            DistributionRule.objects.filter(pk=rule.pk).update(total=rule.total)
            RuleAssignee.objects.filter(pk=assignee.pk).update(
                count=assignee.count, rotation=assignee.rotation
            )
            record.owner = owner
            self._note(entity, record, rule, assignee, owner)
            return ["owner", "assignment_rule", "assignment_reason"]
        return []

    def _note(self, entity, record, rule, assignee, owner) -> None:
        matched = "; ".join(conds.describe(c) for c in rule.conditions) or _("every lead")
        share = (
            _("%(percent)s %% to %(user)s")
            if assignee.user_id
            else _("%(percent)s %% to team %(team)s, in turn to %(user)s")
        ) % {
            "percent": assignee.percent,
            "user": _name(owner),
            "team": assignee.team.name if assignee.team_id else "",
        }
        reason = _(
            "Matched rule “%(rule)s” (%(conditions)s); share %(share)s; "
            "lead %(n)s of the rule, %(count)s to this assignee."
        ) % {
            "rule": rule.name,
            "conditions": matched,
            "share": share,
            "n": rule.total,
            "count": assignee.count,
        }
        for name, value in (("assignment_rule", rule.name[:255]), ("assignment_reason", reason)):
            try:
                spec = entity.field(name)
            except NotFound:
                continue
            spec.type_class.set_value(record, spec, value)

    def preview(self, user, rule_id: Any, size: int = PREVIEW_SIZE) -> dict:
        """Who would get each of the rule's next `size` leads; nothing is saved."""
        rule = self.rule(user, rule_id)
        assignees, members = self._load(rule, lock=False)
        sequence: list[dict] = []
        totals: dict[str, dict] = {}
        for _n in range(size):
            chosen = self._choose(rule, assignees, members)
            if chosen is None:
                break
            assignee, owner = chosen
            assignee.count += 1
            if assignee.team_id is not None:
                assignee.rotation += 1
            sequence.append({"user": owner.pk, "name": _name(owner)})
            entry = totals.setdefault(
                str(owner.pk), {"user": owner.pk, "name": _name(owner), "leads": 0}
            )
            entry["leads"] += 1
        return {
            "rule": rule.pk,
            "size": len(sequence),
            "sequence": sequence,
            "per_user": sorted(totals.values(), key=lambda e: (-e["leads"], e["user"])),
        }
