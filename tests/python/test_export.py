"""qb export --csv: one row per repetition with the file's own numbers, units
in the header; a bad file is refused in one line with exit 2, nothing written."""

from __future__ import annotations

import csv
import io
import json

import pytest

import export
from conftest import FIXTURES, fixture_doc


def _export(capsys, *args) -> tuple[int, str, str]:
    rc = export.main([str(a) for a in args])
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def _table(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_repetition_in_the_files_order(capsys):
    rc, out, _ = _export(capsys, FIXTURES / "throughput.json", "--csv")
    assert rc == 0
    doc = fixture_doc("throughput.json")
    table = _table(out)
    expected = [(run["id"], str(r["repetition"])) for run in doc["runs"] for r in run["repetitions"]]
    assert len(table) == len(expected) == 144
    assert [(row["run id"], row["repetition"]) for row in table] == expected


def test_the_header_names_every_unit(capsys):
    _, out, _ = _export(capsys, FIXTURES / "throughput.json", "--csv")
    header = next(csv.reader(io.StringIO(out)))
    for name in ("items/s", "ns/item", "elapsed s", "payload bytes", "e2e p50 ns", "e2e p99 ns", "e2e p99.9 ns",
                 "pop p99.9 ns", "lost items", "duplicated items", "misordered items", "warnings"):
        assert name in header
    assert header[0] == "run id" and len(header) == len(set(header))


def test_values_are_the_json_repetitions_numbers(capsys):
    doc = fixture_doc("throughput.json")
    run = next(r for r in doc["runs"] if r["status"] == "ok" and {"e2e", "pop"} <= set(r["repetitions"][1]["latency"]))
    rep = run["repetitions"][1]
    _, out, _ = _export(capsys, FIXTURES / "throughput.json", "--csv")
    row = next(r for r in _table(out) if r["run id"] == run["id"] and r["repetition"] == "1")
    assert float(row["items/s"]) == rep["items_per_s"]
    assert float(row["ns/item"]) == rep["ns_per_item"]
    assert int(row["items"]) == rep["items"]
    assert int(row["e2e p99 ns"]) == rep["latency"]["e2e"]["p99_ns"]
    assert int(row["producers"]) == run["params"]["producers"] and row["queue"] == run["params"]["queue"]
    assert int(row["pop p50 ns"]) == rep["latency"]["pop"]["p50_ns"]


def test_the_cpu_cost_is_the_repetitions_own_and_empty_where_not_recorded(capsys):
    doc = fixture_doc("backpressure.json")
    run = doc["runs"][0]
    rep = run["repetitions"][2]
    _, out, _ = _export(capsys, FIXTURES / "backpressure.json", "--csv")
    row = next(r for r in _table(out) if r["run id"] == run["id"] and r["repetition"] == "2")
    assert float(row["CPU ns/item"]) == rep["cpu"]["cpu_ns_per_item"]
    assert float(row["items/CPU-s"]) == rep["cpu"]["items_per_cpu_s"]
    assert float(row["consumers CPU s"]) == rep["cpu"]["consumers"]["cpu_ns"] / 1e9
    _, out, _ = _export(capsys, FIXTURES / "throughput.json", "--csv")  # written before qbench measured CPU time
    assert {row["CPU ns/item"] for row in _table(out)} == {""}


def test_a_latency_not_recorded_is_an_empty_cell(capsys):
    doc = fixture_doc("burst.json")
    assert not any("pop" in (r.get("latency") or {}) for run in doc["runs"] for r in run["repetitions"])
    _, out, _ = _export(capsys, FIXTURES / "burst.json", "--csv")
    assert {row["pop p50 ns"] for row in _table(out)} == {""}


def test_an_invalid_repetition_shows_its_validation_counts(tmp_path, capsys):
    doc = fixture_doc("throughput.json")
    doc["runs"][0]["repetitions"][0].update(status="invalid", items_per_s=0, ns_per_item=0,
                                            validation={"valid": False, "lost": 3, "duplicated": 1, "misordered": 0})
    doc["runs"][0]["repetitions"][0]["warnings"] = ["one", "two"]
    path = tmp_path / "x.json"
    path.write_text(json.dumps(doc))
    _, out, _ = _export(capsys, path, "--csv")
    first = _table(out)[0]
    assert (first["status"], first["lost items"], first["duplicated items"], first["warnings"]) == \
        ("invalid", "3", "1", "2")


def test_points_without_repetitions_have_no_rows(capsys):
    rc, out, _ = _export(capsys, FIXTURES / "pingpong.json", "--csv")
    assert rc == 0 and _table(out) == [] and out.startswith("run id,")


def test_o_writes_the_file_and_keeps_an_existing_one_without_force(tmp_path, capsys):
    out = tmp_path / "x.csv"
    rc, stdout, _ = _export(capsys, FIXTURES / "burst.json", "--csv", "-o", out)
    assert rc == 0 and stdout == ""
    assert len(_table(out.read_text())) == 6
    out.write_text("keep me")
    rc, _, err = _export(capsys, FIXTURES / "burst.json", "--csv", "-o", out)
    assert rc == 2 and out.read_text() == "keep me" and "--force" in err
    assert _export(capsys, FIXTURES / "burst.json", "--csv", "-o", out, "--force")[0] == 0
    assert len(_table(out.read_text())) == 6


@pytest.mark.parametrize("name", ["bad_truncated.json", "bad_old_schema.json", "bad_no_runs.json"])
def test_a_bad_file_is_refused_in_one_line_with_nothing_written(tmp_path, capsys, name):
    out = tmp_path / "x.csv"
    with pytest.raises(SystemExit) as e:
        export.main([str(FIXTURES / name), "--csv", "-o", str(out)])
    captured = capsys.readouterr()
    assert e.value.code == 2 and not out.exists() and captured.out == ""
    assert len(captured.err.splitlines()) == 1 and captured.err.startswith("export: ")


def test_csv_must_be_asked_for(capsys):
    with pytest.raises(SystemExit) as e:
        export.main([str(FIXTURES / "burst.json")])
    assert e.value.code == 2 and "--csv" in capsys.readouterr().err


def test_batch_cells_are_the_params_batch_and_the_repetitions_kind_and_partial_calls(capsys, tmp_path):
    doc = fixture_doc("throughput.json")
    batched = doc["runs"][0]
    batched["params"]["batch"] = 16
    for rep in batched["repetitions"]:
        rep.update(batch_kind="native", partial_pushes=3, partial_pops=5)
    path = tmp_path / "batched.json"
    path.write_text(json.dumps(doc))
    _, out, _ = _export(capsys, path, "--csv")
    table = _table(out)
    mine = [row for row in table if row["run id"] == batched["id"]]
    assert mine and all((row["batch"], row["batch kind"], row["partial pushes"], row["partial pops"]) ==
                        ("16", "native", "3", "5") for row in mine)
    # The fixture predates --batch: its other points read as batch 1, with no kind.
    others = [row for row in table if row["run id"] != batched["id"]]
    assert others and all((row["batch"], row["batch kind"], row["partial pushes"]) == ("1", "", "") for row in others)
