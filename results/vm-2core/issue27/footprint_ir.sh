#!/usr/bin/env bash
# Issue 27, the harness's footprint at the fast end: instructions per item of
# qbench's producer and consumer loops against the minimal 1P1C loop's
# (qb_micro's BareLoopIr), for the four fastest 1P1C queues, by callgrind
# (instruction counts: the same on a loaded or an idle machine).
#
#   footprint_ir.sh QBENCH QB_MICRO [QBENCH_LABEL] > footprint_ir-<sha>.txt
#
# Each run moves 400,000 items in its window at capacity 2^21, so no push
# ever fails (moodycamel_rwq is unbounded and ignores it), with --wait
# backoff in both programs (footprint_ir.py says why). qbench: fixed-count
# mode (--items), --warmup 0, one repetition, in process (--no-fork), no
# perf counters; once with --latency off and once with the default (e2e).
# footprint_ir.py turns each run's per-thread files into Ir/item.
set -euo pipefail
qbench=$1 micro=$2 label=${3:-$1}
here=$(cd "$(dirname "$0")" && pwd)
items=400000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cg=(valgrind --tool=callgrind --separate-threads=yes --dump-instr=yes --compress-pos=no --compress-strings=no)

echo "# footprint_ir.sh: $(date -u +%Y-%m-%dT%H:%MZ), $(uname -n), $(valgrind --version)"
echo "# qbench: $label; qb_micro: $micro; $items items a run, capacity 2^21, --wait backoff"
for q in sequence_ring boost_spsc_queue moodycamel_rwq atomic_queue_b2_spsc; do
  echo "== $q"
  rm -f "$work"/cg.*
  "${cg[@]}" --callgrind-out-file="$work/cg.%p" "$micro" --benchmark_filter="^BareLoopIr/$q/$items/" >/dev/null 2>&1
  echo " minimal loop (qb_micro BareLoopIr/$q/$items)"
  python3 "$here/footprint_ir.py" --producer "bare_producer<" --consumer "bare_consumer<" --items $items --files "$work/cg.*-*"
  for latency in off e2e; do
    rm -f "$work"/cg.*
    "${cg[@]}" --callgrind-out-file="$work/cg.%p" "$qbench" run -q "$q" -p 1 -c 1 --items $items --warmup 0 -r 1 \
      --capacity 2097152 --wait backoff --no-fork --counters none --latency $latency >/dev/null 2>&1
    echo " qbench --latency $latency"
    python3 "$here/footprint_ir.py" --producer "qb::detail::producer_thread<" --consumer "qb::detail::consumer_thread<" \
      --items $items --files "$work/cg.*-*"
  done
done
