#!/usr/bin/env python3
"""Merge several results files of one machine and build into one.

Input: two or more qbench results files (schema_version 2), or the journal a
killed sweep left, all made on the same machine by the same build.
Output: OUT, one schema-2 results document: the first file's context with
context.merged_from (one entry per source file: path, date_utc,
command_line, git_sha, scenario name, journal; an input that is itself a
merge brings its own list), the first file's other top-level keys (its
scenario block), every file's notes in order, interrupted if any input was,
and every run, in input order, with its id.

Rules. A file is refused (one line on stderr, exit 2, OUT not written) when
 - the loader refuses it (not qbench output, truncated, another
   schema_version, no runs: a file of another schema cannot be read as this
   one, so --force does not apply);
 - its machine or build differs from the first file's in one of
   SAME_MACHINE's context fields (the line names the field and both values;
   --force merges anyway and prints that line as a warning);
 - it holds a run id that another input holds too: compare and report match
   points by id, so two runs of one id would be ambiguous. The exception is
   a point the other files did not run (status "not_run", from an
   interrupted sweep): the run that measured it replaces it, so a journal
   and the rerun of its missing points merge. --force does not apply.
OUT is written to a temporary file beside it and renamed into place, and an
existing OUT is replaced only with --force.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import qbresults
import qbwrite

PROG = "merge"
EXIT_USAGE = qbresults.EXIT_USAGE

# The context fields that name the machine and the build. Not compared:
# date_utc and command_line (they differ by nature, and merged_from keeps
# each), clock (calibrated afresh at every start: tsc_ghz, read_cost_ns) and
# counters (compared only when both files probed counters: see _differs).
SAME_MACHINE = ("host", "cpu_model", "cpus_online", "topology", "kernel", "clocksource", "cpu_flags_of_note",
                "compiler", "cxx_flags", "build_type", "sanitizer", "libraries", "git_sha")
ABSENT = object()


class MergeError(Exception):
    """A reason not to merge, in one line."""


def _show(value) -> str:
    if value is ABSENT:
        return "(absent)"
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _first_difference(key: str, a, b):
    """(dotted key, a's value, b's value) of the first place a and b differ, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            found = _first_difference(f"{key}.{k}", a.get(k, ABSENT), b.get(k, ABSENT))
            if found:
                return found
        return None
    return None if a == b else (key, a, b)


def _differs(first: qbresults.Results, other: qbresults.Results):
    """The first SAME_MACHINE field (or context.counters, when both have it) that differs."""
    a, b = first.context, other.context
    keys = list(SAME_MACHINE) + (["counters"] if "counters" in a and "counters" in b else [])
    for key in keys:
        found = _first_difference(key, a.get(key, ABSENT), b.get(key, ABSENT))
        if found:
            return found
    return None


def check_same_machine(all_results: list[qbresults.Results], force: bool) -> None:
    first = all_results[0]
    for other in all_results[1:]:
        found = _differs(first, other)
        if not found:
            continue
        key, a, b = found
        line = (f"{other.path} was made on another machine or build: context.{key} is {_show(b)} there "
                f"and {_show(a)} in {first.path}")
        if not force:
            raise MergeError(line + " (--force merges anyway)")
        print(f"{PROG}: warning: {line}; merged anyway (--force)", file=sys.stderr)


def merged_runs(all_results: list[qbresults.Results]) -> tuple[list[dict], list[str]]:
    """Every run in input order, a not_run point replaced by the run that
    measured it; and a note for each replacement."""
    runs: list[dict] = []
    where: dict[str, tuple[int, Path]] = {}  # id -> (index in runs, file)
    notes: list[str] = []
    for results in all_results:
        for row in results.rows:
            run = row.raw
            if row.id not in where:
                where[row.id] = (len(runs), results.path)
                runs.append(run)
                continue
            index, earlier = where[row.id]
            if runs[index].get("status") == "not_run" and run.get("status") != "not_run":
                runs[index] = run
                where[row.id] = (index, results.path)
                notes.append(f"{row.id}: not run in {earlier}; measured in {results.path}")
            elif run.get("status") == "not_run":
                notes.append(f"{row.id}: not run in {results.path}; measured in {earlier}")
            else:
                raise MergeError(f"run id {row.id} is in both {earlier} and {results.path}; "
                                 "merge files whose points differ")
    return runs, notes


def sources(results: qbresults.Results) -> list[dict]:
    """context.merged_from's entries for one input: its own, or, for a file
    that is itself a merge, the ones it lists (so merging stays flat)."""
    earlier = results.context.get("merged_from")
    if isinstance(earlier, list):
        return [s for s in earlier if isinstance(s, dict)]
    ctx = results.context
    return [{"path": str(results.path), "date_utc": ctx.get("date_utc"), "command_line": ctx.get("command_line"),
             "git_sha": ctx.get("git_sha"), "scenario": results.scenario.get("name"), "journal": results.journal}]


def merge(all_results: list[qbresults.Results], force: bool = False) -> dict:
    """The merged document; raises MergeError."""
    check_same_machine(all_results, force)
    runs, replaced = merged_runs(all_results)
    first = all_results[0].doc
    doc = {k: v for k, v in first.items() if k not in ("context", "notes", "runs", "interrupted")}
    doc["interrupted"] = any(r.doc.get("interrupted") is True for r in all_results)
    doc["context"] = dict(all_results[0].context, merged_from=[s for r in all_results for s in sources(r)])
    notes = []
    for results in all_results:
        notes += [str(n) for n in results.doc.get("notes") or []]
        if results.recovery is not None:
            notes.append(f"{results.path}: {results.recovery.words}")
    doc["notes"] = notes + replaced
    doc["runs"] = runs
    return doc


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="./scripts/qb merge", description="One results file from several runs of the same machine and build: "
        "runs keep their ids, the context is the first file's plus context.merged_from.",
        epilog="Refused, in one line with exit status 2 and nothing written: a file the loader refuses (another "
        "schema_version included); a file whose context differs from the first's in one of "
        f"{', '.join(SAME_MACHINE)} (or counters, when both probed them), unless --force; a run id in two files, "
        "unless all but one of them have it as not_run (the measured run replaces those).")
    parser.add_argument("results", nargs="+", type=Path, help="results files (or journals) to merge, in order")
    parser.add_argument("-o", "--out", type=Path, required=True, help="the merged results file")
    parser.add_argument("--force", action="store_true",
                        help="merge files of different machines or builds, and replace an existing OUT")
    args = parser.parse_args(argv)
    if len(args.results) < 2:
        parser.error("needs at least two results files")
    refused = qbwrite.refuse_existing(args.out, args.force)
    if refused:
        print(f"{PROG}: {refused}", file=sys.stderr)
        return EXIT_USAGE
    all_results = qbresults.load_all_or_exit(args.results, PROG)
    try:
        doc = merge(all_results, args.force)
    except MergeError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return EXIT_USAGE
    qbwrite.write_atomically(args.out, json.dumps(doc, separators=(",", ":"), allow_nan=False) + "\n")
    print(f"{PROG}: {len(doc['runs'])} runs from {len(all_results)} files in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
