#!/usr/bin/python3
"""Hardware and software counters per item: cycles, instructions, cache misses,
context switches.

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-counters_per_item,
.png and .svg: one panel per event, configurations (P x C) across, one bar per
queue; values are the run's totals over its valid repetitions divided by the
items moved (counters.per_item). Where the machine could not count an event
(status not_supported, permission_denied, not_counted, error) the panel says so
in words, with the harness's reason, instead of drawing zeros.
"""

from __future__ import annotations

import sys
import textwrap

import numpy as np
from matplotlib.ticker import FuncFormatter

import qbfigure

KINDS = ("counters_per_item",)
# per_item key -> (perf event name in counters.events, axis label)
EVENTS = {
    "cycles": ("cycles", "cycles per item"),
    "instructions": ("instructions", "instructions per item"),
    "cache_misses": ("cache-misses", "cache misses per item"),
    "context_switches": ("context-switches", "context switches per item"),
}


def _status(row, event: str) -> tuple[str, str]:
    counters = row.block("counters") or {}
    info = (counters.get("events") or {}).get(event)
    if not isinstance(info, dict):
        return "not_selected", f"{event} was not in the counter selection"
    return info.get("status", "?"), info.get("reason") or ""


def uncounted(rows) -> dict[str, str]:
    """event -> why, for each event of EVENTS that no run could count."""
    out = {}
    for key, (event, _) in EVENTS.items():
        if any(isinstance((r.block("counters").get("per_item") or {}).get(key), (int, float)) for r in rows):
            continue
        status, reason = _status(rows[0], event)
        out[event] = f"{status}: {reason}" if reason else status
    return out


def make(group, outdir):
    kind = KINDS[0]
    what = "Counters per item"
    rows = [r for r in group.rows if r.block("counters")]
    if not rows:
        return [qbfigure.not_applicable(kind, group, what, "no counters recorded (--counters none, or no valid run)")]
    configs = sorted({(r.producers, r.consumers) for r in rows})
    queues = list(dict.fromkeys(r.queue for r in rows))
    missing = uncounted(rows)
    wide = min(14.0, max(6.0, 0.45 * len(configs) * len(queues)))
    fig, axes = qbfigure.grid(len(EVENTS), ncols=2, panel=(wide / 1.5, 2.6))
    width = 0.8 / len(queues)
    for ax, (key, (event, label)) in zip(axes, EVENTS.items()):
        if event in missing:
            qbfigure.word_panel(ax, f"{label}: not counted on this machine\n"
                                + textwrap.fill(missing[event], 60))
            continue
        for qi, queue in enumerate(queues):
            for ci, (p, c) in enumerate(configs):
                run = next((r for r in group.rows if r.queue == queue and (r.producers, r.consumers) == (p, c)),
                           None)
                if run is None:
                    continue
                x = ci - 0.4 + width * (qi + 0.5)
                counters = run.block("counters")
                value = (counters.get("per_item") or {}).get(key) if counters else None
                if isinstance(value, (int, float)):
                    ax.bar(x, value, width * 0.9, color=qbfigure.queue_colour(queue))
                else:  # this run could not count it, or the point did not run
                    ax.text(x, 0.03, "not counted" if counters else run.status.replace("_", " "), rotation=90,
                            ha="center", va="bottom", fontsize=6, transform=ax.get_xaxis_transform())
        ax.set_xticks(np.arange(len(configs)), [f"p{p}c{c}" for p, c in configs])
        ax.set_xlabel("configuration (producers x consumers)")
        ax.set_ylabel(label)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.3g}"))
    drawn = [ax for ax, (_, (event, _)) in zip(axes, EVENTS.items()) if event not in missing]
    if drawn:
        qbfigure.legend_by_queue(drawn[0], queues, loc="best")
    title = qbfigure.suptitle(fig, what, group)
    fig.tight_layout()
    note = ""
    if missing:
        note = "Not counted on this machine: " + "; ".join(f"{e} ({why})" for e, why in missing.items())
    return [qbfigure.save(fig, kind, group, title, outdir, note=note)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_counters.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
