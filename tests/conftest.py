import pytest
from django.conf import settings
from django.utils import translation

from tests.support.entity_writes import EntityWriteGuard

pytest_plugins = [
    "tests.support.xdist_redis",
    "tests.fixtures.users",
    "tests.fixtures.accounts",
    "tests.fixtures.schema",
    "tests.fixtures.api",
    "tests.fixtures.segmentation",
    "tests.fixtures.worker",
    "tests.fixtures.transfer",
    "tests.fixtures.links",
]


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request in Polish leaves the thread in
    Polish (LocaleMiddleware activates, nothing deactivates), which would leak into the next."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True, scope="session")
def entity_writes_through_the_service():
    """Every entity row the suite writes goes through RecordService (see
    tests/support/entity_writes.py for the guard and the few allowed exceptions)."""
    guard = EntityWriteGuard()
    guard.install()
    yield guard
    guard.uninstall()
