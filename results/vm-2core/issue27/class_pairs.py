#!/usr/bin/env python3
"""Issue 27's alternating pairs: each of our queues against the best peer of its class.

Input: results files of `qbench run -q OURS,PEER... -p N -c 1 -r R` (one shape
per file). qbench interleaves repetitions (rep 1 of every queue, then rep 2),
so the figures of one repetition index were taken seconds apart: a pair.
For every file and each of our queues named with --ours, it picks the peer
with the highest median items/s among --peers (the best peer of the run),
prints every repetition's pair, the medians and the median of the per-pair
ratios ours/peer. A repetition that failed or is invalid prints as '-' and
leaves its pair out.

Example: class_pairs.py --ours sequence_ring --peers xenium_vyukov_bounded out/*.json
"""
import argparse
import json
import statistics


def per_rep(run):
    """{repetition number: items/s} of a point's valid repetitions."""
    out = {}
    for rep in run.get("repetitions", []):
        if rep.get("status") == "ok" and rep.get("items_per_s"):
            out[rep["repetition"]] = rep["items_per_s"]
    return out


def shape(run):
    p = run["params"]
    return f"{p['producers']}P{p['consumers']}C"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True, help="comma-separated: our queues")
    ap.add_argument("--peers", required=True, help="comma-separated: the peers of their class")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    ours, peers = a.ours.split(","), a.peers.split(",")
    for path in a.files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        runs = {r["params"]["queue"]: r for r in doc["runs"] if r.get("status") != "skipped"}
        figs = {q: per_rep(r) for q, r in runs.items()}
        meds = {q: statistics.median(v.values()) for q, v in figs.items() if v}
        for q in ours:
            if q not in runs:
                continue
            cands = [p for p in peers if p in meds and p != q]
            if not cands:
                continue
            best = max(cands, key=lambda p: meds[p])
            print(f"## {q} vs {best} (best of {', '.join(cands)} by median), {shape(runs[q])}, {path}")
            print(f"{'rep':>3}  {q + ' items/s':>26}  {best + ' items/s':>30}  ratio")
            ratios = []
            for rep in sorted(set(figs[q]) | set(figs[best])):
                x, y = figs[q].get(rep), figs[best].get(rep)
                r = x / y if x and y else None
                if r is not None:
                    ratios.append(r)
                fx = f"{x:,.0f}" if x else "-"
                fy = f"{y:,.0f}" if y else "-"
                print(f"{rep:>3}  {fx:>26}  {fy:>30}  {r:.2f}" if r else f"{rep:>3}  {fx:>26}  {fy:>30}  -")
            mq = f"{meds[q]:,.0f}" if q in meds else "-"
            mr = f"{statistics.median(ratios):.2f}" if ratios else "-"
            print(f"med  {mq:>26}  {meds[best]:>30,.0f}  {mr}  ({len(ratios)} pairs; "
                  f"ours ahead in {sum(r >= 1 for r in ratios)})")
            others = ", ".join(f"{p} {meds[p] / 1e6:.1f}M" for p in cands if p != best)
            if others:
                print(f"     other peers' medians: {others}")
            print()


if __name__ == "__main__":
    main()
