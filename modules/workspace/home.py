"""The boxes of the home page that workspace itself draws, registered through the records'
home-panel seam (`records.screens.extensions.register_home_panel`) like anyone else's.

    quick add (10)       an "Add" link per entity type the user may create records of
    recent changes (30)  the last changes to records the user owns, newest first
    segments (40)        per segmented entity type, how many records the user sees per segment
    administration (50)  seats and running jobs (imports, recomputes), administrators only

Every box reads through the access engine (`objects.visible_to(user)`, `engine.can`): a
count or a title the user may not see never reaches the page. Recent changes cost one
query for the newest keys across every entity type (a UNION) and one per entity type among
them; the segments one (a UNION of each type's counts); seats one and running jobs one.
"""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, F, Func, IntegerField, Subquery, Value
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modules.access import engine
from modules.accounts.models import AccountSettings, User, UserStatus
from modules.metamodel.runtime import get_snapshot
from modules.records.screens.extensions import HomePanel
from modules.segmentation.models import Recompute
from modules.transfer.models import ImportBatch, Status

#: How many changes the recent-changes box lists.
RECENT = 8


def _entities():
    snapshot = get_snapshot()
    return sorted(snapshot.entities, key=lambda entity: entity.display_label_plural), snapshot


def quick_add(request) -> str | None:
    """An "Add" link per entity type the user may create records of."""
    entities, _snapshot = _entities()
    links = [
        {
            "label": entity.display_label,
            "icon": entity.icon,
            "url": reverse(f"records_{entity.slug}:add"),
        }
        for entity in entities
        if engine.can(request.user, "add", entity=entity)
    ]
    if not links:
        return None
    return render_to_string("workspace/panels/quick_add.html", {"links": links}, request=request)


def recent_changes(request) -> str | None:
    """The newest changes to the records the user owns, across every entity type."""
    user = request.user
    entities, snapshot = _entities()
    parts = [
        snapshot.model(entity.slug)
        .objects.visible_to(user)
        .alive()
        .filter(owner_id=user.pk)
        .annotate(_entity=Value(entity.id, output_field=IntegerField()))
        .values_list("_entity", "id", "updated_at")
        .order_by()
        for entity in entities
    ]
    rows = []
    if parts:
        first, *rest = parts
        keys = list(first.union(*rest, all=True).order_by("-updated_at", "-id")[:RECENT])
        by_entity = {entity.id: entity for entity in entities}
        found = {}
        for entity_id, group in groupby(sorted(keys, key=lambda k: k[0]), key=lambda k: k[0]):
            entity = by_entity[entity_id]
            ids = [key[1] for key in group]
            records = (
                snapshot.model(entity.slug)
                .objects.visible_to(user)
                .filter(pk__in=ids)
                .select_related("updated_by")
            )
            for record in records:
                found[(entity_id, record.pk)] = (entity, record)
        for entity_id, record_id, updated_at in keys:
            if (entity_id, record_id) not in found:
                continue
            entity, record = found[(entity_id, record_id)]
            rows.append(
                {
                    "title": str(record).strip() or f"#{record.pk}",
                    "entity": entity.display_label,
                    "url": reverse(f"records_{entity.slug}:inspect", args=[record.pk]),
                    "by": str(record.updated_by) if record.updated_by_id else "",
                    "at": updated_at,
                }
            )
    return render_to_string("workspace/panels/recent.html", {"rows": rows}, request=request)


def segments(request) -> str | None:
    """Per segmented entity type: how many of the records the user sees are in each segment
    (one query: a UNION of each type's counts)."""
    entities, snapshot = _entities()
    segmented = [entity for entity in entities if entity.supports_segmentation]
    if not segmented:
        return None
    parts = [
        snapshot.model(entity.slug)
        .objects.visible_to(request.user)
        .alive()
        .annotate(_entity=Value(entity.id, output_field=IntegerField()))
        .values_list("_entity", "segment")
        .annotate(n=Count("id"))
        .order_by()
        for entity in segmented
    ]
    first, *rest = parts
    counts: dict[int, list] = {}
    for entity_id, name, n in first.union(*rest, all=True):
        counts.setdefault(entity_id, []).append((name, n))
    charts = []
    for entity in segmented:
        list_url = reverse(f"records_{entity.slug}:index")
        found = sorted(counts.get(entity.id, []), key=lambda row: (-row[1], row[0] or ""))
        total = sum(n for _name, n in found)
        rows = [
            {
                "name": name or _("Not scored yet"),
                "count": n,
                "url": f"{list_url}?{urlencode({'segment': name})}" if name else list_url,
                "percent": round(100 * n / total) if total else 0,
            }
            for name, n in found
        ]
        charts.append({"entity": entity.display_label_plural, "rows": rows, "total": total})
    return render_to_string("workspace/panels/segments.html", {"charts": charts}, request=request)


def _seats() -> tuple[int, int]:
    """Paid and used seats in one query (accounts' `seat_usage` takes two, or three before
    the settings row is first written)."""
    settings_row = AccountSettings.objects.filter(pk=AccountSettings.SINGLETON_ID).values("seats")
    active = (
        User.objects.filter(status=UserStatus.ACTIVE)
        .order_by()
        .values(n=Func(F("id"), function="COUNT"))
        .values("n")
    )
    row = (
        User.objects.annotate(paid=Subquery(settings_row), used=Subquery(active))
        .values_list("paid", "used")
        .order_by()[:1]
    )
    paid, used = next(iter(row), (None, 0))
    # Before the settings row is first written: the installation's default, as accounts has it.
    total = paid if paid is not None else max(settings.ACCOUNT_SEATS, used)
    return total, used


def administration(request) -> str | None:
    """Seats, and the imports and recomputes that are queued or running (administrators):
    one query for the seats, one for the jobs."""
    if not getattr(request.user, "is_administrator", False):
        return None
    total, used = _seats()
    imports = (
        ImportBatch.objects.filter(status__in=[Status.QUEUED, Status.RUNNING])
        .annotate(
            kind=Value("import"),
            slug=F("entity_type__slug"),
            label=F("file_name"),
            progress=Value(None, output_field=IntegerField()),
            of=Value(None, output_field=IntegerField()),
        )
        .values_list("kind", "id", "slug", "label", "status", "progress", "of")
        .order_by()
    )
    recomputes = (
        Recompute.objects.filter(status__in=[Recompute.Status.PENDING, Recompute.Status.RUNNING])
        .annotate(
            kind=Value("recompute"),
            slug=F("scheme__entity_type__slug"),
            label=Value(""),
            progress=F("done"),
            of=F("total"),
        )
        .values_list("kind", "id", "slug", "label", "status", "progress", "of")
        .order_by()
    )
    snapshot = get_snapshot()
    known = {entity.slug: entity for entity in snapshot.entities}
    import_status, recompute_status = dict(Status.choices), dict(Recompute.Status.choices)
    jobs = []
    for kind, pk, slug, label, status, done, of in imports.union(recomputes, all=True)[:20]:
        entity = known.get(slug)
        if kind == "import":
            jobs.append(
                {
                    "kind": kind,
                    "label": label,
                    "status": import_status.get(status, status),
                    "url": reverse("transfer:batch", args=[slug, pk]),
                }
            )
        else:
            jobs.append(
                {
                    "kind": kind,
                    "label": entity.display_label_plural if entity else slug,
                    "status": recompute_status.get(status, status),
                    "percent": int(100 * done / of) if of else 0,
                }
            )
    context = {
        "seats": {"used": used, "total": total, "free": max(0, total - used)},
        "jobs": jobs,
        "users_url": reverse("users_settings:index"),
    }
    return render_to_string("workspace/panels/administration.html", context, request=request)


PANELS = [
    HomePanel("quick-add", _("Quick add"), 10, quick_add),
    HomePanel("recent-changes", _("Recent changes on my records"), 30, recent_changes),
    HomePanel("segments", _("Segments"), 40, segments),
    HomePanel("administration", _("Seats and running jobs"), 50, administration),
]
