"""scripts/targets.py: each target compares the right queues, from one run,
in the right direction, and says what it could not measure."""

from __future__ import annotations

import json
import random

import pytest

import qbresults
import targets
from fixture_parts import document, run


def _results(tmp_path, points, name="t.json"):
    """points: (queue, P, C, median items/s or None for a failed point, producers trait, extra)."""
    rng = random.Random(3)
    runs = []
    for queue, p, c, rate, producers, extra in points:
        if rate is None:
            r = run(rng, "targets", queue, p, c, [], status="failed", reps=[])
        else:
            r = run(rng, "targets", queue, p, c, [rate] * 3, latency=("push", "pop"))
        r["traits"]["producers"] = producers
        r.update(extra)
        runs.append(r)
    path = tmp_path / name
    path.write_text(json.dumps(document(runs, {"name": "targets", "description": "throughput: test"})))
    return [qbresults.load(path)]


def _row(rows, what_prefix, shape):
    return next(r for r in rows if r.what.startswith(what_prefix) and r.shape == shape)


def test_sequence_ring_is_read_against_the_best_bounded_peer_and_the_ceiling(tmp_path):
    rows = targets.check(_results(tmp_path, [
        ("sequence_ring", 4, 4, 30e6, "many", {}),
        ("atomic_queue_b2", 4, 4, 20e6, "many", {}),
        ("xenium_vyukov_bounded", 4, 4, 40e6, "many", {}),
        ("moodycamel_queue", 4, 4, 90e6, "many", {}),  # unbounded: not a rival here
        ("ck_ring_mpmc", 4, 4, None, "many", {}),
        ("faa_ceiling", 4, 4, 50e6, "many", {"reference": True}),
    ]))
    peer = _row(rows, "sequence_ring >= the best bounded", "p4c4")
    assert peer.other.startswith("xenium_vyukov_bounded") and peer.ratio == pytest.approx(0.75)
    assert peer.verdict == targets.VERDICT_MISSED and "ck_ring_mpmc failed" in peer.notes
    ceiling = _row(rows, "sequence_ring >= 50%", "p4c4")
    assert ceiling.ratio == pytest.approx(0.6) and ceiling.verdict == targets.VERDICT_MET
    assert not [r for r in rows if r.shape in ("p1c1", "p8c8") and r.what.startswith("sequence_ring >=")]


def test_mpsc_elastic_meets_only_peers_that_take_many_producers(tmp_path):
    rows = targets.check(_results(tmp_path, [
        ("mpsc_elastic", 8, 1, 50e6, "many", {}),
        ("boost_spsc_queue", 8, 1, 500e6, "one", {}),  # could not run 8 producers: not a rival
        ("moodycamel_queue", 8, 1, 40e6, "many", {}),
        ("segmented", 8, 1, 99e6, "many", {}),          # ours, not a peer
    ]))
    row = _row(rows, "mpsc_elastic", "p8c1")
    assert row.other.startswith("moodycamel_queue") and row.ratio == pytest.approx(1.25)
    assert row.verdict == targets.VERDICT_MET


def test_segmented_needs_1_2x_and_a_missing_competitor_is_not_a_pass(tmp_path):
    rows = targets.check(_results(tmp_path, [
        ("segmented", 4, 4, 11e6, "many", {}),
        ("tbb_queue", 4, 4, 10e6, "many", {}),
        ("segmented", 8, 8, 11e6, "many", {}),
    ]))
    assert _row(rows, "segmented", "p4c4").verdict == targets.VERDICT_MISSED  # 1.1x < 1.2x
    eight = _row(rows, "segmented", "p8c8")
    assert eight.verdict == targets.NOT_MEASURED and "no competitor measured" in eight.notes


def test_the_tail_target_uses_the_worse_of_push_and_pop(tmp_path):
    results = _results(tmp_path, [("sequence_ring", 8, 8, 30e6, "many", {})])
    run8 = results[0].rows[0].raw
    run8["latency"]["push"]["p99_9_ns"], run8["latency"]["pop"]["p99_9_ns"] = 500, 900
    row = _row(targets.check(results), "sequence_ring per-operation", "p8c8")
    assert row.verdict == targets.VERDICT_MISSED and row.ratio == pytest.approx(900 / 789)
    del run8["latency"]["pop"]
    assert _row(targets.check(results), "sequence_ring per-operation", "p8c8").verdict == targets.NOT_MEASURED


def test_the_single_thread_pair_comes_from_qb_micro_median(tmp_path):
    micro = tmp_path / "micro.json"
    bench = [{"name": "mpsc_elastic/push_pop_pair", "run_name": "mpsc_elastic/push_pop_pair", "run_type": "iteration",
              "items_per_second": 90e6},
             {"name": "mpsc_elastic/push_pop_pair_median", "run_name": "mpsc_elastic/push_pop_pair",
              "run_type": "aggregate", "aggregate_name": "median", "items_per_second": 120e6}]
    micro.write_text(json.dumps({"benchmarks": bench}))
    row = targets.check([], micro)[0]
    assert row.ratio == pytest.approx(1.2) and row.verdict == targets.VERDICT_MET


def test_unusable_input_is_one_line_and_exit_2(tmp_path, capsys):
    results = _results(tmp_path, [("sequence_ring", 1, 1, 30e6, "many", {})])[0].path
    micro = tmp_path / "micro.json"
    micro.write_text("{}")
    assert targets.main([str(results), "--micro", str(micro)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"targets.py: {micro}: not qb_micro's JSON") and len(err.splitlines()) == 1
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps(document([])))
    with pytest.raises(SystemExit) as stop:
        targets.main([str(empty)])
    assert stop.value.code == 2
