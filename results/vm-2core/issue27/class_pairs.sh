#!/bin/sh
# Issue 27: items/s of each of our queues against the best peer of its class,
# 1P1C, 2P1C and 4P1C, 10 interleaved repetitions each (a pair per repetition
# index, taken seconds apart). Run with the machine otherwise idle.
# Usage: class_pairs.sh QBENCH OUTDIR
set -eu
qbench=$1; out=$2; here=$(dirname "$0")
mkdir -p "$out"
rings=mpsc_elastic,sequence_ring,xenium_vyukov_bounded,atomic_queue_b2
unbounded=segmented,crossbeam_seg_queue,xenium_ms_queue,xenium_ramalhete_queue,urcu_wfcqueue,tbb_queue,moodycamel_tokens
for p in 1 2 4; do
  "$qbench" run -q "$rings" -p $p -c 1 -d 300ms -r 10 --latency off --out "$out/rings-${p}p1c.json" --force >/dev/null
  "$qbench" run -q "$unbounded" -p $p -c 1 -d 300ms -r 10 --latency off --out "$out/unbounded-${p}p1c.json" --force >/dev/null
done
date -u; uptime
py=/usr/bin/python3
$py "$here/class_pairs.py" --ours sequence_ring --peers xenium_vyukov_bounded "$out"/rings-*.json
$py "$here/class_pairs.py" --ours mpsc_elastic --peers sequence_ring,xenium_vyukov_bounded,atomic_queue_b2 "$out"/rings-*.json
$py "$here/class_pairs.py" --ours segmented --peers crossbeam_seg_queue,xenium_ms_queue,xenium_ramalhete_queue,urcu_wfcqueue "$out"/unbounded-*.json
echo "# segmented against every unbounded MPMC peer (per-producer FIFO ones included)"
$py "$here/class_pairs.py" --ours segmented --peers crossbeam_seg_queue,xenium_ms_queue,xenium_ramalhete_queue,urcu_wfcqueue,tbb_queue,moodycamel_tokens "$out"/unbounded-*.json
