#!/usr/bin/python3
"""P x C heatmaps: each queue's median items/s, and its ratio to the fastest.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-heatmap_items_per_s
and -heatmap_ratio_to_fastest, .png and .svg: one panel per queue, producers
down, consumers across. Items/s share one colour scale across the panels; the
ratio is the queue's median over the best median of any queue at the same
P x C (1.00: the fastest there); reference ceilings have no ratio panel and
are never the fastest. Cells without a valid median say why
(skipped, failed, invalid) or stay blank when the point was not in the sweep.
"""

from __future__ import annotations

import sys

import numpy as np

import qbfigure
import qbformat

KINDS = ("heatmap_items_per_s", "heatmap_ratio_to_fastest")


def _cells(group):
    rows = [r for r in group.rows if r.workload == "throughput"]
    ps = sorted({r.producers for r in rows})
    cs = sorted({r.consumers for r in rows})
    queues = list(dict.fromkeys(r.queue for r in rows))
    return rows, ps, cs, queues


def _matrix(rows, queue, ps, cs, value):
    m = np.full((len(ps), len(cs)), np.nan)
    labels = {}
    for r in rows:
        if r.queue != queue:
            continue
        i, j = ps.index(r.producers), cs.index(r.consumers)
        v = value(r)
        if v is None:
            labels[(i, j)] = r.status.replace("_", " ")
        else:
            m[i, j] = v
    return m, labels


def _draw(group, outdir, kind, what, value, norm, fmt, cmap, bar_label, rates: bool, skip=frozenset()):
    rows, ps, cs, queues = _cells(group)
    queues = [q for q in queues if q not in skip]
    fig, axes = qbfigure.grid(len(queues), ncols=4, panel=(3.0, 2.6))
    image = None
    for ax, queue in zip(axes, queues):
        m, labels = _matrix(rows, queue, ps, cs, value)
        image = ax.imshow(m, origin="lower", cmap=cmap, norm=norm, aspect="auto")
        for (i, j), v in np.ndenumerate(m):
            text = fmt(v) if not np.isnan(v) else labels.get((i, j), "")
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
                    color="black" if np.isnan(v) else "white",
                    bbox=None if np.isnan(v) else {"boxstyle": "round,pad=0.1", "fc": "#00000055", "lw": 0})
        ax.set_title(queue, color=qbfigure.queue_colour(queue), fontweight="bold")
        ax.set_xticks(range(len(cs)), [str(c) for c in cs])
        ax.set_yticks(range(len(ps)), [str(p) for p in ps])
        ax.set_xlabel("consumers (threads)")
        ax.set_ylabel("producers (threads)")
        ax.grid(False)
    title = qbfigure.suptitle(fig, what, group)
    fig.tight_layout()
    bar = fig.colorbar(image, ax=axes, label=bar_label, shrink=0.9)
    if rates:
        qbfigure.rate_axis(bar.ax)
    return qbfigure.save(fig, kind, group, title, outdir)


def make(group, outdir):
    rows, ps, cs, queues = _cells(group)
    valid = [r for r in rows if r.median is not None]
    titles = ("Items/s by producers x consumers", "Ratio to the fastest queue by producers x consumers")
    if not valid:
        why = "no throughput point with every repetition ok"
        return [qbfigure.not_applicable(k, group, t, why) for k, t in zip(KINDS, titles)]
    from matplotlib.colors import Normalize  # matplotlib only where a figure is drawn (qbfigure.pyplot)

    references = frozenset(r.queue for r in rows if r.reference)  # limits, not contenders
    best = {}
    for r in valid:
        if r.queue not in references:
            best[(r.producers, r.consumers)] = max(best.get((r.producers, r.consumers), 0.0), r.median)
    medians = [r.median for r in valid]
    rate_norm = Normalize(0, max(medians))
    rates = _draw(group, outdir, KINDS[0], titles[0], lambda r: r.median, rate_norm,
                  lambda v: qbformat.si(v), "viridis", "items/s (median over repetitions)", rates=True)
    if not best:
        return [rates, qbfigure.not_applicable(KINDS[1], group, titles[1], "only reference ceilings were measured")]
    return [
        rates,
        _draw(group, outdir, KINDS[1], titles[1],
              lambda r: None if r.median is None or (r.producers, r.consumers) not in best
              else r.median / best[(r.producers, r.consumers)],
              Normalize(0, 1), lambda v: f"{v:.2f}", "magma",
              "ratio to the fastest median (1 = fastest)", rates=False, skip=references),
    ]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_heatmap.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
