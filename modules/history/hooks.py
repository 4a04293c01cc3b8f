"""What modules above history tell its presenter.

History sits below relations, so it cannot import them; relations registers here in its
`AppConfig.ready()` instead:

    hooks.register_far_end(specs.other_entity_id)   # relations: (type id, side) -> entity id
    hooks.far_end(4, "target")                      # the entity type at that end, or None

Without a registration no relation key has a far end (its values show no titles).
"""

from __future__ import annotations

from collections.abc import Callable

FarEnd = Callable[[int, str], int | None]

_far_ends: list[FarEnd] = []


def register_far_end(finder: FarEnd) -> None:
    """Have `finder(type id, side)` name the entity type at the far end of a relation."""
    _far_ends[:] = [finder]


def far_end(type_id: int, side: str) -> int | None:
    """The entity type at the far end of `side` of relation type `type_id`, if known."""
    return _far_ends[0](type_id, side) if _far_ends else None
