"""What every figure script shares: the Agg backend, the one colour map keyed
by queue name, titles from the results' context, saving PNG + SVG, and the
command line (RESULTS... -o DIR).

Input: none of its own. Output: none of its own; the plot_*.py scripts call it.
"""

from __future__ import annotations

import argparse
import functools
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import qbresults

ROOT = Path(__file__).resolve().parent.parent

_STYLE = {
    "svg.fonttype": "none",  # text stays text in the SVG: smaller, and searchable
    "font.size": 9,
    "axes.titlesize": 9,
    "figure.titlesize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
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
    return plt


# Our queues get fixed, well-separated colours; any other queue (a peer added
# later, a one-off experiment) gets one of the spare colours, picked by its
# name's checksum, so it too keeps its colour in every figure and report, and
# never takes one of ours (two unknown queues may share one).
_KNOWN = {
    "mutex_deque": "#d62728",
    "segmented": "#1f77b4",
    "sequence_ring": "#2ca02c",
    "mpsc_elastic": "#9467bd",
}
_SPARE = ("#ff7f0e", "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#1b9e77", "#e6ab02", "#637939", "#7b4173")


def queue_colour(queue: str) -> str:
    if queue in _KNOWN:
        return _KNOWN[queue]
    return _SPARE[zlib.crc32(queue.encode()) % len(_SPARE)]


@dataclass
class Made:
    """One figure of one group: written (png, svg) or not applicable (why)."""

    kind: str
    group: qbresults.Group
    title: str
    png: Path | None = None
    svg: Path | None = None
    why_not: str = ""
    note: str = ""  # words the figure shows instead of data, repeated in the report


def not_applicable(kind: str, group: qbresults.Group, title: str, why: str) -> Made:
    return Made(kind=kind, group=group, title=title, why_not=why)


def suptitle(fig, what: str, group: qbresults.Group) -> str:
    """Titles the figure with what it shows, the scenario and the machine."""
    title = f"{what}: scenario '{group.scenario}'"
    fig.suptitle(f"{title}\n{group.results.machine}")
    return title


def finish(fig, kind: str, what: str, group: qbresults.Group, outdir: Path, note: str = "") -> Made:
    """Titles the figure, lays it out and saves it."""
    title = suptitle(fig, what, group)
    fig.tight_layout()
    return save(fig, kind, group, title, outdir, note)


def save(fig, kind: str, group: qbresults.Group, title: str, outdir: Path, note: str = "") -> Made:
    outdir.mkdir(parents=True, exist_ok=True)
    base = outdir / f"{group.prefix}-{kind}"
    png, svg = base.with_suffix(".png"), base.with_suffix(".svg")
    fig.savefig(png, dpi=90)
    fig.savefig(svg)
    pyplot().close(fig)
    return Made(kind=kind, group=group, title=title, png=png, svg=svg, note=note)


def grid(n: int, ncols: int = 3, panel=(3.6, 2.8)):
    """A figure with n panels in rows of ncols; the unused panels are removed."""
    ncols = max(1, min(ncols, n))
    nrows = (n + ncols - 1) // ncols
    fig, axes = pyplot().subplots(nrows, ncols, figsize=(panel[0] * ncols + 0.6, panel[1] * nrows + 1.0),
                                  squeeze=False)
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.remove()
    return fig, flat[:n]


def capped(found: list, limit: int) -> tuple[list, str]:
    """The first `limit` runs of a one-panel-per-run figure, and a note on the rest."""
    more = len(found) - limit
    return found[:limit], (f"{more} more run{'s' if more != 1 else ''} not drawn" if more > 0 else "")


def bars_by_config(ax, rows, queues, configs, value, missing) -> None:
    """Configurations (P, C) across, one bar per queue in each: value(row) is
    the bar's height or None, and then missing(row) is the word written in
    its place (a bar of nothing would read as zero)."""
    width = 0.8 / len(queues)
    found = {}
    for r in rows:
        found.setdefault((r.queue, r.producers, r.consumers), r)
    for qi, queue in enumerate(queues):
        xs, heights = [], []
        for ci, (p, c) in enumerate(configs):
            row = found.get((queue, p, c))
            if row is None:
                continue
            x = ci - 0.4 + width * (qi + 0.5)
            height = value(row)
            if height is not None:
                xs.append(x)
                heights.append(height)
            else:
                ax.text(x, 0.03, missing(row), rotation=90, ha="center", va="bottom", fontsize=6,
                        transform=ax.get_xaxis_transform())
        if xs:  # one call a queue: the same bars, drawn in the same order, without a call's overhead each
            ax.bar(xs, heights, width * 0.9, color=queue_colour(queue))
    ax.set_xticks(range(len(configs)), [f"p{p}c{c}" for p, c in configs])
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


def legend_by_queue(ax, queues, **kw) -> None:
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], color=queue_colour(q), lw=2, label=q) for q in queues]
    if handles:
        ax.legend(handles=handles, fontsize=7, **kw)


def parser(doc: str) -> argparse.ArgumentParser:
    """The command line every figure script takes; scripts add their own options."""
    first_line = doc.strip().splitlines()[0]
    p = argparse.ArgumentParser(description=first_line)
    p.add_argument("results", nargs="+", metavar="RESULTS", help="qbench results JSON file(s)")
    p.add_argument("-o", "--out-dir", type=Path, metavar="DIR",
                   help="where the figures go (default: plots/<stem of the first RESULTS>)")
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
            figures = make(group, outdir, **options)
        except qbresults.ResultsError as e:  # a histogram's hdr, decoded only when a figure needs it
            print(f"{prog}: {e}", file=sys.stderr)
            return qbresults.EXIT_USAGE
        for made in figures:
            if made.png:
                print(f"{made.png}\n{made.svg}")
            else:
                print(f"{prog}: {made.kind} for scenario '{group.scenario}' not applicable: {made.why_not}")
    return 0
