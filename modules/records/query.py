"""Reading record lists the same way in the API and the admin: what may be filtered or
sorted.

    unreadable = unreadable_names(rows, user, entity, {"employees", "name"})  # {"employees"}

A non-public record a user may only list shows its basic fields; searching,
filtering or sorting by any other field would reveal those values, so search skips
them on such records (`RecordQuerySet.search`) and a filter or sort by them is
refused. So is a filter or sort by a link field while a listed record links to a
record out of the user's sight: the link is withheld (`access/links.py`), and its order
or a match would give its id away.
"""

from __future__ import annotations

from modules.access import engine
from modules.access.links import link_fields, withheld_link_exists
from modules.metamodel.runtime.specs import EntitySpec


def restricted_readable(entity: EntitySpec) -> set[str]:
    """What a user reads on a non-public record they may not open."""
    return {"id", "visibility", *(spec.api_name for spec in entity.fields if spec.is_basic)}


def unreadable_names(queryset, user, entity: EntitySpec, names) -> set[str]:
    """Of `names`, those some record in `queryset` withholds from the user (one EXISTS, and
    one per named link field)."""
    names = set(names)
    masked = names - restricted_readable(entity)
    unreadable = masked if masked and engine.restricted_exists(queryset, user, entity) else set()
    for spec in link_fields(entity):
        if spec.api_name in names - unreadable and withheld_link_exists(queryset, user, spec):
            unreadable.add(spec.api_name)
    return unreadable
