"""The board screen: a column per stage of a pipeline, cards to drag or move from a menu.

    GET records/deals/board/?pipeline=<id>&<the list's filters>&q=<search>
    GET records/deals/board/?column=<stage>&cursor=<id>&fragment=1   -> the next cards

The list's filters and search apply (the same filterset and the same check that refuses
filtering by values some listed record withholds). The header shows the forecast: per
currency the value and the weighted value of the open records the user may open, and the
weighted value by month of expected close as bars.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from modules.access import engine
from modules.core.i18n import localized
from modules.metamodel.runtime import get_snapshot
from modules.records import query
from modules.records.screens.filters import record_admin_filterset
from modules.sales import board as boards
from modules.sales import fields as pf
from modules.sales.models import Pipeline

PAGE = 25


class BoardScreen(TemplateView):
    """The board of one pipeline of an entity type with processes."""

    template_name = "sales/board.html"
    entity_slug = ""

    def setup(self, request, *args, entity_slug: str = "", **kwargs):
        super().setup(request, *args, **kwargs)
        self.entity_slug = entity_slug

    @cached_property
    def entity(self):
        entity = get_snapshot().entity(self.entity_slug)
        if not pf.has_processes(entity):
            raise Http404
        return entity

    def get(self, request, *args, **kwargs):
        if not engine.can(request.user, "view", entity=self.entity):
            raise PermissionDenied
        if request.GET.get("fragment"):
            self.template_name = "sales/_cards.html"
        return super().get(request, *args, **kwargs)

    def pipelines(self) -> list[Pipeline]:
        return list(
            Pipeline.objects.filter(entity_type_id=self.entity.id).prefetch_related(
                "stages__actions"
            )
        )

    def rows(self):
        """The list as the user may see it, filtered and searched like the list."""
        model = get_snapshot().model(self.entity_slug)
        rows = model.objects.alive().visible_to(self.request.user)
        filterset = record_admin_filterset(get_snapshot(), self.entity_slug)(
            self.request.GET, queryset=rows, request=self.request
        )
        notice = ""
        if filterset.is_valid():
            asked = set(filterset.form.changed_data)
            unreadable = query.unreadable_names(rows, self.request.user, self.entity, asked)
            if unreadable:
                notice = _(
                    "Some records here withhold values from you, so you cannot filter them "
                    "by: %(fields)s."
                ) % {"fields": ", ".join(sorted(unreadable))}
                rows = rows.none()
            else:
                rows = filterset.qs
        search = self.request.GET.get("q", "").strip()
        if search:
            rows = rows.search(search, self.request.user)
        return rows, filterset, notice, search

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pipelines = self.pipelines()
        raw = self.request.GET.get("pipeline", "")
        pipeline = next((p for p in pipelines if str(p.pk) == raw), pipelines[0])
        rows, filterset, notice, search = self.rows()
        column = self.request.GET.get("column")
        cursors = {}
        cursor = self.request.GET.get("cursor", "")
        if column and cursor.isdigit():
            cursors[column] = int(cursor)
        columns = boards.board(
            self.request.user,
            self.entity,
            pipeline,
            rows,
            limit=PAGE,
            cursors=cursors,
            only=column if column else None,
        )
        months = boards.forecast(
            self.request.user, self.entity, rows, by="month", pipeline=pipeline
        )
        slug = self.entity_slug
        query_string = self.request.GET.copy()
        for name in ("column", "cursor", "fragment"):
            query_string.pop(name, None)
        context.update(
            {
                "entity": self.entity,
                "header_title": _("Board: %(entity)s")
                % {"entity": self.entity.display_label_plural},
                "page_title": _("Board: %(entity)s") % {"entity": self.entity.display_label_plural},
                "header_icon": "table",
                "pipelines": [(p.pk, localized(p.name)) for p in pipelines],
                "pipeline": pipeline,
                "stages": [(s.key, localized(s.name)) for s in pipeline.stages.all()],
                "columns": columns,
                "header": header_totals(columns),
                "months": month_bars(months),
                "filters": filterset,
                "notice": notice,
                "search": search,
                "query": query_string.urlencode(),
                "list_url": reverse(f"records_{slug}:index"),
                "board_url": reverse(f"records_{slug}:board"),
                "api_move_url": f"/api/v1/{slug}/{{id}}/process/move/",
                "stale_message": _(
                    "This card changed since the board was loaded (someone else moved or "
                    "edited it). Nothing was saved: reload the board and try again."
                ),
                "next": f"{reverse(f'records_{slug}:board')}?{query_string.urlencode()}",
            }
        )
        for col in columns:
            for card in col["cards"]:
                card["url"] = reverse(f"records_{slug}:inspect", args=[card["id"]])
                card["move_url"] = reverse(f"records_{slug}:process_move", args=[card["id"]])
            col["more"] = (
                f"{context['board_url']}?{context['query']}&column={col['stage']}"
                f"&cursor={col['next']}&fragment=1"
                if col["next"]
                else ""
            )
        context["col"] = columns[0] if column and columns else None
        return context


def header_totals(columns: list[dict]) -> list[dict]:
    """Per currency, the value and weighted value over every column."""
    sums: dict[str, list[Decimal]] = {}
    for column in columns:
        for total in column["totals"]:
            slot = sums.setdefault(total["currency"], [Decimal(0), Decimal(0)])
            slot[0] += Decimal(total["total"])
            slot[1] += Decimal(total["weighted"])
    return [{"currency": c, "total": v[0], "weighted": v[1]} for c, v in sorted(sums.items())]


def month_bars(rows: list[dict]) -> list[dict]:
    """The forecast by month as bars: the first currency's weighted value, scaled to 100."""
    points = []
    for row in rows:
        first = row["totals"][0] if row["totals"] else None
        if first is not None and row["key"]:
            points.append(
                {
                    "label": row["label"],
                    "currency": first["currency"],
                    "value": Decimal(first["weighted"]),
                }
            )
    top = max((p["value"] for p in points), default=Decimal(0))
    for point in points:
        point["height"] = int(100 * point["value"] / top) if top else 0
    return points
