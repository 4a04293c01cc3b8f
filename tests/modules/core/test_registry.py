import pytest

from modules.core.registry import Registry, RegistryError


class Thing:
    def __init__(self, key):
        self.type = key


def test_register_get_and_unknown_keys():
    registry = Registry("thing")
    first = registry.register(Thing("a"))
    assert registry.get("a") is first and "a" in registry and registry.keys() == ["a"]
    with pytest.raises(registry.DoesNotExist) as error:
        registry.get("b")
    assert error.value.code == "unknown_thing"


def test_registering_twice_is_an_error():
    registry = Registry("thing")
    registry.register(Thing("a"))
    with pytest.raises(RegistryError):
        registry.register(Thing("a"))
    registry.unregister("a")
    assert list(registry) == []
