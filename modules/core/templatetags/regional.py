"""Template filters that write moments and numbers in the user's regional format.

{% load regional %}
<time datetime="{{ row.at|date:'c' }}">{{ row.at|moment }}</time>
"""

from django import template

from modules.core import formats

register = template.Library()


@register.filter
def moment(value) -> str:
    """A date and time in the user's time zone, date and time formats."""
    return formats.moment(value) if value else ""


@register.filter
def day(value) -> str:
    """A calendar date in the user's date format."""
    return formats.date(value) if value else ""


@register.filter
def number(value, places: int = 0) -> str:
    """A number with the user's separators and `places` decimals."""
    return formats.number(value, int(places)) if value is not None else ""
