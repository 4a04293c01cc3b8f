"""The home page's box of my tasks: what is overdue and what is due today.

extensions.register_home_panel(PANEL)     # from TasksConfig.ready()
"""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.records.screens.extensions import HomePanel
from modules.tasks import access
from modules.tasks.presenter import describe_many
from modules.tasks.services import TaskService

#: Tasks the box lists at most.
SHOWN = 10


def render(request) -> str | None:
    """My open tasks due by the end of today, oldest first; None when there are none."""
    user = request.user
    zone = timezone.get_current_timezone()
    end = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    rows = (
        TaskService()
        .visible(user)
        .filter(access.taking_part_q(user), done_at__isnull=True, due_at__lt=end)
        .order_by("due_at", "id")[:SHOWN]
    )
    tasks = describe_many(user, rows)
    if not tasks:
        return None
    return render_to_string(
        "tasks/home_panel.html",
        {
            "rows": tasks,
            "done_url": reverse("tasks_done", args=[0]).replace("/0/", "/{id}/"),
            "here": request.get_full_path(),
            "mine_url": reverse("tasks_my_work"),
        },
        request=request,
    )


PANEL = HomePanel("tasks", _("My tasks for today"), 10, render)
