"""One registry base for every pluggable kind (field types, bulk actions, ...).

field_types = Registry("field type")
field_types.register(TextType())
field_types.get("text")          # raises field_types.DoesNotExist if unknown
"""

from collections.abc import Iterator
from typing import Generic, TypeVar

from modules.core.exceptions import TesseraError

T = TypeVar("T")


class RegistryError(TesseraError):
    """Raised when a registry is used wrongly (a key registered twice)."""

    code = "registry_error"


class Registry(Generic[T]):
    """Maps a `type` key to one instance; every item class declares `type: str`."""

    def __init__(self, name: str):
        self.name = name
        self._items: dict[str, T] = {}

        class DoesNotExist(TesseraError):
            """Raised when a key is not in this registry."""

            code = f"unknown_{name.replace(' ', '_')}"

        self.DoesNotExist = DoesNotExist

    def register(self, item: T) -> T:
        key = item.type
        assert isinstance(key, str) and key, f"{item!r} must declare a non-empty `type`"
        if key in self._items:
            raise RegistryError(f"The {self.name} {key!r} is already registered.")
        self._items[key] = item
        return item

    def unregister(self, key: str) -> None:
        self.get(key)
        del self._items[key]

    def get(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            raise self.DoesNotExist(f"Unknown {self.name}: {key!r}.") from None

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def keys(self) -> list[str]:
        return list(self._items)
