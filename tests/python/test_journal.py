"""A killed sweep's journal reads back as the results it had finished: its
repetitions, points that never ran as not_run, a cut-short last line ignored,
and the report and comparison say that it was recovered."""

from __future__ import annotations

import json
import random

import pytest

import compare
import qbjournal
import qbresults
import report
from fixture_parts import CONTEXT, document, histogram, journal, noisy, rep, run, summary

REPS = 3


def _sweep() -> dict:
    """The document the sweep would have written had it finished."""
    rng = random.Random(21)
    runs = []
    for queue in ("segmented", "sequence_ring", "mutex_deque", "mpsc_elastic"):
        runs.append(run(rng, "run", queue, 2, 1, noisy(rng, 1e7, REPS), latency=("e2e", "push", "pop")))
    runs[2]["repetitions"][1] = rep(1, 0, "invalid", lost=2)
    runs.append(run(rng, "run", "mpsc_elastic", 2, 2, [], status="skipped", reps=[],
                    skip_reason="queue allows one consumer"))
    h = histogram(rng, 500, 150.0)
    runs.append(run(rng, "pingpong", "sequence_ring", 1, 1, [], reps=[], latency=(),
                    workload={"kind": "pingpong", "round_trips": 500},
                    extra={"pingpong": {"status": "ok", "round_trip": h, "one_way_estimate_ns": h["p50_ns"] / 2}}))
    doc = document(runs)
    return doc


# run index -> repetitions finished before the kill (the pingpong point: 1, its one line)
FINISHED = {0: 3, 1: 2, 2: 2, 3: 0, 5: 1}


@pytest.fixture
def killed(tmp_path):
    """A journal whose last line the kill cut in half: one more repetition of run 1."""
    doc = _sweep()
    text = journal(doc, {**FINISHED, 1: 3})
    cut = text[: len(text) - len(text.splitlines()[-1]) // 2 - 1]
    path = tmp_path / "x.json.journal"
    path.write_text(cut)
    return doc, path


def test_a_killed_sweep_reads_back_as_what_it_had_finished(killed):
    doc, path = killed
    results = qbresults.load(path)
    assert results.journal and results.doc["interrupted"] is True
    assert results.recovery.cut_short and results.recovery.finished == sum(FINISHED.values())
    assert results.recovery.planned == 4 * REPS + 1  # the skipped point plans nothing; pingpong is one
    rows = {r.id: r for r in results.rows}
    for i, r in enumerate(doc["runs"]):
        if i in (0, 1, 2):
            assert rows[r["id"]].raw["repetitions"] == r["repetitions"][: FINISHED[i]]
    assert [rows[r["id"]].status for r in doc["runs"]] == ["ok", "ok", "invalid", "not_run", "skipped", "ok"]
    assert rows["run/mpsc_elastic/p2c1"].reason == qbjournal.NOT_RUN
    assert rows["run/mutex_deque/p2c1"].aggregate is None


def test_a_recovered_point_gets_the_aggregate_stats_cpp_computes(killed):
    doc, path = killed
    row = qbresults.load(path).rows[1]
    rates = [r["items_per_s"] for r in doc["runs"][1]["repetitions"][:2]]
    mean = (rates[0] + rates[1]) / 2
    sd = (((rates[0] - mean) ** 2 + (rates[1] - mean) ** 2) / 1) ** 0.5
    assert row.aggregate == {"samples": 2, "median_items_per_s": mean, "min_items_per_s": min(rates),
                             "max_items_per_s": max(rates), "mean_items_per_s": mean, "stddev_items_per_s": sd,
                             "cv": sd / mean, "median_ns_per_item": 1e9 / mean}
    one = qbjournal.aggregate([rep(0, 5e6)])
    assert one["stddev_items_per_s"] == 0.0 and one["cv"] == 0.0 and one["median_items_per_s"] == 5e6


def test_a_recovered_point_has_latency_merged_from_its_repetitions(killed):
    doc, path = killed
    row = qbresults.load(path).rows[0]
    assert row.block("latency") is None
    expected = summary([r["latency"]["e2e"] for r in doc["runs"][0]["repetitions"]])
    got = row.latency("e2e")
    assert {k: v for k, v in got.items() if k != "buckets"} == expected == doc["runs"][0]["latency"]["e2e"]
    assert qbresults.load(path).rows[5].latency("round_trip")["count"] == 500


def test_the_journal_is_recognised_by_its_first_line_not_its_name(killed, tmp_path):
    _, path = killed
    other = tmp_path / "renamed.json"
    other.write_bytes(path.read_bytes())
    assert qbresults.load(other).journal


def test_a_journal_of_only_its_header_is_every_point_not_run(tmp_path):
    path = tmp_path / "x.json.journal"
    path.write_text(journal(_sweep(), {}))
    results = qbresults.load(path)
    assert {r.status for r in results.rows} == {"not_run", "skipped"}
    assert results.recovery.words.endswith(f"0 of {4 * REPS + 1} repetitions")


def test_a_journal_cut_in_its_first_line_is_refused_in_words(tmp_path):
    path = tmp_path / "x.json.journal"
    path.write_text(journal(_sweep(), {})[:300])
    with pytest.raises(qbresults.ResultsError, match="cut short in its first line"):
        qbresults.load(path)


def test_a_bad_line_before_the_last_is_an_error_naming_it(tmp_path):
    lines = journal(_sweep(), FINISHED).splitlines()
    lines[2] = lines[2][:40]
    path = tmp_path / "x.json.journal"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(qbresults.ResultsError, match="journal line 3: not JSON"):
        qbresults.load(path)
    lines[2] = json.dumps({"run": 99, "repetition": {}})
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(qbresults.ResultsError, match="journal line 3: not"):
        qbresults.load(path)


def test_an_old_schema_journal_is_refused_like_an_old_file(tmp_path):
    doc = _sweep()
    doc["schema_version"] = 1
    path = tmp_path / "x.json.journal"
    path.write_text(journal(doc, FINISHED))
    with pytest.raises(qbresults.ResultsError, match="schema_version 1 .written by an older qbench"):
        qbresults.load(path)


def test_planned_repetitions_come_from_the_journal_header_or_are_not_claimed(tmp_path):
    doc = _sweep()
    path = tmp_path / "x.json.journal"
    path.write_text(journal(doc, FINISHED, repetitions_per_point=None))
    assert "how many were planned is not recorded" in qbresults.load(path).recovery.words


def test_the_report_and_the_comparison_say_the_results_were_recovered(killed, tmp_path, capsys):
    doc, path = killed
    out = tmp_path / "report"
    assert report.main([str(path), "-o", str(out)]) == 0
    words = (f"recovered from the journal of a sweep that did not finish: {sum(FINISHED.values())} of "
             f"{4 * REPS + 1} repetitions")
    md = (out / "report.md").read_text()
    assert words in md and "| run/mpsc_elastic/p2c1 | not_run |" in md
    capsys.readouterr()
    finished = tmp_path / "x.json"
    finished.write_text(json.dumps(doc))
    compare.main([str(finished), str(path)])
    assert f"warning: B: {path}: {words}" in capsys.readouterr().out


def test_a_journal_named_file_that_is_not_one_says_so(tmp_path):
    path = tmp_path / "x.json.journal"
    path.write_text('{"name": "left-pad"}\n{"run": 0}\n')
    with pytest.raises(qbresults.ResultsError, match="not a qbench journal"):
        qbresults.load(path)
