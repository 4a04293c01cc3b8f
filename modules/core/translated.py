"""A label typed once per shipped language: one input per language, stored as a dict.

    label = TranslatedField(label=_("Label"))          # cleaned: {"en": "Deal", "pl": "Szansa"}
    form = Form(initial={"label": "Deal"})              # a plain string fills the English input

Blank languages are left out of the dict, and a label typed in the default language alone
is stored as plain text; a required field needs at least one language.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def shipped_languages() -> list[tuple[str, str]]:
    """(code, name) of the languages Tessera ships, the default one first."""
    return sorted(settings.LANGUAGES, key=lambda lang: lang[0] != settings.LANGUAGE_CODE)


class TranslatedWidget(forms.MultiWidget):
    """A text input per shipped language, each with its language's name as its label."""

    template_name = "tessera/widgets/translated.html"

    class Media:
        css = {"all": ["tessera/translated.css"]}

    def __init__(self, attrs=None, *, multiline: bool = False):
        self.languages = shipped_languages()
        inner = forms.Textarea(attrs={"rows": 2}) if multiline else forms.TextInput()
        widgets = [type(inner)(attrs={**inner.attrs, "lang": code}) for code, _n in self.languages]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dict):
            return [value.get(code, "") for code, _name in self.languages]
        default = settings.LANGUAGE_CODE
        return [(value or "") if code == default else "" for code, _n in self.languages]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for sub, (code, language) in zip(
            context["widget"]["subwidgets"], self.languages, strict=True
        ):
            sub["language"] = language
            sub["code"] = code
        return context


class TranslatedField(forms.MultiValueField):
    """The cleaned value is `{language: text}` with blank languages left out."""

    def __init__(self, *, max_length: int = 255, multiline: bool = False, **kwargs):
        languages = shipped_languages()
        fields = [forms.CharField(required=False, max_length=max_length) for _lang in languages]
        kwargs.setdefault(
            "help_text", _("Type it in each language; a blank one shows another language's.")
        )
        super().__init__(
            fields,
            widget=TranslatedWidget(multiline=multiline),
            require_all_fields=False,
            **kwargs,
        )
        self.codes = [code for code, _name in languages]

    def compress(self, data_list):
        texts = {
            code: " ".join(text.split())
            for code, text in zip(self.codes, data_list or [], strict=False)
            if text and text.strip()
        }
        if set(texts) == {settings.LANGUAGE_CODE}:
            # The default language alone: a plain label, as a schema file writes one.
            return texts[settings.LANGUAGE_CODE]
        return texts or ""
