#!/usr/bin/python3
"""Checks that the scripts read what a real qbench binary writes.

Input: QBENCH, a qbench binary (CTest passes each build's), which this runs
twice: a short `run` sweep with every latency source and a `pingpong`; or,
with --file PATH (repeatable), results files or journals already written.
Output: one line per problem on stderr and exit status 1, or one line on
stdout and exit status 0 when every check holds:
  - each file loads with qbresults.load, and no journal is left beside it;
  - every full histogram (repetitions' latency and lanes' latency, a pingpong
    run's round_trip) has an "hdr" that qbhdr decodes, whose counts sum to
    its "count", and whose percentiles by qbhist (with the exact min_ns and
    max_ns) are the p*_ns qbench wrote beside it;
  - each run-level summary is what merging its ok repetitions gives: the
    same count, min, max and percentiles, and mean and stddev to 1e-9;
  - Row.latency gives buckets summing to the count for e2e, push, pop and
    round_trip wherever the run recorded them.
Not a pytest test: it needs the binary, so CTest runs it.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import qbhdr  # noqa: E402
import qbhist  # noqa: E402
import qbresults  # noqa: E402

SOURCES = ("e2e", "push", "push_failed", "pop", "pop_failed")
FIGURE_SOURCES = ("e2e", "push", "pop", "round_trip")
EXACT = ("count", "min_ns", "max_ns", "clamped_high") + tuple(key for _, _, key in qbhist.PERCENTILES)


def full_histograms(row):
    """(where, histogram) for every histogram of the run that carries hdr counts."""
    rt = (row.block("pingpong") or {}).get("round_trip")
    if isinstance(rt, dict):
        yield f"{row.id} pingpong.round_trip", rt
    for rep in row.repetitions:
        n = rep.get("repetition", "?")
        for source, h in (rep.get("latency") or {}).items():
            if isinstance(h, dict) and "count" in h:
                yield f"{row.id} rep {n} latency.{source}", h
        for i, lane in enumerate((rep.get("workload_metrics") or {}).get("lanes") or []):
            if isinstance(lane.get("latency"), dict):
                yield f"{row.id} rep {n} lanes[{i}].latency", lane["latency"]


def check_histogram(where: str, h: dict) -> list[str]:
    if not isinstance(h.get("hdr"), str):
        return [f'{where}: no "hdr" string']
    try:
        buckets = qbhdr.decode(h["hdr"])
    except ValueError as e:
        return [f"{where}: {e}"]
    total = sum(n for _, n in buckets)
    if total != h.get("count"):
        return [f'{where}: the hdr counts sum to {total}, "count" is {h.get("count")}']
    summary = {"buckets": buckets, "min_ns": h.get("min_ns"), "max_ns": h.get("max_ns")}
    return [f"{where}: {key} is {h.get(key)}, the hdr counts give {qbhist.percentile(summary, p)}"
            for _, p, key in qbhist.PERCENTILES if qbhist.percentile(summary, p) != h.get(key)]


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def check_merged(row) -> list[str]:
    """The run's summaries against its ok repetitions' counts, merged here."""
    problems = []
    for source in SOURCES:
        summary = (row.block("latency") or {}).get(source)
        if not isinstance(summary, dict):
            continue
        reps = [(r.get("latency") or {}).get(source) for r in row.ok_repetitions]
        reps = [h for h in reps if isinstance(h, dict)]
        try:
            merged = qbhist.merge(reps)
        except ValueError as e:
            problems.append(f"{row.id} latency.{source}: merging the repetitions: {e}")
            continue
        counted = sum(h.get("count", 0) for h in reps)
        if summary.get("count") != counted:
            problems.append(f"{row.id} latency.{source}: count {summary.get('count')}, the ok repetitions' sum "
                            f"to {counted}")
        problems += [f"{row.id} latency.{source}: {k} is {summary.get(k)}, merging the repetitions gives "
                     f"{merged.get(k)}" for k in EXACT if summary.get(k) != merged.get(k)]
        problems += [f"{row.id} latency.{source}: {k} is {summary.get(k)}, merging the repetitions gives "
                     f"{merged.get(k)}" for k in ("mean_ns", "stddev_ns") if not _close(summary.get(k), merged.get(k))]
    return problems


def check_figures(row) -> list[str]:
    problems = []
    for source in FIGURE_SOURCES:
        try:
            latency = row.latency(source)
        except qbresults.ResultsError as e:
            problems.append(str(e))
            continue
        if latency is not None and sum(n for _, n in latency["buckets"]) != latency["count"]:
            problems.append(f"{row.id}: Row.latency({source!r}) buckets do not sum to its count {latency['count']}")
    return problems


def check_file(path: Path) -> tuple[list[str], int]:
    """The problems of one file, and how many histograms it checked."""
    try:
        results = qbresults.load(path)
    except qbresults.ResultsError as e:
        return [str(e)], 0
    problems, seen = [], 0
    if not path.name.endswith(".journal") and Path(f"{path}.journal").exists():
        problems.append(f"{path}: its journal {path}.journal was left behind after the sweep ended")
    for row in results.rows:
        for where, h in full_histograms(row):
            seen += 1
            problems += [f"{path}: {p}" for p in check_histogram(where, h)]
        problems += [f"{path}: {p}" for p in check_merged(row)] + check_figures(row)
    if seen == 0:
        problems.append(f"{path}: no histogram with hdr counts in it")
    return problems, seen


def run_qbench(binary: str, tmp: Path) -> tuple[list[Path], list[str]]:
    commands = {
        # 50 ms: under ctest -j2 beside the stress tests, a 10 ms window
        # could pass without a pop, and the point then fails.
        tmp / "r.json": ["run", "-q", "sequence_ring", "-p", "1", "-c", "1", "-d", "50ms", "--warmup", "5ms",
                         "-r", "2", "--latency", "all"],
        tmp / "p.json": ["pingpong", "-q", "sequence_ring", "-n", "2000", "--warmup-trips", "100"],
    }
    made, problems = [], []
    for out, args in commands.items():
        cmd = [binary, *args, "--out", str(out)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as e:
            problems.append(f"{' '.join(cmd)}: {e}")
            continue
        if done.returncode != 0:
            problems.append(f"{' '.join(cmd)}: exit {done.returncode}: {done.stderr.strip()[-500:]}\n"
                            f"{done.stdout.strip()[-1000:]}")
        else:
            made.append(out)
    return made, problems


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("qbench", nargs="?", metavar="QBENCH", help="the qbench binary to run")
    p.add_argument("--file", type=Path, action="append", default=[], metavar="PATH",
                   help="check this results file or journal instead of running QBENCH (repeatable)")
    args = p.parse_args(argv)
    if bool(args.qbench) == bool(args.file):
        p.error("give either QBENCH or --file PATH")
    with tempfile.TemporaryDirectory(prefix="qb-check-") as tmp:
        files, problems = (args.file, []) if args.file else run_qbench(args.qbench, Path(tmp))
        seen = 0
        for path in files:
            found, n = check_file(path)
            problems += found
            seen += n
    for line in problems:
        print(f"check_real_run.py: {line}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_real_run.py: ok: {seen} histograms in {len(files)} files decode and agree with their summaries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
