#!/usr/bin/env python3
"""Export a results file's repetitions as CSV.

Input: one qbench results file (schema_version 2) or a killed sweep's journal.
Output: CSV (the csv module's default dialect, a header row whose names carry
their units) on stdout, or in OUT with -o: one row per repetition, in the
file's order; a point with no repetitions (skipped, not run, pingpong) has
no row. A value the repetition does not record (a latency percentile of a
run without latency, or with too few samples) is an empty cell.

An unusable file is refused in one line on stderr with exit status 2 before
anything is written; OUT is written by way of a temporary file and replaced
only with --force.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import qbresults
import qbwrite

PROG = "export"
PERCENTILES = (("p50", "p50_ns"), ("p99", "p99_ns"), ("p99.9", "p99_9_ns"))
LATENCY_SOURCES = ("e2e", "pop")
VALIDATION = ("lost", "duplicated", "misordered")

HEADER = (["run id", "queue", "producers", "consumers", "workload", "payload bytes", "wait", "batch", "batch kind",
           "partial pushes", "partial pops", "repetition", "status",
           "failure", "items", "elapsed s", "items/s", "ns/item", "CPU ns/item", "items/CPU-s", "producers CPU s",
           "consumers CPU s"]
          + [f"{source} {name} ns" for source in LATENCY_SOURCES for name, _ in PERCENTILES]
          + [f"{key} items" for key in VALIDATION] + ["warnings"])


def _number(value):
    """A JSON number as it is, anything else (null, absent, text) as an empty cell."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


def _latency(rep: dict) -> list:
    latency = rep.get("latency") if isinstance(rep.get("latency"), dict) else {}
    cells = []
    for source in LATENCY_SOURCES:
        histogram = latency.get(source) if isinstance(latency.get(source), dict) else {}
        cells += [_number(histogram.get(key)) for _, key in PERCENTILES]
    return cells


def _cpu(rep: dict) -> list:
    """The repetition's CPU cost (its "cpu" record: null or absent in files
    from before qbench measured it): per item, per CPU second, and each
    role's CPU seconds inside the window."""
    cpu = rep.get("cpu") if isinstance(rep.get("cpu"), dict) else {}

    def seconds(role):
        ns = (cpu.get(role) or {}).get("cpu_ns")
        return ns / 1e9 if isinstance(ns, (int, float)) else ""

    return [_number(cpu.get("cpu_ns_per_item")), _number(cpu.get("items_per_cpu_s")), seconds("producers"),
            seconds("consumers")]


def _batch(row, rep: dict) -> list:
    """Items a call (params.batch; 1 in files older than --batch), and with
    a batch over 1 whose calls moved them (native or looped) and how many
    calls moved some items but not all, each side; empty cells otherwise."""
    kind = rep.get("batch_kind")
    return [_number(row.batch), kind if isinstance(kind, str) else "",
            _number(rep.get("partial_pushes")), _number(rep.get("partial_pops"))]


def rows(results: qbresults.Results) -> list[list]:
    """One list of cells per repetition, in HEADER's order."""
    out = []
    for row in results.rows:
        for rep in row.repetitions:
            validation = rep.get("validation") if isinstance(rep.get("validation"), dict) else {}
            warnings = rep.get("warnings") if isinstance(rep.get("warnings"), list) else []
            out.append([row.id, row.queue, row.producers, row.consumers, row.workload, _number(row.payload_bytes),
                        row.wait]
                       + _batch(row, rep)
                       + [_number(rep.get("repetition")), rep.get("status", ""), rep.get("failure") or "",
                          _number(rep.get("items")), _number(rep.get("elapsed_s")), _number(rep.get("items_per_s")),
                          _number(rep.get("ns_per_item"))]
                       + _cpu(rep) + _latency(rep) + [_number(validation.get(key)) for key in VALIDATION] + [len(warnings)])
    return out


def to_csv(results: qbresults.Results) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(results))
    return buffer.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="./scripts/qb export",
        description="One row per repetition of a results file, as CSV with units in the header.",
        epilog="Points without repetitions (skipped, not run, pingpong) have no rows; a value not recorded is an "
        "empty cell. An unusable file: one line on stderr, exit 2, nothing written.")
    parser.add_argument("results", type=Path, help="a results file (or a killed sweep's journal)")
    form = parser.add_mutually_exclusive_group(required=True)
    form.add_argument("--csv", action="store_true", help="write CSV (the one format so far)")
    parser.add_argument("-o", "--out", type=Path, help="write here instead of stdout")
    parser.add_argument("--force", action="store_true", help="replace an existing OUT")
    args = parser.parse_args(argv)
    refused = args.out is not None and qbwrite.refuse_existing(args.out, args.force)
    if refused:
        print(f"{PROG}: {refused}", file=sys.stderr)
        return qbresults.EXIT_USAGE
    [results] = qbresults.load_all_or_exit([args.results], PROG)
    text = to_csv(results)
    if args.out is None:
        sys.stdout.write(text)
    else:
        qbwrite.write_atomically(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
