#!/usr/bin/python3
"""Throughput against what it costs in CPU: items/s against CPU ns per item.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-cpu_cost,
.png and .svg: one mark per point (a queue at a P x C, waiting one way), at
its median CPU ns per item (x, log scale: the CPU time of every producer and
consumer thread inside its window, over the items moved; aggregate
median_cpu_ns_per_item) and its median items/s (y). Colour and marker are
the queue's; a filled mark waited by polling (pause or backoff), a hollow
one slept in the queue's blocking calls (block), as the repetitions'
wait_policy says. Up and to the left is better: more items for less CPU.
Points are labelled "2P 1C" when the group has more than one shape. A
results file written before qbench measured CPU time has no such figure.
"""

from __future__ import annotations

import sys
from collections import Counter

import qbfigure

KINDS = ("cpu_cost",)
DRAW_WEIGHT = 0.3  # one figure's drawing time against the others' (report_figures draws the heaviest first)
WAIT_WORDS = {"pause": "polled (pause)", "backoff": "polled (backoff)", "block": "slept (block)"}


def cpu_ns_per_item(row) -> float | None:
    v = (row.aggregate or {}).get("median_cpu_ns_per_item")
    return float(v) if isinstance(v, (int, float)) and v > 0 else None


def wait_policy(row) -> str:
    """How the point's threads waited: its ok repetitions' most common
    wait_policy, else the --wait asked for."""
    seen = Counter(r.get("wait_policy") for r in row.ok_repetitions if r.get("wait_policy"))
    if seen:
        return seen.most_common(1)[0][0]
    return str((row.raw.get("params") or {}).get("wait", "?"))


def make(group, outdir):
    kind = KINDS[0]
    what = "Throughput against CPU per item"
    rows = [r for r in group.rows if r.median and cpu_ns_per_item(r) is not None]
    if not rows:
        return [qbfigure.not_applicable(kind, group, what,
                                        "no point measured its threads' CPU time (results from an older qbench)")]
    from matplotlib.lines import Line2D  # matplotlib only where a figure is drawn (qbfigure.pyplot)

    shapes = {(r.producers, r.consumers) for r in rows}
    fig, ax = qbfigure.pyplot().subplots(figsize=(6.4, 4.2))
    for r in rows:
        colour = qbfigure.queue_colour(r.queue)
        policy = wait_policy(r)
        ax.plot([cpu_ns_per_item(r)], [r.median], ls="none", marker=qbfigure.queue_marker(r.queue), ms=8,
                color=colour, mfc="none" if policy == "block" else colour, mew=1.5)
        if len(shapes) > 1:
            ax.annotate(f"{r.producers}P {r.consumers}C", (cpu_ns_per_item(r), r.median), fontsize=6,
                        xytext=(4, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlabel("CPU per item (CPU ns / item, every worker thread, log scale)")
    qbfigure.throughput_axis(ax, "throughput (items/s, median)")
    queues = list(dict.fromkeys(r.queue for r in rows))
    policies = list(dict.fromkeys(wait_policy(r) for r in rows))
    waits = [Line2D([], [], ls="none", marker="o", color="#555555", mfc="none" if p == "block" else "#555555",
                    label=WAIT_WORDS.get(p, p)) for p in policies]
    qbfigure.legend_outside(fig, qbfigure.queue_handles(queues, line=False) + waits)
    note = ("CPU time is each thread's own clock (CLOCK_THREAD_CPUTIME_ID) read at its window's edges; "
            "a thread that polls an empty queue is charged for it")
    return [qbfigure.finish(fig, kind, what, group, outdir, note=note)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_cpu_cost.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
