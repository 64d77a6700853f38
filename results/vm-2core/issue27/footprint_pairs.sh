#!/usr/bin/env bash
# Issue 27, the harness's footprint at the fast end, timed: for each of the
# four fastest 1P1C queues, rounds of (minimal loop, qbench before, qbench
# after), alternating, so that a drift of the machine falls on all three
# alike; each round once with --latency off and once with the default
# latency setting (e2e, 1 item in 64). Prints every round, then per queue and
# setting the medians and the ratios qbench / minimal loop.
#
#   footprint_pairs.sh QBENCH_BEFORE QBENCH_AFTER QB_MICRO [ROUNDS]
#
# For an idle machine (the figures mean nothing on a loaded one). The minimal
# loop is qb_micro's BareLoop/<queue> (10M items an iteration, two pinned
# threads, qbench's default capacity for the queue); qbench runs 1P1C, one
# repetition of a 500 ms window (200 ms warm-up), everything else at its
# default. About 4.5 minutes at 10 rounds on the 2-core VM.
set -euo pipefail
before=$1 after=$2 micro=$3 rounds=${4:-10}
queues=(sequence_ring boost_spsc_queue moodycamel_rwq atomic_queue_b2_spsc)

minimal() {  # items/s of the minimal loop over queue $1
  "$micro" --benchmark_filter="^BareLoop/$1/" --benchmark_min_time=0.3 --benchmark_format=json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; print(int(json.load(sys.stdin)["benchmarks"][0]["items_per_second"]))'
}
qbench() {  # items/s of binary $1 over queue $2 with --latency $3
  "$1" run -q "$2" -p 1 -c 1 -d 500ms -r 1 --latency "$3" --format json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; p=json.load(sys.stdin)["points"][0]; print(p["items/s (median)"] if p["status"]=="ok" else "nan")'
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "# footprint_pairs.sh: $(date -u +%Y-%m-%dT%H:%MZ), $(uname -n), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# before: $before; after: $after; minimal: $micro; $rounds rounds"
echo "queue latency round minimal before after"
for ((r = 1; r <= rounds; r++)); do
  for q in "${queues[@]}"; do
    for latency in off e2e; do
      line="$q $latency $r $(minimal "$q") $(qbench "$before" "$q" $latency) $(qbench "$after" "$q" $latency)"
      echo "$line" | tee -a "$out"
    done
  done
done
echo
/usr/bin/python3 - "$out" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
print(f"{'queue':22s} {'latency':7s} {'minimal':>12s} {'before':>12s} {'after':>12s} {'before/min':>10s} {'after/min':>10s}")
for key in dict.fromkeys((r[0], r[1]) for r in rows):
    cols = [[float(r[i]) for r in rows if (r[0], r[1]) == key] for i in (3, 4, 5)]
    m, b, a = (statistics.median(c) for c in cols)
    print(f"{key[0]:22s} {key[1]:7s} {m:12,.0f} {b:12,.0f} {a:12,.0f} {b / m:10.3f} {a / m:10.3f}")
PY
