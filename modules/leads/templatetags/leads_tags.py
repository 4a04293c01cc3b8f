"""Template helpers of the leads settings: a row's error under its input."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def error_for(errors: dict, *parts) -> str:
    """The messages of `errors[name]` (the name joined from `parts`), each in a help block."""
    problems = errors.get("".join(str(p) for p in parts), [])
    if not problems:
        return ""
    return format_html(
        '<span class="error-message" role="alert">{}</span>',
        format_html_join(" ", "{}", ((p,) for p in problems)),
    )
