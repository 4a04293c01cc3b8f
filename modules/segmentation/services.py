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
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from modules.core.permissions import require_administrator
from modules.core.trash import alive_q
from modules.metamodel.models import EntityType, FieldDefinition, SchemaState
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec
from modules.segmentation import scoring
from modules.segmentation.exceptions import SchemeInvalid, SegmentationNotEnabled, StaleScheme
from modules.segmentation.models import Parameter, Recompute, Scheme, Segment
from modules.segmentation.scoring import CENTS
from modules.segmentation.tasks import recompute
from modules.segmentation.validation import SchemeValidation

#: Recompute figures counted over every record of the type: for administrators only.
COUNTED_OVER_EVERY_RECORD = ("done", "total", "changed")


class SegmentationService(SchemeValidation):
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
            Scheme.objects.filter(alive_q("entity_type"), entity_type__slug=slug)
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
        rows = model.objects.alive().values_list("segment").annotate(n=Count("id")).order_by()
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
            for record in model.objects.alive().iterator():
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
