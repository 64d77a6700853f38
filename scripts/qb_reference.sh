#!/usr/bin/env bash
# qb reference: runs the reference pack that scripts/reference_pack.json lists
# (names, budget flags, device calls). Run as `./scripts/qb reference`; it
# takes qb's helpers (ensure_qbench, usage_error, die).
set -euo pipefail
# shellcheck source=scripts/qb
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/qb"

readonly PACK_FILE="$ROOT/scripts/reference_pack.json"

# One line per scenario, in pack order: name, call and flags, tab-separated.
# Any python3 reads it (stdlib only), so a device-pack machine can run this.
py="$PYTHON"
[[ -x "$py" ]] || py=python3
pack="$("$py" -c 'import json, sys
try:
    lines = ["\t".join([s["name"], str(s["call"]), *s["flags"]]) for s in json.load(open(sys.argv[1]))["scenarios"]]
except (OSError, ValueError, KeyError, TypeError) as e:
    sys.exit(f"qb: reference: {sys.argv[1]}: not a reference pack ({e!r})")
print(*lines, sep="\n")' "$PACK_FILE")" || exit 1
PACK=()
declare -A CALL=() FLAGS=()
while IFS=$'\t' read -r -a fields; do
  PACK+=("${fields[0]}")
  CALL[${fields[0]}]="${fields[1]}"
  FLAGS[${fields[0]}]="${fields[*]:2}"
done <<<"$pack"

usage() {
  cat <<'EOF'
usage: ./scripts/qb reference [--plan] [--out DIR] [--force] [NAME...]

Run the reference pack, every scenario in scenarios/ but quick, with the
budget flags below over each file's own fields, writing DIR/NAME.json
(default DIR: results/reference). NAMEs pick scenarios of the pack, in the
order given; the default is the whole pack. Builds release if qbench is
missing, with no package check, so it runs on a machine prepared with
device-pack. A scenario whose run fails or has failed points does not stop
the others; the exit status is then 1. Make the report here afterwards:

  ./scripts/qb report results/reference/*.json -o plots/reference

The budget keeps the pack near 25 minutes on a 16-core machine, in three
calls of under 10 minutes each (--plan prints qbench's estimate for each):

EOF
  local call name line
  for call in $(printf '%s\n' "${CALL[@]}" | sort -nu); do
    line="  $call:"
    for name in "${PACK[@]}"; do [[ "${CALL[$name]}" == "$call" ]] && line+=" $name"; done
    printf '%s\n' "$line"
  done
  cat <<'EOF'

Options:
  --plan      print each scenario's plan and estimated time; run nothing
  --out DIR   where the results go (default results/reference)
  --force     overwrite existing results files
  -h, --help  this text

The pack, its budget flags and its calls: scripts/reference_pack.json.
EOF
  printf '\nBudget flags, per scenario:\n'
  for name in "${PACK[@]}"; do
    printf '  %-20s %s\n' "$name" "${FLAGS[$name]:-(as the file)}"
  done
}

plan=0 force=0 dir="results/reference"
names=()
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --plan) plan=1; shift ;;
    --force) force=1; shift ;;
    --out)
      (($# >= 2)) || usage_error "reference: option '--out' needs a value"
      dir="$2"; shift 2 ;;
    --out=*) dir="${1#--out=}"; shift ;;
    -*) usage_error "reference: unknown option '$1'" ;;
    *)
      [[ -n "${CALL[$1]:-}" ]] || usage_error "reference: '$1' is not in the pack (${PACK[*]})"
      names+=("$1"); shift ;;
  esac
done
((${#names[@]})) || names=("${PACK[@]}")
cd "$ROOT"
ensure_qbench
((plan)) || mkdir -p "$dir"

rc=0
for name in "${names[@]}"; do
  flags=()
  read -r -a flags <<<"${FLAGS[$name]}"
  if ((plan)); then
    printf '== %s %s\n' "$name" "${flags[*]}"
    "$QBENCH" run --scenario "scenarios/$name.json" "${flags[@]}" --plan || rc=$?
    continue
  fi
  extra=()
  ((force)) && extra+=(--force)
  printf 'qb reference: %s -> %s/%s.json (%s)\n' "$name" "$dir" "$name" "$(date -u +%H:%M:%SZ)" >&2
  status=0
  "$QBENCH" run --scenario "scenarios/$name.json" "${flags[@]}" --out "$dir/$name.json" "${extra[@]}" || status=$?
  if ((status == 130 || status == 143 || status == 129)); then  # interrupted (SIGINT, SIGTERM, SIGHUP)
    exit "$status"
  elif ((status != 0)); then
    printf 'qb reference: %s exited %d; going on\n' "$name" "$status" >&2
    rc=1
  fi
done
exit "$rc"
