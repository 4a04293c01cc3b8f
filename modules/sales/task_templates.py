"""The task templates an action may name, supplied by the module that owns them.

    task_templates.register(lambda: {"call-back": "Call back"})   # tasks' AppConfig.ready()
    task_templates.known()        # {"call-back": "Call back"}

Sales sits below the tasks module, so it cannot read its templates; an action stores a
template's key and a pipeline naming a key nobody supplies is refused. With no supplier
registered no key is known, and actions trigger no task.
"""

from __future__ import annotations

from collections.abc import Callable

Supplier = Callable[[], dict[str, str]]

_suppliers: list[Supplier] = []


def register(supplier: Supplier) -> None:
    """Have `supplier()` (key -> label) asked for the templates an action may name."""
    if supplier not in _suppliers:
        _suppliers.append(supplier)


def unregister(supplier: Supplier) -> None:
    """Forget a supplier (tests)."""
    if supplier in _suppliers:
        _suppliers.remove(supplier)


def known() -> dict[str, str]:
    """Every template key any supplier knows, with its label."""
    found: dict[str, str] = {}
    for supplier in _suppliers:
        found.update(supplier())
    return found
