#!/usr/bin/python3
"""Latency p50 / p99 / p99.9 bars per configuration.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-latency_percentiles,
.png and .svg: one panel per percentile, configurations (P x C) across, one bar
per queue, ns on a log scale. The source is the run's headline latency, as
qbench's table picks it: end-to-end when recorded, else the sampled try_pop.
End-to-end latency is said to be closed loop in the title (open loop for
paced points), and a point with a backlog (qbloop) has hatched bars, named
in the figure's note. A percentile the run had too few samples for (the harness writes null below
1/(1-p) samples) is marked "n/a", never drawn as zero. With more than eight
queues, a row of panels per queue class (qbclass.panel_groups), one panel
per percentile, each row's legend to its right.
"""

from __future__ import annotations

import sys

import qbclass
import qbfigure
import qbloop

KINDS = ("latency_percentiles",)
DRAW_WEIGHT = 1.1  # one figure's drawing time against the others' (report_figures draws the heaviest first)
SHOWN = (("p50", "p50_ns"), ("p99", "p99_ns"), ("p99.9", "p99_9_ns"))
SOURCE_WORDS = {"e2e": "end-to-end latency", "pop": "sampled try_pop latency"}


def headline_source(rows) -> str | None:
    for source in ("e2e", "pop"):
        if any(r.latency_summary(source) for r in rows):
            return source
    return None


def make(group, outdir):
    kind = KINDS[0]
    source = headline_source(group.rows)
    if source is None:
        return [qbfigure.not_applicable(kind, group, "Latency percentiles",
                                        "no latency recorded (--latency off)")]
    rows = [r for r in group.rows if r.latency_summary(source)]
    what = qbloop.title(f"p50 / p99 / p99.9 {SOURCE_WORDS[source]}", rows, source, "Hatched bars")
    note = qbloop.backlog_note(rows, source, "Hatched bars")
    marked = {id(r) for r in qbloop.backlogged(rows, source)}
    configs = sorted({(r.producers, r.consumers) for r in rows})
    groups = qbclass.panel_groups(rows)
    if len(groups) == 1:
        queues = list(dict.fromkeys(r.queue for r in rows))
        wide = min(14.0, max(6.0, 0.45 * len(configs) * len(queues)))
        fig, axes = qbfigure.grid(len(SHOWN), ncols=1, panel=(wide, 2.3))
        for ax, shown in zip(axes, SHOWN):
            _panel(ax, group.rows, queues, configs, source, shown, shown[0], marked)
        qbfigure.legend_outside(fig, queues)
        return [qbfigure.finish(fig, kind, what, group, outdir, note=note)]
    wide = min(6.0, max(3.6, 0.1 * len(configs) * max(len({r.queue for r in m}) for _, m in groups)))
    fig, grid = qbfigure.pyplot().subplots(len(groups), len(SHOWN), squeeze=False,
                                           figsize=(wide * len(SHOWN) + 0.6, 2.5 * len(groups) + 0.9))
    for row_axes, (name, members) in zip(grid, groups):
        queues = list(dict.fromkeys(r.queue for r in members))
        mine = sorted({(r.producers, r.consumers) for r in members})
        for ax, shown in zip(row_axes, SHOWN):
            _panel(ax, group.rows, queues, mine, source, shown, f"{qbclass.wrapped(name, 60)}: {shown[0]}", marked)
        qbfigure.legend_outside(row_axes[-1], queues)
    return [qbfigure.finish(fig, kind, what, group, outdir, note=note)]


def _panel(ax, rows, queues, configs, source, shown, title, marked) -> None:
    label, key = shown

    def value(run):
        v = (run.latency_summary(source) or {}).get(key)
        return v if isinstance(v, (int, float)) and v > 0 else None

    # "n/a": too few samples for the percentile; else the point did not run or failed
    qbfigure.bars_by_config(ax, rows, queues, configs, value,
                            lambda run: "n/a" if run.latency_summary(source) else run.status.replace("_", " "),
                            hatched=lambda run: id(run) in marked)
    ax.set_yscale("log")
    ax.set_title(title)
    ax.set_ylabel(f"{label} latency (ns)")


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_latency_bars.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
