"""The processes under test: gunicorn with four workers and one Celery worker, on loopback.

    with Cluster(env, port=8700, logs=Path("tests/soak/.data")) as cluster:
        cluster.start_web()
        cluster.start_worker()
        cluster.kill_worker()        # SIGKILL to the worker's whole process group
    # leaving the block stops everything still running, also on Ctrl-C or an exception

Each process starts in a session (process group) of its own, so a signal reaches the
gunicorn master with its workers, or the Celery worker with its pool process, and
nothing else; each also gets SIGTERM from the kernel should the runner die without
cleaning up (PR_SET_PDEATHSIG). Start them from the main thread: the kernel sends
that signal when the thread that started the process ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB_WORKERS = 4
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port(first: int, last: int) -> int:
    """The first port in `first..last` nothing listens on at 127.0.0.1."""
    for port in range(first, last + 1):
        with socket.socket() as sock:
            # As gunicorn binds: a port whose old connections linger in TIME_WAIT is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {first}-{last}.")


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (gunicorn's workers, for its master)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name in parentheses may hold spaces: the fields after it are fixed.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.add(int(entry.name))
    return found


class Cluster:
    """Starts, kills and stops the soak's server processes."""

    def __init__(self, env: dict, port: int, logs: Path):
        self.env, self.port, self.logs = env, port, logs
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def worker(self) -> subprocess.Popen:
        """The Celery worker started last."""
        return self.workers[-1]

    def _start(self, name: str, argv: list[str]) -> subprocess.Popen:
        with open(self.logs / f"{name}.log", "ab") as log:
            return subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def start_web(self) -> None:
        """gunicorn with four sync workers, as docs/deployment.md runs it, on loopback."""
        self.web = self._start(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tests.soak.wsgi:application",
                "--workers",
                str(WEB_WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--graceful-timeout",
                "5",
            ],
        )

    def web_workers(self) -> set[int]:
        """The pids of gunicorn's workers now."""
        assert self.web is not None, "Start the web processes first."
        return children(self.web.pid)

    def start_worker(self) -> subprocess.Popen:
        """One Celery worker (one pool process) on the default queue."""
        number = len(self.workers) + 1
        process = self._start(
            f"celery-{number}",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "project",
                "worker",
                "--concurrency=1",
                "--include",
                "tests.soak.tasks",
                "-n",
                f"soak{number}@127.0.0.1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
        )
        self.workers.append(process)
        return process

    def kill_worker(self) -> None:
        """SIGKILL the Celery worker and its pool process, as a crash or the OOM killer would."""
        process = self.worker
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def alive(self) -> list[str]:
        """Names of started processes that died without being asked to."""
        dead = []
        if self.web is not None and self.web.poll() is not None:
            dead.append(f"gunicorn (exit {self.web.returncode})")
        if self.workers and self.worker.poll() is not None:
            dead.append(f"celery (exit {self.worker.returncode})")
        return dead

    def stop(self) -> None:
        """SIGTERM every process group started, then SIGKILL what is left after 20 s."""
        groups = [p.pid for p in [self.web, *self.workers] if p is not None]
        for group in groups:
            _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while any(_group_alive(g) for g in groups) and time.monotonic() < deadline:
            for process in [self.web, *self.workers]:
                if process is not None:
                    process.poll()
            time.sleep(0.1)
        for group in groups:
            _signal_group(group, signal.SIGKILL)
        for process in [self.web, *self.workers]:
            if process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5)


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie leader still counts as a member until it is reaped.
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                return True
    return False
