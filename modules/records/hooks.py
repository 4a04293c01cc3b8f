"""What modules above records add to a record as `RecordService` writes it.

Records sits below segmentation and relations, so it cannot import them; they register
here in their `AppConfig.ready()` instead:

    hooks.register_preparer(score_record)     # segmentation: score and segment the record
    changed = hooks.prepare(entity, record)   # every preparer, in order; attributes changed

A preparer takes the entity spec and an unsaved or changed record, sets attributes on it and
returns the names of those it changed. Every writer (one record or in bulk) calls `prepare`.
"""

from __future__ import annotations

from collections.abc import Callable

Preparer = Callable[[object, object], list[str]]

_preparers: list[Preparer] = []


def register_preparer(preparer: Preparer) -> None:
    """Have `preparer(entity, record)` run on every record a writer creates or changes."""
    if preparer not in _preparers:
        _preparers.append(preparer)


def prepare(entity, record) -> list[str]:
    """Run every registered preparer on `record`; the names of the attributes they changed."""
    changed: list[str] = []
    for preparer in _preparers:
        changed.extend(preparer(entity, record))
    return changed
