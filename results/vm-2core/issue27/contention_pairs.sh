#!/usr/bin/env bash
# Alternating pairs of two qbench binaries on mpsc_elastic, for a change whose
# effect is contention only (instruction counts equal): A, B, A, B ... so the
# machine's load swings fall on both alike. Prints every run's items/s, then
# per shape the medians, B/A, and in how many rounds B moved more.
# About 4 s a run at the defaults: 10 rounds ~ 2.5 min.
#
#   contention_pairs.sh A_QBENCH B_QBENCH [ROUNDS]
#
# Issue 27's pair: A built from b902f0d, B from eb5da3f (mpsc_elastic's empty
# pop stops reading the ring's tail_), each by
#   git worktree add /tmp/q-A b902f0d && cd /tmp/q-A &&
#   cmake --preset release && ninja -C build/release qbench
# then  contention_pairs.sh /tmp/q-A/build/release/harness/qbench /tmp/q-B/build/release/harness/qbench
set -uo pipefail  # a run with a failed point exits non-zero; keep going
if (( $# < 2 )); then echo "usage: $0 A_QBENCH B_QBENCH [ROUNDS]" >&2; exit 2; fi
A=$1 B=$2 rounds=${3:-10}
(( rounds >= 10 )) || { echo "at least 10 rounds" >&2; exit 2; }
queue=mpsc_elastic
args=(run -q "$queue" -p 1,2,4 -c 1 -d 500ms -r 3 --latency off)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%FT%TZ) $(uname -n), $(nproc) CPUs; args: ${args[*]}"
echo "# A=$A"
echo "# B=$B"
printf '%-5s %-4s %-2s %-2s %14s %s\n' round bin P C items/s load
for ((i = 1; i <= rounds; i++)); do
  for which in A B; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    # Rows of the console table: queue P C items/s CV flags status ("-" when failed).
    "${!which}" "${args[@]}" 2>/dev/null | awk -v q="$queue" '$1 == q { gsub(",", "", $4); print $2, $3, $4 }' |
      while read -r p c ips; do
        printf '%-5s %-4s %-2s %-2s %14s %s\n' "$i" "$which" "$p" "$c" "$ips" "$load"
        echo "$i $which $p $c $ips" >> "$tmp/rows"
      done
  done
done
echo
printf '%-6s %14s %14s %7s %s\n' shape "A median" "B median" "B/A" "rounds B > A"
for p in $(awk '{print $3}' "$tmp/rows" | sort -un); do
  median() { awk -v w="$1" -v p="$p" '$2 == w && $3 == p && $5 != "-" {print $5}' "$tmp/rows" | sort -n |
    awk '{v[NR] = $1} END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  ma=$(median A) mb=$(median B)
  wins=$(awk -v p="$p" '$3 == p { v[$1 " " $2] = $5 } END { n = 0; t = 0
           for (k in v) { split(k, s, " "); if (s[2] == "A" && (s[1] " B") in v) { t++; if (v[s[1] " B"] != "-" && v[k] != "-" && v[s[1] " B"] + 0 > v[k] + 0) n++ } }
           print n "/" t }' "$tmp/rows")
  ratio=$(awk -v a="$ma" -v b="$mb" 'BEGIN { if (a + 0 > 0 && b != "-") printf "%.3f", b / a; else print "-" }')
  printf '%-6s %14s %14s %7s %s\n' "${p}P1C" "$ma" "$mb" "$ratio" "$wins"
done
