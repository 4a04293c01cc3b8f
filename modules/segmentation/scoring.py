"""The scorer: a scheme compiled once per schema snapshot, scoring in Python or in SQL.

    compiled = compiled_scheme(entity)                # None without a scheme
    compiled.apply(record)                            # sets record.score / record.segment
    compiled.explain(record, viewer=user)             # points per parameter ("why")
    sql, params = compiled.score_sql()                # the score as one SQL expression

**The rule.** Each parameter gives points for its field's value (a numeric range
`[min, max)` or a listed value; an empty value or one no rule matches gives 0). The
score is the sum over parameters of `points * weight`, exact to two decimal places
(points are whole numbers, weights have two places). The segment is the one whose
range `[min, max)` holds the score; the segments cover every score. Single saves
score in Python; the recompute (`recompute.py`) runs the same rule in SQL per id range,
and writes only rows whose score or segment differs (`IS DISTINCT FROM`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec, FieldSpec
from modules.segmentation.models import Parameter, Scheme, Segment

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class CompiledParameter:
    """A parameter with the field it scores, as the snapshot knows it."""

    parameter: Parameter
    spec: FieldSpec
    weight: Decimal

    def value(self, record) -> Any:
        """What the parameter scores on `record`."""
        type_class = self.spec.type_class
        return type_class.segmentation_value(self.spec, type_class.get_value(record, self.spec))

    def points(self, record) -> int:
        return self.parameter.points(self.value(record))


@dataclass(frozen=True)
class CompiledScheme:
    """The rules of one scheme version over one snapshot's fields."""

    version: int
    parameters: tuple[CompiledParameter, ...]
    #: `(name, min, max)` ordered by score.
    segments: tuple[tuple[str, Decimal | None, Decimal | None], ...]

    # -- Python -----------------------------------------------------------------------
    def score(self, record) -> Decimal:
        total = sum(
            (Decimal(p.points(record)) * p.weight for p in self.parameters), start=Decimal(0)
        )
        return total.quantize(CENTS)

    def segment_for(self, score: Decimal) -> str | None:
        for name, low, high in self.segments:
            if (low is None or score >= low) and (high is None or score < high):
                return name
        return None

    def apply(self, record) -> list[str]:
        """Set `record.score` and `record.segment`; the attributes that changed."""
        score = self.score(record)
        segment = self.segment_for(score)
        changed = []
        if record.score is None or Decimal(record.score) != score:
            record.score = score
            changed.append("score")
        if record.segment != segment:
            record.segment = segment
            changed.append("segment")
        return changed

    def explain(self, record, *, viewer) -> list[dict]:
        """Per parameter: its name, field, the value scored (as `viewer` reads it), points,
        weight and the product."""
        rows = []
        for p in self.parameters:
            points = p.points(record)
            rows.append(
                {
                    "parameter": p.parameter.name,
                    "description": p.parameter.description,
                    "field": p.spec.api_name,
                    "field_label": p.spec.display_label,
                    "value": p.spec.type_class.display_value(
                        p.spec, p.spec.type_class.get_value(record, p.spec), viewer=viewer
                    ),
                    "points": points,
                    "weight": p.weight,
                    "weighted": (Decimal(points) * p.weight).quantize(CENTS),
                }
            )
        return rows

    def score_range(self) -> tuple[Decimal, Decimal]:
        """The lowest and the highest score a record can get."""
        low = high = Decimal(0)
        for p in self.parameters:
            possible = [0, *p.parameter.possible_points()]
            weighted = [Decimal(x) * p.weight for x in possible]
            low, high = low + min(weighted), high + max(weighted)
        return low.quantize(CENTS), high.quantize(CENTS)

    # -- SQL (PostgreSQL) ------------------------------------------------------------
    def score_sql(self) -> tuple[str, list]:
        """The score of a row as one SQL expression over its columns."""
        parts, params = [], []
        for p in self.parameters:
            column = connection.ops.quote_name(p.spec.column)
            sql, part_params = p.parameter.points_sql(column, p.weight)
            parts.append(sql)
            params.extend(part_params)
        if not parts:
            return "0::numeric(14,2)", []
        return f"({' + '.join(parts)})::numeric(14,2)", params

    def segment_sql(self, score: str, score_params: list) -> tuple[str, list]:
        """The segment of a score expression, as a CASE over the segments' upper ends."""
        branches, params = [], []
        for name, _low, high in self.segments[:-1]:
            branches.append(f"WHEN {score} < %s::numeric THEN %s")
            params.extend([*score_params, high, name])
        if not self.segments:
            return "NULL", []
        last = self.segments[-1][0]
        if not branches:
            return "%s", [last]
        return f"CASE {' '.join(branches)} ELSE %s END", [*params, last]

    def distribution_sql(self, table: str) -> tuple[str, list]:
        """How many live records each segment would hold under this scheme."""
        score, score_params = self.score_sql()
        segment, segment_params = self.segment_sql(score, score_params)
        sql = (
            f"SELECT {segment} AS s, count(*) FROM {connection.ops.quote_name(table)} "
            "WHERE deleted_at IS NULL GROUP BY 1"
        )
        return sql, segment_params


def compile_scheme(entity: EntitySpec, scheme: Scheme | None = None) -> CompiledScheme | None:
    """Compile the stored scheme of `entity` (or the given, unsaved one) over its live
    fields. Parameters whose field is not live (in the trash) score nothing."""
    if scheme is None:
        scheme = (
            Scheme.objects.filter(entity_type_id=entity.id)
            .prefetch_related("parameters", "segments")
            .first()
        )
        if scheme is None:
            return None
    return build(entity, scheme.version, list(scheme.parameters.all()), list(scheme.segments.all()))


def build(
    entity: EntitySpec, version: int, parameters: list[Parameter], segments: list[Segment]
) -> CompiledScheme:
    """A compiled scheme from parameter and segment objects (saved or not)."""
    live = {spec.id: spec for spec in entity.fields}
    compiled = tuple(
        CompiledParameter(p, live[p.field_id], Decimal(p.weight))
        for p in parameters
        if p.field_id in live
    )
    ordered = sorted(segments, key=lambda s: (s.min_score is not None, s.min_score or 0))
    return CompiledScheme(
        version=version,
        parameters=compiled,
        segments=tuple((s.name, s.min_score, s.max_score) for s in ordered),
    )


def compiled_scheme(entity: EntitySpec) -> CompiledScheme | None:
    """The scheme of `entity` compiled once per schema snapshot (saving a scheme bumps the
    version, so every process compiles the new one on its next request or task)."""
    if not entity.supports_segmentation:
        return None
    return get_snapshot().memo(("segmentation", entity.id), lambda: compile_scheme(entity))


def score_record(entity: EntitySpec, record) -> list[str]:
    """Score and segment `record` by the current scheme; the attributes that changed."""
    compiled = compiled_scheme(entity)
    if compiled is None:
        return []
    return compiled.apply(record)
