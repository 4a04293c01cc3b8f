"""Tasks made by the sales processes (`modules.sales` signals, connected in `ready()`).

    sales_task_templates.register(template_keys)      # the keys an action may name
    signals.action_completed.connect(action_completed)  # "trigger a task"
    signals.deal_won.connect(deal_won)                # post-sale task sets

Both run after the sales change committed, as the user who made it. A template or a
record gone since, or a task the rules refuse, makes no task and stops nothing: the
sale is done already; it is logged.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from modules.core.exceptions import TesseraError
from modules.tasks.models import TaskTemplate
from modules.tasks.templates import TemplateService

log = logging.getLogger(__name__)


def template_keys() -> dict[str, str]:
    """The template keys a sales action may name, with their names."""
    return TemplateService().by_key()


def action_completed(sender, *, entity, record_id, action, user, **kwargs) -> None:
    """A task from the template the completed action names, on its record."""
    key = getattr(action, "task_template", "")
    template = TaskTemplate.objects.filter(key=key).first() if key else None
    if template is None:
        return
    try:
        TemplateService().apply(user, template.pk, entity, record_id)
    except TesseraError as error:
        log.warning("No task from template %s on %s/%s: %s", key, entity, record_id, error)


def deal_won(sender, *, entity, record_id, user, **kwargs) -> None:
    """Every post-sale set's tasks on the deal, dated from now (the win)."""
    try:
        TemplateService().post_sale(user, entity, record_id, timezone.now())
    except TesseraError as error:
        log.warning("No post-sale tasks on %s/%s: %s", entity, record_id, error)
