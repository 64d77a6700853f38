"""The report's first screen: which queue is fastest, class by class, and
what went wrong, kind by kind.

Input: a qbresults.Group. Output: report_render blocks: the verdict table (per
shape, per queue class from qbclass.VERDICT_CLASSES: the fastest queue, its
median, its margin over the runner-up and whether their repetitions'
min-max ranges overlap) and the warnings summary (each kind of warning once:
how many points it touched, and its worst case), the same kinds and marks as
qbench's console summary (harness/results/point_marks.hpp).
"""

from __future__ import annotations

import qbclass
import qbformat
from report_render import Bullets, Cell, Para, Table

# A point whose median is under 1/COLLAPSE of its queue's best shape in the
# same scenario: as harness/results/point_marks.hpp's kCollapseFactor.
COLLAPSE = 100

# The words each kind of warning opens with, as harness/model/warnings.cpp writes them
# (files from before "warning_details" have only the sentences, so the words are read).
_KINDS = (("unbalanced", "unbalanced window"), ("starved", "starved"), ("reference", "reference ceiling"),
          ("noisy", "noisy"), ("oversubscribed", "oversubscribed"), ("saturated", "saturated"))


def warning_kind(text: str) -> str:
    """The kind of one warning sentence, with or without its "rep N: "."""
    head, sep, rest = text.partition(": ")
    if sep and head.startswith("rep ") and head[4:].isdigit():
        text = rest
    if "reached the sequence limit" in text:
        return "sequence_limit"
    for kind, phrase in _KINDS:
        if text.startswith(phrase):
            return kind
    return "other"


def _shape(r) -> str:
    return f"{r.producers}x{r.consumers}"


def _cell(ranked: list) -> Cell:
    best = ranked[0]
    words = f"{best.queue} {qbformat.si(best.median)}"
    if len(ranked) == 1:
        return Cell(words, "the only one measured")
    second = ranked[1]
    overlap = best.aggregate["min_items_per_s"] <= second.aggregate["max_items_per_s"]
    ratio = best.median / second.median
    margin = f"+{(ratio - 1) * 100:.0f}%" if ratio < 2 else f"{ratio:.1f}x"
    return Cell(words, f"{margin} ({'overlap' if overlap else 'apart'}) over {second.queue}")


def verdict_table(group) -> list:
    rows = [r for r in group.rows if r.workload == "throughput" and r.median is not None and not r.reference]
    classes = [(cls, qbclass.contenders(cls, rows)) for cls in qbclass.VERDICT_CLASSES]
    classes = [(cls, found) for cls, found in classes if found]
    if not classes:
        kinds = sorted({r.workload for r in group.rows if not r.reference})
        if kinds and "throughput" not in kinds:  # the real reason: nothing here ranks by items/s
            return [Para(f"No queue is ranked: this sweep's workload is {' and '.join(kinds)}, and the ranking "
                         "compares throughput points; its own figures are in the workload tables below.")]
        return [Para("No throughput point has every repetition ok, so no queue is ranked.")]
    shapes = sorted({(r.producers, r.consumers) for _, found in classes for r in found})
    body = []
    for p, c in shapes:
        line = [f"{p}x{c}"]
        for _, found in classes:
            ranked = sorted((r for r in found if (r.producers, r.consumers) == (p, c)), key=lambda r: -r.median)
            line.append(_cell(ranked) if ranked else "-")
        body.append(line)
    return [Table(["P x C"] + [cls.name for cls, _ in classes], body, compact=True)]


def _family(r) -> str:
    return r.id.rsplit("/", 1)[0]


def _collapses(group) -> list[tuple[float, object, object]]:
    """(factor, point, best point of its queue) for each collapsed point."""
    measured = [r for r in group.rows if r.median and not r.reference and r.workload != "pingpong"]
    best: dict[str, object] = {}
    for r in measured:
        if _family(r) not in best or best[_family(r)].median < r.median:
            best[_family(r)] = r
    found = [(best[_family(r)].median / r.median, r, best[_family(r)]) for r in measured]
    return [f for f in found if f[0] > COLLAPSE]


def collapsed_rows(group) -> list:
    """The points of `group` under 1/COLLAPSE of their queue's best shape."""
    return [r for _, r, _ in _collapses(group)]


def _unbalanced_ratio(r) -> float:
    worst = 0.0
    for rep in r.repetitions:
        threads = rep.get("threads") or []
        pushed = sum(t.get("items", 0) for t in threads[:r.producers])
        popped = sum(t.get("items", 0) for t in threads[r.producers:])
        if any(warning_kind(w) == "unbalanced" for w in rep.get("warnings") or []):
            worst = max(worst, max(pushed, popped) / max(1, min(pushed, popped)))
    return worst


def _times(x: float) -> str:
    return f"{x:,.0f}x" if x >= 10 else f"{x:.1f}x"


def warnings_summary(group) -> list:
    by_kind: dict[str, list] = {}
    for r in group.rows:
        for kind in {warning_kind(w) for w in r.raw.get("warnings") or []}:
            by_kind.setdefault(kind, []).append(r)
    lines = []
    collapses = _collapses(group)
    if collapses:
        factor, r, top = max(collapses, key=lambda f: f[0])
        lines.append(f"collapse: {len(collapses)} point(s) under 1/{COLLAPSE} of the same queue's best shape; worst "
                     f"{r.queue} {_shape(r)}: {qbformat.si(r.median)} items/s, {_times(factor)} below its "
                     f"{_shape(top)}")
    if "unbalanced" in by_kind:
        worst = max(by_kind["unbalanced"], key=_unbalanced_ratio)
        lines.append(f"backlog: {len(by_kind['unbalanced'])} point(s) pushed and popped more than 10% apart in the "
                     f"window (closed-loop latency there includes queueing); worst {worst.queue} {_shape(worst)}, "
                     f"{_times(_unbalanced_ratio(worst))} between the two")
    if "starved" in by_kind:
        lines.append(f"starved: {len(by_kind['starved'])} point(s) with a thread under 10% of its fair share of "
                     "items")
    if "noisy" in by_kind:
        worst = max(by_kind["noisy"], key=lambda r: (r.aggregate or {}).get("cv", 0))
        lines.append(f"noisy: {len(by_kind['noisy'])} point(s) whose repetitions' coefficient of variation is over "
                     f"5%; worst {worst.queue} {_shape(worst)}, {qbformat.pct((worst.aggregate or {}).get('cv'))}")
    if "oversubscribed" in by_kind:
        cpus = group.results.context.get("cpus_online", "?")
        lines.append(f"oversubscribed: {len(by_kind['oversubscribed'])} point(s) ran more threads than the {cpus} "
                     "usable CPUs: the scheduler is in those figures")
    if "reference" in by_kind:
        names = ", ".join(sorted({r.queue for r in by_kind["reference"]}))
        lines.append(f"reference ceilings ({names}) move nothing, so nothing is validated; they are never ranked")
    rest = sorted({r.id for kind in ("sequence_limit", "saturated", "other") for r in by_kind.get(kind, [])})
    if rest:
        lines.append(f"other warnings on {len(rest)} point(s): {', '.join(rest[:3])}{' ...' if len(rest) > 3 else ''}")
    if not lines:
        return [Para("No point carries a warning.")]
    return [Bullets(lines)]
