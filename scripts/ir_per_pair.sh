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
# The last column counts the locked instructions (atomic read-modify-writes:
# CAS, fetch_add, exchange) among them, by their addresses in
# objdump's listing of each object run through: callgrind counts each as one
# instruction, while each costs tens of cycles, so a bulk call's fewer claims
# show there. (glibc's mutexes skip the prefix while a process has one
# thread, as this one does: 0 for them.)
#
#   scripts/ir_per_pair.sh [--batch N] [QUEUE...]
#       table: queue  class  Ir/pair  locked/pair (Ir/item  locked/item)
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

# Locked instructions as "object address", for each object (the tool,
# libc for a mutex's, ...) a run went through, listed once per script run.
: >"$tmp/locks"
: >"$tmp/objects"
list_locks() {
  local ob
  while read -r ob; do
    grep -qxF -- "$ob" "$tmp/objects" && continue
    echo "$ob" >>"$tmp/objects"
    [[ -f "$ob" ]] || continue
    # xchg with memory is locked without the prefix (a spinlock's exchange).
    objdump -d --no-show-raw-insn "$ob" |
      awk -v ob="$ob" '$2 == "lock" || ($2 == "xchg" && /\(/) { sub(":", "", $1); print ob, "0x" $1 }' >>"$tmp/locks"
  done < <(sed -n 's/^ob=//p' "$tmp/out" | sort -u)
}

# Total instructions of one run, from callgrind's summary line, and how many
# of them were locked (read-modify-writes): per instruction (--dump-instr, positions in
# full, each object's addresses its own), the costs at a listed address; the
# line after calls= is a call's inclusive cost, not an instruction's.
total_ir() {
  valgrind --tool=callgrind --dump-instr=yes --compress-pos=no --compress-strings=no \
    --callgrind-out-file="$tmp/out" "$tool" "$1" "$2" $batch >/dev/null 2>"$tmp/err" || {
    cat "$tmp/err" >&2
    return 1
  }
  list_locks
  local locked
  locked=$(awk 'NR == FNR { lock[$1 " " $2] = 1; next }
                /^ob=/ { ob = substr($0, 4) }
                /^calls=/ { call = 1; next }
                /^0x/ { if (call) call = 0; else if ((ob " " $1) in lock) n += $NF }
                END { print n + 0 }' "$tmp/locks" "$tmp/out")
  echo "$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err") $locked"
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
  printf '%-24s %-16s %8s %12s   (batch %s)\n' queue class Ir/item locked/item "$batch"
else
  printf '%-24s %-16s %8s %12s\n' queue class Ir/pair locked/pair
fi
for q in "${queues[@]}"; do
  read -r a la < <(total_ir "$q" "$big") && read -r b lb < <(total_ir "$q" "$small") || exit 1
  printf '%-24s %-16s %8s %12s\n' "$q" "${class[$q]}" \
    "$(awk -v a="$a" -v b="$b" -v n=$((big - small)) 'BEGIN { printf "%.1f", (a - b) / n }')" \
    "$(awk -v a="$la" -v b="$lb" -v n=$((big - small)) 'BEGIN { printf "%.3f", (a - b) / n }')"
done
