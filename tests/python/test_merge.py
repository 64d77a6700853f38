"""qb merge: runs of one machine and build merge into one valid results file;
another machine, a shared run id or an existing output is refused in one line
with exit 2 and nothing written."""

from __future__ import annotations

import json
import random

import pytest

import compare
import merge
import qbresults
import report
from fixture_parts import document, journal, noisy, run


def _write(path, doc):
    path.write_text(json.dumps(doc))
    return path


def _doc(queues, seed, p=2, c=1, date="2026-01-01T00:00:00Z", notes=(), **context):
    rng = random.Random(seed)
    doc = document([run(rng, "run", q, p, c, noisy(rng, 1e7, 3)) for q in queues])
    doc["context"].update(date_utc=date, command_line=["qbench", "run", "-q", ",".join(queues)], **context)
    doc["notes"] += list(notes)
    return doc


@pytest.fixture
def pair(tmp_path):
    a = _write(tmp_path / "a.json", _doc(["segmented", "sequence_ring"], 1, notes=["a note"]))
    b = _write(tmp_path / "b.json", _doc(["mutex_deque"], 2, date="2026-01-02T00:00:00Z", notes=["b note"]))
    return a, b


def _merge(capsys, *args):
    rc = merge.main([str(a) for a in args])
    return rc, capsys.readouterr().err


def test_two_files_of_one_machine_merge_with_their_runs_ids_and_sources(tmp_path, pair, capsys):
    a, b = pair
    out = tmp_path / "m.json"
    rc, _ = _merge(capsys, a, b, "-o", out)
    assert rc == 0
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == 2 and doc["generator"] == "qbench" and doc["interrupted"] is False
    ids = [r["id"] for r in doc["runs"]]
    assert ids == ["run/segmented/p2c1", "run/sequence_ring/p2c1", "run/mutex_deque/p2c1"]
    assert doc["runs"][2] == json.loads(b.read_text())["runs"][0]
    sources = doc["context"]["merged_from"]
    assert [s["path"] for s in sources] == [str(a), str(b)]
    assert [s["date_utc"] for s in sources] == ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"]
    assert sources[1]["command_line"] == ["qbench", "run", "-q", "mutex_deque"]
    assert doc["context"]["date_utc"] == "2026-01-01T00:00:00Z"
    assert doc["notes"] == ["a note", "b note"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(qbresults.load(out).rows) == 3


def test_report_and_compare_read_the_merged_file(tmp_path, pair, capsys):
    a, b = pair
    out = tmp_path / "m.json"
    assert _merge(capsys, a, b, "-o", out)[0] == 0
    assert report.main([str(out), "-o", str(tmp_path / "r")]) == 0
    text = (tmp_path / "r" / "report.md").read_text()
    assert "2026-01-01T00:00:00Z, 2026-01-02T00:00:00Z" in text
    assert f"command line ({b}): qbench run -q mutex_deque" in text
    assert compare.main([str(a), str(out)]) == 0
    assert "run/segmented/p2c1" in capsys.readouterr().out


@pytest.mark.parametrize("field, value, shown", [
    ("host", "other-host", '"other-host"'),
    ("cpus_online", 16, "16"),
    ("kernel", {"sysname": "Linux", "release": "6.9.0", "version": "#1", "machine": "x86_64"}, '"6.9.0"'),
    ("build_type", "Debug", '"Debug"'),
])
def test_a_file_of_another_machine_or_build_is_refused_naming_the_field(tmp_path, pair, capsys, field, value,
                                                                        shown):
    a, _ = pair
    c = _write(tmp_path / "c.json", _doc(["mutex_deque"], 3, **{field: value}))
    out = tmp_path / "m.json"
    rc, err = _merge(capsys, a, c, "-o", out)
    assert rc == 2 and not out.exists()
    assert len(err.splitlines()) == 1
    key = "kernel.release" if field == "kernel" else field
    assert f"context.{key} is {shown} there" in err and str(c) in err and str(a) in err


def test_a_field_absent_from_one_file_counts_as_different(tmp_path, pair, capsys):
    a, _ = pair
    doc = _doc(["mutex_deque"], 3)
    del doc["context"]["compiler"]
    c = _write(tmp_path / "c.json", doc)
    rc, err = _merge(capsys, a, c, "-o", tmp_path / "m.json")
    assert rc == 2 and "context.compiler is (absent) there" in err


def test_force_merges_another_machine_with_a_warning(tmp_path, pair, capsys):
    a, _ = pair
    c = _write(tmp_path / "c.json", _doc(["mutex_deque"], 3, host="other-host"))
    out = tmp_path / "m.json"
    rc, err = _merge(capsys, a, c, "-o", out, "--force")
    assert rc == 0 and "warning" in err and "context.host" in err
    doc = json.loads(out.read_text())
    assert doc["context"]["host"] == "fixture-host" and len(doc["runs"]) == 3


def test_a_run_id_in_two_files_is_refused_naming_it_even_with_force(tmp_path, pair, capsys):
    a, _ = pair
    c = _write(tmp_path / "c.json", _doc(["sequence_ring"], 4))
    out = tmp_path / "m.json"
    for extra in ((), ("--force",)):
        rc, err = _merge(capsys, a, c, "-o", out, *extra)
        assert rc == 2 and not out.exists()
        assert err.strip() == (f"merge: run id run/sequence_ring/p2c1 is in both {a} and {c}; "
                               "merge files whose points differ")


def test_a_journals_not_run_point_is_replaced_by_the_rerun_that_measured_it(tmp_path, capsys):
    full = _doc(["segmented", "sequence_ring"], 5)
    killed = tmp_path / "killed.json.journal"
    killed.write_text(journal(full, {0: 3}))  # killed before sequence_ring ran
    rerun = _write(tmp_path / "rerun.json", _doc(["sequence_ring"], 6))
    out = tmp_path / "m.json"
    rc, _ = _merge(capsys, killed, rerun, "-o", out)
    assert rc == 0
    doc = json.loads(out.read_text())
    assert doc["interrupted"] is True
    assert [(r["id"], r["status"]) for r in doc["runs"]] == [("run/segmented/p2c1", "ok"),
                                                              ("run/sequence_ring/p2c1", "ok")]
    assert doc["runs"][1] == json.loads(rerun.read_text())["runs"][0]
    assert doc["context"]["merged_from"][0]["journal"] is True
    assert any("run/sequence_ring/p2c1: not run in" in n for n in doc["notes"])


def test_merging_a_merged_file_keeps_one_flat_list_of_sources(tmp_path, pair, capsys):
    a, b = pair
    first = tmp_path / "ab.json"
    assert _merge(capsys, a, b, "-o", first)[0] == 0
    c = _write(tmp_path / "c.json", _doc(["linked_cas"], 7))
    out = tmp_path / "abc.json"
    assert _merge(capsys, first, c, "-o", out)[0] == 0
    doc = json.loads(out.read_text())
    assert [s["path"] for s in doc["context"]["merged_from"]] == [str(a), str(b), str(c)]
    assert len(doc["runs"]) == 4


def test_an_existing_output_is_kept_without_force(tmp_path, pair, capsys):
    a, b = pair
    out = tmp_path / "m.json"
    out.write_text("keep me")
    rc, err = _merge(capsys, a, b, "-o", out)
    assert rc == 2 and out.read_text() == "keep me" and "--force" in err
    assert _merge(capsys, a, b, "-o", out, "--force")[0] == 0
    assert len(json.loads(out.read_text())["runs"]) == 3


def test_an_unusable_file_is_refused_in_one_line(tmp_path, pair, capsys):
    a, _ = pair
    doc = _doc(["mutex_deque"], 8)
    doc["schema_version"] = 3
    c = _write(tmp_path / "c.json", doc)
    out = tmp_path / "m.json"
    with pytest.raises(SystemExit) as e:
        merge.main([str(a), str(c), "-o", str(out), "--force"])
    err = capsys.readouterr().err
    assert e.value.code == 2 and not out.exists()
    assert len(err.splitlines()) == 1 and "schema_version 3" in err
