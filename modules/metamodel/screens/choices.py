"""The choices editor: a row per choice with a label per language and a colour, added,
renamed, reordered and removed on the page; codes are made from the labels.

    choices = ChoicesField(required=False)      # cleaned: [{"value", "label", "color"?}, ...]
    form = FieldEditForm(initial={"choices": field.options["choices"]})

A row keeps the code it had (records store codes, so a renamed choice keeps its records);
a new row gets one from its label: "Key account" -> `key_account`, `key_account_2` if taken.
Rows are posted in page order, so the order of the rows is the order of the choices.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.i18n import localized
from modules.core.translated import shipped_languages

MAX_CHOICES = 500
CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
#: The colours a choice may take: (hex, name).
PALETTE = [
    ("#6b7280", gettext_lazy("Grey")),
    ("#dc2626", gettext_lazy("Red")),
    ("#ea580c", gettext_lazy("Orange")),
    ("#ca8a04", gettext_lazy("Yellow")),
    ("#16a34a", gettext_lazy("Green")),
    ("#0d9488", gettext_lazy("Teal")),
    ("#2563eb", gettext_lazy("Blue")),
    ("#7c3aed", gettext_lazy("Purple")),
    ("#db2777", gettext_lazy("Pink")),
]


#: Letters that Unicode does not decompose into an ASCII letter and a mark.
UNDECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"}
)


def code_from(text: str) -> str:
    """A choice code from a label: ASCII letters and digits joined by underscores."""
    plain = unicodedata.normalize("NFKD", text.translate(UNDECOMPOSED))
    ascii_text = plain.encode("ascii", "ignore").decode()
    code = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60].rstrip("_")
    return code or "choice"


class ChoicesWidget(forms.Widget):
    """Rows of inputs, a template row for new choices, and buttons to add, move and remove."""

    template_name = "metamodel/widgets/choices.html"

    def value_from_datadict(self, data, files, name):
        codes = data.getlist(f"{name}-value")
        colours = data.getlist(f"{name}-color")
        labels = {code: data.getlist(f"{name}-label-{code}") for code, _n in shipped_languages()}
        rows = []
        for index, code in enumerate(codes):
            rows.append(
                {
                    "value": code,
                    "label": {
                        lang: (texts[index] if index < len(texts) else "")
                        for lang, texts in labels.items()
                    },
                    "color": colours[index] if index < len(colours) else "",
                }
            )
        return rows

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        languages = shipped_languages()
        rows = []
        for choice in value or []:
            label = choice.get("label")
            texts = label if isinstance(label, dict) else {languages[0][0]: label or ""}
            rows.append(
                {
                    "value": choice.get("value", ""),
                    "labels": [(code, lang, texts.get(code, "")) for code, lang in languages],
                    "color": choice.get("color", ""),
                    "title": localized(label),
                }
            )
        used = {row["color"] for row in rows} - {""} - {hex_ for hex_, _n in PALETTE}
        context["widget"].update(
            rows=rows,
            blank={"labels": [(code, lang, "") for code, lang in languages]},
            languages=languages,
            palette=[*PALETTE, *((hex_, hex_) for hex_ in sorted(used))],
        )
        return context


class ChoicesField(forms.Field):
    """The cleaned choices, or a message naming what is wrong (nothing is saved then)."""

    widget = ChoicesWidget

    def to_python(self, value):
        rows = value if isinstance(value, list) else []
        default = shipped_languages()[0][0]
        cleaned, problems, seen_codes, seen_labels = [], [], set(), {}
        for number, row in enumerate(rows, start=1):
            texts = {
                lang: " ".join(str(text).split())
                for lang, text in row.get("label", {}).items()
                if str(text).strip()
            }
            code = str(row.get("value") or "").strip()
            if not texts:
                if code:
                    problems.append(
                        _("Choice %(number)s has no label: give it one or remove it.")
                        % {"number": number}
                    )
                continue  # an empty new row
            if any(len(text) > 255 for text in texts.values()):
                problems.append(
                    _("The label of choice %(number)s is longer than 255 characters.")
                    % {"number": number}
                )
                continue
            shown = texts.get(default) or next(iter(texts.values()))
            key = shown.casefold()
            if key in seen_labels:
                problems.append(
                    _("Two choices are called “%(label)s”: give each its own label.")
                    % {"label": shown}
                )
                continue
            seen_labels[key] = number
            if code and not CODE.fullmatch(code):
                problems.append(
                    _("Choice “%(label)s” has a code that is not valid.") % {"label": shown}
                )
                continue
            if code and code in seen_codes:
                problems.append(_("Two choices have the code “%(code)s”.") % {"code": code})
                continue
            colour = str(row.get("color") or "")
            if colour and not COLOUR.fullmatch(colour):
                problems.append(
                    _("Pick the colour of “%(label)s” from the list.") % {"label": shown}
                )
                continue
            entry = {"value": code, "label": shown if set(texts) == {default} else texts}
            if colour:
                entry["color"] = colour
            if code:
                seen_codes.add(code)
            cleaned.append(entry)
        for entry in cleaned:
            if not entry["value"]:
                entry["value"] = _free_code(code_from(localized_text(entry["label"])), seen_codes)
                seen_codes.add(entry["value"])
        if len(cleaned) > MAX_CHOICES:
            problems.append(_("A field has at most %(max)s choices.") % {"max": MAX_CHOICES})
        if problems:
            raise forms.ValidationError(problems)
        return cleaned

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(_("Add at least one choice."), code="required")


def localized_text(label) -> str:
    """The default language's text of a label, for making its code."""
    if isinstance(label, dict):
        return label.get(shipped_languages()[0][0]) or next(iter(label.values()))
    return label


def _free_code(code: str, taken: set[str]) -> str:
    candidate, suffix = code, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{code[:58]}_{suffix}"
    return candidate
