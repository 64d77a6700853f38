"""compare.py flags a planted regression and not noise; points match by what
they measure; two queues of one file; latency beside throughput; qb_micro's
Google Benchmark JSON; usage errors exit 2 in one line."""

from __future__ import annotations

import json
import random
import statistics

import pytest
from fixture_parts import document, full_histogram, noisy, run, summary, values
from scipy.stats import mannwhitneyu

import compare
from conftest import FIXTURES, fixture_doc


def _run(capsys, *args):
    code = compare.main([str(a) for a in args])
    return code, capsys.readouterr()


def test_a_planted_regression_is_flagged_with_exit_1(capsys, tmp_path):
    md = tmp_path / "cmp.md"
    code, out = _run(capsys, FIXTURES / "compare_base.json", FIXTURES / "compare_slower.json", "--markdown", md)
    assert code == 1
    worse = [line for line in out.out.splitlines() if line.rstrip().endswith("WORSE")]
    assert len(worse) == 1 and worse[0].startswith("run/sequence_ring/p2c2")
    text = md.read_text()
    assert "| run/sequence_ring/p2c2 |" in text and "WORSE" in text and "Geometric mean" in text


def test_the_planted_change_is_measured_not_assumed(capsys):
    base = {r["id"]: r for r in fixture_doc("compare_base.json")["runs"]}
    slow = {r["id"]: r for r in fixture_doc("compare_slower.json")["runs"]}
    rid = "run/sequence_ring/p2c2"
    change = slow[rid]["aggregate"]["median_items_per_s"] / base[rid]["aggregate"]["median_items_per_s"] - 1
    _, out = _run(capsys, FIXTURES / "compare_base.json", FIXTURES / "compare_slower.json")
    assert f"{change * 100:+.1f}%" in next(line for line in out.out.splitlines() if line.startswith(rid))


def test_noise_from_the_same_distribution_is_not_flagged(capsys):
    code, out = _run(capsys, FIXTURES / "compare_base.json", FIXTURES / "compare_noise.json")
    assert code == 0
    assert "WORSE" not in out.out and "0 significant regressions" in out.out


def test_a_regression_within_the_threshold_is_not_a_failure(capsys):
    code, out = _run(capsys, FIXTURES / "compare_base.json", FIXTURES / "compare_slower.json", "--threshold", "25")
    assert code == 0 and "significant, within 25%" in out.out


def test_too_few_repetitions_are_warned_about(capsys):
    # 3 repetitions a side: the test's smallest p is 2 / C(6, 3) = 0.1.
    code, out = _run(capsys, FIXTURES / "throughput.json", FIXTURES / "throughput.json")
    assert code == 0
    assert "too few repetitions for p < 0.05 to be possible" in out.out
    assert "rerun with --repetitions 4 or more" in out.out
    assert "cannot be significant (3/3 reps: p >= 0.1)" in out.out


def test_one_rule_for_significance():
    import qbchange

    assert qbchange.smallest_p(5, 5) == pytest.approx(2 / 252)
    assert qbchange.reps_to_reach(0.05) == 4 and qbchange.reps_to_reach(0.01) == 5
    # 5 against 5, every B slower: significant, and nothing says otherwise.
    slow = qbchange.judge([100, 101, 102, 103, 104], [80, 81, 82, 83, 84], higher_is_better=True, alpha=0.05,
                          threshold=0.05)
    assert slow.p == pytest.approx(2 / 252) and slow.regression and slow.verdict == "WORSE" and not slow.few
    # 3 against 3, every B slower: the test cannot reach 0.05, so no verdict
    # calls it significant, even where an approximate p (ties) comes under it.
    for xb in ([80, 81, 82], [80, 80, 80]):
        few = qbchange.judge([100, 101, 102], xb, higher_is_better=True, alpha=0.05, threshold=0.05)
        assert few.few and not few.regression and few.verdict.startswith("cannot be significant (3/3 reps")
        assert "significant," not in few.verdict and "WORSE" not in few.verdict


@pytest.mark.parametrize("args", [
    ["compare_base.json"],
    ["compare_base.json", "compare_noise.json", "--alpha", "2"],
    ["compare_base.json", "compare_noise.json", "--threshold", "lots"],
    ["compare_base.json", "compare_noise.json", "--markdown", "/nonexistent/dir/x.md"],
    ["compare_base.json", "compare_noise.json", "--no-such-option"],
])
def test_usage_errors_exit_2(args, capsys):
    argv = [str(FIXTURES / a) if a.endswith(".json") and "/" not in a else a for a in args]
    with pytest.raises(SystemExit) as stop:
        compare.main(argv)
    assert stop.value.code == 2
    assert "error" in capsys.readouterr().err


def test_files_without_a_common_run_exit_2(capsys):
    code, out = _run(capsys, FIXTURES / "compare_base.json", FIXTURES / "burst.json")
    assert code == 2 and "have no point in common" in out.err and len(out.err.splitlines()) == 1
    assert "workload (throughput vs burst)" in out.err


# ---- points matched by what they measure, not by run id


def _write(path, doc):
    path.write_text(json.dumps(doc))
    return path


def _sweep(seed, scenario="run", queues=(("segmented", 2e7), ("sequence_ring", 2.5e7)), shapes=((1, 1), (2, 2)),
           slower=(), factor=0.8, params=None, latency=()):
    """Ten repetitions per point; a (queue, p, c) in `slower` runs `factor` times as fast."""
    rng = random.Random(seed)
    runs = []
    for queue, speed in queues:
        for p, c in shapes:
            rates = noisy(rng, speed * (factor if (queue, p, c) in slower else 1.0), 10)
            r = run(rng, scenario, queue, p, c, rates, latency=latency, counted=False)
            r["params"].update(params or {})
            runs.append(r)
    block = None if scenario == "run" else {"name": scenario, "description": "d", "source": "s", "file": "f.json"}
    return document(runs, block)


def test_points_run_from_flags_and_from_a_scenario_file_match(capsys, tmp_path):
    a = _write(tmp_path / "flags.json", _sweep(1))
    # Another window length, seed and warm-up measure the same points.
    b = _write(tmp_path / "scenario.json", _sweep(2, scenario="cmp", slower={("segmented", 2, 2)},
                                                  params={"duration_ns": 300000000, "seed": 7, "warmup_ns": 5}))
    code, out = _run(capsys, a, b)
    assert code == 1, out.err
    lines = out.out.splitlines()
    for queue in ("segmented", "sequence_ring"):
        for shape in ("p1c1", "p2c2"):
            assert any(line.startswith(f"run/{queue}/{shape} ~ cmp/{queue}/{shape} ") for line in lines)
    worse = [line for line in lines if line.rstrip().endswith("WORSE")]
    assert len(worse) == 1 and worse[0].startswith("run/segmented/p2c2 ~ cmp/segmented/p2c2")
    assert "not compared:" not in out.out and "In only one" not in out.out


def test_a_point_with_another_payload_is_not_matched(capsys, tmp_path):
    doc = _sweep(2)
    doc["runs"][0]["params"]["payload_bytes"] = 64  # run/segmented/p1c1
    code, out = _run(capsys, _write(tmp_path / "a.json", _sweep(1)), _write(tmp_path / "b.json", doc))
    assert code == 0
    assert "In only one of the files (not compared): run/segmented/p1c1." in out.out
    assert not any(line.startswith("run/segmented/p1c1") for line in out.out.splitlines())


def test_files_with_no_point_in_common_say_which_keys_differ(capsys, tmp_path):
    a = _write(tmp_path / "a.json", _sweep(1))
    b = _write(tmp_path / "b.json", _sweep(2, params={"payload_bytes": 64, "placement": "scatter"}))
    code, out = _run(capsys, a, b)
    assert code == 2 and out.out == ""
    assert len(out.err.splitlines()) == 1
    assert "have no point in common" in out.err
    assert "payload_bytes (8 vs 64)" in out.err and "placement (compact vs scatter)" in out.err
    assert "producers" not in out.err and "queue (" not in out.err  # the closest pair differs in nothing else


def test_an_ab_of_one_setting_pairs_by_everything_else(capsys, tmp_path):
    # Two sweeps of the same queues, capacity 64 against 4096, the second slower.
    a = _write(tmp_path / "a.json", _sweep(1, params={"capacity": 64}))
    b = _write(tmp_path / "b.json", _sweep(2, params={"capacity": 4096}, slower={("segmented", 2, 2)}))
    code, out = _run(capsys, a, b)
    assert code == 1, out.err
    lines = out.out.splitlines()
    assert lines[0] == ("A and B differ only in capacity (64 vs 4096): points are paired by everything else, "
                        "as --vary capacity would.")
    worse = [line for line in lines if line.rstrip().endswith("WORSE")]
    assert len(worse) == 1 and worse[0].startswith("run/segmented/p2c2 ")
    # Named, it does the same without the first line's notice.
    code, named = _run(capsys, a, b, "--vary", "capacity")
    assert code == 1 and "differ only in" not in named.out and named.out.count("WORSE") == 1
    with pytest.raises(SystemExit) as stop:
        compare.main([str(a), str(b), "--vary", "capcity"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and len(err.splitlines()) == 1 and "did you mean 'capacity'?" in err


def test_points_of_another_batch_are_not_matched_and_an_older_file_reads_as_batch_1(capsys, tmp_path):
    older = _write(tmp_path / "older.json", _sweep(1))  # no batch key: qbench before --batch
    ones = _write(tmp_path / "ones.json", _sweep(2, params={"batch": 1}))
    code, out = _run(capsys, older, ones)
    assert code == 0 and "In only one" not in out.out and "differ only in" not in out.out
    sixteens = _write(tmp_path / "sixteens.json", _sweep(3, params={"batch": 16}))
    code, out = _run(capsys, ones, sixteens)
    assert out.out.splitlines()[0] == ("A and B differ only in batch (1 vs 16): points are paired by everything "
                                       "else, as --vary batch would.")


def test_a_large_change_reads_as_a_ratio():
    import qbformat

    assert qbformat.change(1770.586) == "1,772x" and qbformat.change(16.7) == "17.7x"
    assert qbformat.change(0.031) == "+3.1%" and qbformat.change(-0.2) == "-20.0%" and qbformat.change(None) == "-"


def test_fixed_count_and_duration_windows_do_not_match(capsys, tmp_path):
    a = _write(tmp_path / "a.json", _sweep(1))
    b = _write(tmp_path / "b.json", _sweep(2, params={"items": 1000000}))
    code, out = _run(capsys, a, b)
    assert code == 2 and "window (duration vs 1000000 items)" in out.err


# ---- two queues inside one file


def test_queues_compares_two_queues_of_one_file_shape_by_shape(capsys, tmp_path):
    doc = _sweep(3, queues=(("mutex_deque", 3e6), ("sequence_ring", 2.5e7), ("segmented", 2e7)))
    path = _write(tmp_path / "one.json", doc)
    code, out = _run(capsys, path, "--queues", "sequence_ring,segmented")
    assert code == 1  # segmented (B) is 20% slower than sequence_ring (A)
    rows = {line.split()[0]: line for line in out.out.splitlines() if line.startswith("run/p")}
    assert set(rows) == {"run/p1c1", "run/p2c2"}
    assert all(line.rstrip().endswith("WORSE") for line in rows.values())
    rates = {(r["params"]["queue"], r["id"].rsplit("/", 1)[1]): r["aggregate"]["median_items_per_s"]
             for r in doc["runs"]}
    change = rates[("segmented", "p2c2")] / rates[("sequence_ring", "p2c2")] - 1
    assert f"{change * 100:+.1f}%" in rows["run/p2c2"]
    assert "mutex_deque" not in out.out
    code, out = _run(capsys, path, "--queues", "segmented,sequence_ring")
    assert code == 0 and "better" in out.out and "WORSE" not in out.out


def test_queues_of_different_capacity_still_compare(capsys, tmp_path):
    doc = _sweep(3)
    for r in doc["runs"]:
        r["params"]["capacity"] = 1024 if r["params"]["queue"] == "sequence_ring" else 0
    code, out = _run(capsys, _write(tmp_path / "one.json", doc), "--queues", "sequence_ring,segmented")
    assert code == 1 and "run/p1c1" in out.out


def test_queues_naming_a_queue_the_file_lacks_exits_2(capsys, tmp_path):
    code, out = _run(capsys, _write(tmp_path / "one.json", _sweep(3)), "--queues", "sequence_ring,linked_cas")
    assert code == 2 and out.out == ""
    assert out.err.splitlines() == [f"compare.py: --queues: 'linked_cas' is not a queue in {tmp_path / 'one.json'} "
                                    "(it has segmented, sequence_ring)"]


# ---- latency beside throughput


def _with_latency(doc, seed, scale_at=None, scale=1.0, n=1500, source="e2e"):
    """Replaces each ok repetition's latency with `source` histograms of n samples
    (enough for a p99.9); the point `scale_at` (an id) waits `scale` times as long."""
    rng = random.Random(seed)
    for r in doc["runs"]:
        median = 2000.0 * (scale if r["id"] == scale_at else 1.0)
        for rep_ in r["repetitions"]:
            rep_["latency"] = {"mode": "e2e", source: full_histogram(values(rng, n, median), e2e=source == "e2e")}
        r["latency"] = {"mode": "e2e", source: summary([x["latency"][source] for x in r["repetitions"]])}
    return doc


def test_latency_percentiles_are_compared_with_the_u_test(capsys, tmp_path):
    slow_id = "run/sequence_ring/p2c2"
    a_doc, b_doc = _with_latency(_sweep(1), 11), _with_latency(_sweep(2), 12, scale_at=slow_id, scale=1.5)
    a, b = _write(tmp_path / "a.json", a_doc), _write(tmp_path / "b.json", b_doc)
    code, out = _run(capsys, a, b)
    assert code == 0, "latency alone does not fail the comparison without --latency-gate"
    lines = out.out.splitlines()
    p99 = next(line for line in lines if line.startswith(slow_id) and " e2e p99 " in line)
    assert p99.rstrip().endswith("WORSE")
    per_rep = [[rep_["latency"]["e2e"]["p99_ns"] for rep_ in next(r for r in d["runs"] if r["id"] == slow_id)
                ["repetitions"]] for d in (a_doc, b_doc)]
    p = mannwhitneyu(*per_rep, alternative="two-sided").pvalue
    change = statistics.median(per_rep[1]) / statistics.median(per_rep[0]) - 1
    assert f"{p:.3g}" in p99.split() and f"{change * 100:+.1f}%" in p99.split()
    assert change > 0.3
    steady = [line for line in lines if line.startswith("run/segmented/p1c1") and " e2e p" in line]
    assert len(steady) == 3 and not any("WORSE" in line for line in steady)
    assert "Latency: 3 significant regressions" in out.out and "reported only; --latency-gate" in out.out
    code, out = _run(capsys, a, b, "--latency-gate")
    assert code == 1 and "they set exit status 1 (--latency-gate)" in out.out


def test_pop_latency_stands_in_where_there_is_no_e2e(capsys, tmp_path):
    a = _write(tmp_path / "a.json", _with_latency(_sweep(1), 11, source="pop"))
    b = _write(tmp_path / "b.json", _with_latency(_sweep(2), 12, source="pop"))
    code, out = _run(capsys, a, b)
    assert code == 0
    assert sum(" pop p99.9 " in line for line in out.out.splitlines()) == 4 and " e2e " not in out.out


def test_points_without_latency_say_so(capsys, tmp_path):
    code, out = _run(capsys, FIXTURES / "compare_base.json", FIXTURES / "compare_noise.json")
    assert code == 0 and "Latency not compared for 6 of 6 points" in out.out
    assert "Latency (per-repetition" not in out.out


# ---- qb_micro's Google Benchmark JSON


def _gbench(path, times: dict[str, list[float]], unit="ns", errors=()):
    """A file as qb_micro --benchmark_format=json writes it: iteration runs, then aggregates."""
    scale = {"ns": 1, "us": 1e-3}[unit]
    benchmarks = []
    for family, (name, reps) in enumerate(times.items()):
        for i, t in enumerate(reps):
            entry = {"name": name, "family_index": family, "per_family_instance_index": 0, "run_name": name,
                     "run_type": "iteration", "repetitions": len(reps), "repetition_index": i, "threads": 1,
                     "iterations": 1000000, "real_time": t * scale, "cpu_time": t * scale, "time_unit": unit,
                     "items_per_second": 1e9 / t}
            if name in errors:
                entry.update(error_occurred=True, error_message="try_push failed on an empty queue")
            benchmarks.append(entry)
        for agg in ("mean", "median", "stddev", "cv"):  # absurd values: counting them would show
            benchmarks.append({"name": f"{name}_{agg}", "run_name": name, "run_type": "aggregate",
                               "repetitions": len(reps), "threads": 1, "aggregate_name": agg, "iterations": len(reps),
                               "real_time": 1e12, "cpu_time": 1e12, "time_unit": unit, "items_per_second": 1.0})
    doc = {"context": {"date": "2026-01-01T00:00:00+00:00", "host_name": "fixture-host", "num_cpus": 8,
                       "mhz_per_cpu": 3000, "cpu_scaling_enabled": False, "library_build_type": "release"},
           "benchmarks": benchmarks}
    return _write(path, doc)


def _times(seed, slow=None, factor=1.25):
    rng = random.Random(seed)
    base = {"segmented/push_pop_pair": 39.0, "sequence_ring/push_pop_pair": 14.5, "sequence_ring/batch/10": 120.0}
    return {name: noisy(rng, t * (factor if name == slow else 1.0), 10) for name, t in base.items()}


def test_google_benchmark_files_are_compared_by_name(capsys, tmp_path):
    a = _gbench(tmp_path / "a.json", _times(1))
    b = _gbench(tmp_path / "b.json", _times(2, slow="sequence_ring/push_pop_pair"))
    code, out = _run(capsys, a, b)
    assert code == 1
    rows = {line.split()[0]: line for line in out.out.splitlines() if "/" in line.split(" ")[0] and "  " in line}
    assert set(rows) == {"segmented/push_pop_pair", "sequence_ring/push_pop_pair", "sequence_ring/batch/10"}
    assert rows["sequence_ring/push_pop_pair"].rstrip().endswith("WORSE")
    assert all(" 10/10 " in line for line in rows.values())  # the aggregates are not repetitions
    assert not any("WORSE" in rows[n] for n in ("segmented/push_pop_pair", "sequence_ring/batch/10"))
    assert "real_time: lower is better" in out.out


def test_google_benchmark_times_are_read_in_their_unit(capsys, tmp_path):
    a = _gbench(tmp_path / "a.json", _times(1))
    b = _gbench(tmp_path / "b.json", _times(2), unit="us")
    code, out = _run(capsys, a, b)
    rows = [line.split() for line in out.out.splitlines() if line.startswith(("segmented/", "sequence_ring/"))]
    assert code == 0 and len(rows) == 3
    for cells in rows:  # name, A median, B median, change, ...: the same ns on both sides
        assert abs(float(cells[1]) / float(cells[2]) - 1) < 0.05 and abs(float(cells[3].rstrip("%"))) < 5


def test_google_benchmark_items_per_second_is_higher_is_better(capsys, tmp_path):
    a = _gbench(tmp_path / "a.json", _times(1))
    b = _gbench(tmp_path / "b.json", _times(2, slow="segmented/push_pop_pair", factor=0.7))  # faster
    code, out = _run(capsys, a, b, "--metric", "items_per_second")
    line = next(x for x in out.out.splitlines() if x.startswith("segmented/push_pop_pair"))
    assert code == 0 and line.rstrip().endswith("better") and "+" in line


def test_a_google_benchmark_error_is_named_not_compared(capsys, tmp_path):
    a = _gbench(tmp_path / "a.json", _times(1))
    b = _gbench(tmp_path / "b.json", _times(2), errors={"sequence_ring/batch/10"})
    code, out = _run(capsys, a, b)
    line = next(x for x in out.out.splitlines() if x.startswith("sequence_ring/batch/10"))
    assert code == 0 and "not compared: B: try_push failed on an empty queue" in line


def test_queues_compares_two_queues_of_one_google_benchmark_file(capsys, tmp_path):
    path = _gbench(tmp_path / "m.json", _times(1))
    code, out = _run(capsys, path, "--queues", "sequence_ring,segmented")
    assert code == 1  # segmented's pair takes 39 ns against sequence_ring's 14.5
    assert any(line.startswith("push_pop_pair ") and line.rstrip().endswith("WORSE")
               for line in out.out.splitlines())
    assert "On one side only (not compared): sequence_ring/batch/10." in out.out


def test_a_qbench_file_beside_a_google_benchmark_file_exits_2(capsys, tmp_path):
    micro = _gbench(tmp_path / "m.json", _times(1))
    code, out = _run(capsys, FIXTURES / "compare_base.json", micro)
    assert code == 2 and out.out == ""
    assert out.err.splitlines() == [f"compare.py: {FIXTURES / 'compare_base.json'} is qbench results but {micro} is "
                                    "Google Benchmark JSON (qb_micro): compare two files of one kind"]


@pytest.mark.parametrize("doc, words", [
    ({"context": {}, "benchmarks": []}, "no benchmarks"),
    ({"context": {}, "benchmarks": {"a": 1}}, 'no "benchmarks" list'),
    ({"context": {}, "benchmarks": [{"run_type": "iteration"}]}, 'has no "name"'),
    ({"context": {}, "benchmarks": [{"name": "x", "time_unit": "fortnight"}]}, "time_unit 'fortnight'"),
])
def test_an_unusable_google_benchmark_file_exits_2_in_one_line(doc, words, capsys, tmp_path):
    good = _gbench(tmp_path / "a.json", _times(1))
    bad = _write(tmp_path / "bad.json", doc)
    code, out = _run(capsys, good, bad)
    assert code == 2 and out.out == ""
    assert len(out.err.splitlines()) == 1 and str(bad) in out.err and words in out.err


# ---- usage


@pytest.mark.parametrize("args, words", [
    (["compare_base.json"], "needs two files"),
    (["compare_base.json", "compare_noise.json", "--queues", "segmented,mutex_deque"], "inside one file"),
    (["compare_base.json", "--queues", "segmented"], "'segmented' is not two queue names"),
    (["compare_base.json", "--queues", "segmented,segmented"], "the same queue twice"),
    (["compare_base.json", "compare_noise.json", "--metric", "cpu_time"], "--metric cpu_time applies to Google"),
    (["compare_base.json", "compare_noise.json", "--metric", "speed"], "'speed'"),
])
def test_every_bad_option_is_one_line_naming_the_value(args, words, capsys):
    argv = [str(FIXTURES / a) if a.endswith(".json") else a for a in args]
    with pytest.raises(SystemExit) as stop:
        compare.main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and len(err.splitlines()) == 1 and words in err, err


def test_latency_gate_is_refused_for_google_benchmark_files(capsys, tmp_path):
    a = _gbench(tmp_path / "a.json", _times(1))
    with pytest.raises(SystemExit) as stop:
        compare.main([str(a), str(a), "--latency-gate"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and len(err.splitlines()) == 1 and "--latency-gate" in err


def test_help_describes_every_option(capsys):
    parser = compare.parser()
    for action in parser._actions:
        assert action.help, f"{action.option_strings or action.dest} has no help"
    with pytest.raises(SystemExit):
        parser.parse_args(["--help"])
    text = capsys.readouterr().out
    for option in ("--queues", "--alpha", "--threshold", "--latency-gate", "--metric", "--markdown"):
        assert option in text
    assert "Exit status" in text
