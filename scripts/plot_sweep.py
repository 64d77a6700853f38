#!/usr/bin/python3
"""Producer sweep: throughput and success rate against the number of producers.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-producer_sweep,
.png and .svg, for runs of the give_up workload (a push is retried up to
give_up_after times, then given up): left, median items/s with a min-max band
over repetitions; right, the success rate (delivered / attempted, the median
over repetitions), both against producers, one line per queue (and consumer
count, when the sweep has several).
"""

from __future__ import annotations

import statistics
import sys

import qbfigure

KINDS = ("producer_sweep",)
STYLES = ("-", "--", ":", "-.")


def success_rate(row) -> float | None:
    value = (row.block("workload_metrics") or {}).get("success_rate")
    if isinstance(value, (int, float)):
        return float(value)
    reps = [(r.get("workload_metrics") or {}).get("success_rate") for r in row.ok_repetitions]
    reps = [float(v) for v in reps if isinstance(v, (int, float))]
    return statistics.median(reps) if reps else None


def make(group, outdir):
    kind = KINDS[0]
    what = "Producer sweep: throughput and success rate"
    rows = [r for r in group.rows if r.workload == "give_up" and r.status == "ok"]
    if len({r.producers for r in rows}) < 2:
        why = "no give_up runs" if not rows else "the give_up runs all have the same number of producers"
        return [qbfigure.not_applicable(kind, group, what, why)]
    fig, (left, right) = qbfigure.grid(2, ncols=2, panel=(4.6, 3.4))
    consumers = sorted({r.consumers for r in rows})
    queues = list(dict.fromkeys(r.queue for r in rows))
    for queue in queues:
        for ci, c in enumerate(consumers):
            line = sorted((r for r in rows if r.queue == queue and r.consumers == c), key=lambda r: r.producers)
            if not line:
                continue
            colour = qbfigure.queue_colour(queue)
            style = STYLES[ci % len(STYLES)]
            label = queue if len(consumers) == 1 else f"{queue}, {c}C"
            drawn = [r for r in line if r.median is not None]
            xs = [r.producers for r in drawn]
            marker = qbfigure.queue_marker(queue)
            left.plot(xs, [r.median for r in drawn], style, marker=marker, ms=4, color=colour, label=label)
            left.fill_between(xs, [r.aggregate["min_items_per_s"] for r in drawn],
                              [r.aggregate["max_items_per_s"] for r in drawn], color=colour, alpha=0.18, lw=0)
            rated = [(r.producers, success_rate(r)) for r in line]
            rated = [(x, y * 100) for x, y in rated if y is not None]
            right.plot([x for x, _ in rated], [y for _, y in rated], style, marker=marker, ms=4, color=colour,
                       label=label)
    qbfigure.throughput_axis(left, "items/s (median; band: min-max)")
    right.set_ylabel("success rate (% of attempted pushes delivered)")
    for ax in (left, right):
        ax.set_xlabel("producers (threads)")
        ax.set_xticks(sorted({r.producers for r in rows}))
    qbfigure.legend_outside(right, right.get_lines())
    return [qbfigure.finish(fig, kind, what, group, outdir)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_sweep.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
