#!/usr/bin/env bash
# What reading each worker's CPU time at its window's edges costs, in
# instructions (issue 28, "CPU cost per item"): callgrind's total Ir of a
# whole `qbench run` (the parent and the child that runs the repetition,
# summed) at a fixed count of BIG and of SMALL items, 1P1C sequence_ring,
# --latency off, for BEFORE and AFTER. (BIG - SMALL) / (BIG - SMALL items)
# cancels start-up, calibration and the fixed per-run costs, such as the
# readings themselves; the fixed cost is the difference of the two
# binaries' SMALL totals. Under valgrind the two threads take turns on one
# core, so a thread that finds the ring empty or full polls until its turn
# ends: those polls are counted and vary from run to run, so each size runs
# RUNS times and every total is printed. Load-independent otherwise.
#
#   results/vm-2core/issue28/cpu_cost_ir.sh BEFORE_QBENCH AFTER_QBENCH [RUNS]
#
# Also prints the inclusive Ir of read_thread_cpu and of the cpu summing in
# AFTER's child (callgrind_annotate --inclusive=yes), the readings' whole cost.
set -euo pipefail
before=${1:?usage: cpu_cost_ir.sh BEFORE_QBENCH AFTER_QBENCH [RUNS]}
after=${2:?usage: cpu_cost_ir.sh BEFORE_QBENCH AFTER_QBENCH [RUNS]}
runs=${3:-2}
readonly big=400000 small=200000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Total Ir of one qbench run of $2 items, over every process it forked.
total_ir() {
  rm -f "$tmp"/cg.*
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.%p" "$1" run -q sequence_ring -p 1 -c 1 --items "$2" \
    --warmup 10ms -r 1 --latency off --counters none --timeout 600s --out "$tmp/out.json" --force \
    >/dev/null 2>"$tmp/err" || { tail -5 "$tmp/err" >&2; return 1; }
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err" | awk '{ s += $1 } END { print s }'
}

echo "# $(date -u +%FT%TZ) $(hostname); $(valgrind --version)"
for which in before after; do
  bin=${!which}
  echo "# $which: $bin ($("$bin" --version))"
  for ((r = 1; r <= runs; r++)); do
    b=$(total_ir "$bin" "$big"); s=$(total_ir "$bin" "$small")
    printf '%-6s run %d: Ir %s at %d items, %s at %d; per item %s\n' "$which" "$r" "$b" "$big" "$s" "$small" \
      "$(awk -v a="$b" -v b="$s" -v n=$((big - small)) 'BEGIN { printf "%.1f", (a - b) / n }')"
  done
done
# The readings' own instructions, in AFTER's child: the process with the
# most instructions, the one that ran the threads (the parent's file is the
# larger one on disk: it calls more functions).
total_ir "$after" "$small" >/dev/null
child=$(for f in "$tmp"/cg.*; do echo "$(sed -n 's/^summary: \([0-9]*\).*/\1/p' "$f") $f"; done | sort -n | tail -1 | cut -d' ' -f2)
echo "# inclusive Ir in after's child at $small items:"
callgrind_annotate --inclusive=yes --threshold=100 "$child" 2>/dev/null | grep -E 'read_thread_cpu|cpu_between|add_cpu|PROGRAM TOTALS' || true
