"""The layout every figure gets, and the check it passes when it is saved: no
legend over a panel, a panel's title or the figure's title, and no
throughput panel whose queues are squeezed into a corner by one series' scale.

arrange() spaces a grid of panels in one measuring pass (qbfigure.tight).

Input: a matplotlib Figure, as saved (qbfigure.save checks it after the PNG's
draw; check() draws it once, without rendering, when not told it was drawn).
Output: plain data (picklable, for qbfigure.Made.layout):
{"overlaps": ["legend ... overlaps panel '...'", ...],
 "throughput_spans": [{"panel": "...", "span": 0.93}, ...]}; problems()
turns it into one line per problem.

The figure's title is checked against the panels' titles too.

The span of a throughput panel (one that mark_throughput marked: its y axis
is items/s) says how much of the panel's height the queues use. Series are
told apart by colour (a queue's line, band, whiskers and bars share its
colour); each series' lowest and highest drawn value is taken in the axis'
own scale, as a fraction of the axis range (0 = bottom, 1 = top).
- Linear axis: from the bottom (the zero baseline when the axis starts at 0,
  else the lowest drawn value) to the top of the second-highest series (the
  only one, in a panel of one). So no single series can set the scale for
  the rest: a ceiling at 600M beside queues at 50M gives 0.08, a line at 1e9
  beside one at 1e6 gives 0.001.
- Log axis: ratios read the same at any height, so one series cannot hide
  the others; the span is the whole data's extent (lowest to highest value)
  over the axis range, which catches limits set far from the data.
A span below MIN_SPAN is a problem.

cut_edges() reads a saved PNG: ink at its edges is something cut off.
"""

from __future__ import annotations

import math
import weakref

MIN_SPAN = 0.5
_THROUGHPUT: weakref.WeakSet = weakref.WeakSet()


def mark_throughput(ax) -> None:
    """Marks a panel whose y axis is items/s: check() reports its span."""
    _THROUGHPUT.add(ax)


def is_throughput(ax) -> bool:
    return ax in _THROUGHPUT


def _rgb(colour) -> tuple:
    from matplotlib.colors import to_rgba

    return tuple(round(v, 3) for v in to_rgba(colour)[:3])


def series(ax) -> dict[tuple, list[float]]:
    """colour -> every y value that colour draws in the panel (lines, bands,
    whiskers, bars), in data units."""
    import numpy as np
    from matplotlib.collections import Collection
    from matplotlib.patches import Rectangle

    found: dict[tuple, list[float]] = {}

    def add(colour, ys) -> None:
        ys = np.asarray(ys, dtype=float).ravel()
        if ys.size:
            found.setdefault(_rgb(colour), []).extend(ys[np.isfinite(ys)].tolist())

    for line in ax.lines:
        if line.get_visible():
            add(line.get_color(), line.get_ydata(orig=False))
    for coll in ax.collections:
        if not isinstance(coll, Collection) or not coll.get_visible() or coll.get_transform() != ax.transData:
            continue
        faces = coll.get_facecolor()
        colour = faces[0] if len(faces) else (coll.get_edgecolor()[0] if len(coll.get_edgecolor()) else None)
        if colour is not None:
            for path in coll.get_paths():
                add(colour, path.vertices[:, 1])
    for patch in ax.patches:
        if isinstance(patch, Rectangle) and patch.get_visible() and patch.get_transform() == ax.transData:
            add(patch.get_facecolor(), [patch.get_y(), patch.get_y() + patch.get_height()])
    return {k: v for k, v in found.items() if v}


def span(ax) -> float | None:
    """The panel's span (see the module's docstring), or None with no data."""
    log = ax.get_yscale() == "log"
    found = {k: [y for y in ys if y > 0] if log else ys for k, ys in series(ax).items()}
    found = {k: ys for k, ys in found.items() if ys}
    if not found:
        return None
    to_scale = ax.yaxis.get_transform().transform
    bottom, top = (float(v) for v in to_scale([[y] for y in ax.get_ylim()]).ravel())
    height = top - bottom
    if not (math.isfinite(height) and height > 0):
        return None

    def fraction(y: float) -> float:
        return min(1.0, max(0.0, (float(to_scale([[y]])[0][0]) - bottom) / height))

    lows = [fraction(min(ys)) for ys in found.values()]
    tops = sorted(fraction(max(ys)) for ys in found.values())
    if log:
        return round(tops[-1] - min(lows), 3)
    base = 0.0 if abs(ax.get_ylim()[0]) <= 1e-12 * abs(ax.get_ylim()[1]) else min(lows)
    return round((tops[-2] if len(tops) > 1 else tops[-1]) - base, 3)


def _name(ax, i: int) -> str:
    if ax.get_label() == "<colorbar>":
        return "colour bar"
    title = ax.get_title() or ax.get_title(loc="left") or f"panel {i + 1}"
    return ": ".join(line.rstrip(",") for line in title.splitlines())


def _overlap(a, b) -> bool:
    """More than a pixel of overlap both ways: touching edges are not an overlap."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1


def overlaps(fig, renderer) -> list[str]:
    axes = [(ax, _name(ax, i)) for i, ax in enumerate(fig.axes) if ax.get_visible()]
    legends = [(f"legend of panel '{name}'", ax.get_legend()) for ax, name in axes if ax.get_legend()]
    legends += [(f"figure legend {i + 1}", leg) for i, leg in enumerate(fig.legends)]
    texts = [(f"the title of panel '{name}'", ax.title) for ax, name in axes if ax.get_title()]
    title = getattr(fig, "_suptitle", None)
    if title is not None and title.get_text():
        texts.append(("the figure's title", title))
    out = []
    for words, leg in legends:
        if not leg.get_visible():
            continue
        box = leg.get_window_extent(renderer)
        out += [f"{words} overlaps panel '{name}'" for ax, name in axes
                if _overlap(box, ax.get_window_extent(renderer))]
        out += [f"{words} overlaps {what}" for what, text in texts if _overlap(box, text.get_window_extent(renderer))]
    if title is not None and title.get_text():
        box = title.get_window_extent(renderer)
        out += [f"the figure's title overlaps {what}" for what, text in texts[:-1]
                if _overlap(box, text.get_window_extent(renderer))]
    return out


def check(fig, drawn: bool = False) -> dict:
    """The layout record of a figure; draws it once, without rendering,
    unless `drawn` (it was just drawn as saved, and nothing moved since)."""
    if not drawn:
        fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    spans = [{"panel": _name(ax, i), "span": s} for i, ax in enumerate(fig.axes)
             if is_throughput(ax) and (s := span(ax)) is not None]
    return {"overlaps": overlaps(fig, renderer), "throughput_spans": spans}


def problems(layout: dict) -> list[str]:
    """One line per problem of a layout record: each overlap, each squeezed panel."""
    out = list(layout.get("overlaps", []))
    out += [f"throughput panel '{s['panel']}' spans {s['span']:.2f} of its height (< {MIN_SPAN})"
            for s in layout.get("throughput_spans", []) if s["span"] < MIN_SPAN]
    return out


def cut_edges(png) -> list[str]:
    """The edges of a saved PNG that ink touches: the outermost EDGE_PX rows
    or columns hold a pixel darker than the white background, so something
    (a colour bar's tick labels, an axis label) runs past the file's edge and
    is cut. Read from the file, because what a save draws can differ from
    what a later measuring pass sees (savefig's bbox_inches freezes each
    panel's position before its aspect is applied)."""
    from matplotlib.image import imread

    rgb = imread(png)[..., :3]
    edges = {"left": rgb[:, :EDGE_PX], "right": rgb[:, -EDGE_PX:], "top": rgb[:EDGE_PX], "bottom": rgb[-EDGE_PX:]}
    return [f"cut at the {side} edge: {count} pixel(s) of ink in its outermost {EDGE_PX} px"
            for side, band in edges.items() if (count := int((band.min(axis=-1) < INK).sum()))]


EDGE_PX = 2
INK = 0.9  # a channel under 90% of white is ink, not background


def arrange(fig, top: float = 0.0, pad: float = 1.08) -> bool:
    """Spaces a figure's grid of panels as matplotlib's tight_layout does, but
    measures each panel's decorations (tick labels, axis labels, title; not
    what is left out of the layout) once, where it stands: tight_layout with
    a rect measures them all twice. Margins and gaps are the widest
    decoration on that side plus `pad` font sizes; `top` inches above the
    panels' decorations are kept clear besides (the figure's title). False,
    and nothing moved, for panels of several grids or too little room."""
    import numpy as np
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    panels = [(ax, ax.get_subplotspec()) for ax in fig.axes if ax.get_visible() and ax.get_in_layout()]
    panels = [(ax, spec) for ax, spec in panels if spec is not None]
    if not panels or len({id(spec.get_gridspec()) for _, spec in panels}) > 1:
        return False
    rows, cols = panels[0][1].get_gridspec().get_geometry()
    width, height = fig.get_size_inches()
    pad = pad * FontProperties(size=rcParams["font.size"]).get_size_in_points() / 72
    renderer = fig.canvas.get_renderer()
    inches = fig.dpi_scale_trans.inverted()
    across = np.zeros((rows, cols + 1))  # decorations in each margin and gap between columns, inches
    down = np.zeros((rows + 1, cols))  # and between rows
    for ax, spec in panels:
        box = spec.get_position(fig).transformed(fig.transFigure + inches)
        tight = ax.get_tightbbox(renderer, for_layout_only=True)
        if tight is None:
            continue
        tight = tight.transformed(inches)
        r, c = spec.rowspan, spec.colspan
        across[r, c.start] += box.x0 - tight.x0  # a gap holds both neighbours' decorations
        across[r, c.stop] += tight.x1 - box.x1
        down[r.start, c] += tight.y1 - box.y1
        down[r.stop, c] += box.y0 - tight.y0
    left, right = max(across[:, 0].max(), 0) + pad, max(across[:, -1].max(), 0) + pad
    above, below = max(down[0].max(), 0) + pad + top, max(down[-1].max(), 0) + pad
    gap_x = across[:, 1:-1].max() + pad if cols > 1 else 0.0
    gap_y = down[1:-1].max() + pad if rows > 1 else 0.0
    panel_x = (width - left - right - gap_x * (cols - 1)) / cols
    panel_y = (height - above - below - gap_y * (rows - 1)) / rows
    if panel_x <= 0 or panel_y <= 0:
        return False
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=below / height, top=1 - above / height)
    if cols > 1:
        fig.subplots_adjust(wspace=gap_x / panel_x)
    if rows > 1:
        fig.subplots_adjust(hspace=gap_y / panel_y)
    return True
