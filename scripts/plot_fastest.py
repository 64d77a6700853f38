#!/usr/bin/python3
"""The report's first figure: which queue is fastest here, every queue on one
axis.

Input: qbench results JSON (RESULTS...). Output:
DIR/<scenario>-throughput_every_queue, .png and .svg, one panel as wide as
the report's first screen: x the configurations "p{P}c{C}", in order of P
then C; y the median items/s over repetitions of every queue measured
there, each queue a point in a slot of its own within the configuration;
the queue class (qbclass.panel_class) marked by colour and marker, never
separated into panels, so that queues of different classes compare on one
scale; the fastest queue at each configuration named above its point. The
reference ceilings are left out and named in the figure's note (they move
no items). Only throughput-workload points with an aggregate (every
repetition ok) are drawn.
"""

from __future__ import annotations

import sys

import qbclass
import qbfigure

KINDS = ("throughput_every_queue",)
DRAW_WEIGHT = 0.3  # one figure's drawing time against the others' (report_figures draws the heaviest first)
WHAT = "Every queue on one axis, classes marked"
LABEL = "items/s (median)"
# Each panel class's colour and marker: the class is what this figure marks (a queue's own colour is
# for the figures that name it in a legend).
CLASS_STYLE = {qbclass.PANEL_CLASSES[0]: ("#1f77b4", "o"), qbclass.PANEL_CLASSES[1]: ("#d62728", "s"),
               qbclass.PANEL_CLASSES[2]: ("#2ca02c", "D"), qbclass.PANEL_CLASSES[3]: ("#9467bd", "^")}
NAME_ROOM = 0.14  # of the data's height, above the highest point: room for the winners' names
ROTATE_NAMES_PAST = 10  # configurations: more than this and the winners' names stand upright


def _points(group):
    return [r for r in group.rows if r.workload == "throughput" and r.median is not None and not r.reference]


def make(group, outdir):
    kind = KINDS[0]
    rows = _points(group)
    if not rows:
        return [qbfigure.not_applicable(kind, group, WHAT, "no throughput point of a queue with every repetition ok")]
    ceilings = sorted({r.queue for r in group.rows if r.reference})
    note = f"Left out: {', '.join(ceilings)} (reference ceilings, machine limits)." if ceilings else ""
    configs = sorted({(r.producers, r.consumers) for r in rows})
    queues = list(dict.fromkeys(r.queue for r in sorted(rows, key=lambda r: qbclass.PANEL_CLASSES.index(
        qbclass.panel_class(r)))))
    width = 0.8 / len(queues)
    fig, ax = qbfigure.pyplot().subplots(figsize=(10.6, 2.6))
    for cls, (colour, marker) in CLASS_STYLE.items():
        mine = [r for r in rows if qbclass.panel_class(r) == cls]
        ax.plot([configs.index((r.producers, r.consumers)) - 0.4 + width * (queues.index(r.queue) + 0.5)
                 for r in mine], [r.median for r in mine], ls="none", marker=marker, ms=4.5, color=colour,
                label=f"{cls} ({len({r.queue for r in mine})})" if mine else None)
    upright = len(configs) > ROTATE_NAMES_PAST
    for ci, pc in enumerate(configs):
        here = [r for r in rows if (r.producers, r.consumers) == pc]
        best = max(here, key=lambda r: r.median)
        x = ci - 0.4 + width * (queues.index(best.queue) + 0.5)
        ax.annotate(best.queue, (x, best.median), xytext=(0, 4), textcoords="offset points", fontsize=6.5,
                    ha="left" if upright else "center", va="bottom", rotation=90 if upright else 0,
                    color=CLASS_STYLE[qbclass.panel_class(best)][0])
    ax.set_xticks(range(len(configs)), [f"p{p}c{c}" for p, c in configs])
    ax.set_xlim(-0.5, len(configs) - 0.5)
    ax.set_xlabel("configuration (producers, consumers)")
    ax.set_ymargin(NAME_ROOM)  # before the axis is set: its check that the classes use half the height counts it
    qbfigure.throughput_axis(ax, LABEL)
    ax.legend(fontsize=7, title="queue class (number of queues)", title_fontsize=7, loc="upper left",
              bbox_to_anchor=(1.005, 1.0), frameon=False).set_in_layout(False)
    return [qbfigure.finish(fig, kind, WHAT, group, outdir, note=note)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_fastest.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
