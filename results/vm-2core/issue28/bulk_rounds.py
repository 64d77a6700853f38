#!/usr/bin/env python3
"""Issue 28: bulk against single-item items/s at 1P1C, in alternating rounds.

Each round runs `qbench run -q QUEUES -p 1 -c 1 --batch N` once for every N
in turn (1, 16, 256, then the next round), so the three figures of a queue in
one round were taken seconds apart; the ratios are taken within a round only
(DEVELOPERS.md, "Measuring on this VM"). Prints every round and the median
ratio per queue. Usage, from the repository root, with the machine idle:
  bulk_rounds.py QBENCH ROUNDS QUEUE,QUEUE,...
"""
import json
import statistics
import subprocess
import sys
import tempfile

qbench, rounds, queues = sys.argv[1], int(sys.argv[2]), sys.argv[3]
batches = (1, 16, 256)
table = {}  # queue -> batch -> [items/s per round]
kinds = {}
with tempfile.TemporaryDirectory() as tmp:
    for r in range(rounds):
        for n in batches:
            out = f"{tmp}/r{r}-b{n}.json"
            subprocess.run([qbench, "run", "-q", queues, "-p", "1", "-c", "1", "--batch", str(n), "-d", "300ms",
                            "--warmup", "100ms", "-r", "1", "--latency", "off", "--out", out, "--force"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for run in json.load(open(out))["runs"]:
                q = run["params"]["queue"]
                reps = [x for x in run.get("repetitions", []) if x.get("status") == "ok"]
                value = reps[0]["items_per_s"] if reps else float("nan")
                table.setdefault(q, {}).setdefault(n, []).append(value)
                if reps and reps[0].get("batch_kind"):
                    kinds[q] = reps[0]["batch_kind"]
print(f"# {rounds} rounds of --batch {', '.join(map(str, batches))} at 1P1C, -d 300ms, M items/s per round")
for q, by in table.items():
    print(f"\n{q} (batch_kind {kinds.get(q, '?')})")
    for n in batches:
        print(f"  N={n:<4}", " ".join(f"{v / 1e6:7.1f}" for v in by[n]), f"  median {statistics.median(by[n]) / 1e6:.1f}")
    for n in batches[1:]:
        ratios = [b / a for a, b in zip(by[1], by[n]) if a == a and b == b and a > 0]
        if ratios:
            print(f"  N={n}/N=1 per round:", " ".join(f"{x:.2f}" for x in ratios),
                  f"  median {statistics.median(ratios):.2f}, ahead in {sum(x > 1 for x in ratios)}/{len(ratios)}")
