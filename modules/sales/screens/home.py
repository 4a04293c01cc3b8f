"""The home page's "My open deals" box: the user's open deals by stage of each pipeline.

    extensions.register_home_panel(HomePanel("deals", _("My open deals"), 20, deals_panel))

Counts and per-currency sums of the deals the user owns and may see, stage by stage, each
stage a link to the board narrowed to them. Left out for a user who may not list deals.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from modules.access import engine
from modules.core.i18n import localized
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.sales import board as boards
from modules.sales import fields as pf
from modules.sales.models import Pipeline

SLUG = "deals"


def deals_panel(request) -> str | None:
    """The box's HTML, or None when there is nothing for this user to see."""
    user = request.user
    try:
        entity = get_snapshot().entity(SLUG)
    except EntityTypeNotFound:
        return None
    if not pf.has_processes(entity) or not engine.can(user, "view", entity=entity):
        return None
    model = get_snapshot().model(SLUG)
    mine = boards.open_rows(model.objects.alive().visible_to(user).filter(owner_id=user.pk))
    sums = boards.totals(user, entity, mine, pf.STAGE)
    board = reverse(f"records_{SLUG}:board")
    pipelines = []
    for pipeline in Pipeline.objects.filter(entity_type_id=entity.id).prefetch_related("stages"):
        stages = [
            {
                "name": localized(stage.name),
                "colour": stage.colour,
                "count": sums.get(stage.key, {}).get("count", 0),
                "totals": sums.get(stage.key, {}).get("totals", []),
            }
            for stage in pipeline.stages.all()
        ]
        if any(s["count"] for s in stages):
            pipelines.append(
                {
                    "name": localized(pipeline.name),
                    "url": f"{board}?pipeline={pipeline.pk}&owner={user.pk}",
                    "stages": stages,
                }
            )
    return render_to_string(
        "sales/home_panel.html", {"pipelines": pipelines, "board_url": board}, request=request
    )
