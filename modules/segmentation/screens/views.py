"""Settings > Segmentation: the scheme configurator of each entity type, for administrators.

The configurator is one form in two steps, as the seed describes: (1) parameters —
a field, a name, a description, an importance and the ranges or values with their
points; (2) segments — names over ranges of total points. "Preview" shows how many
records each segment would hold, saving nothing; "Save" calls `SegmentationService`
once (a refusal shows next to each field it names, nothing saved) and the page then
follows the recompute of every record.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.exceptions import TesseraError
from modules.core.i18n import localized
from modules.core.values import is_digits
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.screens.base import SettingsAreaView
from modules.segmentation.exceptions import SegmentationNotEnabled
from modules.segmentation.kinds import kind_of, parameter_kinds
from modules.segmentation.models import Recompute
from modules.segmentation.services import SegmentationService

NS = "segmentation_settings"
#: Form names: `param-0-name`, `param-0-range-1-min`, `param-0-value-2-points`, `segment-3-max`.
PARAM_KEY = re.compile(r"^param-(\d+)-(name|description|field|weight)$")
RULE_KEY = re.compile(r"^param-(\d+)-(range|value)-(\d+)-(min|max|points|value)$")
SEGMENT_KEY = re.compile(r"^segment-(\d+)-(name|min|max)$")


def url(name: str, *args) -> str:
    """A URL of the segmentation settings."""
    return reverse(f"{NS}:{name}", args=args)


def payload_from_post(post) -> dict:
    """The service's payload from the configurator's flat form names, in index order."""
    params: dict[int, dict] = {}
    rules: dict[tuple[int, str, int], dict] = {}
    segments: dict[int, dict] = {}
    for key, value in post.items():
        if match := PARAM_KEY.match(key):
            params.setdefault(int(match[1]), {})[match[2]] = value
        elif match := RULE_KEY.match(key):
            rules.setdefault((int(match[1]), match[2], int(match[3])), {})[match[4]] = value
        elif match := SEGMENT_KEY.match(key):
            segments.setdefault(int(match[1]), {})[match[2]] = value or None
    for param in params.values():
        param["ranges"], param["values"] = [], []
    for (index, kind, _position), rule in sorted(rules.items()):
        if index in params:
            for end in ("min", "max"):
                if end in rule and not str(rule[end]).strip():
                    rule[end] = None
            params[index]["ranges" if kind == "range" else "values"].append(rule)
    for param in params.values():
        # Only the editor of the field's kind is filled in; the other one's rows are blank.
        param["ranges"] = [
            r for r in param["ranges"] if any(v not in (None, "") for v in r.values())
        ]
        param["values"] = [
            v for v in param["values"] if any(x not in (None, "") for x in v.values())
        ]
        for key in ("ranges", "values"):
            if not param[key]:
                param.pop(key)
    return {
        "parameters": [params[i] for i in sorted(params)],
        "segments": [segments[i] for i in sorted(segments)],
    }


def indexed_errors(errors: dict) -> dict:
    """Service error keys (`parameters.0.ranges.1.min`) as the form's names."""
    shown = {}
    for key, problems in errors.items():
        name = (
            key.replace("parameters.", "param-")
            .replace("segments.", "segment-")
            .replace(".ranges.", "-range-")
            .replace(".values.", "-value-")
            .replace(".", "-")
        )
        shown[name] = problems
    return shown


class SegmentationSettingsView(SettingsAreaView):
    """A page under Settings > Segmentation."""

    segmentation = SegmentationService()


class SegmentationIndexView(SegmentationSettingsView):
    """Every entity type with segmentation on, with its segments and last recompute."""

    template_name = "segmentation/index.html"
    page_title = gettext_lazy("Segmentation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        for entity in sorted(get_snapshot().entities, key=lambda e: e.slug):
            if not entity.supports_segmentation:
                continue
            scheme = self.segmentation.scheme(entity.slug)
            rows.append(
                {
                    "slug": entity.slug,
                    "label": localized(entity.label_plural) or entity.slug,
                    "icon": entity.icon,
                    "parameters": [p["name"] for p in scheme["parameters"]],
                    "segments": [s["name"] for s in scheme["segments"]],
                    "recompute": scheme["recompute"],
                    "status": Recompute.Status(scheme["recompute"]["status"]).label
                    if scheme["recompute"]
                    else "",
                }
            )
        context["entity_types"] = rows
        return context


class SchemeView(SegmentationSettingsView):
    """The configurator of one entity type's scheme."""

    template_name = "segmentation/scheme.html"
    page_title = gettext_lazy("Segmentation")

    @cached_property
    def entity(self):
        try:
            return self.segmentation.entity(self.kwargs["slug"])
        except (EntityTypeNotFound, SegmentationNotEnabled) as error:
            raise Http404(error.detail) from None

    def get_page_subtitle(self):
        return localized(self.entity.label_plural)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": "", "label": localized(self.entity.label_plural) or self.entity.slug},
        ]

    def get(self, request, *args, **kwargs):
        scheme = self.segmentation.scheme(self.entity.slug)
        return self.render_to_response(self.get_context_data(scheme=scheme))

    def post(self, request, *args, **kwargs):
        slug = self.entity.slug
        payload = payload_from_post(request.POST)
        version = request.POST.get("version", "")
        stored = self.segmentation.scheme(slug)
        context = {"scheme": {**stored, **payload}}
        try:
            if "preview" in request.POST:
                context["preview"] = self.segmentation.preview(request.user, slug, payload)
            else:
                self.segmentation.save(
                    request.user,
                    slug,
                    payload,
                    expected_version=int(version) if is_digits(version) else None,
                )
                messages.success(
                    request,
                    _("Segmentation of %(entity)s saved; every record is being re-scored.")
                    % {"entity": localized(self.entity.label_plural)},
                )
                return redirect(url("scheme", slug))
        except TesseraError as error:
            context["errors"] = indexed_errors(error.errors)
            context["error_detail"] = error.detail
            return self.render_to_response(self.get_context_data(**context), status=400)
        return self.render_to_response(self.get_context_data(**context))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scheme = kwargs["scheme"]
        errors = kwargs.get("errors", {})
        fields = [spec for spec in self.entity.fields if kind_of(spec) is not None]
        kinds = {spec.api_name: kind_of(spec).type for spec in fields}
        choices = {
            spec.api_name: [
                (c.get("value"), localized(c.get("label"))) for c in spec.options.get("choices", [])
            ]
            for spec in fields
        }
        context.update(
            entity=self.entity,
            entity_label=localized(self.entity.label_plural) or self.entity.slug,
            fields=[
                {
                    "api_name": spec.api_name,
                    "label": spec.display_label,
                    "kind": kind_of(spec).type,
                    "choices": [
                        (c.get("value"), localized(c.get("label")))
                        for c in spec.options.get("choices", [])
                    ],
                }
                for spec in fields
            ],
            kinds={kind.type: kind.label for kind in parameter_kinds},
            parameters=[
                self._parameter(i, p, errors, kinds, choices)
                for i, p in enumerate(scheme["parameters"])
            ],
            segments=[
                {**s, "index": i, "errors": {k: errors.get(f"segment-{i}-{k}") for k in s}}
                for i, s in enumerate(scheme["segments"])
            ],
            errors=errors,
            general_errors=[
                message
                for key in ("parameters", "segments", "non_field_errors")
                for message in errors.get(key, [])
            ],
            distribution=self.segmentation.distribution(self.request.user, self.entity.slug),
            progress_url=url("progress", self.entity.slug),
            builder_url=reverse("tessera_settings:builder", args=[self.entity.slug]),
        )
        for chart in ("distribution", "preview"):
            if context.get(chart) or kwargs.get(chart):
                data = kwargs.get(chart) or context[chart]
                peak = max([row["count"] for row in data["segments"]] + [1])
                for row in data["segments"]:
                    row["width"] = round(100 * row["count"] / peak)
                context[chart] = data
        return context

    @staticmethod
    def _parameter(index: int, parameter: dict, errors: dict, kinds: dict, choices: dict) -> dict:
        prefix = f"param-{index}"
        own = {k[len(prefix) + 1 :]: v for k, v in errors.items() if k.startswith(prefix + "-")}
        offered = choices.get(parameter.get("field")) or []
        codes = {code for code, _label in offered}
        return {
            **parameter,
            "kind": kinds.get(parameter.get("field"), parameter.get("kind")),
            "choices": offered,
            "index": index,
            "errors": own,
            "ranges": [
                {**r, "index": j, "errors": {e: own.get(f"range-{j}-{e}") for e in r}}
                for j, r in enumerate(parameter.get("ranges") or [])
            ],
            "values": [
                {
                    **v,
                    "index": j,
                    "known": v.get("value") in codes,
                    "errors": {e: own.get(f"value-{j}-{e}") for e in v},
                }
                for j, v in enumerate(parameter.get("values") or [])
            ],
        }


class RecomputeView(SegmentationSettingsView):
    """POST: re-score every record by the stored scheme now."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            self.segmentation.recompute(request.user, kwargs["slug"])
        except (EntityTypeNotFound, SegmentationNotEnabled) as error:
            raise Http404(error.detail) from None
        except TesseraError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Every record is being re-scored."))
        return redirect(url("scheme", kwargs["slug"]))


class ProgressView(SegmentationSettingsView):
    """GET: the last recompute's progress as JSON, polled by the configurator."""

    def get(self, request, *args, **kwargs):
        try:
            scheme = self.segmentation.scheme(kwargs["slug"])
        except (EntityTypeNotFound, SegmentationNotEnabled) as error:
            raise Http404(error.detail) from None
        return JsonResponse({"recompute": scheme["recompute"]})
