"""Likely duplicates: match rules per entity type and the candidates they find.

    DuplicateService().candidates(user, "persons", {"email": "ada@example.com"})
    -> [Candidate(record, reasons=["E-mail"], similarity=None), ...]   # at most 20

Rules (`MatchRules`, else `default_rules`): `email` — the same address, ignoring case, in any
of the rule's fields; `phone` — the same last 9 digits once everything but digits is
dropped (`+48 600-100-200` matches `600100200`); `name` — the rule's fields joined by a
space are similar: PostgreSQL's `pg_trgm` similarity at least `threshold` (the extension
is created by migration 0002), on SQLite the same text ignoring case.

Candidates come only from records the user may open (`engine.open_q`): a record they may
not open is never named, counted or hinted at. Every query is capped at `LIMIT`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Concat, Lower, Replace
from django.utils.translation import gettext as _

from modules.access import engine
from modules.core.exceptions import Conflict, TesseraError
from modules.core.permissions import require_administrator
from modules.leads.models import MatchRules
from modules.metamodel.runtime import get_snapshot

LIMIT = 20
KINDS = ("email", "phone", "name")
PHONE_TAIL = 9
PHONE_MIN = 6
DEFAULT_THRESHOLD = 0.5
#: What a phone number may hold besides digits; removed before comparing.
PHONE_NOISE = (" ", "-", "(", ")", ".", "+", "/")


class MatchRulesInvalid(TesseraError):
    """Raised when match rules are not valid."""

    code = "invalid"


@dataclass
class Candidate:
    """A record that may be the same as the one checked, and why."""

    record: Any
    reasons: list[str] = field(default_factory=list)
    similarity: float | None = None


def on_postgresql() -> bool:
    """Whether names are compared by trigram similarity (else by equal text)."""
    return connection.vendor == "postgresql"


def default_rules(entity) -> list[dict]:
    """E-mail, phone and name rules from the type's usual field names."""
    names = {spec.api_name for spec in entity.fields}
    rules = []
    emails = [n for n in ("email", "email_2") if n in names]
    if emails:
        rules.append({"kind": "email", "fields": emails})
    phones = [n for n in ("phone", "mobile") if n in names]
    if phones:
        rules.append({"kind": "phone", "fields": phones})
    if {"first_name", "last_name"} <= names:
        rules.append(
            {"kind": "name", "fields": ["first_name", "last_name"], "threshold": DEFAULT_THRESHOLD}
        )
    elif "name" in names:
        rules.append({"kind": "name", "fields": ["name"], "threshold": DEFAULT_THRESHOLD})
    return rules


def digits(value: Any) -> str:
    """Only the digits of a phone number."""
    return re.sub(r"\D", "", str(value or ""))


def _normalised_phone(column: str):
    expression = F(column)
    for noise in PHONE_NOISE:
        expression = Replace(expression, Value(noise), Value(""))
    return expression


def _joined(fields: list[str]):
    if len(fields) == 1:
        return F(fields[0])
    parts: list = []
    for name in fields:
        parts += [F(name), Value(" ")]
    return Concat(*parts[:-1], output_field=CharField())


class DuplicateService:
    """Match rules (administrators change them) and the candidates they find."""

    # -- rules ---------------------------------------------------------------------------
    def rules(self, slug: str) -> list[dict]:
        entity = get_snapshot().entity(slug)
        stored = MatchRules.objects.filter(entity_slug=slug).first()
        return stored.rules if stored is not None else default_rules(entity)

    def describe(self, slug: str) -> dict:
        stored = MatchRules.objects.filter(entity_slug=slug).first()
        return {
            "entity": slug,
            "rules": self.rules(slug),
            "custom": stored is not None,
            "version": stored.version if stored else 0,
        }

    def check_rules(self, entity, rules: Any) -> dict[str, list[str]]:
        if not isinstance(rules, list) or len(rules) > 20:
            return {"rules": [_("Give a list of at most 20 rules.")]}
        names = {spec.api_name for spec in entity.fields}
        errors: dict[str, list[str]] = {}
        for index, rule in enumerate(rules):
            key = f"rules.{index}"
            if not isinstance(rule, dict) or set(rule) - {"kind", "fields", "threshold"}:
                errors[key] = [_("A rule has a kind, fields and, for names, a threshold.")]
                continue
            if rule.get("kind") not in KINDS:
                errors[f"{key}.kind"] = [_("Choose email, phone or name.")]
            fields = rule.get("fields")
            if (
                not isinstance(fields, list)
                or not 0 < len(fields) <= 5
                or not all(isinstance(f, str) and f in names for f in fields)
                or len(set(fields)) != len(fields)
            ):
                errors[f"{key}.fields"] = [_("Give 1 to 5 different fields of this type.")]
            threshold = rule.get("threshold", DEFAULT_THRESHOLD)
            if rule.get("kind") != "name" and "threshold" in rule:
                errors[f"{key}.threshold"] = [_("Only name rules take a threshold.")]
            elif (
                isinstance(threshold, bool)
                or not isinstance(threshold, (int, float))
                or not (0.1 <= threshold <= 1)
            ):
                errors[f"{key}.threshold"] = [_("Give a number from 0.1 to 1.")]
        return errors

    @transaction.atomic
    def save_rules(self, user, slug: str, rules: Any, *, expected_version=None) -> dict:
        require_administrator(user, _("Only administrators may change the match rules."))
        entity = get_snapshot().entity(slug)
        errors = self.check_rules(entity, rules)
        if errors:
            raise MatchRulesInvalid(_("The match rules are not valid."), errors=errors)
        stored, created = MatchRules.objects.select_for_update().get_or_create(
            entity_slug=slug, defaults={"rules": rules}
        )
        if not created:
            if expected_version is not None and expected_version != stored.version:
                raise Conflict(_("Someone changed these rules meanwhile; reload them."))
            stored.rules = rules
            stored.version += 1
            stored.save()
        return self.describe(slug)

    # -- candidates ----------------------------------------------------------------------
    def candidates(
        self, user, slug: str, values: dict, *, exclude: Any = None, limit: int = LIMIT
    ) -> list[Candidate]:
        """Records the user may open that the rules match with `values`, best first."""
        snapshot = get_snapshot()
        entity, model = snapshot.entity(slug), snapshot.model(slug)
        rows = model.objects.alive().filter(engine.open_q(user, entity))
        if exclude is not None:
            rows = rows.exclude(pk=exclude)
        wanted = Q()
        annotations: dict = {}
        checks: list = []
        for index, rule in enumerate(self.rules(slug)):
            fields = [f for f in rule["fields"] if f in {s.api_name for s in entity.fields}]
            if not fields:
                continue
            if rule["kind"] == "email":
                given = {str(values.get(f)).strip().lower() for f in fields if values.get(f)}
                for address in given:
                    for name in fields:
                        wanted |= Q(**{f"{name}__iexact": address})
                if given:
                    checks.append(("email", fields, given, None))
            elif rule["kind"] == "phone":
                tails = {digits(values.get(f))[-PHONE_TAIL:] for f in fields}
                tails = {t for t in tails if len(t) >= PHONE_MIN}
                for name in fields:
                    alias = f"_phone_{index}_{name}"
                    if tails:
                        annotations[alias] = _normalised_phone(name)
                    for tail in tails:
                        wanted |= Q(**{f"{alias}__endswith": tail})
                if tails:
                    checks.append(("phone", fields, tails, None))
            else:
                text = " ".join(str(values.get(f) or "").strip() for f in fields).strip()
                if len(text) < 2:
                    continue
                alias = f"_name_{index}"
                if on_postgresql():
                    annotations[alias] = TrigramSimilarity(_joined(fields), text)
                    wanted |= Q(**{f"{alias}__gte": rule.get("threshold", DEFAULT_THRESHOLD)})
                else:
                    annotations[alias] = Lower(_joined(fields))
                    wanted |= Q(**{alias: text.lower()})
                checks.append(("name", fields, text, alias))
        if not checks:
            return []
        rows = rows.annotate(**annotations).filter(wanted).order_by("-id")[: limit * 5]
        found = []
        for record in rows:
            candidate = Candidate(record)
            for kind, fields, given, alias in checks:
                if kind == "email":
                    if any(str(getattr(record, f) or "").lower() in given for f in fields):
                        candidate.reasons.append(_("Same e-mail"))
                elif kind == "phone":
                    if any(digits(getattr(record, f))[-PHONE_TAIL:] in given for f in fields):
                        candidate.reasons.append(_("Same phone number"))
                else:
                    score = getattr(record, alias, None)
                    if on_postgresql():
                        if score is not None and score >= self._threshold(slug, alias):
                            candidate.reasons.append(_("Similar name"))
                            candidate.similarity = round(float(score), 2)
                    elif score == given.lower():
                        candidate.reasons.append(_("Same name"))
            if candidate.reasons:
                found.append(candidate)
        found.sort(key=lambda c: (-len(c.reasons), -(c.similarity or 0), -c.record.pk))
        return found[:limit]

    def _threshold(self, slug: str, alias: str) -> float:
        index = int(alias.rsplit("_", 1)[1])
        return self.rules(slug)[index].get("threshold", DEFAULT_THRESHOLD)

    def of_record(self, user, slug: str, record, *, limit: int = LIMIT) -> list[Candidate]:
        """Likely duplicates of a stored record (itself left out)."""
        entity = get_snapshot().entity(slug)
        values = {spec.api_name: getattr(record, spec.api_name, None) for spec in entity.fields}
        return self.candidates(user, slug, values, exclude=record.pk, limit=limit)


@dataclass
class Group:
    """Records that share a value a match rule compares."""

    reason: str
    value: str
    records: list


def likely_groups(user, slug: str, *, limit: int = 50) -> list[Group]:
    """Groups of records the user may open sharing an e-mail or a phone number.

    Names are left to each record's own candidates: comparing every pair of names is a
    quadratic scan. At most `limit` groups per rule, each of at most `LIMIT` records.
    """
    snapshot = get_snapshot()
    entity, model = snapshot.entity(slug), snapshot.model(slug)
    rows = model.objects.alive().filter(engine.open_q(user, entity))
    names = {spec.api_name for spec in entity.fields}
    groups: list[Group] = []
    for rule in DuplicateService().rules(slug):
        for name in [f for f in rule["fields"] if f in names]:
            if rule["kind"] == "email":
                key = Lower(F(name))
                label = _("Same e-mail")
            elif rule["kind"] == "phone":
                key = _normalised_phone(name)
                label = _("Same phone number")
            else:
                continue
            shared = (
                rows.exclude(**{f"{name}__isnull": True})
                .exclude(**{name: ""})
                .annotate(_key=key)
                .values("_key")
                .annotate(n=Count("id"))
                .filter(n__gt=1)
                .order_by("-n", "_key")[:limit]
            )
            for item in shared:
                members = list(
                    rows.annotate(_key=key).filter(_key=item["_key"]).order_by("id")[:LIMIT]
                )
                groups.append(Group(label, item["_key"], members))
    return groups
