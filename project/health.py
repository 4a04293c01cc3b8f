"""`/healthz` and `/readyz`: what a load balancer and an orchestrator ask a web process.

    GET /healthz   200 {"status": "ok"}: the process answers (no database, no Redis)
    GET /readyz    200, or 503 naming the checks that failed:
                   {"status": "unavailable", "checks": {"database": "ok", "redis": "failed",
                    "migrations": "ok", "schema": "ok"}, "schema_version": 12}

Answered by the first middleware, before host validation, sessions or the schema snapshot:
a probe comes by address rather than by the site's name, and a process whose database is
down must still say so instead of failing in the middleware that reads the schema. Neither
needs authentication, so neither says more than "ok" or "failed": why a check failed is
logged, not answered.
"""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

from modules.metamodel.models import SchemaState

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
#: Seconds a Redis probe may take before the check fails.
REDIS_TIMEOUT = 2.0

_migrated = False


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    if settings.REDIS_URL:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        with client:
            client.ping()


def _migrations() -> None:
    """Every migration this code has is applied (remembered once true: they stay applied)."""
    global _migrated
    if _migrated:
        return
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("unapplied migrations")
    _migrated = True


CHECKS = {"database": _database, "redis": _redis, "migrations": _migrations}


def readiness() -> tuple[bool, dict]:
    """Run every check; (ready, the body `/readyz` answers)."""
    checks, version = {}, None
    for name, check in CHECKS.items():
        try:
            check()
            checks[name] = "ok"
        except Exception:
            logger.warning("Readiness check %s failed", name, exc_info=True)
            checks[name] = "failed"
    try:
        version = SchemaState.current()[0] if checks["database"] == "ok" else None
        checks["schema"] = "ok" if version is not None else "failed"
    except Exception:
        logger.warning("Readiness check schema failed", exc_info=True)
        checks["schema"] = "failed"
    ready = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks, "schema_version": version}
    return ready, body


class HealthCheckMiddleware:
    """Answers `GET`/`HEAD` on `/healthz` and `/readyz`; passes every other request on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path in (HEALTH_PATH, READY_PATH):
            if request.path == HEALTH_PATH:
                response = JsonResponse({"status": "ok"})
            else:
                ready, body = readiness()
                response = JsonResponse(body, status=200 if ready else 503)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
