"""Reading back the journal of a sweep that did not finish.

Input: the text of "<out>.journal" (harness/results/results_file.hpp): JSON Lines, a
header with the planned runs, then one line per finished repetition
({"run": i, "repetition": rep}) or point finished in one go ({"run": i,
"point": run}). A journal is left over only when qbench was killed outright
(SIGKILL, the OOM killer, a power cut), so its last line may be cut short:
that line is ignored; any other line that does not parse is an error.
Output: the results document the sweep would have written had it stopped
then, each point finalized as harness/sweep/sweep.cpp's finalize_point does (the
aggregate as harness/results/stats.cpp computes it), marked interrupted; and what
was recovered, in words.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

NOT_RUN = "the sweep was killed before this point ran"



class JournalError(ValueError):
    """A journal that cannot be read back; str() says where and why."""


@dataclass
class Recovery:
    finished: int  # repetitions in the journal (a pingpong point counts as one)
    planned: int | None  # None when the journal does not say how many were asked for
    cut_short: bool  # the last line was cut short by the kill, and ignored

    @property
    def words(self) -> str:
        done = (f"{self.finished} of {self.planned} repetitions" if self.planned is not None
                else f"{self.finished} repetitions (how many were planned is not recorded)")
        tail = "; its last line was cut short and is ignored" if self.cut_short else ""
        return f"recovered from the journal of a sweep that did not finish: {done}{tail}"


def header_of(line: str) -> dict | None:
    """The journal header that `line` (a file's first line) is, else None."""
    try:
        doc = json.loads(line)
    except json.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) and doc.get("journal") == "qbench" else None


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def aggregate(reps: list[dict]) -> dict | None:
    """stats.cpp's aggregate() over the ok repetitions' items/s, in run order."""
    rates = [float(r.get("items_per_s") or 0) for r in reps if r.get("status") == "ok"]
    if not rates:
        return None
    mean = sum(rates) / len(rates)
    stddev = 0.0
    if len(rates) > 1:
        squares = 0.0
        for x in rates:
            squares += (x - mean) * (x - mean)
        stddev = math.sqrt(squares / (len(rates) - 1))
    median = _median(rates)
    return {"samples": len(rates), "median_items_per_s": median, "min_items_per_s": min(rates),
            "max_items_per_s": max(rates), "mean_items_per_s": mean, "stddev_items_per_s": stddev,
            "cv": stddev / mean if mean > 0 else 0.0, "median_ns_per_item": 1e9 / median if median > 0 else 0.0}


def _finalize(run: dict) -> None:
    reps = [r for r in run.get("repetitions") or [] if isinstance(r, dict)]
    if not reps:
        run.update(status="not_run", skip_reason=NOT_RUN, aggregate=None)
        return
    statuses = {r.get("status") for r in reps}
    run["status"] = "failed" if "failed" in statuses else "invalid" if "invalid" in statuses else "ok"
    run["aggregate"] = aggregate(reps) if run["status"] == "ok" else None


def _repetitions_asked(header: dict) -> int | None:
    """The repetitions per point the sweep was asked for, as its journal's
    header records them (None if it does not)."""
    n = header.get("repetitions_per_point")
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else None


def _planned(runs: list[dict], asked: int | None) -> int | None:
    if asked is None:
        return None
    total = 0
    for run in runs:
        if run.get("status") == "skipped":
            continue
        pingpong = (run.get("workload") or {}).get("kind") == "pingpong"
        total += 1 if pingpong else asked
    return total


def _line(text: str, number: int, count: int) -> dict:
    try:
        entry = json.loads(text)
    except json.JSONDecodeError as e:
        raise JournalError(f"journal line {number}: not JSON ({e.msg} at column {e.colno})") from None
    ok = (isinstance(entry, dict) and isinstance(entry.get("run"), int) and not isinstance(entry["run"], bool)
          and 0 <= entry["run"] < count and (isinstance(entry.get("repetition"), dict)
                                             or isinstance(entry.get("point"), dict)))
    if not ok:
        raise JournalError(f'journal line {number}: not {{"run": <index of one of the {count} runs>, '
                           '"repetition" or "point": {...}}')
    return entry


def rebuild(header: dict, lines: list[str]) -> tuple[dict, Recovery]:
    """The document of a journal whose first line parsed to `header`; `lines`
    are the lines after it."""
    runs = header.get("runs")
    if not isinstance(runs, list) or not all(isinstance(r, dict) for r in runs):
        raise JournalError('journal line 1: no "runs" list of planned runs')
    doc = {k: v for k, v in header.items() if k not in ("journal", "repetitions_per_point")}
    doc["runs"] = runs = [dict(r, repetitions=list(r.get("repetitions") or [])) for r in runs]
    doc["interrupted"] = True
    planned = _planned(runs, _repetitions_asked(header))
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    cut_short = False
    finished = 0
    for number, text in enumerate(lines, start=2):
        try:
            entry = _line(text, number, len(runs))
        except JournalError:
            if number == len(lines) + 1:  # the last line: the kill cut it short
                cut_short = True
                break
            raise
        if isinstance(entry.get("point"), dict):
            runs[entry["run"]] = entry["point"]
        else:
            runs[entry["run"]]["repetitions"].append(entry["repetition"])
        finished += 1
    for run in runs:
        if run.get("status") == "planned":
            _finalize(run)
    return doc, Recovery(finished, planned, cut_short)
