#!/usr/bin/python3
"""Throughput against thread counts: items/s vs producers, and vs consumers.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-throughput_vs_producers
and -throughput_vs_consumers, .png and .svg: a row of panels per queue class
(qbclass.panel_class: bounded MPMC, unbounded MPMC FIFO, ..., and the
reference ceilings last, in a row of their own so that they never set a
queue panel's scale), one panel per count of the other side that has at
least two counts of this side to draw, one line per queue at the median over
repetitions, with a band from the slowest to the fastest repetition; each
row's legend is to its right. Only throughput-workload points with an
aggregate (every repetition ok) are drawn. Each panel's items/s axis starts
at zero, or is logarithmic where one queue would squeeze the others
(qbfigure.throughput_axis), or with --log-y.
"""

from __future__ import annotations

import sys

import qbclass
import qbfigure

KINDS = ("throughput_vs_producers", "throughput_vs_consumers")
DRAW_WEIGHT = 0.7  # one figure's drawing time against the others' (report_figures draws the heaviest first)


def _points(group):
    return [r for r in group.rows if r.workload == "throughput" and r.median is not None]


def _plural(n: int, side: str) -> str:
    return f"{n} {side[:-1] if n == 1 else side}"


def _panels(rows, axis: str, other: str) -> list[tuple[str, list[tuple[int, list]]]]:
    """(class, [(count of the other side, its rows)...]) for each class with a
    panel: a count of the other side at which the class has two counts of `axis`."""
    out = []
    for name, members in qbclass.by_panel_class(rows):
        fixed = sorted({getattr(r, other) for r in members})
        panels = [(f, [r for r in members if getattr(r, other) == f]) for f in fixed]
        panels = [(f, rs) for f, rs in panels if len({getattr(r, axis) for r in rs}) >= 2]
        if panels:
            out.append((name, panels))
    return out


def _draw(ax, rows, axis: str, references) -> list[str]:
    queues = list(dict.fromkeys(r.queue for r in rows))
    for queue in queues:
        pts = sorted((getattr(r, axis), r.aggregate) for r in rows if r.queue == queue)
        xs = [x for x, _ in pts]
        colour = qbfigure.queue_colour(queue)
        ax.plot(xs, [a["median_items_per_s"] for _, a in pts], ls="--" if queue in references else "-",
                marker=qbfigure.queue_marker(queue), color=colour, ms=4, lw=1.3, label=queue)
        ax.fill_between(xs, [a["min_items_per_s"] for _, a in pts], [a["max_items_per_s"] for _, a in pts],
                        color=colour, alpha=0.15, lw=0)
    return queues


def _figure(group, outdir, axis: str, log_y: bool):
    kind = f"throughput_vs_{axis}"
    other = "consumers" if axis == "producers" else "producers"
    what = f"Throughput vs {axis}"
    rows = _points(group)
    if not rows:
        return qbfigure.not_applicable(kind, group, what, "no throughput point with every repetition ok")
    if len({getattr(r, axis) for r in rows}) < 2:
        return qbfigure.not_applicable(kind, group, what, f"every point has the same number of {axis}")
    classes = _panels(rows, axis, other)
    if not classes:
        return qbfigure.not_applicable(kind, group, what, f"no queue was measured at two numbers of {axis} "
                                       f"with the same number of {other}")
    ncols = max(len(panels) for _, panels in classes)
    fig, grid = qbfigure.panel_rows([len(panels) for _, panels in classes], ncols,
                                    figsize=(3.4 * ncols + 0.6, 2.7 * len(classes) + 0.9))
    references = {r.queue for r in rows if r.reference}
    for row_axes, (name, panels) in zip(grid, classes):
        drawn = []
        for ax, (fixed, members) in zip(row_axes, panels):
            drawn += _draw(ax, members, axis, references)
            ax.set_title(f"{qbclass.wrapped(name)}\n{_plural(fixed, other)}")
            ax.set_xlabel(f"{axis} (threads)")
            ax.set_xticks(sorted({getattr(r, axis) for r in members}))
            qbfigure.throughput_axis(ax, "items/s (median; band: min-max)", log_y)
        qbfigure.legend_outside(row_axes[len(panels) - 1], qbfigure.queue_handles(
            dict.fromkeys(drawn), dashed=references))
    return qbfigure.finish(fig, kind, what, group, outdir)


def make(group, outdir, log_y: bool = False, kinds=KINDS):
    """The figures of `kinds` (some of KINDS, by default both; report_figures
    has each drawn by a worker of its own), in the order of KINDS."""
    return [_figure(group, outdir, kind.rsplit("_", 1)[1], log_y) for kind in KINDS if kind in kinds]


def main(argv=None) -> int:
    p = qbfigure.parser(__doc__)
    p.add_argument("--log-y", action="store_true", help="items/s on a log scale")
    args = p.parse_args(argv)
    return qbfigure.run("plot_scaling.py", args, make, log_y=args.log_y)


if __name__ == "__main__":
    sys.exit(main())
