"""The queryset of every runtime model: live or trashed records, what a user sees, search.

    Person.objects.alive().visible_to(user)       # live records the user may see, flagged
    Person.objects.alive().search("ada", user)    # ... with "ada" in a field they may read

Who may see what is the access engine's to decide, and access sits above metamodel: it
registers its answers here in `AccessConfig.ready()` (`register_access`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from modules.core.trash import TrashQuerySet


@dataclass(frozen=True)
class RecordAccess:
    """The access engine's answers the queryset needs."""

    #: `scope(queryset, user, entity)`: the rows the user may see, each flagged open or not.
    scope: Callable
    #: `open_q(user, entity)`: the condition "the user may open the record" (every field).
    open_q: Callable


_access: list[RecordAccess] = []


def register_access(scope: Callable, open_q: Callable) -> None:
    """Have the queryset ask `scope` and `open_q` who may see and open records."""
    _access[:] = [RecordAccess(scope=scope, open_q=open_q)]


def _registered() -> RecordAccess:
    assert _access, "No access engine registered: is modules.access in INSTALLED_APPS?"
    return _access[0]


class RecordQuerySet(TrashQuerySet):
    """Records of one runtime model; `alive()` and `trashed()` come from the trash."""

    def visible_to(self, user):
        """The records `user` may see (None: the system sees all), each flagged by the
        access engine as open or listed with its basic fields only."""
        return _registered().scope(self, user, self.model.entity)

    def search(self, text: str | None, user):
        """Records with each word of `text` in a searchable field `user` may read on that
        record ("Jan Kowalski": "jan" in one field, "kowalski" in the same or another): a
        basic field on any record, another field only on records the user may open."""
        found = self
        for word in (text or "").split():
            found = found._search_word(word, user)
        return found

    def _search_word(self, text: str, user):
        entity = self.model.entity
        basic, other = [], []
        for spec in entity.fields:
            condition = spec.type_class.search_q(spec, text)
            if condition is not None:
                (basic if spec.is_basic else other).append(condition)
        if other:
            basic.append(_registered().open_q(user, entity) & reduce(or_, other))
        if not basic:
            return self.none()
        return self.filter(reduce(or_, basic))
