#!/bin/bash
# Harness-cost benchmarks for issue 14, 2-core VM; alternating pairs.
cd /work/main
A=scripts/alternate.py
echo "== commit $(git rev-parse --short HEAD) $(date -u +%FT%TZ)"
echo "== 1. sequence_ring 1P1C default (e2e sampled) vs --latency off"
$A --pairs 10 --a "off=run -q sequence_ring -p 1 -c 1 -d 1s -r 3 --latency off" --b "default=run -q sequence_ring -p 1 -c 1 -d 1s -r 3" --json /tmp/x/b1.json
echo "== 2. mpsc_elastic 1P1C default vs --latency off"
$A --pairs 10 --a "off=run -q mpsc_elastic -p 1 -c 1 -d 1s -r 3 --latency off" --b "default=run -q mpsc_elastic -p 1 -c 1 -d 1s -r 3" --json /tmp/x/b2.json
echo "== 3. payload check at 64 bytes, sequence_ring 1P1C, latency off: check off vs all"
$A --pairs 10 --a "nocheck=run -q sequence_ring -p 1 -c 1 -d 1s -r 3 --latency off --payload-bytes 64 --payload-check off" --b "check=run -q sequence_ring -p 1 -c 1 -d 1s -r 3 --latency off --payload-bytes 64" --json /tmp/x/b3.json
echo "== 4. payload check at 256 bytes"
$A --pairs 10 --a "nocheck=run -q sequence_ring -p 1 -c 1 -d 1s -r 3 --latency off --payload-bytes 256 --payload-check off" --b "check=run -q sequence_ring -p 1 -c 1 -d 1s -r 3 --latency off --payload-bytes 256" --json /tmp/x/b4.json
echo "== 5. fixed count segmented 2P1C 400k items: warmup 1ms vs 200ms"
$A --pairs 10 --a "w1ms=run -q segmented -p 2 -c 1 --items 400000 --warmup 1ms -r 3" --b "w200ms=run -q segmented -p 2 -c 1 --items 400000 --warmup 200ms -r 3" --json /tmp/x/b5.json

echo "== 6. qbench default vs qb_micro BareLoop (sequence_ring 1P1C, 10M items, cap 1024)"
for i in $(seq 10); do
  q=$(build/release/harness/qbench run -q sequence_ring -p 1 -c 1 -d 1s -r 3 --out /tmp/x/q6.json --force >/dev/null 2>&1; python3 -c "import json;print(json.load(open('/tmp/x/q6.json'))['runs'][0]['aggregate']['median_items_per_s'])")
  m=$(build/release/harness/qb_micro --benchmark_filter=BareLoop --benchmark_format=json 2>/dev/null | python3 -c "import json,sys;print(json.load(sys.stdin)['benchmarks'][0]['items_per_second'])")
  python3 -c "print('pair $i: qbench %.0f  bare %.0f  ratio %.3f' % ($q, $m, $q/$m))"
done
echo "== 7. pingpong p50: qbench pingpong vs qb_micro PingpongLoop"
for qn in sequence_ring atomic_queue_b2_spsc moodycamel_rwq; do
  for i in $(seq 10); do
    q=$(build/release/harness/qbench pingpong -q $qn -n 100000 --out /tmp/x/q7.json --force >/dev/null 2>&1; python3 -c "import json;print(json.load(open('/tmp/x/q7.json'))['pingpong']['round_trip']['p50_ns'])")
    m=$(build/release/harness/qb_micro --benchmark_filter="PingpongLoop<$qn>" --benchmark_format=json 2>/dev/null | python3 -c "import json,sys;print(json.load(sys.stdin)['benchmarks'][0]['p50_ns'])")
    python3 -c "print('$qn pair $i: qbench p50 %.0f ns  minimal p50 %.0f ns  ratio %.3f' % ($q, $m, $q/$m))"
  done
done
echo "== done $(date -u +%FT%TZ)"
