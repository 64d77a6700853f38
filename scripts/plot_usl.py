#!/usr/bin/python3
"""Universal Scalability Law fits: measured items/s against thread counts, with the fitted curve.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-usl_fit, .png
and .svg: one panel per queue panel class (qbclass) and line of the sweep
(producers varying at a fixed consumer count, or the reverse), at most
MAX_QUEUES queues a panel. Each queue's medians have whiskers from its
slowest to its fastest ok repetition, and its fitted curve (qbusl.py says how
it is fitted) runs a little past the largest measured count, or on to the
predicted peak N* when that is at most twice the largest count; a star marks
N* where it is drawn. A poor fit (R^2 below qbusl.POOR_R2) is dotted. The
legend, outside the axes, gives each queue's sigma, kappa, N* and R^2. Not
applicable when no queue has qbusl.MIN_COUNTS thread counts along one side.
"""

from __future__ import annotations

import math
import sys

import numpy as np

import qbclass
import qbfigure
import qbusl

KINDS = ("usl_fit",)
MAX_QUEUES = 8
WHAT = "Universal Scalability Law fit (items/s vs threads)"
def label(f: qbusl.Fit) -> str:
    """The legend words for one fit: sigma, kappa, N*, R^2."""
    if math.isinf(f.n_star):
        peak = "N* none"
    else:
        peak = f"N* {f.n_star:.1f}" + (" (extrapolated)" if f.extrapolated else "")
        peak += ", poorly determined" if f.uncertain else ""
    name = f.queue + (" (reference)" if f.reference else "")
    poor = ", poor fit" if f.poor else ""
    return f"{name}: sigma {f.sigma:.3f}, kappa {f.kappa:.2g}, {peak}, R^2 {f.r2:.2f}{poor}"


def curve_end(f: qbusl.Fit) -> float:
    last = f.counts[-1]
    if math.isfinite(f.n_star) and last < f.n_star <= 2 * last:
        return f.n_star * 1.05
    return last * 1.15


def panels(found: list[qbusl.Fit]) -> list[tuple[str, list[qbusl.Fit]]]:
    """(title, fits) per panel class and line, MAX_QUEUES fits at most each."""
    out = []
    for cls in qbclass.PANEL_CLASSES:
        mine = [f for f in found if qbclass.panel_class(f.rows[0]) == cls]
        lines = dict.fromkeys((f.axis, f.fixed) for f in mine)
        for axis, fixed in lines:
            line = [f for f in mine if (f.axis, f.fixed) == (axis, fixed)]
            other = "consumers" if axis == "producers" else "producers"
            chunks = [line[i:i + MAX_QUEUES] for i in range(0, len(line), MAX_QUEUES)]
            for k, chunk in enumerate(chunks):
                part = f" ({k + 1} of {len(chunks)})" if len(chunks) > 1 else ""
                out.append((f"{cls}{part}: {axis} varying, {qbusl.side(other, fixed)}", chunk))
    return out


def draw(ax, title: str, line: list[qbusl.Fit]) -> None:
    from matplotlib.lines import Line2D

    handles = []
    for f in line:
        colour, mk = qbfigure.queue_colour(f.queue), qbfigure.queue_marker(f.queue)
        medians = np.array(f.medians)
        whiskers = [medians - np.array(f.lows), np.array(f.highs) - medians]
        ax.errorbar(f.counts, medians, yerr=whiskers, fmt=mk, ms=4, color=colour, capsize=2, lw=0.8, ls="none")
        xs = np.linspace(f.counts[0], curve_end(f), 200)
        style = ":" if f.poor else "--" if f.reference else "-"
        ax.plot(xs, f.predict(xs), style, color=colour, lw=1.2)
        if math.isfinite(f.n_star) and f.counts[0] <= f.n_star <= xs[-1]:
            ax.plot([f.n_star], [float(f.predict(f.n_star))], "*", color=colour, ms=9, mec="black", mew=0.5)
        handles.append(Line2D([], [], color=colour, marker=mk, ls=style, ms=4, label=label(f)))
    axis = line[0].axis
    ax.set_title(title)
    ax.set_xlabel(f"{axis} (threads)")
    ax.set_xticks(sorted({n for f in line for n in f.counts}))
    qbfigure.throughput_axis(ax, "items/s (median; whiskers: min-max)")
    qbfigure.legend_outside(ax, handles, title="USL fit per queue (star: N*)", fontsize=6.5)


def make(group, outdir):
    kind = KINDS[0]
    found = [f for f in qbusl.fits(group) if f.fitted]
    if not found:
        return [qbfigure.not_applicable(kind, group, WHAT, qbusl.why_none(group))]
    laid = panels(found)
    fig, axes = qbfigure.grid(len(laid), ncols=1, panel=(6.0, 3.2))
    for ax, (title, line) in zip(axes, laid):
        draw(ax, title, line)
    return [qbfigure.finish(fig, kind, WHAT, group, outdir)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_usl.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
