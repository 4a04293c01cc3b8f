"""A fresh soak database and Redis database, migrated and synced, with the soak's people.

    recreate_database(url); flush_redis(redis_url)   # before django.setup()
    migrate()                                         # migrate + sync_schemas
    people = make_people(writers=20)                  # an administrator and 20 writers

Every run starts from nothing, as on a new machine: the database named by
SOAK_DATABASE_URL is dropped and created again (its name must contain "soak", so a
mistyped URL cannot drop anyone's data), and the Redis database of SOAK_REDIS_URL
(broker, results, cache) is emptied.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import environ
import redis

from tests.benchmarks.data import connect


def database_config(url: str) -> dict:
    """Connection settings from a postgres:// URL."""
    config = environ.Env.db_url_config(url)
    assert "postgresql" in config["ENGINE"], "The soak needs PostgreSQL (SOAK_DATABASE_URL)."
    assert "soak" in config["NAME"], (
        f"SOAK_DATABASE_URL names {config['NAME']!r}; the soak drops its database on every "
        "run, so give one whose name contains 'soak'."
    )
    return config


def recreate_database(config: dict) -> None:
    name = config["NAME"]
    with connect(config, "postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flush_redis(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def migrate() -> None:
    """Tables and the built-in entity types, as a deployment does (docs/deployment.md)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("sync_schemas", stdout=io.StringIO())


@dataclass
class People:
    """The administrator and the writers, with their API tokens."""

    admin_id: int
    admin_token: str
    writers: list[tuple[str, str]]  # (username, token)


def make_people(writers: int) -> People:
    """A superuser and `writers` plain users (the default User role may add and edit)."""
    from django.contrib.auth import get_user_model

    from tests.support.tokens import secret_for

    users = get_user_model()
    admin = users.objects.create_user(
        username="soak_admin", email="soak_admin@example.com", is_superuser=True, is_staff=True
    )
    tokens = []
    for number in range(1, writers + 1):
        name = f"soak_writer_{number:02d}"
        user = users.objects.create_user(username=name, email=f"{name}@example.com")
        tokens.append((name, secret_for(user)))
    return People(admin.pk, secret_for(admin), tokens)
