"""The note form of the record screens: plain paragraphs, level, tags, date and files."""

from __future__ import annotations

from django import forms
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext_lazy as _

from modules.activity import text
from modules.activity.files import KINDS
from modules.activity.models import NoteVisibility


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that takes several files."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (each checked by `NoteService`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accepted()}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(one, initial) for one in data]
        return [super().clean(data, initial)] if data else []


def accepted() -> str:
    """The file input's `accept`: the extensions notes take."""
    return ",".join(f".{extension}" for extension in sorted(KINDS))


class NoteForm(forms.Form):
    """A note as the profile writes it; the text becomes paragraphs (no markup typed)."""

    body = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=text.MAX_LENGTH,
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=NoteVisibility.choices,
        initial=NoteVisibility.EVERYONE,
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas.")
    )
    published_at = forms.DateTimeField(
        label=_("Date"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now."),
    )
    files = MultipleFileField(label=_("Files"), required=False)

    def values(self) -> dict:
        """The service's values from the valid form."""
        data = self.cleaned_data
        values = {
            "body": linebreaks(escape(data["body"])),
            "visibility": data["visibility"],
            "tags": [t for t in data["tags"].split(",") if t.strip()],
        }
        if data.get("published_at"):
            values["published_at"] = data["published_at"]
        return values


class CommentForm(forms.Form):
    """A comment under a note: plain text."""

    body = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
