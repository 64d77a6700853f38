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
    info = row.counter_event(event)
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
    from matplotlib.ticker import FuncFormatter  # matplotlib only where a figure is drawn (qbfigure.pyplot)

    wide = min(14.0, max(6.0, 0.45 * len(configs) * len(queues)))
    fig, axes = qbfigure.grid(len(EVENTS), ncols=2, panel=(max(4.5, wide / 2), 2.6))
    for ax, (key, (event, label)) in zip(axes, EVENTS.items()):
        if event in missing:
            qbfigure.word_panel(ax, f"{label}: not counted on this machine\n"
                                + textwrap.fill(missing[event], 60))
            continue

        def value(run, key=key):
            v = ((run.block("counters") or {}).get("per_item") or {}).get(key)
            return v if isinstance(v, (int, float)) else None

        # "not counted": this run could not count it; else the point did not run
        qbfigure.bars_by_config(ax, group.rows, queues, configs, value,
                                lambda run: "not counted" if run.block("counters") else run.status.replace("_", " "))
        ax.set_ylabel(label)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.3g}"))
    drawn = [ax for ax, (_, (event, _)) in zip(axes, EVENTS.items()) if event not in missing]
    if drawn:
        qbfigure.legend_by_queue(drawn[0], queues, loc="best")
    note = ""
    if missing:
        note = "Not counted on this machine: " + "; ".join(f"{e} ({why})" for e, why in missing.items())
    return [qbfigure.finish(fig, kind, what, group, outdir, note=note)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_counters.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
