"""Settings come from the environment; production defaults are safe."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def settings_in_a_fresh_process(env: dict, expression: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "ALLOWED_HOSTS",
            "CELERY_TASK_ALWAYS_EAGER",
        }
    }
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "project.settings", **env},
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = settings_in_a_fresh_process({}, "settings.SECRET_KEY")
    assert result.returncode != 0 and "Set SECRET_KEY" in result.stderr


def test_production_defaults_are_safe():
    result = settings_in_a_fresh_process(
        {"SECRET_KEY": "s3cret"},
        "settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.ALLOWED_HOSTS, settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.DATABASES['default']['ENGINE']",
    )
    assert result.stdout.strip() == (
        "False True True ['127.0.0.1', 'localhost'] True django.db.backends.sqlite3"
    )


def test_environment_selects_postgres_and_redis():
    result = settings_in_a_fresh_process(
        {
            "SECRET_KEY": "s",
            "DATABASE_URL": "postgres://u@db.example:5433/crm",
            "REDIS_URL": "redis://cache.example:6379/2",
            "ALLOWED_HOSTS": "crm.example,.example",
        },
        "settings.DATABASES['default']['HOST'], settings.CELERY_BROKER_URL, "
        "settings.CELERY_TASK_ALWAYS_EAGER, settings.ALLOWED_HOSTS",
    )
    assert result.stdout.strip() == (
        "db.example redis://cache.example:6379/2 False ['crm.example', '.example']"
    )
