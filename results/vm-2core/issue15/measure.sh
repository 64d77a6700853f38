#!/usr/bin/env bash
# Issue 15's figures on this machine: the demo's results file (size, bytes
# per repetition, the 2,540-repetition projection), and qb report's wall time
# and peak RSS on it. Run from the repository root after a release build:
#   results/vm-2core/issue15/measure.sh OUT_DIR
set -euo pipefail
out=${1:?usage: measure.sh OUT_DIR}
mkdir -p "$out"
qbench=build/release/harness/qbench
rm -f "$out/demo.json" "$out/demo.json.journal"
"$qbench" run --scenario scenarios/quick.json --out "$out/demo.json" > "$out/demo.log" 2>&1 || true
bytes=$(stat -c %s "$out/demo.json")
reps=$(/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(r['repetitions']) for r in d['runs']))" "$out/demo.json")
echo "demo file: $bytes bytes, $reps repetitions, $((bytes / reps)) bytes/repetition, x 2540 = $((bytes / reps * 2540)) bytes"
for i in 1 2 3 4 5; do
  rm -rf "$out/report"
  /usr/bin/time -v /usr/bin/python3 scripts/report.py "$out/demo.json" --out-dir "$out/report" > /dev/null 2> "$out/time.txt"
  echo "qb report run $i: wall $(awk '/Elapsed/{print $NF}' "$out/time.txt"), max RSS $(awk '/Maximum resident/{print $NF}' "$out/time.txt") KiB"
done
