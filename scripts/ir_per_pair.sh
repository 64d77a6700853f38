#!/usr/bin/env bash
# Instructions per push+pop pair of every registered queue (or of the queues
# named), single-threaded, 8-byte item: callgrind's total Ir at 200k pairs
# minus its total at 100k, over 100k. The difference cancels start-up,
# construction and the 10k-pair warm-up, so the number does not depend on the
# machine's load, unlike a timing. Needs the release build's ir_per_pair
# (./scripts/qb build) and valgrind; without valgrind it says so and exits 0.
# `./scripts/qb ir` builds release first and then runs this.
#
#   scripts/ir_per_pair.sh [QUEUE...]     table: queue  class  Ir/pair
#   IR_TOOL=path/to/ir_per_pair scripts/ir_per_pair.sh   another build's tool
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
tool="${IR_TOOL:-$root/build/release/tests/ir/ir_per_pair}"
if ! command -v valgrind >/dev/null; then
  echo "ir_per_pair: valgrind is not installed (apt-get install valgrind); nothing measured"
  exit 0
fi
if [[ ! -x "$tool" ]]; then
  echo "ir_per_pair: $tool is missing; build it with ./scripts/qb build" >&2
  exit 1
fi
readonly big=200000 small=100000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Total instructions of one run, from callgrind's summary line.
total_ir() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$tool" "$1" "$2" >/dev/null 2>"$tmp/err" || {
    cat "$tmp/err" >&2
    return 1
  }
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err"
}

declare -A class
while IFS=$'\t' read -r name cls; do class[$name]=$cls; done < <("$tool" --list)
if (( $# )); then queues=("$@"); else mapfile -t queues < <("$tool" --list | cut -f1); fi

for q in "${queues[@]}"; do
  [[ -n "${class[$q]:-}" ]] || { echo "ir_per_pair: no registered queue named '$q'" >&2; exit 1; }
done
printf '%-24s %-16s %8s\n' queue class Ir/pair
for q in "${queues[@]}"; do
  a=$(total_ir "$q" "$big") && b=$(total_ir "$q" "$small") || exit 1
  printf '%-24s %-16s %8s\n' "$q" "${class[$q]}" "$(awk -v a="$a" -v b="$b" -v n=$((big - small)) 'BEGIN { printf "%.1f", (a - b) / n }')"
done
