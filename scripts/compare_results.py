"""qb compare for qbench results: throughput and latency of matched points.

Input: the rows of two sides (two results files, or two queues of one file)
and how they pair (qbmatch). Output: report_render blocks: one row per pair
with the median items/s of each side over its ok repetitions, the change and
a two-sided Mann-Whitney U test over the repetitions' items/s; then a latency
table beside it, p50, p99 and p99.9 of the headline source (e2e, else pop, as
report_tables.HEADLINE_SOURCES), each compared over the ok repetitions' own
percentiles with the same test (lower is better); then the geometric mean of
the B / A medians, the leftovers and the regressions.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

import qbchange
import qbformat
import report_render as rr
from report_tables import HEADLINE_SOURCES

PERCENTILES = (("p50", "p50_ns"), ("p99", "p99_ns"), ("p99.9", "p99_9_ns"))


@dataclass
class Point:
    name: str
    a: object = field(repr=False)
    b: object = field(repr=False)
    rate: qbchange.Change
    source: str | None = None  # the latency source both sides recorded, or None
    latency: list[tuple[str, qbchange.Change]] = field(default_factory=list)  # (p50 ..., its Change)


def point_name(a, b, by_queue: bool) -> str:
    """A's run id (and B's where it differs); a shape alone when two queues are compared."""
    if not by_queue:
        return a.id.replace(f"/{a.queue}/", "/", 1)
    return a.id if a.id == b.id else f"{a.id} ~ {b.id}"


def per_repetition(row, source: str, key: str) -> list[float]:
    """`key` (p99_ns, ...) of `source` in each ok repetition that has a value (null: too few samples)."""
    out = []
    for rep in row.ok_repetitions:
        histogram = (rep.get("latency") or {}).get(source)
        value = histogram.get(key) if isinstance(histogram, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(float(value))
    return out


def latency_source(a, b) -> str | None:
    """The first headline source whose p50 both rows' repetitions recorded."""
    return next((s for s in HEADLINE_SOURCES if per_repetition(a, s, "p50_ns") and per_repetition(b, s, "p50_ns")),
                None)


def compare(pairs, alpha: float, threshold: float, by_queue: bool = True) -> list[Point]:
    points = []
    for a, b in pairs:
        rate = qbchange.judge(a.rates, b.rates, higher_is_better=True, alpha=alpha, threshold=threshold)
        point = Point(point_name(a, b, by_queue), a, b, rate, latency_source(a, b))
        if point.source is not None:
            point.latency = [(label, qbchange.judge(per_repetition(a, point.source, key),
                                                    per_repetition(b, point.source, key), higher_is_better=False,
                                                    alpha=alpha, threshold=threshold,
                                                    lacking=f"{label} in an ok repetition (too few samples)"))
                             for label, key in PERCENTILES]
        points.append(point)
    return points


def _rate_table(points) -> rr.Table:
    return rr.Table(["run", "A median items/s", "B median items/s", "change", "p (Mann-Whitney U)", "reps A/B",
                     "verdict"],
                    [[p.name, qbformat.si(p.rate.a), qbformat.si(p.rate.b), qbformat.change(p.rate.change),
                      *p.rate.cells()] for p in points], align_right={1, 2, 3, 4, 5})


def _latency_table(points) -> rr.Table:
    return rr.Table(["run", "latency", "A median ns", "B median ns", "change", "p (Mann-Whitney U)", "reps A/B",
                     "verdict"],
                    [[p.name, f"{p.source} {label}", qbformat.ns(c.a), qbformat.ns(c.b), qbformat.change(c.change),
                      *c.cells()] for p in points for label, c in p.latency], align_right={2, 3, 4, 5, 6})


def latency_regressions(points) -> list[str]:
    return [f"{p.name} {p.source} {label}" for p in points for label, c in p.latency if c.regression]


def blocks(sides: list[str], warnings: list[str], points, left_over: str, alpha: float, threshold: float,
           latency_gate: bool) -> list:
    """The comparison as blocks. `sides` names A and B; `left_over` is a sentence or ""."""
    out = [rr.Heading(2, "qbench comparison"), rr.Bullets(sides), _rate_table(points)]
    with_latency = [p for p in points if p.latency]
    if with_latency:
        out += [rr.Para("Latency (per-repetition percentiles, lower is better):"), _latency_table(with_latency)]
    if len(with_latency) < len(points):
        out.append(rr.Para(f"Latency not compared for {len(points) - len(with_latency)} of {len(points)} points: "
                           f"no {' or '.join(HEADLINE_SOURCES)} histograms in ok repetitions on both sides."))
    out += [rr.Para(w, warning=True) for w in warnings]
    ratios = [p.rate.ratio for p in points if p.rate.ratio is not None]
    if ratios:
        geo = math.exp(statistics.fmean(math.log(x) for x in ratios))
        out.append(rr.Para(f"Geometric mean of B / A medians over {len(ratios)} points: {geo:.4f} "
                           f"({qbformat.signed_pct(geo - 1)})."))
    few = [p for p in points if p.rate.few]
    if few:
        out.append(rr.Para(f"{len(few)} of {len(points)} points have too few repetitions for p < {alpha:g} to be "
                           f"possible (the test's smallest p with n a side is 2 / C(2n, n)); rerun with --repetitions "
                           f"{qbchange.reps_to_reach(alpha)} or more.", warning=True))
    if left_over:
        out.append(rr.Para(left_over))
    worse = [p.name for p in points if p.rate.regression]
    out.append(rr.Para(f"{qbformat.plural(len(worse), 'significant regression')} "
                       f"(p < {alpha:g} and slower by more than {qbformat.pct(threshold, 0)})"
                       + (f": {', '.join(worse)}." if worse else ".")))
    if with_latency:
        slow = latency_regressions(points)
        gate = ("they set exit status 1 (--latency-gate)" if latency_gate
                else "reported only; --latency-gate makes them set exit status 1")
        out.append(rr.Para(f"Latency: {qbformat.plural(len(slow), 'significant regression')} "
                           f"(p < {alpha:g} and higher by more than {qbformat.pct(threshold, 0)})"
                           + (f": {', '.join(slow)}" if slow else "") + f"; {gate}."))
    return out


def regressed(points, latency_gate: bool) -> bool:
    """What the exit status says: a throughput regression, or with the gate a latency one."""
    return any(p.rate.regression for p in points) or (latency_gate and bool(latency_regressions(points)))
