"""Every figure of a report, drawn by the figure scripts in worker processes.

Input: the groups of the loaded results (qbresults.groups), the figure
scripts (plot_*.py modules, each with make(group, outdir, **options)) and
their options. Output: each group's qbfigure.Made records, in the order the
scripts make them, the same records one process drawing them in turn gives.

Why workers: drawing is nearly all of a report's time, one figure script
does not depend on another, and a process draws on one core. The workers
are forked, so they start with the results already read and checked here;
only they import matplotlib (qbfigure.pyplot), which keeps this process
small. Each task is drawn in a process the worker forks for it (_draw), so
every figure starts from the same warm worker and its garbage goes when that
process exits. A worker sends back what it wrote, never the group: the
records get this process's group again.
"""

from __future__ import annotations

import dataclasses
import gc
import inspect
import multiprocessing
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import qbfigure
import qbrender

# What the workers draw, set just before they are forked: they inherit it
# rather than receive it pickled (groups hold whole results documents).
_work: tuple = ()


def _draw_here(task: tuple[int, int, str | None]) -> tuple[int, int, str | None, list]:
    group_at, script_at, kind = task
    groups, scripts, outdir, options = _work
    script = scripts[script_at]
    only = {} if kind is None else {"kinds": (kind,)}
    made = script.make(groups[group_at], outdir, **options.get(script, {}), **only)
    return group_at, script_at, kind, [dataclasses.replace(m, group=None) for m in made]


def _draw(task: tuple[int, int, str | None]) -> tuple[int, int, str | None, list]:
    """Draws a task in a process forked for it, which sends back what it
    wrote and exits. A figure is a graph of cycles (artists, transforms,
    callbacks) that only the collector frees: collecting after each figure
    cost a tenth of the drawing time, and not collecting grew a worker by
    every figure it drew. A process of its own frees the figure at once, by
    exiting (os._exit: no teardown), and starts from the worker as it stood,
    matplotlib imported."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            reply = pickle.dumps((True, _draw_here(task)))
        except BaseException as e:  # noqa: BLE001 (sent to the worker, raised there)
            try:
                reply = pickle.dumps((False, e))
            except Exception:  # noqa: BLE001 (an exception that does not pickle: its words)
                reply = pickle.dumps((False, RuntimeError(f"{type(e).__name__}: {e}")))
        with os.fdopen(write, "wb") as out:
            out.write(reply)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as got:
        reply = got.read()
    _, status = os.waitpid(pid, 0)
    if not reply:
        name = _work[1][task[1]].__name__
        raise RuntimeError(f"the process drawing {name}'s figures ended without a reply (wait status {status})")
    ok, value = pickle.loads(reply)
    if not ok:
        raise value
    return value


def _start_worker() -> None:
    """A worker imports matplotlib once and builds what its first figure
    would (qbrender.warm): every task's process forks from it. It never
    collects: nothing it keeps is garbage."""
    gc.disable()
    qbfigure.pyplot()
    qbrender.warm()


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
                                 initializer=_start_worker) as pool:
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
