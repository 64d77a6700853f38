#!/usr/bin/python3
"""Paced runs: target rate against achieved rate over time.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-paced_rate,
.png and .svg: one panel per paced run (workload_metrics.rate_series), from the
repetition whose items/s is nearest the run's median: the target rate the
producers were paced to (dashed) and the rate the consumers achieved, in
items/s. A run whose producers could not keep to the schedule is marked
saturated, with its largest lag behind the schedule.
"""

from __future__ import annotations

import sys

import qbfigure
import qbformat

KINDS = ("paced_rate",)
MAX_PANELS = 12


def make(group, outdir):
    kind = KINDS[0]
    what = "Paced rate: target vs achieved"
    found = [(row, row.representative("rate_series")) for row in group.rows]
    found = [(row, rep) for row, rep in found if rep is not None]
    if not found:
        return [qbfigure.not_applicable(kind, group, what, "no paced run (workload paced records a rate series)")]
    shown, note = qbfigure.capped(found, MAX_PANELS)
    fig, axes = qbfigure.grid(len(shown))
    for ax, (row, rep) in zip(axes, shown):
        m = rep["workload_metrics"]
        s = m["rate_series"]
        t = s.get("t_s", [])
        ax.plot(t, s.get("target_per_s", []), color="black", ls="--", lw=1.0, label="target")
        ax.plot(t, s.get("achieved_per_s", []), color=qbfigure.queue_colour(row.queue), lw=1.3, label="achieved")
        if m.get("saturated"):
            lag = m.get("max_lag_ns")
            words = "saturated" + (f": lagged up to {qbformat.duration(lag)}" if isinstance(lag, (int, float))
                                   else "")
            ax.text(0.02, 0.04, words, transform=ax.transAxes, fontsize=7, color="#b00000")
        qbfigure.run_title(ax, row, f" (rep {rep.get('repetition', '?')})")
        ax.set_xlabel("time since the window opened (s)")
        ax.set_ylabel("rate (items/s)")
        ax.set_ylim(bottom=0)
        qbfigure.rate_axis(ax)
    qbfigure.style_legend(fig, axes)
    return [qbfigure.finish(fig, kind, what, group, outdir, note=note)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_rate.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
