#!/usr/bin/env bash
# Alternating pairs, issue 25 (the timeline in named phases): A = the binary
# before (commit a72a6bf), B = after. Each pair runs A then B of
#   qbench run -q sequence_ring -p 1 -c 1 -d 500ms -r 3 --latency off
# (items/s: runs[].aggregate.median_items_per_s of --out), then A then B of qb_micro's
# BareLoop (the same source in both: a yardstick of the machine's noise).
# /proc/loadavg is noted before each pair: the 2-core VM runs other builds.
#
# usage: timeline_pairs.sh BASE_BUILD AFTER_BUILD [PAIRS]   (build dirs)
set -euo pipefail
base=$1 after=$2 pairs=${3:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

qb() {  # qb BUILD -> items/s median
  "$1/harness/qbench" run -q sequence_ring -p 1 -c 1 -d 500ms -r 3 --latency off \
    --out "$tmp/r.json" --force >/dev/null 2>&1
  jq -r '.runs[0].aggregate.median_items_per_s' "$tmp/r.json"
}
micro() {  # micro BUILD -> items/s
  "$1/harness/qb_micro" --benchmark_filter=BareLoop --benchmark_format=json 2>/dev/null |
    jq -r '.benchmarks[0].items_per_second'
}

rows=$tmp/rows
echo "# pair loadavg(1m,5m,15m) qbench_A qbench_B B/A bare_A bare_B B/A   (items/s)"
for i in $(seq 1 "$pairs"); do
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  qa=$(qb "$base"); qbv=$(qb "$after")
  ma=$(micro "$base"); mb=$(micro "$after")
  awk -v i="$i" -v l="$load" -v qa="$qa" -v qb="$qbv" -v ma="$ma" -v mb="$mb" \
    'BEGIN { printf "%2d  %-16s %.4g %.4g %.4f   %.4g %.4g %.4f\n", i, l, qa, qb, qb/qa, ma, mb, mb/ma }' | tee -a "$rows"
done
median() {  # median COLUMN
  awk -v c="$1" '{ print $c }' "$rows" | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
echo "# medians: qbench_A $(median 5) qbench_B $(median 6) B/A $(median 7)   bare_A $(median 8) bare_B $(median 9) B/A $(median 10)"
