"""The load: writers that count their own writes, readers, and probes of every web worker.

    ctx = Context(base_url, admin_token, probe_id, web_pids, writers, celery_app)
    with running(ctx, figures, readers=2):      # writers and readers in threads meanwhile
        Propagation(ctx, figures).wait("add x", Expect(present=frozenset({"x"})))
    lost = lost_writes(ctx, figures)             # each writer reads its records back

A writer owns its records: it reads one (counter and version), PATCHes the counter
one up with that version, and counts every 2xx. A 409 (the version moved) is a
conflict, not a write: the writer reads the record again on its next turn. Nobody
else writes these records, so afterwards each stored counter must equal the writer's
count of acknowledged writes; what is missing is a lost write.

`Propagation.wait` shows that every gunicorn worker (and the Celery worker) applies
a schema change: probes read the probe record until each worker pid has answered with
the change in it; an answer without it, from a request sent after the change was
saved, is a stale read.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.soak.client import Api, Figures
from tests.soak.world import SLUG

LIST_EVERY = 10
PROBE_THREADS = 2
PROPAGATION_DEADLINE = 30.0


@dataclass
class Context:
    """What the scenarios share: where the servers are, who acts, what they act on."""

    base_url: str
    admin_token: str
    probe_id: int
    web_pids: set[int]
    writers: list[Writer]
    app: object  # the Celery app, to ask the worker what it sees


class Writer:
    """One of the concurrent writers, with its own records and its own count."""

    def __init__(self, name: str, token: str, record_ids: list[int]):
        self.name, self.token, self.ids = name, token, record_ids
        self.acked = dict.fromkeys(record_ids, 0)
        self.expected = dict.fromkeys(record_ids, 0)

    def run(self, api: Api, stop: threading.Event) -> None:
        turn = 0
        while not stop.is_set():
            record = self.ids[turn % len(self.ids)]
            turn += 1
            self._write(api, record)
            if turn % LIST_EVERY == 0:
                self._list(api)

    def _write(self, api: Api, record: int) -> None:
        read = api.call("GET", f"/{SLUG}/{record}/", kind="read")
        if read is None:
            return
        body = read.json()
        if body["counter"] != self.expected[record]:
            api.figures.error(
                f"{self.name}: record {record} holds {body['counter']}, "
                f"{self.expected[record]} written"
            )
            self.expected[record] = body["counter"]
        value = body["counter"] + 1
        sent = {"counter": value, "note": f"{self.name} #{value}", "version": body["version"]}
        written = api.call("PATCH", f"/{SLUG}/{record}/", kind="write", conflict_ok=True, json=sent)
        if written is None:
            return
        self.acked[record] += 1
        self.expected[record] = value
        answer = written.json()
        if answer["counter"] != value or answer["version"] != body["version"] + 1:
            api.figures.error(
                f"{self.name}: record {record} answered counter {answer['counter']} version "
                f"{answer['version']} to a write of {value} on version {body['version']}"
            )

    def _list(self, api: Api) -> None:
        listed = api.call("GET", f"/{SLUG}/", kind="read", params={"writer": self.name})
        if listed is not None:
            found = sorted(row["id"] for row in listed.json()["results"])
            if found != sorted(self.ids):
                api.figures.error(f"{self.name}: its filtered list shows {found}")

    def verify(self, api: Api) -> int:
        """Read each record back: how many acknowledged writes are not in it."""
        lost = 0
        for record, acked in self.acked.items():
            read = api.call("GET", f"/{SLUG}/{record}/", kind="read")
            if read is None:
                lost += acked
                continue
            stored = read.json()["counter"]
            if stored > acked:
                api.figures.error(f"{self.name}: record {record} holds {stored}, {acked} acked")
            lost += max(0, acked - stored)
        return lost


def read_forever(ctx: Context, api: Api, stop: threading.Event) -> None:
    """A reader: the first page of the list, then a record, again and again."""
    ids = [i for writer in ctx.writers for i in writer.ids]
    while not stop.is_set():
        api.call("GET", f"/{SLUG}/", kind="read", params={"page_size": 20})
        api.call("GET", f"/{SLUG}/{random.choice(ids)}/", kind="read")


@contextlib.contextmanager
def running(ctx: Context, figures: Figures, readers: int = 0) -> Iterator[None]:
    """Every writer (and `readers` readers) in a thread of its own while the block runs."""
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=writer.run, args=(Api(ctx.base_url, writer.token, figures), stop), daemon=True
        )
        for writer in ctx.writers
    ]
    threads += [
        threading.Thread(
            target=read_forever,
            args=(ctx, Api(ctx.base_url, ctx.admin_token, figures), stop),
            daemon=True,
        )
        for _ in range(readers)
    ]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=90)


def lost_writes(ctx: Context, figures: Figures) -> int:
    """Every writer checks its own counters, once the load has stopped."""
    return sum(w.verify(Api(ctx.base_url, w.token, figures)) for w in ctx.writers)


@dataclass(frozen=True)
class Expect:
    """What shows once a schema change is applied: keys present and absent in a record,
    and a field whose values are text now."""

    present: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()
    text: str | None = None

    def in_record(self, body: dict) -> bool:
        keys = set(body)
        return (
            self.present <= keys
            and not self.absent & keys
            and (self.text is None or isinstance(body.get(self.text), str))
        )

    def in_fields(self, fields: dict[str, str]) -> bool:
        names = set(fields)
        return (
            self.present <= names
            and not self.absent & names
            and (self.text is None or fields.get(self.text) == "text")
        )


@dataclass
class Propagation:
    """How each schema change reached every worker."""

    ctx: Context
    figures: Figures
    delays_ms: list[float] = field(default_factory=list)
    stale: int = 0
    missed: list[str] = field(default_factory=list)

    def wait(self, what: str, expect: Expect) -> None:
        """Probe until every web worker showed the change, then ask the Celery worker."""
        started = time.monotonic()
        seen: set[int] = set()
        lock, done = threading.Lock(), threading.Event()

        def probe() -> None:
            api = Api(self.ctx.base_url, self.ctx.admin_token, self.figures)
            while not done.is_set() and time.monotonic() - started < PROPAGATION_DEADLINE:
                read = api.call("GET", f"/{SLUG}/{self.ctx.probe_id}/", kind="probe")
                if read is None:
                    time.sleep(0.05)
                    continue
                worker, fresh = api.worker_of(read), expect.in_record(read.json())
                with lock:
                    if fresh:
                        seen.add(worker)
                    else:
                        self.stale += 1
                        self.figures.error(f"worker {worker} answered without: {what}")
                    if self.ctx.web_pids <= seen:
                        done.set()

        threads = [threading.Thread(target=probe, daemon=True) for _ in range(PROBE_THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        delay = (time.monotonic() - started) * 1000
        if not self.ctx.web_pids <= seen:
            self.missed.append(f"{what}: web workers {sorted(self.ctx.web_pids - seen)}")
        else:
            self.delays_ms.append(delay)
        snapshot = self.ctx.app.send_task("soak.fields", args=[SLUG]).get(
            timeout=PROPAGATION_DEADLINE
        )
        if not expect.in_fields(snapshot["fields"]):
            self.missed.append(f"{what}: the Celery worker")

    def report(self, changes: int) -> None:
        workers = len(self.ctx.web_pids)
        slowest = f"max {max(self.delays_ms):.0f} ms" if self.delays_ms else "none seen"
        self.figures.check(
            f"each of {changes} changes seen by all {workers} web workers and the Celery worker",
            not self.missed and len(self.delays_ms) == changes,
            f"{slowest}; missed: {', '.join(self.missed) or 'none'}",
        )
        self.figures.check(
            "no request sent after a change was answered without it",
            self.stale == 0,
            f"{self.stale} stale answers",
        )
