"""What operators rely on: health and readiness probes, request ids in every log line,
error reports, the gunicorn configuration and the compose file."""

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import sentry_sdk
import yaml
from django.db import connection

from modules.metamodel.models import SchemaState

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="10.0.0.9")
print(json.dumps({p: [r.status_code, json.loads(r.content)]
                  for p in ("/healthz", "/readyz") for r in [client.get(p)]}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def probe(database_url: str) -> dict:
    """Ask /healthz and /readyz of a fresh process on `database_url`."""
    env = {**os.environ, "SECRET_KEY": "test-only-secret", "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "project.settings"
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.smoke
def test_healthz_answers_any_host_without_a_query(client):
    # when a load balancer asks by address, not by the site's name (without the db fixture:
    # a query would fail the test)
    response = client.get("/healthz", HTTP_HOST="10.0.0.9")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.smoke
def test_readyz_reports_every_check_and_the_schema_version(client, db):
    # when
    response = client.get("/readyz", HTTP_HOST="10.0.0.9")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "migrations": "ok", "schema": "ok"},
        "schema_version": SchemaState.current()[0],
    }


def test_readyz_is_unavailable_while_redis_is_down(client, db, settings):
    # given Redis at a port nothing listens on
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    # when
    response = client.get("/readyz")
    # then only the failed check is named, and not why
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {
        "database": "ok",
        "redis": "failed",
        "migrations": "ok",
        "schema": "ok",
    }
    assert "Connection" not in response.content.decode()


def test_readyz_is_unavailable_before_migrations_and_without_a_database(tmp_path):
    # when a process starts on an empty database, and one on a database that is not there
    empty = probe(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    down = probe(f"postgres://postgres@127.0.0.1:{free_port()}/nothing")
    # then both are alive, neither is ready, and each says what is missing
    assert empty["/healthz"] == [200, {"status": "ok"}]
    assert empty["/readyz"][0] == 503
    assert empty["/readyz"][1]["checks"] == {
        "database": "ok",
        "redis": "ok",
        "migrations": "failed",
        "schema": "failed",
    }
    assert down["/healthz"] == [200, {"status": "ok"}]
    assert down["/readyz"] == [
        503,
        {
            "status": "unavailable",
            "checks": {
                "database": "failed",
                "redis": "ok",
                "migrations": "failed",
                "schema": "failed",
            },
            "schema_version": None,
        },
    ]


@pytest.mark.smoke
def test_every_response_carries_a_request_id(client, db):
    # when a client sends none, a valid one, and one that would forge a log line
    fresh = client.get("/api/v1/")
    kept = client.get("/api/v1/", HTTP_X_REQUEST_ID="5b0c2e1f9a4d4b7e8c6f1a2b3c4d5e6f")
    forged = client.get("/api/v1/", HTTP_X_REQUEST_ID="x\nERROR forged line")
    # then
    assert len(fresh["X-Request-ID"]) == 32
    int(fresh["X-Request-ID"], 16)
    assert kept["X-Request-ID"] == "5b0c2e1f9a4d4b7e8c6f1a2b3c4d5e6f"
    assert "\n" not in forged["X-Request-ID"]
    assert forged["X-Request-ID"] != fresh["X-Request-ID"]


@pytest.fixture
def gunicorn(live_schema, tmp_path):
    """One gunicorn process with deploy/gunicorn.conf.py and JSON logs on the test database;
    yields (base URL, path of its log)."""
    db = connection.settings_dict
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "SECRET_KEY": "test-only-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "project.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/healthz", timeout=5)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="gunicorn shares the test database")
def test_log_lines_of_a_request_carry_its_id_user_and_schema_version(gunicorn, admin):
    url, log = gunicorn
    token = requests.post(
        f"{url}/api/v1/auth/token/",
        json={"username": "root", "password": "pw-Secret-123"},
        timeout=10,
    ).json()["token"]
    # when a request ends in a 404, which Django logs as a warning
    response = requests.get(
        f"{url}/api/v1/persons/987654321/", headers={"Authorization": f"Token {token}"}, timeout=10
    )
    assert response.status_code == 404
    request_id = response.headers["X-Request-ID"]
    # then the application's line is one JSON object naming the request, user and schema
    deadline = time.monotonic() + 10
    # (the application's line, then gunicorn's access line once the answer is sent)
    while log.read_text().count(request_id) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = [line for line in log.read_text().splitlines() if request_id in line]
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert [r["message"] for r in records] == ["Not Found: /api/v1/persons/987654321/"]
    assert records[0]["level"] == "WARNING"
    assert records[0]["user_id"] == admin.pk
    assert records[0]["schema_version"] == SchemaState.current()[0]
    # and the access line carries the same id
    access = [line for line in lines if not line.startswith("{")]
    assert len(access) == 1
    assert '"GET /api/v1/persons/987654321/ HTTP/1.1" 404' in access[0]


class _Receiver(BaseHTTPRequestHandler):
    received: list

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append((self.path, body.decode()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


REPORT = """
import logging, django, sentry_sdk
django.setup()
logging.getLogger("tessera.check").error("the reports reach the receiver")
sentry_sdk.flush(timeout=10)
"""


def test_errors_are_reported_to_the_sentry_dsn():
    # given an error-report receiver on 127.0.0.1
    received: list = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        "SECRET_KEY": "test-only-secret",
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/42",
        "SENTRY_ENVIRONMENT": "ci",
    }
    try:
        # when a process with SENTRY_DSN logs an error
        done = subprocess.run(
            [sys.executable, "-c", REPORT], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    finally:
        server.shutdown()
    # then the report arrived, with its environment
    assert [path for path, _ in received] == ["/api/42/envelope/"]
    body = received[0][1]
    assert "the reports reach the receiver" in body
    assert '"environment":"ci"' in body


@pytest.mark.smoke
def test_without_a_dsn_nothing_is_reported():
    assert not sentry_sdk.get_client().is_active()


def test_the_compose_file_runs_what_production_runs():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    # two web processes on the image's gunicorn command, a worker, exactly one beat
    web = [name for name, s in services.items() if name.startswith("web")]
    assert len(web) == 2 and all("command" not in services[name] for name in web)
    assert services["worker"]["command"][:4] == ["celery", "-A", "project", "worker"]
    assert [n for n, s in services.items() if "beat" in s.get("command", [])] == ["beat"]
    assert {"postgres", "redis", "migrate"} <= set(services)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER tessera" in dockerfile and dockerfile.count("FROM ") == 2


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")
def test_the_compose_file_is_valid():
    done = subprocess.run(
        ["docker-compose", "-f", "compose.yaml", "config", "-q"],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "x"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
