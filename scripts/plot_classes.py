#!/usr/bin/python3
"""The verdict figure: each queue class's queues side by side, at every
configuration the class was measured at.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-throughput_by_class,
.png and .svg, compact enough for the report's first screen beside its
verdict table: one panel per queue class (qbclass.panel_class; the reference
ceilings are left out and named in the figure's note), x the configurations
"p{P}c{C}" the class has, in order of P then C, y the median items/s over
repetitions with whiskers from the slowest to the fastest, one marker and
colour per queue (qbfigure.queue_colour and queue_marker), each panel's
legend below it. Only throughput-workload points with an aggregate (every
repetition ok) are drawn.
"""

from __future__ import annotations

import sys

import qbclass
import qbfigure

KINDS = ("throughput_by_class",)
DRAW_WEIGHT = 0.35  # one figure's drawing time against the others' (report_figures draws the heaviest first)
WHAT = "Throughput by queue class"
LABEL = "items/s\n(median; bars/whiskers: min-max)"


def _points(group):
    return [r for r in group.rows if r.workload == "throughput" and r.median is not None]


def _panel(ax, name: str, rows) -> None:
    configs = sorted({(r.producers, r.consumers) for r in rows})
    queues = list(dict.fromkeys(r.queue for r in rows))
    width = 0.75 / len(queues)  # each queue a slot within its configuration, so whiskers never overlap
    for qi, queue in enumerate(queues):
        found = {(r.producers, r.consumers): r.aggregate for r in rows if r.queue == queue}
        xs = [ci - 0.375 + width * (qi + 0.5) for ci, pc in enumerate(configs) if pc in found]
        aggs = [found[pc] for pc in configs if pc in found]
        med = [a["median_items_per_s"] for a in aggs]
        ax.errorbar(xs, med, yerr=[[m - a["min_items_per_s"] for m, a in zip(med, aggs)],
                                   [a["max_items_per_s"] - m for m, a in zip(med, aggs)]],
                    fmt=qbfigure.queue_marker(queue), color=qbfigure.queue_colour(queue), ms=4.5, elinewidth=1.1,
                    capsize=0, label=queue)
    ax.set_xticks(range(len(configs)), [f"p{p}c{c}" for p, c in configs], fontsize=7)
    ax.set_xlim(-0.5, len(configs) - 0.5)
    ax.set_title(qbclass.wrapped(name))
    ax.set_xlabel("configuration")
    qbfigure.throughput_axis(ax, LABEL)
    qbfigure.legend_outside(ax, qbfigure.queue_handles(queues, line=False), where="below", ncol=2, fontsize=6.5)


def make(group, outdir):
    kind = KINDS[0]
    rows = _points(group)
    classes = [(name, members) for name, members in qbclass.by_panel_class(rows) if name != qbclass.REFERENCE]
    if not classes:
        why = ("only reference ceilings have a throughput point with every repetition ok" if rows
               else "no throughput point with every repetition ok")
        return [qbfigure.not_applicable(kind, group, WHAT, why)]
    ceilings = list(dict.fromkeys(r.queue for r in rows if r.reference))
    note = f"Left out: {', '.join(ceilings)} (reference ceilings, machine limits)." if ceilings else ""
    n = len(classes)
    fig, axes = qbfigure.pyplot().subplots(1, n, figsize=(min(3.2 * n + 0.4, 13.8), 2.6), squeeze=False)
    for ax, (name, members) in zip(axes[0], classes):
        _panel(ax, name, members)
    return [qbfigure.finish(fig, kind, WHAT, group, outdir, note=note)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_classes.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
