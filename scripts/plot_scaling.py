#!/usr/bin/python3
"""Throughput against thread counts: items/s vs producers, and vs consumers.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-throughput_vs_producers
and -throughput_vs_consumers, .png and .svg: one panel per count of the other
side, one line per queue at the median over repetitions, with a band from the
slowest to the fastest repetition; reference ceilings are dashed. Only throughput-workload points with an
aggregate (every repetition ok) are drawn.
"""

from __future__ import annotations

import sys

import qbfigure

KINDS = ("throughput_vs_producers", "throughput_vs_consumers")


def _points(group):
    return [r for r in group.rows if r.workload == "throughput" and r.median is not None]


def _figure(group, outdir, axis: str, log_y: bool):
    kind = f"throughput_vs_{axis}"
    other = "consumers" if axis == "producers" else "producers"
    what = f"Throughput vs {axis}"
    rows = _points(group)
    if not rows:
        return qbfigure.not_applicable(kind, group, what, "no throughput point with every repetition ok")
    if len({getattr(r, axis) for r in rows}) < 2:
        return qbfigure.not_applicable(kind, group, what, f"every point has the same number of {axis}")
    panels = sorted({getattr(r, other) for r in rows})
    fig, axes = qbfigure.grid(len(panels))
    queues = list(dict.fromkeys(r.queue for r in rows))
    references = {r.queue for r in rows if r.reference}
    for ax, fixed in zip(axes, panels):
        for queue in queues:
            pts = sorted((getattr(r, axis), r.aggregate) for r in rows
                         if r.queue == queue and getattr(r, other) == fixed)
            if not pts:
                continue
            xs = [x for x, _ in pts]
            colour = qbfigure.queue_colour(queue)
            style = "--" if queue in references else "o-"  # a ceiling is a limit, not a contender
            ax.plot(xs, [a["median_items_per_s"] for _, a in pts], style, color=colour, ms=3, label=queue)
            ax.fill_between(xs, [a["min_items_per_s"] for _, a in pts], [a["max_items_per_s"] for _, a in pts],
                            color=colour, alpha=0.18, lw=0)
        ax.set_title(f"{fixed} {other[:-1] if fixed == 1 else other}")
        ax.set_xlabel(f"{axis} (threads)")
        ax.set_ylabel("items/s (median; band: min-max)")
        ax.set_xticks(sorted({getattr(r, axis) for r in rows}))
        if log_y:
            ax.set_yscale("log")
        else:
            ax.set_ylim(bottom=0)
        qbfigure.rate_axis(ax)
    qbfigure.legend_by_queue(axes[0], queues, loc="best")
    return qbfigure.finish(fig, kind, what, group, outdir)


def make(group, outdir, log_y: bool = False):
    return [_figure(group, outdir, "producers", log_y), _figure(group, outdir, "consumers", log_y)]


def main(argv=None) -> int:
    p = qbfigure.parser(__doc__)
    p.add_argument("--log-y", action="store_true", help="items/s on a log scale")
    args = p.parse_args(argv)
    return qbfigure.run("plot_scaling.py", args, make, log_y=args.log_y)


if __name__ == "__main__":
    sys.exit(main())
