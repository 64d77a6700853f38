#!/bin/sh
# Issue 28: --wait block through the harness's layer against --wait pause,
# 1P1C, alternating pairs (scripts/alternate.py: A, B, A, B, ...), with the
# machine otherwise idle. Usage: block_cost_pairs.sh [PAIRS]
set -eu
pairs=${1:-10}
for q in sequence_ring segmented; do
  /usr/bin/python3 scripts/alternate.py --pairs "$pairs" \
    --a "pause=run -q $q -p 1 -c 1 -d 500ms -r 3 --latency off --wait pause" \
    --b "block=run -q $q -p 1 -c 1 -d 500ms -r 3 --latency off --wait block"
done
