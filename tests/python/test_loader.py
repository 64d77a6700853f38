"""The loader refuses what is not usable qbench output, in one line and with
exit status 2, and flattens what is."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

import qbhdr
import qbresults
import report
from conftest import FIXTURES, ROOT, fixture_doc
from fixture_parts import document, full_histogram, latency_block, rep, run, summary, values

# fixture -> words its one-line message must contain
BAD = {
    "bad_foreign.json": "not qbench output",
    "bad_truncated.json": "truncated JSON",
    "bad_old_schema.json": "schema_version 1 (written by an older qbench) is not read by these scripts; "
                           "rerun the sweep with the current qbench",
    "bad_new_schema.json": "schema_version 3 is newer than the 2 these scripts read",
    "bad_no_runs.json": "no runs",
    "bad_empty_file.json": "empty file",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_unusable_file_is_refused_in_one_line_with_exit_2_and_no_output(name, tmp_path, capsys):
    out = tmp_path / "report"
    with pytest.raises(SystemExit) as stop:
        report.main([str(FIXTURES / "throughput.json"), str(FIXTURES / name), "-o", str(out)])
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("report.py: ") and name in lines[0] and BAD[name] in lines[0]
    assert not out.exists(), "nothing may be written when an input is unusable"


@pytest.mark.parametrize("name", ["bad_truncated.json", "bad_foreign.json"])
def test_compare_script_refuses_a_bad_file_from_the_command_line(name):
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "compare.py"), str(FIXTURES / name),
                           str(FIXTURES / "compare_base.json")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and BAD[name] in proc.stderr


def test_a_file_that_is_not_json_at_all_is_named_as_such(tmp_path):
    path = tmp_path / "notes.json"
    path.write_text("these are notes, not JSON\n")
    with pytest.raises(qbresults.ResultsError, match="not JSON"):
        qbresults.load(path)


def test_a_run_without_params_is_not_qbench_output(tmp_path):
    doc = fixture_doc("compare_base.json")
    del doc["runs"][1]["params"]
    path = tmp_path / "x.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(qbresults.ResultsError, match=r"runs\[1\]"):
        qbresults.load(path)


def test_rows_flatten_runs_and_old_files_are_throughput():
    results = qbresults.load(FIXTURES / "throughput.json")
    doc = fixture_doc("throughput.json")
    assert [r.id for r in results.rows] == [run["id"] for run in doc["runs"]]
    assert {r.workload for r in results.rows} == {"throughput"}
    assert {r.scenario for r in results.rows} == {"run"}
    failed = next(r for r in results.rows if r.status == "failed")
    bad_rep = next(rep for rep in failed.raw["repetitions"] if rep["status"] == "failed")
    assert bad_rep["failure"] in failed.reason
    ok = next(r for r in results.rows if r.status == "ok")
    assert ok.median == ok.raw["aggregate"]["median_items_per_s"]
    assert ok.rates == [rep["items_per_s"] for rep in ok.raw["repetitions"]]


def test_scenario_name_and_workload_come_from_the_new_keys():
    results = qbresults.load(FIXTURES / "backpressure.json")
    assert results.scenario["name"] == "backpressure"
    assert {r.scenario for r in results.rows} == {"backpressure"}
    assert {r.workload for r in results.rows} == {"admission"}
    group = qbresults.groups([results])[0]
    assert group.description == results.scenario["description"]


def test_the_schema_1_message_is_one_line_naming_the_file_the_version_and_what_to_do():
    with pytest.raises(qbresults.ResultsError) as refused:
        qbresults.load(FIXTURES / "bad_old_schema.json")
    assert str(refused.value) == (f"{FIXTURES / 'bad_old_schema.json'}: schema_version 1 (written by an older "
                                  "qbench) is not read by these scripts; rerun the sweep with the current qbench")


def test_a_pingpong_point_is_a_run_with_its_round_trip_decoded_from_hdr():
    results = qbresults.load(FIXTURES / "pingpong.json")
    for row, point in zip(results.rows, fixture_doc("pingpong.json")["runs"]):
        rt = point["pingpong"]["round_trip"]
        assert row.workload == "pingpong" and row.queue == point["params"]["queue"]
        latency = row.latency("round_trip")
        assert latency["p50_ns"] == rt["p50_ns"] and "hdr" not in latency
        assert [tuple(b) for b in latency["buckets"]] == qbhdr.decode(rt["hdr"])
        assert sum(n for _, n in latency["buckets"]) == rt["count"]


def test_a_summary_is_read_without_decoding_and_buckets_are_decoded_once(monkeypatch):
    row = next(r for r in qbresults.load(FIXTURES / "throughput.json").rows if r.latency_summary("e2e"))
    calls = []
    real = qbhdr.decode
    monkeypatch.setattr(qbhdr, "decode", lambda text: calls.append(1) or real(text))
    assert row.latency_summary("e2e") == row.raw["latency"]["e2e"] and not calls
    first = row.latency("e2e")
    assert len(calls) == len(row.ok_repetitions)
    assert row.latency("e2e")["buckets"] == first["buckets"] and len(calls) == len(row.ok_repetitions)


def test_a_malformed_hdr_is_refused_naming_the_file_and_the_point(tmp_path):
    doc = fixture_doc("compare_base.json")
    doc["runs"] = [fixture_doc("throughput.json")["runs"][1]]
    doc["runs"][0]["repetitions"][1]["latency"]["e2e"]["hdr"] = "HISTFAAAAAAA"
    path = tmp_path / "x.json"
    path.write_text(json.dumps(doc))
    row = qbresults.load(path).rows[0]
    with pytest.raises(qbresults.ResultsError, match=rf"x.json: {row.id}: latency e2e: HdrHistogram encoding"):
        row.latency("e2e")


def test_merged_latency_equals_one_histogram_of_every_repetition_value(tmp_path):
    rng = random.Random(5)
    per_rep = [values(rng, n, 3000, 1.5) for n in (900, 1, 2500)] + [[7, 60_000_000_001]]
    everything = [v for vals in per_rep for v in vals]
    reps = [rep(i, 1e6) for i in range(len(per_rep))]
    for r, vals in zip(reps, per_rep):
        r["latency"] = latency_block("all", {"push": full_histogram(vals)})
    failed = rep(len(reps), 0, "failed", "timed out")
    failed["latency"] = latency_block("all", {"push": full_histogram([1, 2, 3])})  # not merged: not ok
    runs = [run(rng, "m", "segmented", 1, 1, [1e6] * len(reps), reps=reps + [failed], latency=()),
            run(rng, "m", "sequence_ring", 1, 1, [1e6] * len(reps), reps=[dict(r) for r in reps], latency=())]
    runs[0]["latency"] = None  # no run-level summary: computed from the merged counts
    runs[1]["latency"] = latency_block("all", {"push": summary([r["latency"]["push"] for r in reps])})
    runs[0]["status"] = "ok"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(document(runs)))
    expected = full_histogram(everything)
    for row in qbresults.load(path).rows:
        got = row.latency("push")
        assert [tuple(b) for b in got["buckets"]] == qbhdr.decode(expected["hdr"])
        assert {k: got[k] for k in expected if k not in ("hdr", "sum_ns")} == {
            k: v for k, v in expected.items() if k not in ("hdr", "sum_ns")}
        assert got["max_ns"] == 60_000_000_001 and got["clamped_high"] == 1 and got["count"] == len(everything)


def test_groups_of_several_files_get_distinct_prefixes():
    results = [qbresults.load(FIXTURES / n) for n in ("compare_base.json", "compare_noise.json")]
    prefixes = [g.prefix for g in qbresults.groups(results)]
    assert len(prefixes) == len(set(prefixes)) == 2


def test_the_spectrum_a_figure_draws_is_the_spectrum_of_row_latency():
    import qbhist

    checked = 0
    for name in ("throughput.json", "pingpong.json"):
        for row in qbresults.load(FIXTURES / name).rows:
            for source in ("e2e", "push", "pop", "round_trip"):
                latency = row.latency(source)
                if latency is None:
                    assert row.latency_spectrum(source) is None
                    continue
                xs, ys = row.latency_spectrum(source)
                assert (xs.tolist(), ys.tolist()) == qbhist.spectrum(latency)
                checked += 1
    assert checked >= 10
