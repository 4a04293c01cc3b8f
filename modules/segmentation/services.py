"""SegmentationService: the only writer of segmentation schemes.

    service = SegmentationService()
    service.scheme("persons")                       # parameters, segments, progress
    service.save(admin, "persons", {"parameters": [...], "segments": [...]})
    service.preview(admin, "persons", payload)      # the distribution it would give
    service.distribution(admin, "persons")          # records per segment now

A save is validated whole and written in one transaction with a schema version bump;
an invalid scheme raises `SchemeInvalid` with errors keyed like the payload
(`parameters.0.ranges.1.min`, `segments.2.min`) and changes nothing. After commit
a Celery task re-scores every record (`tasks.recompute`).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from modules.core.permissions import require_administrator
from modules.metamodel.models import EntityType, FieldDefinition, SchemaState
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec
from modules.segmentation import scoring
from modules.segmentation.exceptions import SchemeInvalid, SegmentationNotEnabled, StaleScheme
from modules.segmentation.kinds import clean_number, kind_of, number_text
from modules.segmentation.models import Parameter, Recompute, Scheme, Segment
from modules.segmentation.scoring import CENTS
from modules.segmentation.tasks import recompute

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


#: Recompute figures counted over every record of the type: for administrators only.
COUNTED_OVER_EVERY_RECORD = ("done", "total", "changed")


class SegmentationService:
    """Reads and changes segmentation schemes; starts the recompute of every record."""

    # -- reading ------------------------------------------------------------------
    def entity(self, slug: str) -> EntitySpec:
        """The entity type, if segmentation is on for it (else SegmentationNotEnabled)."""
        entity = get_snapshot().entity(slug)
        if not entity.supports_segmentation:
            raise SegmentationNotEnabled(
                _("Segmentation is not switched on for %(entity)s.") % {"entity": slug}
            )
        return entity

    def stored(self, slug: str) -> Scheme | None:
        """The scheme row of an entity type, read afresh (not from a snapshot)."""
        return (
            Scheme.objects.filter(entity_type__slug=slug, entity_type__deleted_at__isnull=True)
            .prefetch_related("parameters", "segments")
            .first()
        )

    def scheme(self, slug: str, user=None) -> dict:
        """The scheme as the API and the configurator show it, with the last recompute.

        The recompute's counts (`done`, `total`, `changed`) go over every record, those
        the reader may not see too, so only administrators (and the system, `None`) get
        them; other readers get `null` there and the run's status and percent.
        """
        entity = self.entity(slug)
        scheme = self.stored(slug)
        if scheme is None:
            return {"version": 0, "parameters": [], "segments": [], "recompute": None}
        data = self.payload(scheme)
        compiled = scoring.compile_scheme(entity, scheme)
        low, high = compiled.score_range()
        data["score_range"] = {"min": str(low), "max": str(high)}
        last = scheme.recomputes.first()
        data["recompute"] = last.as_dict() if last else None
        if last and user is not None and not getattr(user, "is_administrator", False):
            data["recompute"].update(dict.fromkeys(COUNTED_OVER_EVERY_RECORD))
        return data

    @staticmethod
    def payload(scheme: Scheme) -> dict:
        """The stored scheme in the shape `save` takes."""
        return {
            "version": scheme.version,
            **shape(list(scheme.parameters.all()), list(scheme.segments.all())),
        }

    def canonical(self, slug: str, payload: Any) -> dict:
        """A payload as it would be stored (cleaned, ranges ordered), for comparisons."""
        return shape(*self.validate(self.entity(slug), payload))

    def distribution(self, user, slug: str) -> dict:
        """How many live records each segment holds now (administrators only)."""
        require_administrator(user, _("Only administrators may see how records are segmented."))
        entity = self.entity(slug)
        model = get_snapshot().model(slug)
        rows = (
            model.objects.filter(deleted_at__isnull=True)
            .values_list("segment")
            .annotate(n=Count("id"))
            .order_by()
        )
        scheme = self.stored(slug)
        names = [s.name for s in scheme.segments.all()] if scheme else []
        return self._counts(entity, names, dict(rows))

    def preview(self, user, slug: str, payload: Any) -> dict:
        """The distribution `payload` would give, without saving it (administrators only)."""
        require_administrator(user, _("Only administrators may see how records are segmented."))
        entity = self.entity(slug)
        parameters, segments = self.validate(entity, payload)
        compiled = scoring.build(entity, 0, parameters, segments)
        model = get_snapshot().model(slug)
        if connection.vendor == "postgresql":
            sql, params = compiled.distribution_sql(model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                counts = dict(cursor.fetchall())
        else:
            counts: dict = {}
            for record in model.objects.filter(deleted_at__isnull=True).iterator():
                name = compiled.segment_for(compiled.score(record))
                counts[name] = counts.get(name, 0) + 1
        return self._counts(entity, [s.name for s in segments], counts)

    @staticmethod
    def _counts(entity: EntitySpec, names: list[str], counts: dict) -> dict:
        """Counts in the scheme's segment order, then names no segment has any more."""
        rows = [{"segment": name, "count": counts.get(name, 0)} for name in names]
        rows += [
            {"segment": name, "count": n}
            for name, n in sorted(counts.items(), key=lambda kv: str(kv[0]))
            if name not in names
        ]
        return {"total": sum(counts.values()), "segments": rows}

    # -- writing -------------------------------------------------------------------
    def save(self, user, slug: str, payload: Any, *, expected_version: int | None = None) -> dict:
        """Replace the scheme; every record is re-scored by a task after commit."""
        require_administrator(user)
        entity = self.entity(slug)
        parameters, segments = self.validate(entity, payload)
        with transaction.atomic():
            # Lock the entity type, as schema changes do: changes to one type are serialised.
            row = EntityType.objects.select_for_update(no_key=True).get(pk=entity.id)
            scheme, _created = Scheme.objects.get_or_create(entity_type=row)
            if expected_version is not None and expected_version != scheme.version:
                raise StaleScheme(
                    _(
                        "Someone else saved this scheme since you opened it (version "
                        "%(theirs)s, yours %(yours)s). Reload it and apply your change again."
                    )
                    % {"theirs": scheme.version, "yours": expected_version},
                    extra={"current_version": scheme.version},
                )
            Parameter.objects.filter(scheme=scheme).delete()
            scheme.segments.all().delete()
            for position, parameter in enumerate(parameters):
                parameter.scheme, parameter.position = scheme, position
                parameter.save()
            for position, segment in enumerate(segments):
                segment.scheme, segment.position = scheme, position
                segment.save()
            scheme.version += 1
            scheme.updated_by = user
            scheme.definition = self.payload(scheme)
            scheme._history_user = user
            scheme.save()
            self.schedule_recompute(scheme)
            SchemaState.bump()
        return self.scheme(slug)

    def recompute(self, user, slug: str) -> Recompute:
        """Re-score every record now by the stored scheme (administrators only)."""
        require_administrator(user)
        self.entity(slug)
        scheme = self.stored(slug)
        if scheme is None:
            raise SchemeInvalid(_("Save a scheme first."))
        with transaction.atomic():
            return self.schedule_recompute(scheme)

    @staticmethod
    def schedule_recompute(scheme: Scheme) -> Recompute:
        """A recompute run of the scheme's current version, sent to a worker after commit."""
        run = Recompute.objects.create(scheme=scheme, scheme_version=scheme.version)
        transaction.on_commit(lambda: recompute.delay(run.pk))
        return run

    # -- validation ------------------------------------------------------------------
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
            trashed = FieldDefinition.objects.filter(
                entity_type_id=entity.id, api_name=api_name, deleted_at__isnull=False
            ).exists()
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


def shape(parameters: list[Parameter], segments: list[Segment]) -> dict:
    """Parameters and segments (saved or not) in the payload's shape."""
    fields = FieldDefinition.objects.in_bulk({p.field_id for p in parameters})
    return {
        "parameters": [
            {
                "name": p.name,
                "description": p.description,
                "field": fields[p.field_id].api_name,
                "field_available": fields[p.field_id].deleted_at is None,
                "kind": p.type,
                "weight": str(Decimal(p.weight).quantize(Decimal("0.01"))),
                **p.rules(),
            }
            for p in parameters
        ],
        "segments": [
            {
                "name": s.name,
                "min": None if s.min_score is None else str(Decimal(s.min_score).quantize(CENTS)),
                "max": None if s.max_score is None else str(Decimal(s.max_score).quantize(CENTS)),
            }
            for s in segments
        ],
    }


def _segment_order(item: tuple[int, Segment]):
    _index, segment = item
    if segment.min_score is None:
        return (0, Decimal(0), segment.max_score is None, segment.max_score or 0)
    return (1, segment.min_score, segment.max_score is None, segment.max_score or 0)
