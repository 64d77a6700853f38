#!/usr/bin/python3
"""The performance targets of the reference issue, checked against results.

Input: qbench results JSON (scenarios/targets.json is made for this: every
queue and both ceilings at 1P1C, 4P4C, 8P8C, 8P1C and 16P1C), and optionally
qb_micro's JSON (--micro) for the single-thread push+pop pair. Every figure a
target compares comes from one scenario of one results file, so from one run
on one machine. Output: a table, one row per target, shape and run: our
queue's median items/s, the best competitor's (or the limit), the ratio, the
ratio needed, and met / MISSED / not measured; --markdown FILE writes it too.

Exit status: 0 whatever the verdicts (a miss is a finding, not an error);
2 for a usage error or a file that is not usable (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import qbformat
import qbresults
from report_render import Table, text_table

# The peers as the issue names them. tbb_queue is per-producer FIFO by its
# adapter's traits; the issue counts it among the strict-FIFO peers, and so
# does this check, which can only make segmented's target harder.
BOUNDED_MPMC_PEERS = ("atomic_queue_b2", "xenium_vyukov_bounded", "tbb_bounded_queue", "boost_lockfree_queue",
                      "ck_ring_mpmc")
FIFO_UNBOUNDED_PEERS = ("tbb_queue", "boost_lockfree_queue", "xenium_ms_queue", "xenium_ramalhete_queue",
                        "urcu_wfcqueue")
# Every peer adapter (queues/peers/); the MPSC-capable ones are those whose
# recorded traits take many producers.
PEERS = ("moodycamel_queue", "moodycamel_tokens", "moodycamel_blocking", "moodycamel_rwq", "boost_lockfree_queue", "boost_spsc_queue",
         "tbb_queue", "tbb_bounded_queue", "atomic_queue_b2", "atomic_queue_b2_spsc", "xenium_ms_queue",
         "xenium_ramalhete_queue", "xenium_vyukov_bounded", "urcu_wfcqueue", "ck_ring_mpmc")
CEILING = "faa_ceiling"
LATENCY_QUEUE, LATENCY_SHAPE = "sequence_ring", (8, 8)
LATENCY_LIMIT_NS = 789  # seed 003's lock-free p99.9 at 8P8C
PAIR_QUEUE = "mpsc_elastic"
PAIR_TARGET = 100e6     # items/s, mpsc_elastic's single-thread push+pop pair

VERDICT_MET, VERDICT_MISSED, NOT_MEASURED = "met", "MISSED", "not measured"


@dataclass
class Target:
    queue: str
    shapes: tuple[tuple[int, int], ...]
    needed: float                 # a ratio of items/s
    against: str = ""             # the rivals, in words
    rivals: tuple[str, ...] = ()  # empty with mpsc_peers: chosen from the rows' traits
    mpsc_peers: bool = False
    limit: str = ""               # a ceiling instead of rivals

    @property
    def what(self) -> str:
        if self.limit:
            return f"{self.queue} >= {self.needed:.0%} of {self.limit}"
        return f"{self.queue} >= {'' if self.needed == 1 else f'{self.needed:g}x '}{self.against}"


THROUGHPUT_TARGETS = (
    Target("sequence_ring", ((1, 1), (4, 4), (8, 8)), 1.0, "the best bounded MPMC peer", rivals=BOUNDED_MPMC_PEERS),
    Target("sequence_ring", ((4, 4),), 0.5, limit=CEILING),
    Target("segmented", ((4, 4), (8, 8)), 1.2, "the best strict-FIFO unbounded peer", rivals=FIFO_UNBOUNDED_PEERS),
    Target("mpsc_elastic", ((8, 1), (16, 1)), 1.0, "the best MPSC-capable peer", mpsc_peers=True),
)
LATENCY_TARGET = (f"{LATENCY_QUEUE} per-operation p99.9 at {LATENCY_SHAPE[0]}P{LATENCY_SHAPE[1]}C "
                  f"<= {LATENCY_LIMIT_NS} ns (seed 003)")
PAIR_WHAT = f"{PAIR_QUEUE} single-thread push+pop pair >= {qbformat.si(PAIR_TARGET)} items/s"


@dataclass
class Row:
    what: str
    shape: str
    ours: str
    other: str
    ratio: float | None
    needed: str
    verdict: str
    where: str
    notes: list[str] = field(default_factory=list)


def _throughput_rows(group) -> dict[tuple[str, int, int], qbresults.Row]:
    return {(r.queue, r.producers, r.consumers): r for r in group.rows if r.workload == "throughput"}


def _check(target: Target, group, p: int, c: int) -> Row | None:
    rows = _throughput_rows(group)
    ours = rows.get((target.queue, p, c))
    if ours is None:
        return None  # this run has no such point: nothing to say about it
    shape, where = f"p{p}c{c}", f"{group.results.path.name}: {group.scenario}"
    needed = f">= {target.needed:g}x" if not target.limit else f">= {target.needed:.0%}"
    if target.limit:
        names = (target.limit,)
    elif target.mpsc_peers:
        names = tuple(q for q in PEERS if (r := rows.get((q, p, c))) and r.raw.get("traits", {}).get("producers") == "many")
    else:
        names = target.rivals
    found = [rows[(q, p, c)] for q in names if (q, p, c) in rows]
    notes = [f"{r.queue} {r.status}" for r in found if r.median is None and r.status != "skipped"]
    measured = [r for r in found if r.median is not None]
    if ours.median is None or not measured:
        why = f"{target.queue} {ours.status}" if ours.median is None else "no competitor measured"
        return Row(target.what, shape, qbformat.si(ours.median), "-", None, needed, NOT_MEASURED, where, [why] + notes)
    best = max(measured, key=lambda r: r.median)
    ratio = ours.median / best.median
    return Row(target.what, shape, f"{qbformat.si(ours.median)} items/s",
               f"{best.queue} {qbformat.si(best.median)} items/s", ratio, needed,
               VERDICT_MET if ratio >= target.needed else VERDICT_MISSED, where, notes)


def _latency_rows(group) -> list[Row]:
    ours = _throughput_rows(group).get((LATENCY_QUEUE, *LATENCY_SHAPE))
    if ours is None:
        return []
    where = f"{group.results.path.name}: {group.scenario}"
    tails = {side: (ours.latency_summary(side) or {}).get("p99_9_ns") for side in ("push", "pop")}
    what, shape = LATENCY_TARGET, "p{}c{}".format(*LATENCY_SHAPE)
    if None in tails.values():
        return [Row(what, shape, "-", "-", None, f"<= {LATENCY_LIMIT_NS} ns", NOT_MEASURED, where,
                    ["needs --latency ops or all"])]
    worst = max(tails.values())
    return [Row(what, shape, f"push {qbformat.ns(tails['push'])} ns, pop {qbformat.ns(tails['pop'])} ns",
                f"limit {LATENCY_LIMIT_NS} ns", worst / LATENCY_LIMIT_NS, f"<= {LATENCY_LIMIT_NS} ns",
                VERDICT_MET if worst <= LATENCY_LIMIT_NS else VERDICT_MISSED, where)]


def _pair_rows(micro: Path) -> list[Row]:
    """qb_micro's mpsc_elastic push+pop pair: the median aggregate if it ran
    with repetitions, else its single run."""
    try:
        doc = json.loads(micro.read_text())
        runs = [b for b in doc["benchmarks"] if b.get("run_name", b.get("name")) == f"{PAIR_QUEUE}/push_pop_pair"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise qbresults.ResultsError(f"{micro}: not qb_micro's JSON output ({e})") from e
    what = PAIR_WHAT
    run = next((b for b in runs if b.get("aggregate_name") == "median"), None) or next(
        (b for b in runs if b.get("run_type") == "iteration"), None)
    if run is None or "items_per_second" not in run:
        return [Row(what, "1 thread", "-", "-", None, ">= 1x", NOT_MEASURED, micro.name,
                    [f"run qb_micro with --benchmark_filter={PAIR_QUEUE}/push_pop_pair"])]
    rate = float(run["items_per_second"])
    return [Row(what, "1 thread", f"{qbformat.si(rate)} items/s", f"target {qbformat.si(PAIR_TARGET)} items/s",
                rate / PAIR_TARGET, ">= 1x", VERDICT_MET if rate >= PAIR_TARGET else VERDICT_MISSED, micro.name)]


def check(all_results, micro: Path | None = None) -> list[Row]:
    out: list[Row] = []
    for group in qbresults.groups(all_results):
        for target in THROUGHPUT_TARGETS:
            out += [row for p, c in target.shapes if (row := _check(target, group, p, c))]
        out += _latency_rows(group)
    if micro is not None:
        out += _pair_rows(micro)
    return out


HEADERS = ["target", "shape", "ours", "best other / limit", "ratio", "needed", "verdict", "run", "notes"]


def _cells(r: Row) -> list[str]:
    return [r.what, r.shape, r.ours, r.other, f"{r.ratio:.2f}" if r.ratio is not None else "-", r.needed, r.verdict,
            r.where, "; ".join(r.notes) or "-"]


def markdown(rows: list[Row], machines: list[str]) -> str:
    lines = [f"Machine: {m}" for m in machines] + ["", "| " + " | ".join(HEADERS) + " |",
                                                   "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _shapes(shapes) -> str:
    return ", ".join(f"{p}P{c}C" for p, c in shapes)


def targets_text() -> str:
    """The targets as --help lists them, from the definitions above: the one place their numbers live."""
    items = []
    for t in THROUGHPUT_TARGETS:
        rivals = (f" (rivals: {', '.join(t.rivals)})" if t.rivals else
                  " (rivals: every peer measured whose traits take many producers)" if t.mpsc_peers else "")
        items.append(f"{t.what}, median items/s at {_shapes(t.shapes)}{rivals}")
    items.append(f"{LATENCY_TARGET}, the worse of push and pop (needs --latency ops or all)")
    items.append(f"{PAIR_WHAT}, from --micro")
    lines = ["Targets:"]
    for item in items:
        lines += textwrap.wrap(item, 78, initial_indent="  - ", subsequent_indent="    ")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="./scripts/qb targets", description=__doc__.strip(),
                                epilog=targets_text() + "\n\n./scripts/qb targets runs this script with Debian's "
                                "python3,\nwith no package check.",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", nargs="+", metavar="RESULTS", help="qbench results JSON file(s)")
    p.add_argument("--micro", type=Path, metavar="QB_MICRO.json",
                   help=f"qb_micro's JSON (--benchmark_out) for the {PAIR_QUEUE}/push_pop_pair benchmark")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table as Markdown to FILE")
    args = p.parse_args(argv)
    all_results = qbresults.load_all_or_exit(args.results, "targets.py")
    try:
        rows = check(all_results, args.micro)
    except qbresults.ResultsError as e:
        print(f"targets.py: {e}", file=sys.stderr)
        return qbresults.EXIT_USAGE
    machines = sorted({r.machine for r in all_results})
    for m in machines:
        print(f"machine: {m}")
    if rows:
        print(text_table(Table(HEADERS, [_cells(r) for r in rows], align_right={4})))
    else:
        print("no target's point is in these results (scenarios/targets.json has them all)")
    if args.markdown:
        args.markdown.write_text(markdown(rows, machines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
