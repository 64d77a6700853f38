#!/usr/bin/env bash
# Instructions per push+pop pair, built in and through the plugin ABI, from
# callgrind's totals at 200k and 100k pairs (the difference cancels start-up
# and the warm-up). Run from the repository root after ./scripts/qb build.
set -euo pipefail
root=$(pwd); tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
g++ -std=c++20 -O2 -DNDEBUG -I"$root" -I"$root/include" results/vm-2core/issue24/boundary.cpp -o "$tmp/boundary" -ldl
plugin="$root/build/release/plugins/libqb_plugin_sequence_ring.so"
ir() { valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$tmp/boundary" "$@" >/dev/null 2>"$tmp/err"; grep -o 'Collected : [0-9]*' "$tmp/err" | grep -o '[0-9]*'; }
for mode in builtin plugin; do
  a=$(ir $mode 200000 "$plugin"); b=$(ir $mode 100000 "$plugin")
  echo "$mode: $(( (a - b) / 100000 )) Ir per pair ($a - $b over 100000 pairs)"
done
