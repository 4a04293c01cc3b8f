"""Checking a segmentation scheme: parameters, their rules and the segments over the score.

    parameters, segments = SegmentationService().validate(entity, payload)   # or SchemeInvalid

Every problem is keyed like the payload (`parameters.0.ranges.1.min`, `segments.2.min`).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.utils.translation import gettext as _

from modules.metamodel.models import FieldDefinition
from modules.metamodel.runtime.specs import EntitySpec
from modules.segmentation.exceptions import SchemeInvalid
from modules.segmentation.kinds import clean_number, kind_of, number_text
from modules.segmentation.models import Parameter, Segment

MAX_PARAMETERS = 30
MAX_SEGMENTS = 20
MAX_WEIGHT = Decimal(100)

Errors = dict[str, list[str]]


def _text(value: Any, key: str, errors: Errors, *, limit: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = [_("Give text.")]
        return ""
    value = value.strip()
    if required and not value:
        errors[key] = [_("This field is required.")]
    elif len(value) > limit:
        errors[key] = [_("Use at most %(n)s characters.") % {"n": limit}]
    return value


def _segment_order(item: tuple[int, Segment]):
    _index, segment = item
    if segment.min_score is None:
        return (0, Decimal(0), segment.max_score is None, segment.max_score or 0)
    return (1, segment.min_score, segment.max_score is None, segment.max_score or 0)


class SchemeValidation:
    """Turns a payload into unsaved parameters and segments, or raises SchemeInvalid."""

    def validate(self, entity: EntitySpec, payload: Any) -> tuple[list[Parameter], list[Segment]]:
        """Unsaved parameter and segment objects from a payload; SchemeInvalid with every
        problem keyed like the payload otherwise."""
        errors: Errors = {}
        if not isinstance(payload, dict):
            raise SchemeInvalid(_('Give the scheme as {"parameters": [...], "segments": [...]}.'))
        parameters = self._parameters(entity, payload.get("parameters", []), errors)
        segments = self._segments(payload.get("segments"), errors)
        if errors:
            raise SchemeInvalid(
                _("The segmentation scheme is not valid; nothing was saved."), errors=errors
            )
        return parameters, segments

    def _parameters(self, entity: EntitySpec, items: Any, errors: Errors) -> list[Parameter]:
        if not isinstance(items, list):
            errors["parameters"] = [_("Give a list of parameters.")]
            return []
        if len(items) > MAX_PARAMETERS:
            errors["parameters"] = [_("Give at most %(n)s parameters.") % {"n": MAX_PARAMETERS}]
            return []
        parameters, names = [], {}
        for index, item in enumerate(items):
            prefix = f"parameters.{index}"
            if not isinstance(item, dict):
                errors[prefix] = [_("Give a parameter as an object.")]
                continue
            name = _text(item.get("name"), f"{prefix}.name", errors, limit=100)
            if name and name.casefold() in names:
                errors[f"{prefix}.name"] = [
                    _("Parameter %(n)s has this name already.") % {"n": names[name.casefold()] + 1}
                ]
            names.setdefault(name.casefold(), index)
            description = _text(
                item.get("description"), f"{prefix}.description", errors, limit=1000, required=False
            )
            weight = self._weight(item.get("weight", 1), f"{prefix}.weight", errors)
            spec = self._field(entity, item.get("field"), f"{prefix}.field", errors)
            if spec is None:
                continue
            kind = kind_of(spec)
            if item.get("kind") not in (None, kind.type):
                errors[f"{prefix}.kind"] = [
                    _("A %(type)s field is scored by %(kind)s, not by %(asked)s.")
                    % {"type": spec.type_class.label, "kind": kind.label, "asked": item["kind"]}
                ]
                continue
            others = [
                k for k in ("ranges", "values") if k != kind.rules_key and item.get(k) is not None
            ]
            if others:
                errors[f"{prefix}.{others[0]}"] = [
                    _("'%(field)s' is a %(type)s field: score it by %(kind)s.")
                    % {"field": spec.api_name, "type": spec.type_class.label, "kind": kind.label}
                ]
                continue
            rules = kind.clean(spec, item, prefix, errors)
            if weight is None or not rules:
                continue
            parameters.append(
                kind.model(
                    field_id=spec.id, name=name, description=description, weight=weight, **rules
                )
            )
        return parameters

    @staticmethod
    def _weight(value: Any, key: str, errors: Errors) -> Decimal | None:
        weight = clean_number(value, key, errors, places=2)
        if key in errors:
            return None
        if weight is None or weight < 0 or weight > MAX_WEIGHT:
            errors[key] = [_("Give an importance from 0 to %(max)s.") % {"max": MAX_WEIGHT}]
            return None
        return weight

    @staticmethod
    def _field(entity: EntitySpec, api_name: Any, key: str, errors: Errors):
        if not isinstance(api_name, str) or not api_name:
            errors[key] = [_("Choose the field this parameter scores.")]
            return None
        if not entity.has_field(api_name):
            trashed = (
                FieldDefinition.objects.trashed()
                .filter(entity_type_id=entity.id, api_name=api_name)
                .exists()
            )
            errors[key] = [
                _("The field '%(name)s' is in the trash; restore it or choose another field.")
                % {"name": api_name}
                if trashed
                else _("There is no field '%(name)s'.") % {"name": api_name}
            ]
            return None
        spec = entity.field(api_name)
        if kind_of(spec) is None:
            errors[key] = [
                _(
                    "A %(type)s field cannot be scored; choose a number, choice, text, yes/no "
                    "or user field."
                )
                % {"type": spec.type_class.label}
            ]
            return None
        return spec

    def _segments(self, items: Any, errors: Errors) -> list[Segment]:
        if not isinstance(items, list) or not items:
            errors["segments"] = [_("Name at least one segment.")]
            return []
        if len(items) > MAX_SEGMENTS:
            errors["segments"] = [_("Name at most %(n)s segments.") % {"n": MAX_SEGMENTS}]
            return []
        segments, names = [], {}
        for index, item in enumerate(items):
            prefix = f"segments.{index}"
            if not isinstance(item, dict):
                errors[prefix] = [_('Give a segment as {"name", "min", "max"}.')]
                continue
            name = _text(item.get("name"), f"{prefix}.name", errors, limit=64)
            if name and name.casefold() in names:
                errors[f"{prefix}.name"] = [
                    _("Segment %(n)s has this name already.") % {"n": names[name.casefold()] + 1}
                ]
            names.setdefault(name.casefold(), index)
            low = clean_number(item.get("min"), f"{prefix}.min", errors, places=2)
            high = clean_number(item.get("max"), f"{prefix}.max", errors, places=2)
            if low is not None and high is not None and low >= high:
                errors[f"{prefix}.max"] = [_("The end of a segment must be above its start.")]
            segments.append((index, Segment(name=name, min_score=low, max_score=high)))
        if not any(key.startswith("segments") for key in errors):
            self._check_coverage(segments, errors)
        return [segment for _index, segment in sorted(segments, key=_segment_order)]

    @staticmethod
    def _check_coverage(segments: list[tuple[int, Segment]], errors: Errors) -> None:
        """Every score falls in exactly one segment: the lowest is open below, the highest
        open above, and each starts exactly where the one below ends."""
        ordered = sorted(segments, key=_segment_order)
        first_index, first = ordered[0]
        if first.min_score is not None:
            errors[f"segments.{first_index}.min"] = [
                _("Leave the start of the lowest segment empty, so it takes every score below.")
            ]
        last_index, last = ordered[-1]
        if last.max_score is not None:
            errors[f"segments.{last_index}.max"] = [
                _("Leave the end of the highest segment empty, so it takes every score above.")
            ]
        for (_i, below), (index, above) in pairwise(ordered):
            if above.min_score is None or below.max_score is None:
                errors[f"segments.{index}.min"] = [
                    _(
                        "Only the lowest segment may have an open start, and only the highest "
                        "an open end."
                    )
                ]
            elif above.min_score > below.max_score:
                errors[f"segments.{index}.min"] = [
                    _(
                        "Scores from %(low)s to %(high)s fall in no segment: start this segment "
                        "where '%(below)s' ends."
                    )
                    % {
                        "low": number_text(below.max_score),
                        "high": number_text(above.min_score),
                        "below": below.name,
                    }
                ]
            elif above.min_score < below.max_score:
                errors[f"segments.{index}.min"] = [
                    _("This segment overlaps '%(below)s', which ends at %(end)s.")
                    % {"below": below.name, "end": number_text(below.max_score)}
                ]
