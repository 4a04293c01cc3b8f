"""The columns of the record list: field values and system columns, as the user reads them.

ValueColumn(spec)                                   # a field's value as text
MomentColumn("updated_at", label=_("Updated"))      # in the user's formats
columns_for(entity, ["first_name", "city", "owner"])   # a saved view's columns
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from modules.access.spec import OPEN_FLAG
from modules.core import formats

#: Set on the rows of a list page or export chunk: what their user may see of the
#: records they link to (`access.links.Links`).
LINKS = "record_links"


class ValueColumn(Column):
    """A field's value as text (choice labels, money with currency, user names)."""

    def __init__(self, spec):
        super().__init__(
            spec.api_name,
            label=spec.display_label,
            sort_key=spec.api_name if spec.type_class.sortable else None,
        )
        self.spec = spec

    def get_value(self, instance):
        if not (self.spec.is_basic or getattr(instance, OPEN_FLAG, True)):
            return ""
        # The page's rows carry what their user may see of linked records (listing.LINKS).
        return getattr(instance, LINKS).text(instance, self.spec)


class OpenOnlyColumn(Column):
    """A system column (owner, dates) left blank on records the user may only list."""

    def get_value(self, instance):
        return super().get_value(instance) if getattr(instance, OPEN_FLAG, True) else ""


class MomentColumn(OpenOnlyColumn):
    """A system date and time in the user's time zone and date and time formats."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return formats.moment(value) if value else ""


class NumberColumn(OpenOnlyColumn):
    """A system number (the score) with the user's separators."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return formats.number(value, 2) if value not in (None, "") else ""


def system_column(name: str) -> Column:
    """The list column of a system value (owner, dates, segment, score)."""
    if name in ("updated_at", "created_at"):
        label = _("Updated") if name == "updated_at" else _("Created")
        return MomentColumn(name, label=label, sort_key=name)
    if name == "score":
        return NumberColumn("score", label=_("Score"), sort_key="score")
    if name == "segment":
        return OpenOnlyColumn("segment", label=_("Segment"), sort_key="segment")
    return OpenOnlyColumn("owner", label=_("Owner"))


def columns_for(entity, names: list[str]) -> list:
    """The list's columns for a saved view's names, in its order, the title first."""
    return [
        "__str__",
        *(
            ValueColumn(entity.field(name)) if entity.has_field(name) else system_column(name)
            for name in names
        ),
    ]
