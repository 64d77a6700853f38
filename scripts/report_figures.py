"""Every figure of a report, drawn by the figure scripts in worker processes.

Input: the groups of the loaded results (qbresults.groups), the figure
scripts (plot_*.py modules, each with make(group, outdir, **options)) and
their options. Output: each group's qbfigure.Made records, in the order the
scripts make them, the same records one process drawing them in turn gives.

Why workers: drawing is nearly all of a report's time, one figure script
does not depend on another, and a process draws on one core. The workers
are forked, so they start with the results already read and checked here;
only they import matplotlib (qbfigure.pyplot), which keeps this process
small. A worker sends back what it wrote, never the group: the records get
this process's group again.
"""

from __future__ import annotations

import dataclasses
import gc
import inspect
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# What the workers draw, set just before they are forked: they inherit it
# rather than receive it pickled (groups hold whole results documents).
_work: tuple = ()


def _draw(task: tuple[int, int, str | None]) -> tuple[int, int, str | None, list]:
    group_at, script_at, kind = task
    groups, scripts, outdir, options = _work
    script = scripts[script_at]
    only = {} if kind is None else {"kinds": (kind,)}
    made = script.make(groups[group_at], outdir, **options.get(script, {}), **only)
    # The collector is off in a worker (the initializer): a figure is a graph
    # of cycles (artists, transforms, callbacks), and collecting while one is
    # built walks every live object again and again, 12-20% of the drawing
    # time here. A script's figures are closed now: their cycles go at once,
    # and what survives (matplotlib, its caches, the results) is frozen out
    # of every later collection.
    gc.collect()
    gc.freeze()
    return group_at, script_at, kind, [dataclasses.replace(m, group=None) for m in made]


def _tasks(groups: list, scripts) -> list[tuple[int, int, str | None]]:
    """(group, script, kind) for every figure a script can draw alone (its
    make takes `kinds`), else (group, script, None) for all of its figures;
    the heaviest first (a script's DRAW_WEIGHT, by its number of tasks), so
    that the last task a worker takes is a light one and the workers finish
    together."""
    tasks, weights = [], {}
    for s, script in enumerate(scripts):
        kinds = getattr(script, "KINDS", ())
        split = len(kinds) > 1 and "kinds" in inspect.signature(script.make).parameters
        mine = list(kinds) if split else [None]
        for g in range(len(groups)):
            for kind in mine:
                tasks.append((g, s, kind))
                weights[(g, s, kind)] = getattr(script, "DRAW_WEIGHT", 0.5) * (1 if split else len(kinds) or 1)
    return sorted(tasks, key=lambda t: -weights[t])  # stable: equal weights keep the scripts' order


def _workers(tasks: int) -> int:
    """One worker a CPU this process may run on, no more than there are tasks."""
    return max(1, min(tasks, len(os.sched_getaffinity(0))))


def draw_all(groups: list, scripts, outdir: Path, options: dict) -> dict[int, list]:
    """id(group) -> the Made records of every script for that group. A
    worker's exception (ResultsError for a malformed hdr) is raised here; a
    worker that dies is BrokenProcessPool, never a wait without end."""
    global _work
    tasks = _tasks(groups, scripts)
    _work = (groups, scripts, outdir, options)
    try:
        with ProcessPoolExecutor(_workers(len(tasks)), mp_context=multiprocessing.get_context("fork"),
                                 initializer=gc.disable) as pool:
            found: dict[tuple[int, int], dict] = {}
            for g, s, kind, made in pool.map(_draw, tasks):
                found.setdefault((g, s), {})[kind] = made
    finally:
        _work = ()
    # A script's records in the order its make gives them: its KINDS' order when drawn a kind a task.
    ordered = {key: [m for kind in (getattr(scripts[key[1]], "KINDS", ()) if None not in parts else (None,))
                     for m in parts.get(kind, [])] for key, parts in found.items()}
    return {id(group): [dataclasses.replace(m, group=group) for s in range(len(scripts)) for m in ordered[(g, s)]]
            for g, group in enumerate(groups)}
