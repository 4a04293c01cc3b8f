"""HTTP to the servers under test, counted into the figures of the scenario running.

    figures = Figures("schema changes under writes")
    api = Api(cluster.base_url, token, figures)
    response = api.call("GET", "/soak_records/7/", kind="read")    # None unless it answered
    api.call("PATCH", ..., kind="write", conflict_ok=True)          # a 409 is a conflict
    figures.check("every worker saw the change", ok, "max 420 ms")

Every request counts; an answer of 500 or more is a server error, any other answer
than the ones expected (or no answer within the timeout) is an "other error". A 409
where the caller allows one is counted as a conflict, not as an error. Latencies are
kept per kind: reads and writes of the load (and probes) are what "stall" means; the
administrator's schema changes are meant to take long and are kept apart.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from tests.soak import WORKER_HEADER

STALL_KINDS = ("read", "write", "probe")
#: Kinds of error messages kept (the first of each, with a count); numbers do not count.
SAMPLES = 12
SLOWEST = 3


@dataclass
class Check:
    """One pass/fail statement of a scenario, with what was seen."""

    what: str
    ok: bool
    detail: str = ""


@dataclass
class Figures:
    """What one scenario counted."""

    name: str
    requests: int = 0
    server_errors: int = 0
    other_errors: int = 0
    conflicts: int = 0
    lost_writes: int | None = None
    half_applied: int | None = None
    max_ms: dict[str, float] = field(default_factory=dict)
    #: Every latency of the load's kinds, and the slowest requests: (ms, what, when).
    latencies: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str, float]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    stall_target_ms: float | None = None
    checks: list[Check] = field(default_factory=list)
    samples: dict[str, str] = field(default_factory=dict)
    sample_counts: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(
        self, kind: str, ms: float, status: int | None, error: str | None, what: str = ""
    ) -> None:
        with self._lock:
            self.requests += 1
            self.max_ms[kind] = max(self.max_ms.get(kind, 0.0), ms)
            if kind in STALL_KINDS:
                self.latencies.append(ms)
                began = time.monotonic() - ms / 1000 - self.started
                self.slowest = sorted([*self.slowest, (ms, what, began)], reverse=True)[:SLOWEST]
            if status is not None and status >= 500:
                self.server_errors += 1
            elif error is not None:
                self.other_errors += 1
            if error is not None:
                self._sample(error)

    def _sample(self, message: str) -> None:
        kind = re.sub(r"\d+", "N", message)[:120]
        if kind in self.samples or len(self.samples) < SAMPLES:
            self.samples.setdefault(kind, message)
            self.sample_counts[kind] += 1

    def conflict(self) -> None:
        with self._lock:
            self.conflicts += 1

    def error(self, message: str) -> None:
        """Something the load saw that is wrong but was not an HTTP error."""
        with self._lock:
            self.other_errors += 1
            self._sample(message)

    def check(self, what: str, ok: bool, detail: str = "") -> bool:
        with self._lock:
            self.checks.append(Check(what, bool(ok), detail))
        return bool(ok)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    @property
    def max_stall_ms(self) -> float:
        return max((self.max_ms.get(kind, 0.0) for kind in STALL_KINDS), default=0.0)

    @property
    def passed(self) -> bool:
        return (
            self.server_errors == 0
            and self.other_errors == 0
            and not self.lost_writes
            and not self.half_applied
            and (self.stall_target_ms is None or self.max_stall_ms < self.stall_target_ms)
            and all(check.ok for check in self.checks)
        )


class Api:
    """One client of /api/v1/ with one user's token."""

    def __init__(self, base_url: str, token: str, figures: Figures, timeout: float = 60):
        self.base = f"{base_url}/api/v1"
        self.figures, self.timeout = figures, timeout
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"

    def call(
        self,
        method: str,
        path: str,
        *,
        kind: str,
        expect: tuple[int, ...] = (200,),
        conflict_ok: bool = False,
        **kwargs,
    ) -> requests.Response | None:
        """The answer if it was one of `expect` (or an allowed 409); else None, counted."""
        started = time.monotonic()
        try:
            response = self.session.request(
                method, f"{self.base}{path}", timeout=self.timeout, **kwargs
            )
        except requests.RequestException as failure:
            ms = (time.monotonic() - started) * 1000
            what = f"{method} {path}"
            self.figures.record(kind, ms, None, f"{what}: {failure}", what)
            return None
        ms = (time.monotonic() - started) * 1000
        status = response.status_code
        what = f"{method} {path} -> {status} (worker {response.headers.get(WORKER_HEADER, '?')})"
        if status in expect:
            self.figures.record(kind, ms, status, None, what)
            return response
        if status == 409 and conflict_ok:
            self.figures.record(kind, ms, status, None, what)
            self.figures.conflict()
            return None
        self.figures.record(kind, ms, status, f"{what}: {response.text[:300]}", what)
        return None

    def worker_of(self, response: requests.Response) -> int:
        """The pid of the gunicorn worker that answered."""
        return int(response.headers[WORKER_HEADER])
