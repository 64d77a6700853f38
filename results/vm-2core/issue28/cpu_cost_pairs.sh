#!/usr/bin/env bash
# What reading each worker's CPU time at its window's edges costs (issue 28,
# "CPU cost per item"): two qbench binaries, BEFORE (without the readings:
# 8666f24) and AFTER (with them), run alternately at 1P1C sequence_ring with
# --latency off, so that the machine's slow spells fall on both alike. Every
# pair is printed, then both medians and the median of the pair ratios
# AFTER/BEFORE (scripts/alternate.py). The goal is a ratio within 1% of 1.
# 12 pairs of two 3-repetition runs of 1 s: about 3 minutes on the 2-core VM.
#
#   results/vm-2core/issue28/cpu_cost_pairs.sh BEFORE_QBENCH AFTER_QBENCH [PAIRS]
#
# BEFORE_QBENCH: a release build of 8666f24, e.g.
#   git worktree add /tmp/qb-before 8666f24 && cd /tmp/qb-before &&
#   cmake --preset release && ninja -C build/release qbench
#   (then /tmp/qb-before/build/release/harness/qbench)
# AFTER_QBENCH: this branch's build/release/harness/qbench.
# Run from the repository root, on an otherwise idle machine.
set -euo pipefail
before=${1:?usage: cpu_cost_pairs.sh BEFORE_QBENCH AFTER_QBENCH [PAIRS]}
after=${2:?usage: cpu_cost_pairs.sh BEFORE_QBENCH AFTER_QBENCH [PAIRS]}
pairs=${3:-12}
args="run -q sequence_ring -p 1 -c 1 -d 1s --warmup 200ms -r 3 --latency off"
echo "# $(date -u +%FT%TZ) $(hostname), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# before: $before ($("$before" --version))"
echo "# after:  $after ($("$after" --version))"
echo "# qbench $args, $pairs pairs, median items/s of each run"
/usr/bin/python3 scripts/alternate.py --pairs "$pairs" --a-qbench "$before" --b-qbench "$after" \
  --a "before=$args" --b "after=$args"
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
