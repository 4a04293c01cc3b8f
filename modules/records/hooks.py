"""What modules above records add to a record as `RecordService` writes it.

Records sits below segmentation and relations, so it cannot import them; they register
here in their `AppConfig.ready()` instead:

    hooks.register_preparer(score_record)     # segmentation: score and segment the record
    changed = hooks.prepare(entity, record)   # every preparer, in order; attributes changed

    hooks.register_restore_check(relations_over_limit)         # relations
    problems = hooks.restore_conflicts(user, entity, record_id)  # every check, in order

    hooks.register_assigner(distribution.assign)                # leads: who gets a new lead
    changed = hooks.assign(user, entity, record, owner_given=False)

    hooks.register_merge_mover(move_relations)                  # relations, notes, tasks…
    moved = hooks.move_links(user, entity, kept_id, merged_id)  # {"relations": 3, …}

    hooks.register_write_check(process_guard)                  # sales
    hooks.check_write(user, entity, record, values, creating)  # raises to refuse

A preparer takes the entity spec and an unsaved or changed record, sets attributes on it and
returns the names of those it changed. Every writer (one record or in bulk) calls `prepare`.
A restore check takes the acting user, the entity spec and a trashed record's id and returns
what bringing the record back would break, as sentences for that user; a restore that any
check objects to is refused.
An assigner takes the acting user, the entity spec, a new unsaved record (after the
preparers ran) and whether the caller named its owner; it may set the owner and other
attributes and returns the names of those it changed. `RecordService.create` calls every
assigner inside its transaction; the bulk writers (import) do not.
A merge mover takes the acting user, the entity spec and the ids of the record kept and the
record merged into it, moves what its module links to the merged record over to the kept
one (inside the merge's transaction; the merge has checked access) and returns what it
moved, as counts by a name.
A write check takes the acting user, the entity spec, the record as stored (unsaved on a
create), the cleaned values the write sets (by api name) and whether it creates; it raises
a domain error (`TesseraError`) to refuse the write, before anything is written. `create`
and `update` (and so the bulk edit) ask it; the bulk primitives of `writes` do not.
"""

from __future__ import annotations

from collections.abc import Callable

Preparer = Callable[[object, object], list[str]]
RestoreCheck = Callable[[object, object, object], list[str]]
Assigner = Callable[[object, object, object, bool], list[str]]
MergeMover = Callable[[object, object, int, int], dict[str, int]]
WriteCheck = Callable[[object, object, object, dict, bool], None]

_preparers: list[Preparer] = []
_restore_checks: list[RestoreCheck] = []
_assigners: list[Assigner] = []
_merge_movers: list[MergeMover] = []
_write_checks: list[WriteCheck] = []


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


def register_restore_check(check: RestoreCheck) -> None:
    """Have `check(user, entity, record_id)` asked before a trashed record is restored."""
    if check not in _restore_checks:
        _restore_checks.append(check)


def restore_conflicts(user, entity, record_id) -> list[str]:
    """What restoring the record would break, by every registered check; empty: nothing."""
    problems: list[str] = []
    for check in _restore_checks:
        problems.extend(check(user, entity, record_id))
    return problems


def register_assigner(assigner: Assigner) -> None:
    """Have `assigner(user, entity, record, owner_given)` run on every record `create` makes."""
    if assigner not in _assigners:
        _assigners.append(assigner)


def assign(user, entity, record, *, owner_given: bool) -> list[str]:
    """Run every registered assigner on a new record; the names of the attributes changed."""
    changed: list[str] = []
    for assigner in _assigners:
        changed.extend(assigner(user, entity, record, owner_given))
    return changed


def register_merge_mover(mover: MergeMover) -> None:
    """Have `mover(user, entity, kept_id, merged_id)` move its links when records merge."""
    if mover not in _merge_movers:
        _merge_movers.append(mover)


def move_links(user, entity, kept_id: int, merged_id: int) -> dict[str, int]:
    """Run every merge mover; what each moved, by name."""
    moved: dict[str, int] = {}
    for mover in _merge_movers:
        for name, count in mover(user, entity, kept_id, merged_id).items():
            moved[name] = moved.get(name, 0) + count
    return moved


def register_write_check(check: WriteCheck) -> None:
    """Have `check(user, entity, record, values, creating)` asked before a record is written."""
    if check not in _write_checks:
        _write_checks.append(check)


def check_write(user, entity, record, values: dict, creating: bool) -> None:
    """Ask every registered write check; the first that objects raises."""
    for check in _write_checks:
        check(user, entity, record, values, creating)
