#!/usr/bin/env bash
# Instructions per item of the 1P1C hot loops, before (A, commit a72a6bf) and
# after (B) issue 25's timeline split, counted by callgrind (a count, so the
# loaded 2-core VM does not blur it). Each binary runs a fixed count of N and
# of 2N items in-process (--no-fork); (Ir at 2N - Ir at N) / N is the cost of
# one item, start-up and summary cancelled. Reported: the self Ir per item of
# the producer's and the consumer's thread function (the flattened loops;
# before: run_timeline's lambdas #3 and #4, after: producer_thread and
# consumer_thread), and the whole program's.
#
# Callgrind runs one thread at a time, and a thread spins on an empty or
# full ring until it yields, for as long as the controller sleeps in wall
# time (warm-up, settle), so spins add a time-dependent count. Hence:
#   --fair-sched=yes: a thread woken from a sleep gets the lock in turn;
#   each count is the least of K runs (spinning only ever adds);
#   clean:   --wait backoff --capacity 2^20: the ring never fills and a
#            failed try soon yields, so the item's own path is what counts;
#   default: the brief's command as is (pause, capacity 1024), failed
#            tries and all; "failed/item" says how many fell in the window.
#
# usage: timeline_callgrind.sh BASE_BUILD AFTER_BUILD [N] [K]   (build dirs)
set -euo pipefail
base=$1 after=$2 n=${3:-100000} k=${4:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
loop='ThroughputSteps<qb::SequenceRing<qb::Payload<8ul>, (qb::Padding)0, qb::NoRingHooks> >'

one() {  # one BUILD ITEMS ARGS...: "total producer consumer failed" of one run
  local dir=$1 items=$2
  shift 2
  valgrind --tool=callgrind --fair-sched=yes --callgrind-out-file="$out/cg" \
    "$dir/harness/qbench" run -q sequence_ring -p 1 -c 1 --items "$items" -r 1 --warmup 0 \
    --latency off --counters none --no-fork --out "$out/r.json" --force "$@" >/dev/null 2>&1
  callgrind_annotate --inclusive=no --threshold=100 "$out/cg" 2>/dev/null | awk -v loop="$loop" '
    { gsub(",", "", $1) }
    /PROGRAM TOTALS/ { t = $1 }
    index($0, loop) && (index($0, "{lambda(int)#3}::operator") || index($0, "producer_thread<")) { p = $1 }
    index($0, loop) && (index($0, "{lambda(int)#4}::operator") || index($0, "consumer_thread<")) { c = $1 }
    END { printf "%d %d %d", t, p, c }'
  echo " $(jq '[.runs[0].repetitions[0].threads[].failed_ops] | add' "$out/r.json")"
}
least() {  # least BUILD ITEMS ARGS...: the column-wise least of K runs
  for _ in $(seq 1 "$k"); do one "$@"; done |
    awk 'NR == 1 { for (i = 1; i <= 4; i++) m[i] = $i }
         { for (i = 1; i <= 4; i++) if ($i < m[i]) m[i] = $i }
         END { print m[1], m[2], m[3], m[4] }'
}

for setting in clean default; do
  extra=()
  [[ $setting == clean ]] && extra=(--wait backoff --capacity 1048576)
  echo "## $setting (${extra[*]:-defaults}); N=$n, least of $k runs each"
  for side in A:"$base" B:"$after"; do
    dir=${side#*:}
    a=$(least "$dir" "$n" "${extra[@]}")
    b=$(least "$dir" $((2 * n)) "${extra[@]}")
    echo "$a $b" | awk -v s="${side%%:*}" -v n="$n" '{
      printf "%s: Ir/item producer %.2f  consumer %.2f  program %.2f   failed tries/item %.3f\n", s,
             ($6 - $2) / n, ($7 - $3) / n, ($5 - $1) / n, ($8 - $4) / n }'
  done
done
