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
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# What the workers draw, set just before they are forked: they inherit it
# rather than receive it pickled (groups hold whole results documents).
_work: tuple = ()


def _draw(task: tuple[int, int]) -> tuple[int, int, list]:
    group_at, script_at = task
    groups, scripts, outdir, options = _work
    script = scripts[script_at]
    made = script.make(groups[group_at], outdir, **options.get(script, {}))
    # The collector is off in a worker (the initializer): a figure is a graph
    # of cycles (artists, transforms, callbacks), and collecting while one is
    # built walks every live object again and again, 12-20% of the drawing
    # time here. A script's figures are closed now: their cycles go at once,
    # and what survives (matplotlib, its caches, the results) is frozen out
    # of every later collection.
    gc.collect()
    gc.freeze()
    return group_at, script_at, [dataclasses.replace(m, group=None) for m in made]


def _workers(tasks: int) -> int:
    """One worker a CPU this process may run on, no more than there are tasks."""
    return max(1, min(tasks, len(os.sched_getaffinity(0))))


def draw_all(groups: list, scripts, outdir: Path, options: dict) -> dict[int, list]:
    """id(group) -> the Made records of every script for that group. A
    worker's exception (ResultsError for a malformed hdr) is raised here; a
    worker that dies is BrokenProcessPool, never a wait without end."""
    global _work
    tasks = [(g, s) for g in range(len(groups)) for s in range(len(scripts))]
    _work = (groups, scripts, outdir, options)
    try:
        with ProcessPoolExecutor(_workers(len(tasks)), mp_context=multiprocessing.get_context("fork"),
                                 initializer=gc.disable) as pool:
            found = {(g, s): made for g, s, made in pool.map(_draw, tasks)}
    finally:
        _work = ()
    return {id(group): [dataclasses.replace(m, group=group) for s in range(len(scripts)) for m in found[(g, s)]]
            for g, group in enumerate(groups)}
