"""The soak's output: each scenario's checks, then the figures table as the last lines.

print(details(results))
print(table(results))      # scenario | requests | 5xx | other errors | lost writes | ...
"""

from __future__ import annotations

from tests.soak.client import Figures

HEADER = [
    "scenario",
    "requests",
    "5xx",
    "other errors",
    "lost writes",
    "half-applied",
    "max stall ms",
    "result",
]


def _or_dash(value) -> str:
    return "-" if value is None else f"{value:,}"


def _stall(figures: Figures) -> str:
    if figures.stall_target_ms is None:
        return "-"
    return f"{figures.max_stall_ms:,.0f} (< {figures.stall_target_ms:,.0f})"


def _cells(figures: Figures) -> list[str]:
    return [
        figures.name,
        f"{figures.requests:,}",
        f"{figures.server_errors:,}",
        f"{figures.other_errors:,}",
        _or_dash(figures.lost_writes),
        _or_dash(figures.half_applied),
        _stall(figures),
        "PASS" if figures.passed else "FAIL",
    ]


def table(results: list[Figures]) -> str:
    rows = [HEADER, *(_cells(f) for f in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]

    def render(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(HEADER), rule, *(render(cells) for cells in rows[1:])])


def details(results: list[Figures]) -> str:
    lines = []
    for figures in results:
        lines.append(
            f"{figures.name}: {figures.conflicts} conflicts (409, retried); reads and writes "
            f"p50 {figures.percentile(0.5):.0f} ms, p99 {figures.percentile(0.99):.0f} ms"
        )
        lines.extend(
            f"  slow: {ms:,.0f} ms {what}, sent at +{began:.1f} s"
            for ms, what, began in figures.slowest
        )
        for check in figures.checks:
            mark = "ok  " if check.ok else "FAIL"
            lines.append(f"  {mark} {check.what}" + (f" — {check.detail}" if check.detail else ""))
        for kind, first in figures.samples.items():
            lines.append(f"  error ({figures.sample_counts[kind]}x), first: {first}")
    return "\n".join(lines)
