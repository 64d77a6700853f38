"""The loader refuses what is not usable qbench output, in one line and with
exit status 2, and flattens what is."""

from __future__ import annotations

import subprocess
import sys

import pytest

import qbresults
import report
from conftest import FIXTURES, ROOT, fixture_doc

# fixture -> words its one-line message must contain
BAD = {
    "bad_foreign.json": "not qbench output",
    "bad_truncated.json": "truncated JSON",
    "bad_old_schema.json": "schema_version 0 is older",
    "bad_new_schema.json": "schema_version 2 is newer",
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
    path.write_text(__import__("json").dumps(doc))
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


def test_a_standalone_pingpong_file_loads_as_one_run(tmp_path):
    pp = fixture_doc("pingpong.json")["runs"][0]["pingpong"]
    doc = {"schema_version": 1, "generator": "qbench", "kind": "pingpong", "context": {}, "pingpong": pp}
    path = tmp_path / "pp.json"
    path.write_text(__import__("json").dumps(doc))
    (row,) = qbresults.load(path).rows
    assert row.workload == "pingpong" and row.queue == pp["queue"]
    assert row.latency("round_trip")["p50_ns"] == pp["round_trip"]["p50_ns"]


def test_groups_of_several_files_get_distinct_prefixes():
    results = [qbresults.load(FIXTURES / n) for n in ("compare_base.json", "compare_noise.json")]
    prefixes = [g.prefix for g in qbresults.groups(results)]
    assert len(prefixes) == len(set(prefixes)) == 2
