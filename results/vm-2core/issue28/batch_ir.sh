#!/usr/bin/env bash
# Issue 28, --batch N: instructions per item of qbench's producer and
# consumer loops at 1P1C, by callgrind (instruction counts: the same on a
# loaded or an idle machine), at --batch 1, 16 and 256, for a looped queue
# (sequence_ring, until its bulk calls merge) and two native ones.
#
#   batch_ir.sh QBENCH > batch_ir-<sha>.txt
#
# The runs and their reading are issue 27's (../issue27/footprint_ir.sh and
# footprint_ir.py: 400,000 items in a fixed-count window, capacity 2^21,
# --wait backoff, --warmup 0, in process, no perf counters). footprint_ir.py
# counts an instruction run about once an item as the item's path, amortizes
# what runs under once in 50 items, and lists what it leaves out: here that
# is the batch path's own work (a call's, once in 16 items at --batch 16;
# loops GCC unrolled, whose instructions run once in 2, 4 or 8 items; the
# calls a consumer that caught up makes), which belongs to the window, so
# each line also gives the total with what was left out spread over the
# items ("with left out").
set -euo pipefail
qbench=$1
here=$(cd "$(dirname "$0")" && pwd)
items=400000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cg=(valgrind --tool=callgrind --separate-threads=yes --dump-instr=yes --compress-pos=no --compress-strings=no)
echo "# batch_ir.sh: $(date -u +%Y-%m-%dT%H:%MZ), $(uname -n), $(valgrind --version); qbench $qbench"
for q in sequence_ring boost_spsc_queue moodycamel_queue; do
  for latency in off e2e; do
    for b in 1 16 256; do
      rm -f "$work"/cg.*
      "${cg[@]}" --callgrind-out-file="$work/cg.%p" "$qbench" run -q "$q" -p 1 -c 1 --batch "$b" --items $items \
        --warmup 0 -r 1 --capacity 2097152 --wait backoff --no-fork --counters none --latency $latency >/dev/null 2>&1
      echo "== $q --latency $latency --batch $b"
      /usr/bin/python3 "$here/../issue27/footprint_ir.py" --producer "qb::detail::producer_thread<" \
        --consumer "qb::detail::consumer_thread<" --items $items --files "$work/cg.*-*" |
        awk -v n=$items '{ left = 0; s = $0; sub(/.*left out: /, "", s)
          while (match(s, /[0-9]+ instr x [0-9]+/)) { split(substr(s, RSTART, RLENGTH), w, " "); left += w[1] * w[4]
                                                    s = substr(s, RSTART + RLENGTH) }
          printf "%s  [with left out %.2f Ir/item]\n", $0, $2 + left / n }' 
    done
  done
done
