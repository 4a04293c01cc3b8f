"""What modules above history tell its presenter.

History sits below relations, so it cannot import them; relations registers here in its
`AppConfig.ready()` instead:

    hooks.register_far_end(specs.other_entity_id)   # relations: (type id, side) -> entity id
    hooks.far_end(4, "target")                      # the entity type at that end, or None

Without a registration no relation key has a far end (its values show no titles).

A module that writes history rows about something not every reader of the record may
read narrows who reads those rows (activity: a note's history to whom the note admits):

    hooks.register_narrowing("notes", note_history_q)   # (user, whole) -> Q over RowHistory
    RowHistory.objects.filter(hooks.readable_q(user))   # what every reader applies

A module that acts on what was written (webhooks) listens to every recorded write, inside
the writer's transaction:

    hooks.register_listener(on_recorded)   # (entity, operation, action, batch, entries)
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

FarEnd = Callable[[int, str], int | None]

_far_ends: list[FarEnd] = []


def register_far_end(finder: FarEnd) -> None:
    """Have `finder(type id, side)` name the entity type at the far end of a relation."""
    _far_ends[:] = [finder]


def far_end(type_id: int, side: str) -> int | None:
    """The entity type at the far end of `side` of relation type `type_id`, if known."""
    return _far_ends[0](type_id, side) if _far_ends else None


#: `narrow(user, whole)`: a condition on RowHistory rows `user` may read, or None for all;
#: `whole` is False where the user sees the record in part (its basic fields only).
Narrowing = Callable[[object, bool], Q | None]

_narrowings: dict[str, Narrowing] = {}


def register_narrowing(name: str, narrow: Narrowing) -> None:
    """Have `narrow(user, whole)` withhold rows a module writes about what `user` may not read
    (activity: the history of a note the user may not read)."""
    _narrowings[name] = narrow


def readable_q(user, *, whole: bool = True) -> Q:
    """The history rows `user` may read as far as the registered modules say (every
    reader of history rows applies it on top of its own checks); `whole=False` for a
    reader who sees the record in part."""
    condition = Q()
    for narrow in _narrowings.values():
        part = narrow(user, whole)
        if part is not None:
            condition &= part
    return condition


#: `listener(entity, operation, action, batch, entries)`, `entries` a list of
#: `(record id, changes)`: called by the recorder after it wrote rows, in the same transaction.
Listener = Callable[[object, str, str, str, list], None]

_listeners: list[Listener] = []


def register_listener(listener: Listener) -> None:
    """Have `listener` told of every write the recorder records."""
    if listener not in _listeners:
        _listeners.append(listener)


def unregister_listener(listener: Listener) -> None:
    """Stop telling `listener` (the benchmarks measure writes without it)."""
    if listener in _listeners:
        _listeners.remove(listener)


def recorded(entity, operation: str, action: str, batch: str, entries: list) -> None:
    """Tell the listeners of rows just written (the recorder calls it)."""
    for listener in _listeners:
        listener(entity, operation, action, batch, entries)
