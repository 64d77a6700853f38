#!/bin/bash
set -x
cd /work/main
D=results/vm-2core/issue28
date -u
uptime
build/release/harness/qbench run --scenario ingest-cpu --out $D/ingest-cpu-2c7f425.json --force > $D/ingest-cpu-2c7f425.txt 2>&1
date -u
/usr/bin/python3 $D/bulk_rounds.py build/release/harness/qbench 10 moodycamel_queue,moodycamel_tokens,boost_spsc_queue,sequence_ring,segmented,mpsc_elastic > $D/bulk-rounds-2c7f425.txt 2>&1
date -u
/usr/bin/python3 $D/block_layer_pairs.py build/release/harness/qb_micro 10 "sequence_ring|segmented|mutex_deque|moodycamel_queue|boost_spsc_queue|linked_cas" > $D/block-layer-pairs-2c7f425.txt 2>&1
date -u
build/release/harness/qbench run --scenario oversubscription --out $D/oversubscription-2c7f425.json --force > $D/oversubscription-2c7f425.txt 2>&1
date -u
