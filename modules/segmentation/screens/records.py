"""What segmentation adds to the record screens (registered in `apps.py`).

    extensions.register_list_filters(segment_filters)               # Segment, Score
    extensions.register_profile_panel("segmentation", segmentation_panel)

The list filters by the scheme's segments and a score range; the profile shows the
record's segment, its score and why (the points of each parameter).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from modules.segmentation.scoring import compiled_scheme


def segment_filters(entity) -> dict:
    """The list's Segment (the scheme's segments) and Score (a range) filters."""
    if not entity.supports_segmentation:
        return {}
    compiled = compiled_scheme(entity)
    names = [name for name, _low, _high in compiled.segments] if compiled else []
    return {
        "segment": django_filters.MultipleChoiceFilter(
            field_name="segment", label=_("Segment"), choices=[(n, n) for n in names]
        ),
        "score": django_filters.RangeFilter(field_name="score", label=_("Score")),
    }


def segmentation_panel(user, entity, record) -> dict | None:
    """The record's segment and score, and why: the points of each parameter."""
    compiled = compiled_scheme(entity)
    if compiled is None:
        return None
    why = compiled.explain(record, viewer=user)
    return {
        "segment": record.segment,
        "score": record.score,
        "why": why,
        # Stored before the scheme changed, and the recompute has not reached it yet.
        "stale": record.score is not None and compiled.score(record) != record.score,
    }
