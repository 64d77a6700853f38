#!/usr/bin/python3
"""Latency percentile spectrum per queue, from the histogram buckets.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-latency_spectrum_<source>,
.png and .svg, for each latency source the runs recorded: e2e (a sample of items, push to
pop), push and pop (one sampled try_push / try_pop that succeeded), and
round_trip (pingpong runs). One panel per P x C, one line per queue: x is the
percentile on the 1/(1-p) log scale (p50 at 2, p99 at 100, p99.9 at 1000),
y the latency in ns on a log scale, read from the repetitions' HdrHistogram
counts ("hdr") merged over every valid repetition.
"""

from __future__ import annotations

import sys

import qbfigure

SOURCES = {
    "e2e": "End-to-end latency (sampled items, push to pop)",
    "push": "Successful try_push latency (sampled)",
    "pop": "Successful try_pop latency (sampled)",
    "round_trip": "Ping-pong round trip (sender's clock)",
}
KINDS = tuple(f"latency_spectrum_{s}" for s in SOURCES)


def _ticks(ax, deepest: float) -> None:
    ticks = [(2, "p50"), (10, "p90"), (100, "p99"), (1e3, "p99.9"), (1e4, "p99.99"),
             (1e5, "p99.999"), (1e6, "p99.9999"), (1e7, "p99.99999")]
    shown = [(x, label) for x, label in ticks if x <= deepest * 1.01] or ticks[:2]
    ax.set_xticks([x for x, _ in shown], [label for _, label in shown], rotation=30, fontsize=7)
    ax.minorticks_off()


def _figure(group, outdir, source: str):
    kind = f"latency_spectrum_{source}"
    what = f"{SOURCES[source]}: percentile spectrum"
    rows = [r for r in group.rows if r.latency_summary(source)]
    if not rows:
        why = {"e2e": "no end-to-end latency recorded (--latency off or ops)",
               "push": "no per-operation latency recorded (--latency ops or all records it)",
               "pop": "no per-operation latency recorded (--latency ops or all records it)",
               "round_trip": "no pingpong run"}[source]
        return qbfigure.not_applicable(kind, group, what, why)
    configs = sorted({(r.producers, r.consumers) for r in rows})
    fig, axes = qbfigure.grid(len(configs))
    queues = list(dict.fromkeys(r.queue for r in rows))
    for ax, (p, c) in zip(axes, configs):
        deepest = 2.0
        for r in rows:
            if (r.producers, r.consumers) != (p, c):
                continue
            xs, ys = r.latency_spectrum(source)  # qbhist.spectrum of r.latency(source), as arrays
            if not len(xs):
                continue
            ax.plot(xs, ys, drawstyle="steps-post", color=qbfigure.queue_colour(r.queue), lw=1.2)
            deepest = max(deepest, xs[-1])
        ax.set_xscale("log")
        ax.set_yscale("log")
        _ticks(ax, deepest)
        ax.set_title(f"{p} producer{'s' if p != 1 else ''}, {c} consumer{'s' if c != 1 else ''}")
        ax.set_xlabel("percentile (1/(1-p) scale)")
        ax.set_ylabel("latency (ns)")
    qbfigure.legend_by_queue(axes[0], queues, loc="upper left")
    return qbfigure.finish(fig, kind, what, group, outdir)


def make(group, outdir):
    return [_figure(group, outdir, source) for source in SOURCES]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_latency_spectrum.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
