#!/usr/bin/env python3
"""Issue 28: the harness's blocking layer on a never-empty queue, timed.

Runs qb_micro's block_layer/Q/try and block_layer/Q/layer (harness/bench/
block_layer.cpp: one thread, 64 items queued, push one and pop one) with
Google Benchmark's repetitions in random interleaved order, pairs repetition
k of `try` with repetition k of `layer`, and prints every pair's ns per
push+pop, the per-pair ratios layer/try and their median. Usage, from the
repository root with the machine idle:
  block_layer_pairs.py QB_MICRO REPETITIONS QUEUE|QUEUE|...
"""
import json
import statistics
import subprocess
import sys

micro, reps, queues = sys.argv[1], int(sys.argv[2]), sys.argv[3]
out = subprocess.run([micro, f"--benchmark_filter=block_layer/({queues})/", f"--benchmark_repetitions={reps}",
                      "--benchmark_enable_random_interleaving=true", "--benchmark_min_time=0.2",
                      "--benchmark_report_aggregates_only=false", "--benchmark_format=json"],
                     check=True, capture_output=True, text=True).stdout
by = {}  # queue -> mode -> [ns per pair by repetition]
for b in json.loads(out)["benchmarks"]:
    if b.get("run_type") != "iteration":
        continue
    _, q, mode = b["run_name"].split("/")
    by.setdefault(q, {}).setdefault(mode, {})[b["repetition_index"]] = b["real_time"]
print(f"# qb_micro block_layer, {reps} interleaved repetitions, ns per push+pop (wall)")
for q, modes in by.items():
    keys = sorted(set(modes.get("try", {})) & set(modes.get("layer", {})))
    pairs = [(modes["try"][k], modes["layer"][k]) for k in keys]
    ratios = [b / a for a, b in pairs]
    print(f"\n{q}")
    print("  try/layer:", " ".join(f"{a:.1f}/{b:.1f}" for a, b in pairs))
    print(f"  median try {statistics.median(a for a, _ in pairs):.1f} ns, layer {statistics.median(b for _, b in pairs):.1f} ns;"
          f" ratio per pair median {statistics.median(ratios):.2f} (range {min(ratios):.2f}-{max(ratios):.2f})")
