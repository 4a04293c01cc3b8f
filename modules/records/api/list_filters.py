"""List filters that modules above records add to `GET /api/v1/{slug}/`.

Records cannot import the modules built on it, so they register here in their
`AppConfig.ready()`:

    list_filters.register({"relation", "related_to"}, related)   # relations
    queryset = list_filters.apply(request, queryset, entity)     # RecordViewSet's list

`apply(request, queryset, entity)` narrows the queryset by the parameters it names (or
returns it as it is when none was given) and raises DRF's `ValidationError` for bad ones.
"""

from __future__ import annotations

from collections.abc import Callable

ListFilter = Callable[[object, object, object], object]

_filters: list[tuple[frozenset[str], ListFilter]] = []


def register(parameters: set[str], list_filter: ListFilter) -> None:
    """Have `list_filter(request, queryset, entity)` narrow every list; it reads `parameters`."""
    entry = (frozenset(parameters), list_filter)
    if entry not in _filters:
        _filters.append(entry)


def parameters() -> set[str]:
    """The query parameters the registered filters read."""
    return {name for names, _filter in _filters for name in names}


def apply(request, queryset, entity):
    """The queryset narrowed by every registered filter."""
    for _names, list_filter in _filters:
        queryset = list_filter(request, queryset, entity)
    return queryset
