#!/usr/bin/env bash
# Instructions per push+pop pair on one thread (callgrind's totals at 200k and
# 100k pairs; the difference cancels start-up and the 10k-pair warm-up), for
# mpsc_elastic and the two MPMC rings of issue 27. Run from the repository
# root. Optional: ELASTIC_IR_KEEP=DIR keeps the binary and callgrind files
# there, for callgrind_annotate and objdump.
set -euo pipefail
root=$(pwd)
tmp=${ELASTIC_IR_KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
[[ -n ${ELASTIC_IR_KEEP:-} ]] || trap 'rm -rf "$tmp"' EXIT
# The release preset's flags for these headers (-O2 -DNDEBUG) plus -g for
# callgrind_annotate's per-line counts (debug info changes no instruction).
g++ -std=c++20 -O2 -g -DNDEBUG -DQB_HAS_XENIUM -I"$root" -I"$root/include" \
  results/vm-2core/issue27/elastic_ir.cpp -o "$tmp/elastic_ir"
ir() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$1.$2" "$tmp/elastic_ir" "$1" "$2" >/dev/null 2>"$tmp/err"
  grep -o 'Collected : [0-9]*' "$tmp/err" | grep -o '[0-9]*'
}
for q in ${*:-mpsc_elastic sequence_ring xenium_vyukov_bounded}; do
  a=$(ir "$q" 200000); b=$(ir "$q" 100000)
  printf '%-24s %s Ir per pair (%s - %s over 100000 pairs)\n' "$q" \
    "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (a - b) / 100000 }')" "$a" "$b"
done
