#!/usr/bin/env bash
# Instructions per push+pop pair of every registered queue (or of the queues
# named), single-threaded, 8-byte item: callgrind's total Ir at 200k pairs
# minus its total at 100k, over 100k. The difference cancels start-up,
# construction and the warm-up, so the number does not depend on the
# machine's load, unlike a timing. Needs the release build's ir_per_pair
# (./scripts/qb build) and valgrind; without valgrind it says so and exits 0.
# `./scripts/qb ir` builds release first and then runs this.
#
# With --batch N the items go through the bulk calls (qb::BulkQueue), N a
# call: rounds of one try_push_bulk of N items and the try_pop_bulk calls
# that take them back, the pair counts rounded to whole rounds; the column is
# then Ir per item, to compare with a single pair's. Only queues with bulk
# calls are listed (a named one without them is an error).
#
#   scripts/ir_per_pair.sh [--batch N] [QUEUE...]    table: queue  class  Ir/pair (Ir/item)
#   IR_TOOL=path/to/ir_per_pair scripts/ir_per_pair.sh   another build's tool
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
tool="${IR_TOOL:-$root/build/release/tests/ir/ir_per_pair}"
batch=""
if [[ "${1:-}" == --batch ]]; then
  [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "ir_per_pair: --batch needs a whole number >= 1, got '${2:-}'" >&2; exit 2; }
  batch=$2
  shift 2
fi
if ! command -v valgrind >/dev/null; then
  echo "ir_per_pair: valgrind is not installed (apt-get install valgrind); nothing measured"
  exit 0
fi
if [[ ! -x "$tool" ]]; then
  echo "ir_per_pair: $tool is missing; build it with ./scripts/qb build" >&2
  exit 1
fi
small=100000
# Whole rounds of the batch, so that both runs move exactly the items counted.
[[ -n "$batch" ]] && small=$(( (small + batch - 1) / batch * batch ))
big=$((2 * small))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Total instructions of one run, from callgrind's summary line.
total_ir() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$tool" "$1" "$2" $batch >/dev/null 2>"$tmp/err" || {
    cat "$tmp/err" >&2
    return 1
  }
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err"
}

declare -A class calls
while IFS=$'\t' read -r name cls kind; do
  class[$name]=$cls
  calls[$name]=$kind
done < <("$tool" --list)
if (( $# )); then
  queues=("$@")
elif [[ -n "$batch" ]]; then
  mapfile -t queues < <("$tool" --list | awk -F'\t' '$3 == "bulk" { print $1 }')
else
  mapfile -t queues < <("$tool" --list | cut -f1)
fi

for q in "${queues[@]}"; do
  [[ -n "${class[$q]:-}" ]] || { echo "ir_per_pair: no registered queue named '$q'" >&2; exit 1; }
  [[ -z "$batch" || "${calls[$q]}" == bulk ]] || { echo "ir_per_pair: $q has no bulk calls (qb::BulkQueue)" >&2; exit 1; }
done
if [[ -n "$batch" ]]; then
  printf '%-24s %-16s %8s\n' queue class "Ir/item (batch $batch)"
else
  printf '%-24s %-16s %8s\n' queue class Ir/pair
fi
for q in "${queues[@]}"; do
  a=$(total_ir "$q" "$big") && b=$(total_ir "$q" "$small") || exit 1
  printf '%-24s %-16s %8s\n' "$q" "${class[$q]}" "$(awk -v a="$a" -v b="$b" -v n=$((big - small)) 'BEGIN { printf "%.1f", (a - b) / n }')"
done
