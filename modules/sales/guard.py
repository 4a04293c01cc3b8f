"""What keeps a record's process honest on every write channel, and its starting place.

    with process_writing():            # SalesService's own writes pass the guard
        RecordService().update(...)
    process_guard(user, entity, record, values, creating)   # records.hooks write check
    start_process(entity, record)                            # records.hooks preparer

A form, a plain API update or a bulk edit may not set the status, the completed actions,
the progress, the lock or the closing time, nor move the stage (that goes through the
process, with its rules), and may not change a won record while it is locked. A new record
may name its starting stage; `start_process` gives it the rest: the first stage of the
pipeline of its segment (else of the first pipeline), open, nothing done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.exceptions import Conflict
from modules.records.exceptions import RecordInvalid
from modules.sales import fields as pf
from modules.sales.models import Pipeline, Stage

_writing: ContextVar[bool] = ContextVar("sales_process_writing", default=False)


@contextmanager
def process_writing() -> Iterator[None]:
    """Mark the writes inside as the process's own."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


class RecordLocked(Conflict):
    """Raised when a won record is changed while it is locked."""

    code = "locked"


def process_guard(user, entity, record, values: dict, creating: bool) -> None:
    """The records write check: refuse process fields written around the process."""
    if _writing.get() or not pf.has_processes(entity):
        return
    if not creating and getattr(record, pf.LOCKED, False):
        raise RecordLocked(_("This record was won and is locked; someone allowed must unlock it."))
    guarded = pf.GUARDED if creating else (*pf.GUARDED, pf.STAGE)
    errors = {}
    for name in guarded:
        if name not in values or not entity.has_field(name):
            continue
        spec = entity.field(name)
        # A new record's form sends the fields empty (an unticked lock is false): only a
        # value the process would not start with is refused. A PUT or an edit form that
        # leaves them out sends them empty too: the stored values are kept.
        if not creating and values[name] in (None, "", [], {}, False):
            del values[name]
            continue
        if (creating and values[name]) or (
            not creating and spec.type_class.get_value(record, spec) != values[name]
        ):
            errors[name] = [
                _("This changes through the sales process (move, complete, win, lose).")
            ]
    if errors:
        raise RecordInvalid(_("Some values are not valid."), errors=errors)


def to_the_minute(moment):
    """A time as the admin's date-time fields show it, so an unchanged form stays unchanged."""
    return moment.replace(second=0, microsecond=0)


def start_process(entity, record) -> list[str]:
    """The preparer: a record without a status starts its process; the attributes set."""
    if not pf.has_processes(entity) or getattr(record, pf.STATUS, None) is not None:
        return []
    stage_key = getattr(record, pf.STAGE, None)
    stage = None
    if stage_key:
        stage = Stage.objects.filter(pipeline__entity_type_id=entity.id, key=stage_key).first()
    if stage is None:
        stage = _first_stage(entity.id, getattr(record, "segment", None))
    if stage is None:
        return []
    changed = {pf.STAGE: stage.key, pf.STATUS: pf.OPEN, pf.ACTIONS: [], pf.PROGRESS: 0}
    changed[pf.SINCE] = to_the_minute(timezone.now())
    changed[pf.LOCKED] = False
    if getattr(record, pf.PROBABILITY, None) is None:
        changed[pf.PROBABILITY] = stage.probability
    for name, value in changed.items():
        setattr(record, name, value)
    return list(changed)


def _first_stage(entity_id: int, segment: str | None) -> Stage | None:
    pipelines = list(Pipeline.objects.filter(entity_type_id=entity_id).only("id", "segments"))
    chosen = next((p for p in pipelines if segment and segment in p.segments), None)
    chosen = chosen or (pipelines[0] if pipelines else None)
    if chosen is None:
        return None
    return chosen.stages.order_by("position", "id").first()
