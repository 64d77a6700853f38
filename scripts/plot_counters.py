#!/usr/bin/python3
"""Hardware and software counters per item: cycles, instructions, cache misses,
context switches, and every other event a run counted (task-clock,
page-faults, cpu-migrations, ...).

Input: qbench results JSON (RESULTS...). Output: DIR/<scenario>-counters_per_item,
.png and .svg: one panel per event, configurations (P x C) across, one bar per
queue; values are the run's totals over its valid repetitions divided by the
items moved (counters.per_item; for an event it has no key for, the event's
value over counters.summed_over.items). Every event some run counted gets a
panel, the four above first, but one that counted 0 in every run (named in a
line below the panels instead), and a queue class without any value (the
reference ceilings) is left out and named there; those the machine could not count (status not_supported,
permission_denied, not_counted, error) are named once, in a line below the
panels, and with the harness's reasons in the figure's note; with none
counted the figure does not apply. With more than eight queues, a row of
panels per queue class (qbclass.panel_groups), each row's legend to its right.
"""

from __future__ import annotations

import sys

import qbclass
import qbfigure

KINDS = ("counters_per_item",)
DRAW_WEIGHT = 0.9  # one figure's drawing time against the others' (report_figures draws the heaviest first)
MAX_WIDTH = 22.0  # inches: a figure of one panel per counted event and queue class fits a wide screen
# per_item key -> (perf event name in counters.events, axis label)
EVENTS = {
    "cycles": ("cycles", "cycles per item"),
    "instructions": ("instructions", "instructions per item"),
    "cache_misses": ("cache-misses", "cache misses per item"),
    "context_switches": ("context-switches", "context switches per item"),
}


def _extra_events(rows) -> list[tuple[str, str, str]]:
    """(key, event, label) for each event some run counted that EVENTS does
    not draw, by name; its key is the event's own name (see _per_item)."""
    drawn = {event for event, _ in EVENTS.values()}
    found = sorted({name for r in rows for name, info in ((r.block("counters") or {}).get("events") or {}).items()
                    if isinstance(info, dict) and info.get("status") == "ok" and name not in drawn})
    return [(name, name, f"{name} per item" + (" (ns)" if name == "task-clock" else "")) for name in found]


def _per_item(run, key: str):
    """A run's count per item of `key`: an EVENTS key from counters.per_item,
    else an event's total over the items it was counted for."""
    counters = run.block("counters") or {}
    if key in EVENTS:
        v = (counters.get("per_item") or {}).get(key)
        return v if isinstance(v, (int, float)) else None
    info = (counters.get("events") or {}).get(key)
    items = (counters.get("summed_over") or {}).get("items")
    if not isinstance(info, dict) or info.get("status") != "ok" or not isinstance(info.get("value"), (int, float)):
        return None
    return info["value"] / items if isinstance(items, (int, float)) and items > 0 else None


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


def _words(missing: dict[str, str]) -> str:
    """The events not counted, in one line: each status once, after its events."""
    by_status: dict[str, list[str]] = {}
    for event, why in missing.items():
        by_status.setdefault(why.split(":", 1)[0], []).append(event)
    return "Not counted on this machine: " + "; ".join(f"{', '.join(events)} ({status})"
                                                      for status, events in by_status.items())


def _panel(ax, rows, queues, configs, key, label, title) -> None:
    from matplotlib.ticker import FuncFormatter  # matplotlib only where a figure is drawn (qbfigure.pyplot)

    def value(run):
        return _per_item(run, key)

    # "not counted": this run could not count it; else the point did not run
    qbfigure.bars_by_config(ax, rows, queues, configs, value,
                            lambda run: "not counted" if run.block("counters") else run.status.replace("_", " "))
    ax.set_title(title)
    ax.set_ylabel(label)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.3g}"))


def make(group, outdir):
    kind = KINDS[0]
    what = "Counters per item"
    rows = [r for r in group.rows if r.block("counters")]
    if not rows:
        return [qbfigure.not_applicable(kind, group, what, "no counters recorded (--counters none, or no valid run)")]
    missing = uncounted(rows)
    counted = [(key, event, label) for key, (event, label) in EVENTS.items() if event not in missing]
    counted += [e for e in _extra_events(rows) if any(_per_item(r, e[0]) is not None for r in rows)]
    reasons = "; ".join(f"{e} ({why})" for e, why in missing.items())
    if not counted:
        return [qbfigure.not_applicable(kind, group, what, f"no event was counted: {reasons}")]
    # An event that counted 0 in every run is one line, not a column of empty panels; a queue class with no
    # value at all (the reference ceilings, which count nothing) is left out the same way.
    zeros = [e for e in counted if all(_per_item(r, e[0]) in (None, 0) for r in rows)]
    if len(zeros) < len(counted):
        counted = [e for e in counted if e not in zeros]
    else:
        zeros = []
    words = [_words(missing)] if missing else []
    words += [f"Counted, 0 in every run: {', '.join(event for _, event, _ in zeros)}"] if zeros else []
    groups = [(name, members) for name, members in qbclass.panel_groups(rows)
              if any(_per_item(r, key) is not None for r in members for key, _, _ in counted)]
    left_out = sorted({r.queue for r in rows} - {r.queue for _, members in groups for r in members})
    words += [f"No value: {', '.join(left_out)}"] if left_out else []
    rows = [r for _, members in groups for r in members]
    note = ". ".join([f"Not counted on this machine: {reasons}"] * bool(missing) + words[bool(missing):])
    configs = sorted({(r.producers, r.consumers) for r in rows})
    most = max(len({r.queue for r in members}) for _, members in groups)
    wide = min(7.0, max(4.0, 0.12 * len(configs) * most))
    ncols = len(counted) if len(groups) > 1 else min(2, len(counted))
    wide = max(3.2, min(wide, MAX_WIDTH / ncols))  # every counted event a column: the row stays readable
    nrows = len(groups) if len(groups) > 1 else (len(counted) + ncols - 1) // ncols
    fig, grid = qbfigure.pyplot().subplots(nrows, ncols, figsize=(wide * ncols + 0.6, 2.6 * nrows + 1.0),
                                           squeeze=False)
    if len(groups) == 1:
        queues = list(dict.fromkeys(r.queue for r in rows))
        flat = list(grid.flat)
        for ax, (key, _, label) in zip(flat, counted):
            _panel(ax, group.rows, queues, configs, key, label, label)
        for ax in flat[len(counted):]:
            ax.remove()
        qbfigure.legend_outside(fig, queues)
    else:
        for row_axes, (name, members) in zip(grid, groups):
            queues = list(dict.fromkeys(r.queue for r in members))
            mine = sorted({(r.producers, r.consumers) for r in members})
            for ax, (key, _, label) in zip(row_axes, counted):
                _panel(ax, group.rows, queues, mine, key, label, f"{qbclass.wrapped(name, 60)}: {label}")
            qbfigure.legend_outside(row_axes[-1], queues)
    if words:
        fig.text(0.5, 0.0, "\n".join(words), ha="center", va="top", fontsize=8)
    return [qbfigure.finish(fig, kind, what, group, outdir, note=note)]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_counters.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
