"""A segmentation scheme per entity type: parameters that score fields, and named segments.

    scheme = Scheme.objects.get(entity_type__slug="persons")
    scheme.parameters.all()      # NumericParameter / CategoricalParameter (polymorphic)
    scheme.segments.all()        # Weak [-inf, 10), Medium [10, 20), ...

A record's score is the sum over parameters of the points its field's value earns,
times the parameter's weight; its segment is the one whose score range holds it.
Schemes are metadata: saving one bumps the schema version, and `SegmentationService`
is the only writer.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from polymorphic.models import PolymorphicModel
from simple_history.models import HistoricalRecords

from modules.metamodel.models import EntityType, FieldDefinition


class Scheme(models.Model):
    """The segmentation settings of one entity type."""

    entity_type = models.OneToOneField(
        EntityType, on_delete=models.CASCADE, related_name="segmentation_scheme"
    )
    #: Raised by every save; a recompute records the version it applied.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The scheme as saved (the service's payload): who changed what, when.
    definition = models.JSONField(default=dict)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.entity_type.slug} v{self.version}"


class Parameter(PolymorphicModel):
    """One criterion: the points a field's value earns, times a weight."""

    #: The key of the kind (`numeric`, `categorical`): a field type's `segmentation_kind`.
    type: ClassVar[str] = ""
    label: ClassVar[Any] = ""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="parameters")
    field = models.ForeignKey(
        FieldDefinition, on_delete=models.CASCADE, related_name="segmentation_parameters"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, default="")
    weight = models.DecimalField(_("importance"), max_digits=6, decimal_places=2, default=1)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def rules(self) -> dict:
        """The kind's own settings as the API shows them (`ranges` or `values`)."""
        raise NotImplementedError

    def points(self, value: Any) -> int:
        """The points a (segmentation) value earns; 0 when empty or matched by nothing."""
        raise NotImplementedError

    def possible_points(self) -> list[int]:
        """Every number of points a value can earn (besides 0)."""
        raise NotImplementedError

    def points_sql(self, column: str, factor: Decimal) -> tuple[str, list]:
        """A SQL expression of `points * factor` for the value in `column`, with params."""
        raise NotImplementedError


class NumericParameter(Parameter):
    """A number scored by ranges: `[min, max)` → points; an open end is `null`."""

    type = "numeric"
    label = _("Numeric (ranges)")

    #: `[{"min": "10" | null, "max": "100" | null, "points": 5}, ...]`, ordered, not overlapping.
    ranges = models.JSONField(default=list)

    def rules(self) -> dict:
        return {"ranges": self.ranges}

    def possible_points(self) -> list[int]:
        return [r["points"] for r in self.ranges]

    @cached_property
    def bounds(self) -> list[tuple[Decimal | None, Decimal | None, int]]:
        """The ranges with decimal bounds."""
        return [
            (
                None if r["min"] is None else Decimal(r["min"]),
                None if r["max"] is None else Decimal(r["max"]),
                r["points"],
            )
            for r in self.ranges
        ]

    def points(self, value: Any) -> int:
        if value is None:
            return 0
        number = Decimal(value)
        for low, high, points in self.bounds:
            if (low is None or number >= low) and (high is None or number < high):
                return points
        return 0

    def points_sql(self, column: str, factor: Decimal) -> tuple[str, list]:
        branches, params = [], []
        for low, high, points in self.bounds:
            tests = []
            if low is not None:
                tests.append(f"{column} >= %s::numeric")
                params.append(low)
            if high is not None:
                tests.append(f"{column} < %s::numeric")
                params.append(high)
            condition = " AND ".join(tests) or f"{column} IS NOT NULL"
            branches.append(f"WHEN {condition} THEN %s::numeric")
            params.append(points * factor)
        if not branches:
            return "0", []
        return f"CASE {' '.join(branches)} ELSE 0 END", params


class CategoricalParameter(Parameter):
    """A value (a choice, a text, yes/no, a user) scored by a list of values → points."""

    type = "categorical"
    label = _("Values")

    #: `[{"value": <the field's value>, "points": 5}, ...]`, each value once.
    values = models.JSONField(default=list)

    def rules(self) -> dict:
        return {"values": self.values}

    def possible_points(self) -> list[int]:
        return [v["points"] for v in self.values]

    @cached_property
    def lookup(self) -> dict:
        """Value → points."""
        return {v["value"]: v["points"] for v in self.values}

    def points(self, value: Any) -> int:
        if value is None:
            return 0
        return self.lookup.get(value, 0)

    def points_sql(self, column: str, factor: Decimal) -> tuple[str, list]:
        if not self.values:
            return "0", []
        branches, params = [], []
        for value, points in self.lookup.items():
            branches.append("WHEN %s THEN %s::numeric")
            params.extend([value, points * factor])
        return f"CASE {column} {' '.join(branches)} ELSE 0 END", params


class Segment(models.Model):
    """A named range of total scores: `[min_score, max_score)`; an open end is null."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="segments")
    name = models.CharField(_("name"), max_length=64)
    min_score = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Recompute(models.Model):
    """One run of re-segmenting every record of an entity type, with its progress."""

    class Status(models.TextChoices):
        """Where the run is."""

        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        SUPERSEDED = "superseded", _("Replaced by a newer run")
        FAILED = "failed", _("Failed")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="recomputes")
    scheme_version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    #: Rows to go through and rows gone through (every record, trashed ones too).
    total = models.PositiveBigIntegerField(default=0)
    done = models.PositiveBigIntegerField(default=0)
    #: Rows whose score or segment changed.
    changed = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Moved by the worker with every batch; a running run whose heartbeat is older than
    #: RECOMPUTE_LEASE_SECONDS lost its worker and is sent again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.scheme} {self.status} {self.done}/{self.total}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.SUPERSEDED, self.Status.FAILED)

    @property
    def batch_key(self) -> str:
        """The `batch` of the history rows this run writes."""
        return f"recompute-{self.pk}"

    def lease_expired(self, now=None) -> bool:
        """A running run whose worker stopped reporting (killed, lost)."""
        if self.status != self.Status.RUNNING or self.heartbeat_at is None:
            return False
        lease = timedelta(seconds=settings.RECOMPUTE_LEASE_SECONDS)
        return (now or timezone.now()) - self.heartbeat_at > lease

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    def as_dict(self) -> dict:
        """The run's progress as the API and the settings screen show it."""
        return {
            "id": self.pk,
            "status": self.status,
            "scheme_version": self.scheme_version,
            "done": self.done,
            "total": self.total,
            "changed": self.changed,
            "percent": self.percent,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "error": self.error,
        }
