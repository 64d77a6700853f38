#!/usr/bin/env bash
# 1P1C items/s of sequence_ring built in (A) and through the plugin ABI (B),
# alternating A, B, A, B, ... PAIRS times; each run 3 repetitions of 500 ms,
# latency off, its median printed. Run from the repository root after
# ./scripts/qb build, with the machine otherwise idle.
set -euo pipefail
pairs=${1:-10}
q=build/release/harness/qbench
plugin=build/release/plugins/libqb_plugin_sequence_ring.so
median() { "$q" run -q "$1" -p 1 -c 1 -d 500ms -r 3 --latency off --format json --plugin "$plugin" 2>/dev/null |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["points"][0]["items/s (median)"])'; }
for i in $(seq "$pairs"); do
  a=$(median sequence_ring); b=$(median sequence_ring_plugin)
  echo "$i $a $b"
done
