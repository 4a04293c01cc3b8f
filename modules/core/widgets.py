"""A type-ahead picker: a text input that looks records or users up as the user types.

    widget = PickerWidget(lambda: reverse("tessera_user_lookup"), titles=user_titles)
    widget = PickerWidget(url, titles=user_titles, multiple=True)   # chips, several ids

The lookup URL answers `GET ?q=...` with JSON `[{"id": 7, "title": "Acme"}, ...]`.
The widget posts what a <select> posted: the chosen id under the field's name (one
hidden input per id when `multiple`), so form fields and services see the same values.
`titles(ids)` names the current value(s) on an edit form; an id it leaves out (a record
the user may not see, a deleted one) shows as "#id".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.core.values import is_digits


class PickerWidget(forms.Widget):
    """A text input with suggestions from a lookup URL, and a hidden input per chosen id."""

    template_name = "tessera/widgets/picker.html"

    class Media:
        js = ["tessera/picker.js"]
        css = {"all": ["tessera/picker.css"]}

    def __init__(
        self,
        lookup_url: str | Callable[[], str],
        titles: Callable[[list[int]], dict[int, str]] | None = None,
        *,
        multiple: bool = False,
        placeholder=None,
        attrs: dict | None = None,
    ):
        super().__init__(attrs)
        self.lookup_url = lookup_url
        self.titles = titles
        self.multiple = multiple
        self.placeholder = placeholder
        #: Model choice fields hand their choices to the widget; a picker never lists them.
        self.choices = []

    @property
    def allow_multiple_selected(self) -> bool:
        return self.multiple

    def use_required_attribute(self, initial):
        # The hidden input holds the value; a required text box would block chips.
        return False

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            getter = getattr(data, "getlist", None)
            return getter(name) if getter else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        # Like a multiple select: no chip left posts nothing, and that means "none".
        return False if self.multiple else name not in data

    def format_value(self, value):
        ids = _ids(value)
        if self.multiple:
            return ids
        return ids[0] if ids else ""

    def url(self) -> str:
        return self.lookup_url() if callable(self.lookup_url) else str(self.lookup_url)

    def items(self, ids: Iterable[str]) -> list[dict]:
        """The chosen ids with their titles, in the order given."""
        ids = list(ids)
        known = [int(i) for i in ids if is_digits(i)]
        titles = self.titles(known) if (self.titles and known) else {}
        return [
            {"id": i, "title": (titles.get(int(i)) if is_digits(i) else None) or f"#{i}"}
            for i in ids
        ]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        shown = widget["value"]
        ids = shown if isinstance(shown, list) else ([shown] if shown else [])
        items = self.items(ids)
        for item in items:
            item["remove_label"] = _("Remove %(title)s") % {"title": item["title"]}
        input_id = widget["attrs"].get("id") or f"picker-{name}"
        widget["attrs"].setdefault("placeholder", self.placeholder or _("Type to search…"))
        widget.update(
            items=items,
            multiple=self.multiple,
            url=self.url(),
            listbox_id=f"{input_id}-listbox",
            text="" if self.multiple or not items else items[0]["title"],
            chosen="" if self.multiple or not items else items[0]["id"],
            texts=texts(),
        )
        return context


def texts() -> dict[str, str]:
    """What the script says, as `data-text-<key>` (it fills in `%(count)s`, `%(title)s`)."""
    return {
        "searching": _("Searching…"),
        "empty": _("Nothing found."),
        "failed": _("The search failed; try again."),
        "count": _("Suggestions: %(count)s. Use the up and down arrows to choose."),
        "added": _("Added: %(title)s"),
        "removed": _("Removed: %(title)s"),
        "remove": _("Remove %(title)s"),
        "chosen": _("Chosen"),
        "clear": _("Clear"),
    }


def _ids(value) -> list[str]:
    """A value (an id, a model instance, a list of either) as a list of id strings."""
    if value is None or value == "":
        return []
    values = value if isinstance(value, (list, tuple)) else [value]
    ids = []
    for item in values:
        item = getattr(item, "pk", item)
        if item is not None and item != "":
            ids.append(str(item))
    return ids
