#!/usr/bin/env python3
"""Measure a ratio on a noisy machine: run two qbench commands alternately.

Input: two labelled qbench argument strings (A and B) and a pair count.
Each pair runs A then B (`qbench run ... --out TMP --force`), reads the
median items/s of every point (or, with --pingpong, the p50 round trip) from
the JSON each wrote, and prints every pair, the medians and the median
ratio B/A. The host's slow spells move one figure 2-8x from run to run, so
only figures from the same pair are compared (DEVELOPERS.md, "Measuring on
this VM").

Output: a table on stdout; with --json F, the same figures as JSON.

Example:
  scripts/alternate.py --pairs 10 \\
    --a "default=run -q sequence_ring -p 1 -c 1 -d 1s -r 3" \\
    --b "off=run -q sequence_ring -p 1 -c 1 -d 1s -r 3 --latency off"
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QBENCH = os.path.join(ROOT, "build", "release", "harness", "qbench")


def figure(path, pingpong):
    """The one figure of a results file: median items/s of its only point, or p50 round trip (ns)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    runs = [r for r in doc["runs"] if r.get("status") != "skipped"]
    if len(runs) != 1:
        raise SystemExit(f"alternate.py: {path}: expected one point, got {len(runs)}")
    run = runs[0]
    if pingpong:
        return float(run["pingpong"]["round_trip"]["p50_ns"])
    if run.get("status") != "ok" or not run.get("aggregate"):
        raise SystemExit(f"alternate.py: {run['id']}: status {run.get('status')}")
    return float(run["aggregate"]["median_items_per_s"])


def run_once(qbench, args_text, pingpong, tmp):
    out = os.path.join(tmp, "out.json")
    cmd = [qbench] + shlex.split(args_text) + ["--out", out, "--force"]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"alternate.py: {' '.join(cmd)}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
    return figure(out, pingpong)


def split_label(text, option):
    label, sep, rest = text.partition("=")
    if not sep or not label or not rest:
        raise SystemExit(f"alternate.py: {option}: '{text}' is not LABEL=QBENCH-ARGS")
    return label, rest


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", required=True, help="LABEL=qbench arguments (the reference)")
    ap.add_argument("--b", required=True, help="LABEL=qbench arguments (compared with A)")
    ap.add_argument("--pairs", type=int, default=10, help="A, B pairs to run (default 10)")
    ap.add_argument("--pingpong", action="store_true", help="compare p50 round trip (ns) instead of items/s")
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--a-qbench", default=QBENCH, help="the qbench binary A runs (default: this tree's release build)")
    ap.add_argument("--b-qbench", default=QBENCH, help="the qbench binary B runs (e.g. another revision's build)")
    args = ap.parse_args()
    if args.pairs < 1:
        print(f"alternate.py: --pairs: '{args.pairs}' is not a positive count", file=sys.stderr)
        return 2
    (la, a), (lb, b) = split_label(args.a, "--a"), split_label(args.b, "--b")
    unit = "p50 ns" if args.pingpong else "items/s"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.pairs):
            fa = run_once(args.a_qbench, a, args.pingpong, tmp)
            fb = run_once(args.b_qbench, b, args.pingpong, tmp)
            rows.append((fa, fb, fb / fa))
            print(f"pair {i + 1:2d}: {la} {fa:,.0f} {unit}  {lb} {fb:,.0f} {unit}  {lb}/{la} {fb / fa:.3f}", flush=True)
    ma = statistics.median(r[0] for r in rows)
    mb = statistics.median(r[1] for r in rows)
    mr = statistics.median(r[2] for r in rows)
    print(f"median: {la} {ma:,.0f} {unit}  {lb} {mb:,.0f} {unit}  median of pair ratios {lb}/{la} {mr:.3f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"a": {"label": la, "args": a}, "b": {"label": lb, "args": b}, "unit": unit,
                       "pairs": [{"a": r[0], "b": r[1], "ratio": r[2]} for r in rows],
                       "median_a": ma, "median_b": mb, "median_ratio": mr}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
