"""What every figure script shares: the Agg backend, the one colour map keyed
by queue name, titles from the results' context, saving PNG (and SVG when
asked: writing_svg), and the command line (RESULTS... -o DIR [--svg]).

Input: none of its own. Output: none of its own; the plot_*.py scripts call it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import math
import sys
import weakref
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import qblayout
import qbrender
import qbresults

ROOT = Path(__file__).resolve().parent.parent

_STYLE = {
    "svg.fonttype": "none",  # text stays text in the SVG: smaller, and searchable
    "font.size": 9,
    "axes.titlesize": 9,
    "figure.titlesize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    # Measured at the PNG's dpi: the layout's measuring pass and the PNG's draw then share matplotlib's
    # text-extent cache instead of laying every text out at both 100 and 90 dpi.
    "figure.dpi": 90,
    # Titles at the top of their panel, as matplotlib places them above bottom ticks, without it measuring
    # every panel's y ticks again at each draw to find out (plain_ticks keeps that where an offset may show).
    "axes.titley": 1.0,
}


@functools.cache
def pyplot():
    """matplotlib.pyplot on the Agg backend in our style, imported when the
    first figure is drawn rather than with this module: report.py's own
    process hands the drawing to workers (report_figures.py), and a script
    whose figures do not apply never needs it."""
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    plt.rcParams.update(_STYLE)
    qbrender.share()  # the same pixels, sooner
    return plt


# Every queue qbench registers has its own (colour, marker), the same in every
# figure. Colours are matplotlib's tab10, picked so that the queues of one
# panel class (qbclass.PANEL_CLASSES) never share one; across classes a
# colour recurs with another marker, so the pair names one queue. Any other
# queue (a peer added later, a one-off experiment) gets a spare colour, none
# of which a registered queue has, and a marker, both picked by its name's
# checksum: it too keeps them in every figure (two unknown queues may share).
QUEUE_STYLE = {
    # bounded MPMC
    "sequence_ring": ("#2ca02c", "o"), "locked_ring": ("#ff7f0e", "s"), "elastic_locked": ("#8c564b", "^"),
    "boost_lockfree_queue": ("#e377c2", "D"), "tbb_bounded_queue": ("#17becf", "v"),
    "atomic_queue_b2": ("#bcbd22", "P"), "xenium_vyukov_bounded": ("#1f77b4", "X"), "ck_ring_mpmc": ("#7f7f7f", "*"),
    # unbounded MPMC, FIFO
    "mutex_deque": ("#d62728", "s"), "segmented": ("#1f77b4", "o"), "spinlock_deque": ("#ff7f0e", "^"),
    "linked_cas": ("#9467bd", "D"), "xenium_ms_queue": ("#8c564b", "v"), "xenium_ramalhete_queue": ("#e377c2", "P"),
    "urcu_wfcqueue": ("#17becf", "X"),
    # unbounded MPMC, per-producer FIFO or unordered
    "moodycamel_queue": ("#ff7f0e", "h"), "moodycamel_tokens": ("#17becf", "p"), "tbb_queue": ("#8c564b", "<"),
    "moodycamel_blocking": ("#2ca02c", "8"),
    # single-ended
    "mpsc_elastic": ("#9467bd", "o"), "moodycamel_rwq": ("#ff7f0e", ">"), "boost_spsc_queue": ("#e377c2", "d"),
    "atomic_queue_b2_spsc": ("#bcbd22", "H"),
    # reference ceilings
    "faa_ceiling": ("#000000", "x"), "cas_ceiling": ("#7f7f7f", "+"),
}
_SPARE = ("#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#5254a3", "#8ca252", "#bd9e39", "#a55194")
_SPARE_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_RIGHT: weakref.WeakSet = weakref.WeakSet()  # figure legends right of the canvas (legend_outside)
# Whether save() writes an SVG beside each PNG (writing_svg). Off by default:
# the SVG is a second full draw of the figure (it was a quarter of a report's
# drawing time) and nothing a report shows needs it (report.html embeds the
# PNGs). report_figures' workers are forked within writing_svg, so they see it.
_SVG = [False]


@contextlib.contextmanager
def writing_svg(on: bool = True):
    """Within it, save() writes each figure's SVG beside its PNG (--svg) when `on`."""
    was, _SVG[0] = _SVG[0], on
    try:
        yield
    finally:
        _SVG[0] = was


def svg_on() -> bool:
    return _SVG[0]


def queue_colour(queue: str) -> str:
    if queue in QUEUE_STYLE:
        return QUEUE_STYLE[queue][0]
    return _SPARE[zlib.crc32(queue.encode()) % len(_SPARE)]


def queue_marker(queue: str) -> str:
    if queue in QUEUE_STYLE:
        return QUEUE_STYLE[queue][1]
    return _SPARE_MARKERS[zlib.crc32(queue.encode()) // len(_SPARE) % len(_SPARE_MARKERS)]


@dataclass
class Made:
    """One figure of one group: written (png; svg too when asked) or not applicable (why)."""

    kind: str
    group: qbresults.Group
    title: str
    png: Path | None = None
    svg: Path | None = None
    why_not: str = ""
    note: str = ""  # words the figure shows instead of data, repeated in the report
    layout: dict = field(default_factory=dict)  # qblayout.check: overlaps and throughput spans


def not_applicable(kind: str, group: qbresults.Group, title: str, why: str) -> Made:
    return Made(kind=kind, group=group, title=title, why_not=why)


def suptitle(fig, what: str, group: qbresults.Group) -> str:
    """Titles the figure with what it shows, the scenario and the machine."""
    title = f"{what}: scenario '{group.scenario}'"
    fig.suptitle(f"{title}\n{group.results.machine}", y=1 - 0.06 / fig.get_figheight(), va="top")
    return title


def plain_ticks(fig) -> None:
    """Log axes without minor ticks: matplotlib's eight a decade are most of
    a figure's tick objects, each made, moved and measured in the layout's
    pass and in both draws. What stays reads the same: an axis over less
    than DECADES_FOR_125 decades gets major ticks at 1, 2 and 5 of each
    decade (all labelled where it spans under LABEL_125 decades, where the
    decades alone would give one or two labels), a wider one its decades. An axis whose ticks a
    script chose (fixed ticks, items/s in EngFormatter) keeps them."""
    from matplotlib.ticker import LogFormatter, LogLocator, NullLocator, ScalarFormatter

    for ax in fig.axes:
        if isinstance(ax.yaxis.get_major_formatter(), ScalarFormatter) or ax.xaxis.get_ticks_position() != "bottom":
            ax._autotitlepos = True  # an offset text (1e7) or top ticks may need the title moved up
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() != "log":
                continue
            axis.set_minor_locator(NullLocator())
            if not isinstance(axis.get_major_formatter(), LogFormatter) or \
                    not isinstance(axis.get_major_locator(), LogLocator):
                continue
            low, high = sorted(axis.get_view_interval())
            decades = math.log10(high / low) if low > 0 else math.inf
            if decades < DECADES_FOR_125:
                axis.set_major_locator(LogLocator(10, subs=(1, 2, 5)))
                if decades < LABEL_125:
                    axis.get_major_formatter().minor_thresholds = (math.inf, math.inf)


DECADES_FOR_125 = 2.5
LABEL_125 = 1.6


def tight(fig) -> None:
    """The panels spaced as tight_layout would (qblayout.arrange, one
    measuring pass), below the figure's title; tight_layout itself where
    arrange cannot."""
    plain_ticks(fig)
    title = getattr(fig, "_suptitle", None)
    top = 0.0
    if title is not None and title.get_text():
        extent = title.get_window_extent(fig.canvas.get_renderer()).transformed(fig.dpi_scale_trans.inverted())
        top = max(0.0, fig.get_figheight() - extent.y0)
    if not qblayout.arrange(fig, top=top):
        fig.tight_layout(rect=(0, 0, 1, 1 - 0.45 / fig.get_figheight()))
    for legend in fig.legends:  # one right of the canvas starts level with the panels, below the title
        if legend in _RIGHT:
            legend.set_bbox_to_anchor((1.0, fig.subplotpars.top), transform=fig.transFigure)


def finish(fig, kind: str, what: str, group: qbresults.Group, outdir: Path, note: str = "") -> Made:
    """Titles the figure, lays it out and saves it."""
    title = suptitle(fig, what, group)
    tight(fig)
    return save(fig, kind, group, title, outdir, note)


def save(fig, kind: str, group: qbresults.Group, title: str, outdir: Path, note: str = "") -> Made:
    outdir.mkdir(parents=True, exist_ok=True)
    base = outdir / f"{group.prefix}-{kind}"
    png, svg = base.with_suffix(".png"), base.with_suffix(".svg")
    plain_ticks(fig)  # again: axes added since tight() (a colour bar)
    region = _region(fig)
    for ax in fig.axes:  # savefig's bbox_inches freezes each panel where it stands before drawing, so a panel
        ax.apply_aspect()  # with an aspect (a colour bar's is 20:1) would be drawn at its full slot, labels cut off
    fig.savefig(png, dpi=90, bbox_inches=region)
    layout = qblayout.check(fig, drawn=True)  # the PNG's draw laid every artist out as saved
    if _SVG[0]:
        fig.savefig(svg, bbox_inches=region)
    else:
        svg.unlink(missing_ok=True)  # an earlier --svg run's would show other data beside this PNG
        svg = None
    pyplot().close(fig)
    return Made(kind=kind, group=group, title=title, png=png, svg=svg, note=note, layout=layout)


def _region(fig):
    """What is saved: the canvas, grown to hold the legends and texts placed
    outside it (legend_outside), from their extents alone, none of which
    waits on a draw (matplotlib's bbox_inches="tight" would draw the whole
    figure and measure every artist)."""
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    outside = [leg for leg in fig.legends + [ax.get_legend() for ax in fig.axes] if leg is not None]
    texts = fig.texts + [t for t in [getattr(fig, "_suptitle", None)] if t is not None]
    boxes = [fig.bbox] + [a.get_window_extent(renderer) for a in outside + texts if a.get_visible()]
    pad, box, canvas = 0.1 * fig.dpi, Bbox.union(boxes), fig.bbox
    grown = Bbox.from_extents(box.x0 - pad if box.x0 < canvas.x0 else canvas.x0,
                              box.y0 - pad if box.y0 < canvas.y0 else canvas.y0,
                              box.x1 + pad if box.x1 > canvas.x1 else canvas.x1,
                              box.y1 + pad if box.y1 > canvas.y1 else canvas.y1)
    return grown.transformed(fig.dpi_scale_trans.inverted())


def grid(n: int, ncols: int = 3, panel=(3.6, 2.8)):
    """A figure with n panels in rows of ncols; the unused panels are removed."""
    ncols = max(1, min(ncols, n))
    nrows = (n + ncols - 1) // ncols
    fig, rows = panel_rows([min(ncols, n - r * ncols) for r in range(nrows)], ncols,
                           figsize=(panel[0] * ncols + 0.6, panel[1] * nrows + 1.0))
    return fig, [ax for row in rows for ax in row]


def panel_rows(counts, ncols: int, figsize, grid: bool = True):
    """A figure of len(counts) rows of ncols slots, row r holding counts[r]
    panels from the left, as subplots() would with the rest removed; the
    empty slots are never made (a panel takes milliseconds to make). `grid`
    False: panels without grid lines from the start (a heatmap's), rather
    than made with them and then told to drop them."""
    plt = pyplot()
    with plt.rc_context({"axes.grid": grid}):
        fig = plt.figure(figsize=figsize)
        spec = fig.add_gridspec(len(counts), ncols)
        return fig, [[fig.add_subplot(spec[r, c]) for c in range(n)] for r, n in enumerate(counts)]


def capped(found: list, limit: int) -> tuple[list, str]:
    """The first `limit` runs of a one-panel-per-run figure, and a note on the rest."""
    more = len(found) - limit
    return found[:limit], (f"{more} more run{'s' if more != 1 else ''} not drawn" if more > 0 else "")


def bars_by_config(ax, rows, queues, configs, value, missing, hatched=None) -> None:
    """Configurations (P, C) across, one bar per queue in each: value(row) is
    the bar's height or None, and then missing(row) is the word written in
    its place (a bar of nothing would read as zero). hatched(row) true: that
    bar is hatched (a point to read with care, said in the figure's note)."""
    width = 0.8 / len(queues)
    found = {}
    for r in rows:
        found.setdefault((r.queue, r.producers, r.consumers), r)
    for qi, queue in enumerate(queues):
        xs, heights, marked = [], [], []
        for ci, (p, c) in enumerate(configs):
            row = found.get((queue, p, c))
            if row is None:
                continue
            x = ci - 0.4 + width * (qi + 0.5)
            height = value(row)
            if height is not None:
                xs.append(x)
                heights.append(height)
                marked.append(bool(hatched and hatched(row)))
            else:
                ax.text(x, 0.03, missing(row), rotation=90, ha="center", va="bottom", fontsize=6,
                        transform=ax.get_xaxis_transform())
        if xs:  # one call a queue: the same bars, drawn in the same order, without a call's overhead each
            bars = ax.bar(xs, heights, width * 0.9, color=queue_colour(queue))
            for bar, mark in zip(bars, marked):
                if mark:
                    bar.set(hatch="////", edgecolor="white", linewidth=0)
    ax.set_xticks(range(len(configs)), [f"p{p}c{c}" for p, c in configs])
    ax.set_xlim(-0.5, len(configs) - 0.5)
    ax.set_xlabel("configuration (producers x consumers)")


def run_title(ax, row, extra: str = "") -> None:
    """A panel about one run: its queue (in the queue's colour) and P x C."""
    ax.set_title(f"{row.queue}, {row.producers}P {row.consumers}C{extra}",
                 color=queue_colour(row.queue), fontweight="bold")


def word_panel(ax, text: str) -> None:
    """A panel that says something in words where there is nothing to draw."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=8,
            transform=ax.transAxes, bbox={"boxstyle": "round", "fc": "#f4f4f4", "ec": "#999999"})


def rate_axis(ax, axis: str = "y") -> None:
    """Ticks like 20M rather than 2.0 with a 1e7 offset."""
    from matplotlib.ticker import EngFormatter
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(EngFormatter(sep=""))


def mark_throughput(ax) -> None:
    """Marks a panel whose y axis is items/s, so that the layout check
    (qblayout) reports how much of its height the queues use."""
    qblayout.mark_throughput(ax)


def throughput_axis(ax, label: str, log_y: bool = False) -> None:
    """A panel's items/s axis, set once its data is drawn: marked for the
    layout check, EngFormatter ticks, and linear from zero unless asked for
    log, or unless there the queues other than the fastest would use less
    than half the height (qblayout.span): then log, said so in the label."""
    mark_throughput(ax)
    if not log_y:
        ax.set_ylim(bottom=0)
        values = [y for ys in qblayout.series(ax).values() for y in ys]
        log_y = (qblayout.span(ax) or 1.0) < qblayout.MIN_SPAN and all(y > 0 for y in values)
        if log_y:
            ax.autoscale(axis="y")
    if log_y:
        from matplotlib.ticker import LogLocator, NullFormatter

        ax.set_yscale("log")
        low, high = ax.get_ylim()
        ax.yaxis.set_major_locator(LogLocator(10, subs=(1, 2, 5) if high < 300 * low else (1,)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        label = label.replace("items/s", "items/s, log scale", 1)
    rate_axis(ax)
    ax.set_ylabel(label)


def queue_handles(queues, dashed=frozenset(), line: bool = True) -> list:
    """Legend entries showing each queue's colour and marker (a dashed line
    for those in `dashed`, the reference ceilings; markers alone without `line`)."""
    from matplotlib.lines import Line2D
    return [Line2D([], [], color=queue_colour(q), marker=queue_marker(q), ms=5, lw=1.5 if line else 0,
                   ls="--" if q in dashed else "-", label=q) for q in queues]


def legend_outside(anchor, items, where: str = "right", ncol: int | None = None, title: str | None = None,
                   fontsize: float = 7):
    """A legend outside every panel: `items` are queue names (shown in their
    colour and marker) or artists. `anchor` a Figure: one legend right of the
    canvas (where="right") or below it ("below"). `anchor` an Axes: beside
    that panel, to its right or below it, left out of the layout so that the
    grid keeps its spacing (so anchor it where no other panel is: a row's
    last panel, beside a free slot). save() grows the image to hold it."""
    handles = [queue_handles([i])[0] if isinstance(i, str) else i for i in items]
    if not handles:
        return None
    right = where == "right"
    kw = dict(handles=handles, fontsize=fontsize, title=title, title_fontsize=fontsize, frameon=False,
              ncol=ncol or (1 if right else min(4, len(handles))), loc="upper left" if right else "upper center")
    if hasattr(anchor, "transAxes"):
        legend = anchor.legend(bbox_to_anchor=(1.02, 1.0) if right else (0.5, -0.22), **kw)
        legend.set_in_layout(False)
        return legend
    legend = anchor.legend(bbox_to_anchor=(1.0, 0.9) if right else (0.5, 0.0), **kw)
    if right:
        _RIGHT.add(legend)
    return legend


def style_legend(fig, axes, title: str = "line styles (colour: the panel's queue)"):
    """One figure legend for labels that mean the same in every panel
    (depth, capacity, target, p99): each label once, in grey, styled as drawn."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    found = {}
    for ax in axes:
        for artist, label in zip(*ax.get_legend_handles_labels()):
            if label in found:
                continue
            if isinstance(artist, Line2D):
                found[label] = Line2D([], [], color="#555555", ls=artist.get_linestyle(), lw=artist.get_linewidth(),
                                      alpha=artist.get_alpha(), label=label)
            else:
                patch = artist.patches[0] if hasattr(artist, "patches") else artist
                found[label] = Patch(color="#555555", alpha=patch.get_alpha(), label=label)
    return legend_outside(fig, list(found.values()), title=title)


def parser(doc: str) -> argparse.ArgumentParser:
    """The command line every figure script takes; scripts add their own options."""
    first_line = doc.strip().splitlines()[0]
    p = argparse.ArgumentParser(description=first_line)
    p.add_argument("results", nargs="+", metavar="RESULTS", help="qbench results JSON file(s)")
    p.add_argument("-o", "--out-dir", type=Path, metavar="DIR",
                   help="where the figures go (default: plots/<stem of the first RESULTS>)")
    p.add_argument("--svg", action="store_true", help="also write each figure as SVG beside its PNG")
    return p


def default_out_dir(results_paths) -> Path:
    """plots/<stem>: "x" for x.json, and for the journal x.json.journal too."""
    name = Path(results_paths[0]).name
    return ROOT / "plots" / Path(name[: -len(".journal")] if name.endswith(".journal") else name).stem


def run(prog: str, args, make, **options) -> int:
    """Loads every file (exit 2 on a bad one), then makes the figures of every
    group with `make(group, outdir, **options)` and prints what it wrote."""
    all_results = qbresults.load_all_or_exit(args.results, prog)
    outdir = args.out_dir or default_out_dir(args.results)
    for group in qbresults.groups(all_results):
        try:
            with writing_svg(args.svg):
                figures = make(group, outdir, **options)
        except qbresults.ResultsError as e:  # a histogram's hdr, decoded only when a figure needs it
            print(f"{prog}: {e}", file=sys.stderr)
            return qbresults.EXIT_USAGE
        for made in figures:
            if made.png:
                print("\n".join(str(p) for p in (made.png, made.svg) if p))
            else:
                print(f"{prog}: {made.kind} for scenario '{group.scenario}' not applicable: {made.why_not}")
    return 0
