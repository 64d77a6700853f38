#!/usr/bin/python3
"""Queue depth and elastic capacity over time.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-depth_over_time,
.png and .svg: one panel per run that sampled its depth, from the repetition
whose items/s is nearest the run's median (series are kept per repetition).
Admission runs (workload_metrics.depth_series) show the depth against the soft
capacity and the backpressure threshold; burst runs
(workload_metrics.capacity_series) show the elastic queue's capacity as a step
line over its depth.
"""

from __future__ import annotations

import sys

import qbfigure

KINDS = ("depth_over_time",)
MAX_PANELS = 12


def _series_of(row):
    for key in ("capacity_series", "depth_series"):
        rep = row.representative(key)
        if rep is not None:
            return key, rep
    return None, None


def _admission(ax, row, rep) -> None:
    m = rep["workload_metrics"]
    s = m["depth_series"]
    colour = qbfigure.queue_colour(row.queue)
    ax.plot(s.get("t_s", []), s.get("depth", []), color=colour, lw=1.2, label="depth")
    soft = m.get("soft_capacity")
    if isinstance(soft, (int, float)) and soft > 0:
        ax.axhline(soft, color="black", ls="--", lw=0.8, label="soft capacity")
        threshold = m.get("backpressure_threshold")
        if isinstance(threshold, (int, float)):
            ax.axhline(soft * threshold, color="grey", ls=":", lw=0.8,
                       label=f"backpressure threshold ({threshold:.0%})")


def _burst(ax, row, rep) -> None:
    s = rep["workload_metrics"]["capacity_series"]
    colour = qbfigure.queue_colour(row.queue)
    t = s.get("t_s", [])
    ax.plot(t, s.get("capacity", []), color=colour, drawstyle="steps-post", lw=1.4, ls="--", label="capacity")
    if s.get("depth"):
        ax.plot(t, s["depth"], color=colour, lw=1.0, alpha=0.7, label="depth")


def make(group, outdir):
    kind = KINDS[0]
    what = "Queue depth and capacity over time"
    found = [(row, *_series_of(row)) for row in group.rows]
    found = [(row, key, rep) for row, key, rep in found if rep is not None]
    if not found:
        return [qbfigure.not_applicable(kind, group, what,
                                        "no run sampled its depth (admission or burst workloads do)")]
    shown, note = qbfigure.capped(found, MAX_PANELS)
    fig, axes = qbfigure.grid(len(shown))
    for ax, (row, key, rep) in zip(axes, shown):
        (_burst if key == "capacity_series" else _admission)(ax, row, rep)
        qbfigure.run_title(ax, row, f" (rep {rep.get('repetition', '?')})")
        ax.set_xlabel("time since the window opened (s)")
        ax.set_ylabel("items")
        ax.set_ylim(bottom=0)
    qbfigure.style_legend(fig, axes)
    return [qbfigure.finish(fig, kind, what, group, outdir, note=note)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_depth.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
