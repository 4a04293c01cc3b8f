"""The trash: rows with `deleted_at` set are in it, the others are alive.

    EntityType.objects.alive()                  # a queryset built on TrashQuerySet
    Count("fields", filter=alive_q("fields"))   # the same condition across a relation

Every model with a `deleted_at` column asks here, so "alive" is written once.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def _column(relation: str) -> str:
    return f"{relation}__deleted_at__isnull" if relation else "deleted_at__isnull"


def alive_q(relation: str = "") -> Q:
    """Rows not in the trash; `relation` reaches the `deleted_at` of a related model."""
    return Q(**{_column(relation): True})


def trashed_q(relation: str = "") -> Q:
    """Rows in the trash; `relation` reaches the `deleted_at` of a related model."""
    return Q(**{_column(relation): False})


class TrashQuerySet(models.QuerySet):
    """A queryset of a model with a `deleted_at` column: `.alive()` and `.trashed()`."""

    def alive(self):
        """The rows not in the trash."""
        return self.filter(alive_q())

    def trashed(self):
        """The rows in the trash."""
        return self.filter(trashed_q())
