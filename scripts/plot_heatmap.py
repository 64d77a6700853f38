#!/usr/bin/python3
"""P x C heatmaps: each queue's median items/s, and its ratio to the fastest.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-heatmap_items_per_s
and -heatmap_ratio_to_fastest, .png and .svg: one panel per queue, producers
down, consumers across. Items/s share one colour scale across the panels
(logarithmic where the queues' medians are over a hundred times apart); the
ratio is the queue's median over the best median of any queue at the same
P x C (1.00: the fastest there); reference ceilings have no ratio panel and
are never the fastest. Cells without a valid median say why
(skipped, failed, invalid) or stay blank when the point was not in the sweep.
With more than eight queues, each queue class (qbclass.panel_groups) starts a
row of panels, named beside its first panel. The items/s scale is the
queues' own, never set by a reference ceiling (drawn in its top colour when
above it, its cells giving the value).
"""

from __future__ import annotations

import sys

import numpy as np

import qbclass
import qbfigure
import qbformat

KINDS = ("heatmap_items_per_s", "heatmap_ratio_to_fastest")
DRAW_WEIGHT = 0.85  # one figure's drawing time against the others' (report_figures draws the heaviest first)


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


def _layout(rows, queues, ncols: int = 4) -> list[tuple[str, list[str]]]:
    """(class, the queues of one grid row): with more than eight queues each
    panel class starts a row of its own (qbclass.panel_groups), in rows of ncols."""
    out = []
    for name, members in qbclass.panel_groups([r for r in rows if r.queue in queues]):
        mine = list(dict.fromkeys(r.queue for r in members))
        out += [(name if i == 0 else "", mine[i:i + ncols]) for i in range(0, len(mine), ncols)]
    return out


def _draw(group, outdir, kind, what, value, norm, fmt, cmap, bar_label, rates: bool, skip=frozenset(), note=""):
    rows, ps, cs, queues = _cells(group)
    layout = _layout(rows, [q for q in queues if q not in skip])
    ncols = max(len(qs) for _, qs in layout)
    fig, grid = qbfigure.panel_rows([len(qs) for _, qs in layout], ncols,
                                    figsize=(3.0 * ncols + 1.4, 2.6 * len(layout) + 1.0), grid=False)
    image, axes = None, []
    for row_axes, (name, row_queues) in zip(grid, layout):
        for k, (ax, queue) in enumerate(zip(row_axes, row_queues)):
            axes.append(ax)
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
            ax.set_ylabel(f"{qbclass.wrapped(name)}\nproducers (threads)" if name and k == 0 else "producers (threads)",
                          fontweight="bold" if name and k == 0 else "normal")
    title = qbfigure.suptitle(fig, what, group)
    qbfigure.tight(fig)
    drawn = [v for q in queues if q not in skip for v in _matrix(rows, q, ps, cs, value)[0].flat if not np.isnan(v)]
    above, below = any(v > norm.vmax for v in drawn), any(v < norm.vmin for v in drawn)
    extend = {(True, True): "both", (True, False): "max", (False, True): "min"}.get((above, below), "neither")
    bar = fig.colorbar(image, ax=axes, label=bar_label, shrink=0.9, extend=extend)
    if rates:
        qbfigure.rate_axis(bar.ax)
    return qbfigure.save(fig, kind, group, title, outdir, note=note if extend != "neither" else "")


def make(group, outdir, kinds=KINDS):
    """The figures of `kinds` (some of KINDS, by default all; report_figures
    has each drawn by a worker of its own), in the order of KINDS."""
    rows, ps, cs, queues = _cells(group)
    valid = [r for r in rows if r.median is not None]
    titles = ("Items/s by producers x consumers", "Ratio to the fastest queue by producers x consumers")
    if not valid:
        why = "no throughput point with every repetition ok"
        return [qbfigure.not_applicable(k, group, t, why) for k, t in zip(KINDS, titles) if k in kinds]
    from matplotlib.colors import LogNorm, Normalize  # matplotlib only where a figure is drawn (qbfigure.pyplot)

    references = frozenset(r.queue for r in rows if r.reference)  # limits, not contenders
    best = {}
    for r in valid:
        if r.queue not in references:
            best[(r.producers, r.consumers)] = max(best.get((r.producers, r.consumers), 0.0), r.median)
    # The colour scale is the queues': a ceiling above it is drawn in its top colour, its cell giving the value.
    medians = [r.median for r in valid if r.queue not in references] or [r.median for r in valid]
    low = min((m for m in medians if m > 0), default=0.0)
    # Queues a hundred times apart would share the scale's dark end: then the scale is logarithmic, over at
    # most three decades below the fastest queue (a slower cell takes the bottom colour; its text gives the value).
    top = max(medians)
    rate_norm = LogNorm(max(low, top / 1000), top) if low and top > 100 * low else Normalize(0, top)
    made = []
    if KINDS[0] in kinds:
        made.append(_draw(group, outdir, KINDS[0], titles[0], lambda r: r.median, rate_norm,
                          lambda v: qbformat.si(v), "viridis", "items/s (median over repetitions)", rates=True,
                          note="The colour scale is the queues'; a cell beyond it (a reference ceiling above it, a "
                               "queue more than a thousand times slower than the fastest) takes its end colour, its "
                               "text giving the value."))
    if KINDS[1] not in kinds:
        return made
    if not best:
        return made + [qbfigure.not_applicable(KINDS[1], group, titles[1], "only reference ceilings were measured")]
    return made + [_draw(group, outdir, KINDS[1], titles[1],
                         lambda r: None if r.median is None or (r.producers, r.consumers) not in best
                         else r.median / best[(r.producers, r.consumers)],
                         Normalize(0, 1), lambda v: f"{v:.2f}", "magma",
                         "ratio to the fastest median (1 = fastest)", rates=False, skip=references)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_heatmap.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
