#!/usr/bin/python3
"""Priority lanes: each lane's latency and rejections.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-priority_lanes,
.png and .svg: one row per priority_lanes run. Left, each lane's p50 / p99 /
p99.9 latency in ns (log scale; "n/a" where the lane had too few samples for
the percentile); right, the pushes each lane rejected at its soft capacity, as
a share of those offered, with starved lanes marked. The run-level
workload_metrics are used, or the first ok repetition's when the run has none.
"""

from __future__ import annotations

import sys

import numpy as np

import qbfigure

KINDS = ("priority_lanes",)
MAX_RUNS = 8
SHOWN = (("p50", "p50_ns", 1.0), ("p99", "p99_ns", 0.65), ("p99.9", "p99_9_ns", 0.35))


def _policy(row) -> str:
    metrics = row.block("workload_metrics") or {}
    policy = metrics.get("policy") or row.workload_params.get("policy") or "?"
    if policy == "fair":
        k = metrics.get("fair_k") or row.workload_params.get("fair_k")
        return f"fair, k={k}" if k else "fair"
    return str(policy)


def _latency(ax, row, lanes) -> None:
    colour = qbfigure.queue_colour(row.queue)
    x = np.arange(len(lanes))
    for i, (label, key, alpha) in enumerate(SHOWN):
        for j, lane in enumerate(lanes):
            value = (lane.get("latency") or {}).get(key)
            xpos = x[j] - 0.27 + 0.27 * i
            if isinstance(value, (int, float)) and value > 0:
                ax.bar(xpos, value, 0.25, color=colour, alpha=alpha, label=label if j == 0 else None)
            else:
                ax.text(xpos, 0.03, "n/a", rotation=90, ha="center", va="bottom", fontsize=6,
                        transform=ax.get_xaxis_transform())
    ax.set_yscale("log")
    ax.set_xticks(x, [str(lane.get("name", "?")) for lane in lanes])
    ax.set_xlabel("lane")
    ax.set_ylabel("latency (ns)")


def _rejections(ax, row, lanes) -> None:
    colour = qbfigure.queue_colour(row.queue)
    x = np.arange(len(lanes))
    shares = []
    for lane in lanes:
        offered, rejected = lane.get("offered"), lane.get("rejected")
        ok = isinstance(offered, (int, float)) and offered > 0 and isinstance(rejected, (int, float))
        shares.append(100.0 * rejected / offered if ok else 0.0)
    bars = ax.bar(x, shares, 0.6, color=colour)
    for bar, lane in zip(bars, lanes):
        words = f"{lane.get('rejected', '?')} rejected"
        if lane.get("starved"):
            words += "\nSTARVED"
        ax.annotate(words, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
                    fontsize=6, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(x, [str(lane.get("name", "?")) for lane in lanes])
    ax.set_ylim(0, max(shares + [1.0]) * 1.35)
    ax.set_xlabel("lane")
    ax.set_ylabel("rejected (% of offered)")


def make(group, outdir):
    kind = KINDS[0]
    what = "Priority lanes: latency and rejections per lane"
    found = [(row, row.lanes()) for row in group.rows]
    found = [(row, lanes) for row, lanes in found if lanes]
    if not found:
        return [qbfigure.not_applicable(kind, group, what, "no priority_lanes run")]
    shown, note = qbfigure.capped(found, MAX_RUNS)
    fig, axes = qbfigure.grid(2 * len(shown), ncols=2, panel=(4.4, 2.6))
    for i, (row, lanes) in enumerate(shown):
        left, right = axes[2 * i], axes[2 * i + 1]
        _latency(left, row, lanes)
        _rejections(right, row, lanes)
        qbfigure.run_title(left, row, f", {_policy(row)}: latency")
        qbfigure.run_title(right, row, f", {_policy(row)}: rejections")
    qbfigure.style_legend(fig, axes, title="latency bars (colour: the panel's queue)")
    return [qbfigure.finish(fig, kind, what, group, outdir, note=note)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_lanes.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
