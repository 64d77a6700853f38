#!/usr/bin/python3
"""Latency percentile spectrum per queue, from the histogram buckets.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-latency_spectrum_<source>,
.png and .svg, for each latency source the runs recorded: e2e (a sample of items, push to
pop), push and pop (one sampled try_push / try_pop that succeeded), and
round_trip (pingpong runs). One panel per P x C, one line per queue: x is the
percentile on the 1/(1-p) log scale (p50 at 2, p99 at 100, p99.9 at 1000),
y the latency in ns on a log scale, read from the repetitions' HdrHistogram
counts ("hdr") merged over every valid repetition. End-to-end latency is said
to be closed loop in the title (open loop for paced points), and a point
with a backlog (qbloop) is drawn dashed, named in the figure's note. With more than eight
queues, a row of panels per queue class (qbclass.panel_groups), each row's
legend to its right.
"""

from __future__ import annotations

import sys

import qbclass
import qbfigure
import qbloop

SOURCES = {
    "e2e": "End-to-end latency (sampled items, push to pop)",
    "push": "Successful try_push latency (sampled)",
    "pop": "Successful try_pop latency (sampled)",
    "round_trip": "Ping-pong round trip (sender's clock)",
}
KINDS = tuple(f"latency_spectrum_{s}" for s in SOURCES)
DRAW_WEIGHT = 1.8  # one figure's drawing time against the others' (report_figures draws the heaviest first)


def _ticks(ax, deepest: float) -> None:
    ticks = [(2, "p50"), (10, "p90"), (100, "p99"), (1e3, "p99.9"), (1e4, "p99.99"),
             (1e5, "p99.999"), (1e6, "p99.9999"), (1e7, "p99.99999")]
    shown = [(x, label) for x, label in ticks if x <= deepest * 1.01] or ticks[:2]
    ax.set_xticks([x for x, _ in shown], [label for _, label in shown], rotation=30, fontsize=7)
    ax.minorticks_off()


def _panel(ax, rows, source: str, title: str, first: bool, marked=frozenset()) -> list[str]:
    """One P x C panel; only a row's `first` panel names the y axis (every
    panel's is latency in ns)."""
    deepest, drawn = 2.0, []
    for r in rows:
        xs, ys = r.latency_spectrum(source)
        if not len(xs):
            continue
        ax.plot(xs, ys, drawstyle="steps-post", color=qbfigure.queue_colour(r.queue), lw=1.2,
                ls="--" if id(r) in marked else "-",
                marker=qbfigure.queue_marker(r.queue), ms=3.5, markevery=0.2)
        deepest = max(deepest, xs[-1])
        drawn.append(r.queue)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _ticks(ax, deepest)
    ax.set_title(title)
    ax.set_xlabel("percentile (1/(1-p) scale)")
    if first:
        ax.set_ylabel("latency (ns)")
    return drawn


def _figure(group, outdir, source: str):
    kind = f"latency_spectrum_{source}"
    rows = [r for r in group.rows if r.latency_summary(source)]
    what = qbloop.title(f"{SOURCES[source]}: percentile spectrum", rows, source, "Dashed lines")
    note = qbloop.backlog_note(rows, source, "Dashed lines")
    marked = {id(r) for r in qbloop.backlogged(rows, source)}
    if not rows:
        why = {"e2e": "no end-to-end latency recorded (--latency off or ops)",
               "push": "no per-operation latency recorded (--latency ops or all records it)",
               "pop": "no per-operation latency recorded (--latency ops or all records it)",
               "round_trip": "no pingpong run"}[source]
        return qbfigure.not_applicable(kind, group, what, why)
    configs = sorted({(r.producers, r.consumers) for r in rows})
    groups = qbclass.panel_groups(rows)
    if len(groups) == 1:
        fig, axes = qbfigure.grid(len(configs))
        drawn = []
        for ax, (p, c) in zip(axes, configs):
            drawn += _panel(ax, [r for r in rows if (r.producers, r.consumers) == (p, c)], source,
                            f"{p} producer{'s' if p != 1 else ''}, {c} consumer{'s' if c != 1 else ''}",
                            ax.get_subplotspec().is_first_col(), marked)
        qbfigure.legend_outside(fig, list(dict.fromkeys(r.queue for r in rows if r.queue in drawn)))
        return qbfigure.finish(fig, kind, what, group, outdir, note=note)
    counts = [len({(r.producers, r.consumers) for r in members}) for _, members in groups]
    ncols = max(counts)
    fig, grid = qbfigure.panel_rows(counts, ncols, figsize=(2.9 * ncols + 0.6, 2.6 * len(groups) + 0.9))
    for row_axes, (name, members) in zip(grid, groups):
        mine = sorted({(r.producers, r.consumers) for r in members})
        drawn = []
        for k, (ax, (p, c)) in enumerate(zip(row_axes, mine)):
            drawn += _panel(ax, [r for r in members if (r.producers, r.consumers) == (p, c)], source,
                            f"{qbclass.wrapped(name)}\np{p}c{c}", k == 0, marked)
        qbfigure.legend_outside(row_axes[len(mine) - 1], list(dict.fromkeys(drawn)))
    return qbfigure.finish(fig, kind, what, group, outdir, note=note)


def make(group, outdir, kinds=KINDS):
    """The figures of `kinds` (some of KINDS, by default all; report_figures
    has each drawn by a worker of its own), in the order of KINDS."""
    return [_figure(group, outdir, source) for source, kind in zip(SOURCES, KINDS) if kind in kinds]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_latency_spectrum.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
