"""Side-by-side measurement: A and B alternate in one process, after a warm-up.

    a, b = alternate(run_a, run_b)                 # Stats (p50, p95, n) of each side
    count_queries(run_a), peak_memory(run_a)       # separate, untimed passes

The order alternates ABBA so neither side always runs first (warm caches, GC debt).
The number of rounds comes from a time budget per row, within fixed bounds.
"""

from __future__ import annotations

import gc
import math
import os
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection

SECONDS_PER_ROW = float(os.environ.get("BENCH_SECONDS_PER_ROW", "20"))
WARMUP = 3
MIN_ROUNDS = 20
MAX_ROUNDS = 400


@dataclass(frozen=True)
class Stats:
    """Median and 95th percentile of one side's samples (in the row's unit)."""

    p50: float
    p95: float
    n: int

    @classmethod
    def of(cls, samples: list[float]) -> Stats:
        ordered = sorted(samples)
        n = len(ordered)
        middle = n // 2
        p50 = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
        p95 = ordered[max(0, math.ceil(0.95 * n) - 1)]
        return cls(p50, p95, n)


def alternate(
    run_a: Callable[[], object],
    run_b: Callable[[], object],
    *,
    scale: float = 1e-6,
    seconds: float = SECONDS_PER_ROW,
    max_rounds: int = MAX_ROUNDS,
    warmup: int = WARMUP,
    rounds: int | None = None,
) -> tuple[Stats, Stats]:
    """Time both sides round by round; `scale` turns nanoseconds into the row's unit.
    Without `rounds`, one more untimed round sizes the run to `seconds` per table row;
    cases whose calls take seconds give `rounds` (and a short `warmup`) instead."""
    for _ in range(warmup):
        run_a()
        run_b()
    if rounds is None:
        started = time.perf_counter()
        run_a()
        run_b()
        per_round = max(time.perf_counter() - started, 1e-6)
        rounds = min(max_rounds, max(MIN_ROUNDS, int(seconds / per_round)))
    samples: tuple[list[float], list[float]] = ([], [])
    sides = ((run_a, samples[0]), (run_b, samples[1]))
    gc.collect()
    for number in range(rounds):
        for run, out in sides if number % 4 in (0, 3) else reversed(sides):
            begin = time.perf_counter_ns()
            run()
            out.append((time.perf_counter_ns() - begin) * scale)
    return Stats.of(samples[0]), Stats.of(samples[1])


def count_queries(run: Callable[[], object]) -> int:
    """How many SQL statements one call runs (works with DEBUG off)."""
    seen = [0]

    def counter(execute, sql, params, many, context):
        seen[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        run()
    return seen[0]


def list_query_plan(run: Callable[[], object], table_prefix: str = '"ent_') -> str:
    """The plan of the entity-table query one call runs, as `Limit > Sort > Seq Scan`."""
    seen: list[tuple[str, object]] = []

    def capture(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        run()
    found = [(sql, params) for sql, params in seen if f"FROM {table_prefix}" in sql]
    if not found:
        return "?"
    sql, params = found[0]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        lines = [line for (line,) in cursor.fetchall()]
    nodes = [lines[0]] + [line for line in lines[1:] if "->" in line]
    return " > ".join(n.replace("->", "").split("  (cost")[0].strip() for n in nodes)


def peak_memory(run: Callable[[], object]) -> int:
    """Peak bytes Python allocated during one call (tracemalloc; untimed)."""
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@dataclass(frozen=True)
class Target:
    """What a row must show: ratio bounds, and whether A may make more queries than B
    (the issue asks for the same count; fewer is better still)."""

    p50: float | None = None
    p95: float | None = None
    no_extra_queries: bool = False

    def describe(self) -> str:
        parts = []
        if self.p50 is not None:
            parts.append(f"p50 ≤ {self.p50:g}")
        if self.p95 is not None:
            parts.append(f"p95 ≤ {self.p95:g}")
        if self.no_extra_queries:
            parts.append("queries ≤ B's")
        return ", ".join(parts)


@dataclass
class Row:
    """One line of the table."""

    key: str
    what: str
    target: Target
    unit: str = "ms"
    a: Stats | None = None
    b: Stats | None = None
    queries: tuple[int, int] | None = None
    memory: tuple[int, int] | None = None
    note: str = ""
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def measured(self) -> bool:
        return self.a is not None and self.b is not None

    def ratios(self) -> tuple[float, float]:
        assert self.a and self.b, "Only measured rows have ratios."
        return self.a.p50 / self.b.p50, self.a.p95 / self.b.p95

    def verdict(self) -> str:
        if not self.measured:
            return self.note or "n/a"
        p50, p95 = self.ratios()
        failed = []
        if self.target.p50 is not None and p50 > self.target.p50:
            failed.append("p50")
        if self.target.p95 is not None and p95 > self.target.p95:
            failed.append("p95")
        if self.target.no_extra_queries and (
            self.queries is None or self.queries[0] > self.queries[1]
        ):
            failed.append("queries")
        self.failures = failed
        return "PASS" if not failed else f"FAIL ({', '.join(failed)})"
