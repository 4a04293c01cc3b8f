"""Filters of the task templates: a task's moment per the user's regional format."""

from zoneinfo import ZoneInfo

from django import template

from modules.core import formats

register = template.Library()


@register.filter
def task_url(pattern: str, task_id) -> str:
    """A URL pattern with `{id}` filled in."""
    return pattern.replace("{id}", str(task_id))


@register.filter
def task_when(row: dict) -> str:
    """When a task is due: the date alone for an all-day task."""
    moment = row["due_at"]
    if row["all_day"]:
        return formats.date(moment.astimezone(ZoneInfo(row["time_zone"])).date())
    return formats.moment(moment)
