#!/usr/bin/env bash
# Interleaved throughput runs of two qbench binaries (before and after a
# change), so that the VM's load swings fall on both alike. Prints each run's
# table. Usage: elastic_throughput.sh BEFORE AFTER ROUNDS
set -uo pipefail  # a run with failed points exits non-zero; keep going
before=$1 after=$2 rounds=${3:-3}
args=(run -q mpsc_elastic,sequence_ring,xenium_vyukov_bounded -p 1,2,4 -c 1 -d 500ms -r 5 --latency off)
for ((i = 1; i <= rounds; i++)); do
  for which in before after; do
    bin=${!which}
    echo "== round $i, $which ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg)): $bin ${args[*]}"
    "$bin" "${args[@]}" 2>/dev/null | sed -n '/^queue /,/^points:/p' | grep -v '^points:'
  done
done
