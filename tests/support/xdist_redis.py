"""Each pytest-xdist worker gets a Redis database of its own.

The suite clears the cache between tests (throttle and lockout counters live there); two
workers sharing one database would wipe each other's counters mid-test. Worker ``gwN`` uses
database ``base - N`` of the ``REDIS_URL`` the run was given (15, 14, … for the default
``/15``). Settings are read before any conftest, so the Redis settings are rewritten here,
before the first cache access or Celery configuration, and the environment too, for the
processes the suite starts.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings


def worker_redis_url(url: str, worker: str) -> str:
    """The Redis URL for xdist worker ``worker`` (``gw0``, ``gw1``, …) of a run on ``url``."""
    parts = urlsplit(url)
    database = int(parts.path.lstrip("/") or 0) - int(worker.removeprefix("gw"))
    if database < 0:
        raise pytest.UsageError(f"REDIS_URL {url} leaves no Redis database for worker {worker}")
    return urlunsplit(parts._replace(path=f"/{database}"))


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not settings.REDIS_URL:
        return
    url = worker_redis_url(settings.REDIS_URL, worker)
    os.environ["REDIS_URL"] = url
    settings.REDIS_URL = url
    settings.CACHES["default"]["LOCATION"] = url
    settings.CELERY_BROKER_URL = url
    settings.CELERY_RESULT_BACKEND = url
