#!/usr/bin/env bash
# Issue 28: instructions per push+pop pair through the harness's blocking
# layer (harness/run/harness_block.hpp) with nobody asleep, against the same
# queue's try_push/try_pop, one thread (callgrind's totals at 200k and 100k
# pairs; the difference cancels start-up and the warm-up). Run from the
# repository root; flags as the release preset's.
set -euo pipefail
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags=$(sed -n 's/^CMAKE_CXX_FLAGS_RELEASE:STRING=//p' build/release/CMakeCache.txt 2>/dev/null || echo "-O2 -DNDEBUG")
g++ -std=c++20 $flags -I"$root" -I"$root/include" results/vm-2core/issue28/block_layer_ir.cpp -o "$tmp/t"
ir() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$tmp/t" "$1" "$2" "$3" >/dev/null 2>"$tmp/err"
  grep -o 'Collected : [0-9]*' "$tmp/err" | grep -o '[0-9]*'
}
echo "# $(git rev-parse --short HEAD), flags: $flags, $(date -u +%F)"
printf '%-14s %10s %10s %8s\n' queue plain layer extra
for q in sequence_ring segmented; do
  row=()
  for m in plain layer; do
    a=$(ir "$q" "$m" 200000); b=$(ir "$q" "$m" 100000)
    row+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", (a - b) / 100000 }')")
  done
  printf '%-14s %10s %10s %8s\n' "$q" "${row[0]}" "${row[1]}" "$(awk -v a="${row[0]}" -v b="${row[1]}" 'BEGIN { printf "%+.1f", b - a }')"
done
