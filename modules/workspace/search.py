"""The global search: records of every entity type the user may see, grouped by type.

    groups = search(user, "Jan Kowalski")          # [Group(entity, hits, more), ...]
    groups = search(user, "wrob", limit=8)         # type-ahead: fewer per type

Each word of the query must be in some searchable field of the record, without case or
diacritics ("Wrobel" finds "Wróbel"): `objects.visible_to(user).alive().search(text, user)`,
so the access engine decides what is found, and a field beyond the basic ones counts only on
records the user may open. PostgreSQL serves the words with the trigram indexes on
`tessera_fold(column)` (`metamodel/ddl.py`); SQLite compares the same folded text.

Ranking reads only basic fields (a sort by a field the user may not read would tell its
value): per word, 3 when a basic field equals it, 2 when one starts with it, else 0; ties
newest first. Groups are ordered by their best hit. Nothing is counted: a group says only
whether there are more than it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import add

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Greatest

from modules.metamodel.runtime import get_snapshot
from modules.records.screens.lookup import searched_fields

#: Words of a query that count (a pasted paragraph is not a huge query).
MAX_WORDS = 5
#: Longer words are cut: no searchable value is longer, and each is a pattern to match.
MAX_WORD_LENGTH = 100
#: Hits per entity type by default, and at most.
DEFAULT_LIMIT = 5
MAX_LIMIT = 20


@dataclass
class Group:
    """The hits of one entity type, best first."""

    entity: object
    hits: list = field(default_factory=list)
    ranks: list = field(default_factory=list)
    #: Whether more records than `hits` match.
    more: bool = False


def words_of(text: str | None) -> list[str]:
    """The words a query searches for (control characters, which no value holds, dropped)."""
    printable = "".join(c if c.isprintable() else " " for c in (text or ""))
    return [word[:MAX_WORD_LENGTH] for word in printable.split()[:MAX_WORDS]]


def _rank(entity, words: list[str]):
    """Per word, the best basic field's match: equal 3, starts with 2, else 0; summed."""
    names = searched_fields(entity)
    if not names:
        return Value(0, output_field=IntegerField())
    per_word = []
    for word in words:
        per_field = [
            Case(
                When(Q(**{f"{name}__folded_exact": word}), then=Value(3)),
                When(Q(**{f"{name}__folded_startswith": word}), then=Value(2)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for name in names
        ]
        per_word.append(per_field[0] if len(per_field) == 1 else Greatest(*per_field))
    return reduce(add, per_word)


def search(user, text: str | None, *, limit: int = DEFAULT_LIMIT, types=None) -> list[Group]:
    """Records matching every word of `text` that `user` may see, up to `limit` per type,
    grouped by entity type (only types with hits; `types`: slugs to keep to)."""
    words = words_of(text)
    if not words:
        return []
    snapshot = get_snapshot()
    groups = []
    for entity in sorted(snapshot.entities, key=lambda e: e.display_label_plural):
        if types and entity.slug not in types:
            continue
        model = snapshot.model(entity.slug)
        rows = (
            model.objects.visible_to(user)
            .alive()
            .search(" ".join(words), user)
            .annotate(_search_rank=_rank(entity, words))
            .order_by("-_search_rank", "-updated_at", "-pk")
        )
        found = list(rows[: limit + 1])
        if found:
            groups.append(
                Group(
                    entity=entity,
                    hits=found[:limit],
                    ranks=[row._search_rank for row in found[:limit]],
                    more=len(found) > limit,
                )
            )
    groups.sort(key=lambda group: -group.ranks[0])
    return groups
