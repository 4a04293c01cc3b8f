"""The board of a pipeline (a column per stage) and the forecast, for one user.

    columns = board(user, entity, pipeline, rows, limit=25, cursors={"lead": 120})
    forecast(user, entity, rows, by="owner")

`rows` is the record list as the user may see it (`objects.visible_to(user)`, with the
list's filters applied). Counts include every listed record; sums and weighted sums only
the records the user may open (whose value they may read), per currency. A column's cards
are one query each (newest first, a cursor per column); the totals of all columns one
query; the owners' names one query.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from modules.access import engine
from modules.access.spec import OPEN_FLAG
from modules.accounts.models import Membership
from modules.core.i18n import localized
from modules.sales import fields as pf
from modules.sales.models import Pipeline

BY = ("stage", "owner", "team", "month")
MONEY = DecimalField(max_digits=24, decimal_places=4)


def open_rows(rows, pipeline: Pipeline | None = None):
    """The open records (of one pipeline's stages)."""
    rows = rows.filter(**{pf.STATUS: pf.OPEN})
    if pipeline is not None:
        rows = rows.filter(**{f"{pf.STAGE}__in": [s.key for s in pipeline.stages.all()]})
    return rows


def weighted() -> Any:
    """The value times the probability, as an SQL expression."""
    probability = Coalesce(F(pf.PROBABILITY), Value(Decimal(0)), output_field=MONEY)
    return ExpressionWrapper(F(pf.VALUE) * probability / Value(Decimal(100)), output_field=MONEY)


def _money(value) -> str:
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def totals(user, entity, rows, key: str) -> dict[Any, dict]:
    """Count, and per currency the sum and weighted sum of what the user may open, by `key`."""
    readable = engine.open_q(user, entity)
    grouped = (
        rows.order_by()
        .values(key, f"{pf.VALUE}_currency")
        .annotate(
            count=Count("id"),
            readable=Count("id", filter=readable),
            total=Sum(pf.VALUE, filter=readable),
            weighted=Sum(weighted(), filter=readable),
        )
    )
    out: dict[Any, dict] = defaultdict(lambda: {"count": 0, "totals": []})
    for row in grouped:
        slot = out[row[key]]
        slot["count"] += row["count"]
        currency = row[f"{pf.VALUE}_currency"]
        if row["readable"] and row["total"] is not None and currency:
            slot["totals"].append(
                {
                    "currency": currency,
                    "total": _money(row["total"]),
                    "weighted": _money(row["weighted"]),
                }
            )
    for slot in out.values():
        slot["totals"].sort(key=lambda t: t["currency"])
    return out


def _cards(user, entity, rows: list) -> list[dict]:
    owners = {r.owner_id for r in rows if r.owner_id}
    names = {
        u.pk: u.get_full_name() or u.get_username()
        for u in get_user_model().objects.filter(pk__in=owners)
    }
    now = timezone.now()
    cards = []
    for record in rows:
        opened = bool(getattr(record, OPEN_FLAG, True))
        since = getattr(record, pf.SINCE) if opened else None
        value = None
        if opened and getattr(record, pf.VALUE) is not None:
            value = {
                "amount": _money(getattr(record, pf.VALUE)),
                "currency": getattr(record, f"{pf.VALUE}_currency"),
            }
        cards.append(
            {
                "id": record.pk,
                "title": entity.title_of(record, basic_only=not opened) or f"#{record.pk}",
                "version": record.version,
                "restricted": not opened,
                "value": value,
                "owner": {"id": record.owner_id, "name": names.get(record.owner_id, "")}
                if record.owner_id
                else None,
                "progress": int(getattr(record, pf.PROGRESS) or 0) if opened else None,
                "days_in_stage": (now - since).days if since else None,
            }
        )
    return cards


def board(
    user,
    entity,
    pipeline: Pipeline,
    rows,
    *,
    limit: int,
    cursors: dict[str, int],
    only: str | None = None,
) -> list[dict]:
    """The columns of the pipeline's board: totals, a page of cards, the next cursor."""
    rows = open_rows(rows, pipeline)
    sums = totals(user, entity, rows, pf.STAGE)
    columns = []
    pages = {}
    for stage in pipeline.stages.all():
        if only is not None and stage.key != only:
            continue
        page = rows.filter(**{pf.STAGE: stage.key})
        if stage.key in cursors:
            page = page.filter(pk__lt=cursors[stage.key])
        pages[stage.key] = list(page.order_by("-pk")[: limit + 1])
    cards = _cards(user, entity, [r for page in pages.values() for r in page[:limit]])
    by_id = {c["id"]: c for c in cards}
    for stage in pipeline.stages.all():
        if stage.key not in pages:
            continue
        page = pages[stage.key]
        slot = sums.get(stage.key, {"count": 0, "totals": []})
        columns.append(
            {
                "stage": stage.key,
                "name": localized(stage.name),
                "colour": stage.colour,
                "probability": stage.probability,
                "count": slot["count"],
                "totals": slot["totals"],
                "cards": [by_id[r.pk] for r in page[:limit]],
                "next": page[limit - 1].pk if len(page) > limit else None,
            }
        )
    return columns


def forecast(user, entity, rows, *, by: str, pipeline: Pipeline | None = None) -> list[dict]:
    """Open records' count, value and weighted value by stage, owner, team or month."""
    rows = open_rows(rows, pipeline)
    if by == "month":
        rows = rows.annotate(month=TruncMonth(pf.EXPECTED))
        sums = totals(user, entity, rows, "month")
        return [
            {
                "key": month.isoformat() if month else None,
                "label": month.strftime("%Y-%m") if month else "",
                **slot,
            }
            for month, slot in sorted(sums.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
        ]
    if by == "stage":
        sums = totals(user, entity, rows, pf.STAGE)
        stages = [
            s
            for p in Pipeline.objects.filter(entity_type_id=entity.id).prefetch_related("stages")
            for s in p.stages.all()
        ]
        return [
            {"key": s.key, "label": localized(s.name), **sums[s.key]}
            for s in stages
            if s.key in sums
        ]
    sums = totals(user, entity, rows, "owner_id")
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=[k for k in sums if k])}
    if by == "owner":
        return [
            {
                "key": owner,
                "label": (users[owner].get_full_name() or users[owner].get_username())
                if owner in users
                else "",
                **slot,
            }
            for owner, slot in sorted(sums.items(), key=lambda kv: kv[0] or 0)
        ]
    teams: dict[Any, dict] = {}
    memberships = Membership.objects.filter(user_id__in=list(users)).select_related("team")
    of_owner = defaultdict(list)
    for m in memberships:
        of_owner[m.user_id].append(m.team)
    for owner, slot in sums.items():
        for team in of_owner.get(owner) or [None]:
            key = team.pk if team else None
            entry = teams.setdefault(
                key, {"key": key, "label": team.name if team else "", "count": 0, "totals": {}}
            )
            entry["count"] += slot["count"]
            for t in slot["totals"]:
                cur = entry["totals"].setdefault(t["currency"], [Decimal(0), Decimal(0)])
                cur[0] += Decimal(t["total"])
                cur[1] += Decimal(t["weighted"])
    return [
        {
            **entry,
            "totals": [
                {"currency": c, "total": _money(v[0]), "weighted": _money(v[1])}
                for c, v in sorted(entry["totals"].items())
            ],
        }
        for entry in sorted(teams.values(), key=lambda e: (e["key"] is None, e["label"]))
    ]
