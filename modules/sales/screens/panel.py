"""The process panel of a record's profile: stages as steps, actions as checkboxes.

    context["sales"] = process_panel(request.user, entity, record)   # None: no panel

Shown to whoever may open the record (a restricted one shows its basic fields only, and the
process is not among them). Each step posts to `records/<slug>/<pk>/process/<step>/`
(screens/steps.py) with the record's version, so a stale page is refused, never applied.
"""

from __future__ import annotations

from django.urls import reverse

from modules.access import engine
from modules.core.i18n import localized
from modules.sales import fields as pf
from modules.sales.exceptions import ProcessRefused
from modules.sales.process import ProcessService


def process_panel(user, entity, record) -> dict | None:
    """What the profile's process panel shows, or None when there is none."""
    if not pf.has_processes(entity) or not engine.is_open(user, record):
        return None
    try:
        state = ProcessService().state(user, entity.slug, record.pk)
    except ProcessRefused:
        return None
    urls = {
        step: reverse(f"records_{entity.slug}:process_{step}", args=[record.pk])
        for step in ("move", "complete", "reopen", "win", "lose", "unlock")
    }
    return {
        **state,
        "urls": urls,
        "reasons": [(r["key"], localized(r["name"])) for r in pf.lost_reasons()],
        "board_url": reverse(f"records_{entity.slug}:board")
        + f"?pipeline={state['pipeline']['id']}",
    }
