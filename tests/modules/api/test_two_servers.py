"""A field added through one server process is usable through another on its next request."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.support.tokens import secret_for

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two servers share one PostgreSQL database"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def servers(live_schema):
    """Two gunicorn processes on the test database; yields their base URLs."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "SECRET_KEY": "test-only-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "project.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}/api/v1" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for url in urls:
            while True:
                try:
                    requests.get(f"{url}/", timeout=5)  # a JSON 404: cheap, shows it is up
                    break
                except requests.RequestException:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def test_field_added_on_one_server_works_on_the_other_at_once(servers, admin):
    # given both servers have served requests (and built their snapshots)
    first, second = servers
    headers = {"Authorization": f"Token {secret_for(admin)}"}
    for url in servers:
        assert requests.get(f"{url}/companies/", headers=headers, timeout=10).status_code == 200
    # when a field is added through the first
    added = requests.post(
        f"{first}/meta/entity-types/companies/fields/",
        headers=headers,
        json={"api_name": "potential", "label": "Sales potential", "type": "integer"},
        timeout=30,
    )
    assert added.status_code == 201, added.text
    # then the second knows it on its very next request, a GET: the version it checks at
    # the request's first query has moved, so it serves the request on the new schema
    known = requests.get(f"{second}/companies/?potential__gte=0", headers=headers, timeout=10)
    assert known.status_code == 200, known.text
    # and it takes and filters it
    created = requests.post(
        f"{second}/companies/", headers=headers, json={"name": "Acme", "potential": 9}, timeout=10
    )
    assert created.status_code == 201, created.text
    found = requests.get(f"{second}/companies/?potential__gte=9", headers=headers, timeout=10)
    assert [r["name"] for r in found.json()["results"]] == ["Acme"]
    # and both document it
    for url in servers:
        schema = requests.get(f"{url}/schema/", headers=headers, timeout=30).json()
        assert "potential" in schema["components"]["schemas"]["CompaniesRecord"]["properties"]
