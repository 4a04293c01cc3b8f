"""The form builder of one entity type: its sections and fields, and arranging them.

    settings/data-model/<slug>/               BuilderView (GET)
    settings/data-model/<slug>/form-layout/   LayoutView (POST: one move, or the whole layout)

Every change goes through `SchemaService.set_layout`; administrators only.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.exceptions import TesseraError
from modules.metamodel.screens import forms as screen_forms
from modules.metamodel.screens.layout import (
    builder_sections,
    layout_payload,
    move_field,
    move_section,
)
from modules.metamodel.screens.views import FEATURE_LABELS, DataModelView, EntityMixin, url
from modules.metamodel.services import FEATURES


class BuilderView(EntityMixin, DataModelView):
    """The form builder: sections and fields in order, with their actions."""

    template_name = "metamodel/builder.html"
    page_title = gettext_lazy("Form builder")

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()[:-1]
        items[-1] = {"url": "", "label": items[-1]["label"]}
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = builder_sections(self.entity)
        for section in sections:
            if section.is_real:
                section.rename_form = screen_forms.SectionForm(
                    initial={"label": section.raw_label}, auto_id=f"id_section{section.index}_%s"
                )
            for f in section.fields:
                f.type_label = str(f.type_class.label)
                f.can_convert = bool(f.type_class.convertible_to)
        context["sections"] = sections
        context["section_form"] = kwargs.get("section_form") or screen_forms.SectionForm()
        context["trash_count"] = (
            self.entity.fields.trashed().filter(replaced_by__isnull=True).count()
        )
        context["feature_labels"] = [
            str(FEATURE_LABELS[f]) for f in FEATURES if getattr(self.entity, f)
        ]
        return context


class LayoutView(EntityMixin, DataModelView):
    """POST only: drag-and-drop layout JSON, up/down moves, add/rename/remove sections."""

    template_name = "metamodel/builder.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        sections = builder_sections(self.entity)
        payload = layout_payload(sections)
        other = [f.api_name for s in sections if not s.is_real for f in s.fields]
        post = request.POST
        try:
            if "layout" in post:
                payload = self.from_json(post["layout"], payload)
            elif "move_field" in post:
                name, _sep, direction = post["move_field"].rpartition(":")
                payload = move_field(payload, name, direction, other)
            elif "move_section" in post:
                index, _sep, direction = post["move_section"].rpartition(":")
                payload = move_section(payload, self.index(index, payload), direction)
            elif "add_section" in post or "rename_section" in post:
                form = screen_forms.SectionForm(post)
                if not form.is_valid():
                    messages.error(request, _("Give the section a name."))
                    return redirect(url("builder", self.entity.slug))
                if "add_section" in post:
                    payload.append({"label": form.cleaned_data["label"], "fields": []})
                else:
                    index = self.index(post["rename_section"], payload)
                    payload[index]["label"] = form.cleaned_data["label"]
            elif "remove_section" in post:
                index = self.index(post["remove_section"], payload)
                if payload[index]["fields"]:
                    raise TesseraError(_("Move the fields out of the section before removing it."))
                if len(payload) == 1:
                    raise TesseraError(_("A form needs at least one section."))
                del payload[index]
            else:
                raise TesseraError(_("Nothing to change."))
            self.service.set_layout(request.user, self.entity.slug, payload)
        except TesseraError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Layout saved."))
        return HttpResponseRedirect(url("builder", self.entity.slug))

    @staticmethod
    def index(value: str, payload: list) -> int:
        try:
            index = int(value)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(payload):
            raise TesseraError(_("There is no such section."))
        return index

    def from_json(self, text: str, current: list[dict]) -> list[dict]:
        """`[{"section": <index>, "fields": [...]}, ...]` from the builder's script."""
        try:
            data = json.loads(text)
        except ValueError:
            raise TesseraError(_("The layout could not be read.")) from None
        if not isinstance(data, list):
            raise TesseraError(_("The layout could not be read."))
        result = []
        for item in data:
            if not isinstance(item, dict) or not isinstance(item.get("fields"), list):
                raise TesseraError(_("The layout could not be read."))
            if "label" in item:
                label = item["label"]
            else:
                label = current[self.index(item.get("section"), current)]["label"]
            result.append({"label": label, "fields": [str(n) for n in item["fields"]]})
        return result
