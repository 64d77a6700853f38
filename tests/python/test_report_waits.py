"""The report's "What waiting costs" section pairs each point measured spinning
with the same point measured blocking, and its numbers are the results' own.

fixtures/waits.json is a real run of the ingest scenario, made with
  build/release/harness/qbench run -s scenarios/ingest-cpu.json \
    -q sequence_ring,mutex_deque,faa_ceiling -d 300ms --warmup 50ms -r 2 \
    --counters none --out tests/python/fixtures/waits.json
(faa_ceiling's points are skipped: a ceiling runs no paced workload). Expected
values are read from that file here, not written down; where a test needs
exact arithmetic it sets the figures itself.
"""

from __future__ import annotations

import json
import statistics

import qbresults
import report_render as rr
import report_waits
from conftest import FIXTURES, fixture_doc


def _blocks(docs_or_paths, tmp_path=None) -> list:
    paths = []
    for i, item in enumerate(docs_or_paths):
        if isinstance(item, dict):
            path = tmp_path / f"doc{i}.json"
            path.write_text(json.dumps(item))
            item = path
        paths.append(item)
    results = [qbresults.load(p) for p in paths]
    return report_waits.blocks(results, qbresults.groups(results))


def _section(docs_or_paths, tmp_path=None) -> str:
    return rr.markdown(_blocks(docs_or_paths, tmp_path))


def _table_rows(md: str) -> dict[str, list[str]]:
    """The section's table rows by queue: the cells, stripped."""
    rows = {}
    for line in md.splitlines():
        if line.startswith("| ") and not line.startswith("| queue"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            rows[cells[0]] = cells
    return rows


def _run(doc: dict, run_id: str) -> dict:
    return next(r for r in doc["runs"] if r["id"] == run_id)


def test_each_queue_gets_one_row_pairing_its_spin_and_block_points_with_their_own_numbers():
    doc = fixture_doc("waits.json")
    md = _section([FIXTURES / "waits.json"])
    assert "## What waiting costs" in md and "### Scenario 'ingest-cpu'" in md
    rows = _table_rows(md)
    assert set(rows) == {"sequence_ring", "mutex_deque"}, "skipped points (faa_ceiling) pair with nothing"
    for queue, cells in rows.items():
        spin, block = _run(doc, f"ingest-cpu.spin/{queue}/p2c4"), _run(doc, f"ingest-cpu.block/{queue}/p2c4")
        assert spin["params"]["wait"] == "spin" and block["params"]["wait"] == "block"
        cpu = [r["aggregate"]["median_cpu_ns_per_item"] for r in (spin, block)]
        rate = [r["workload_metrics"]["achieved_rate_per_s"] for r in (spin, block)]
        p50 = [r["latency"]["e2e"]["p50_ns"] for r in (spin, block)]
        p99 = [r["latency"]["e2e"]["p99_ns"] for r in (spin, block)]
        assert cells[1:3] == ["2P 4C", "spin"]
        assert cells[3:5] == [f"{cpu[0]:,.0f}", f"{cpu[1]:,.0f}"]
        assert cells[5] == f"{(1 - cpu[1] / cpu[0]) * 100:.0f}%"
        consumers = [statistics.median(x["cpu"]["consumers"]["cpu_ns"] / x["items"]
                                       for x in r["repetitions"] if x["status"] == "ok") for r in (spin, block)]
        assert cells[6:8] == [f"{consumers[0]:,.0f}", f"{consumers[1]:,.0f}"]
        assert cells[8] == f"{(1 - consumers[1] / consumers[0]) * 100:.0f}%"
        assert cells[9:11] == [report_waits.qbformat.si(x) for x in rate]
        assert cells[11:15] == [f"{x / 1000:,.1f}" for x in p50 + p99]
        assert cells[15] == f"{p99[1] / p99[0]:.2f}x"
        assert cells[16] == f"{(p99[1] - p99[0]) / 1000:+,.1f}"
        # The marks each side carries, as the warnings say them.
        spin_marks, block_marks = cells[17].split(" / ")
        for run, marks in ((spin, spin_marks), (block, block_marks)):
            for kind in ("starved", "oversubscribed", "saturated"):
                said = any(w.startswith(kind) or f": {kind}" in w for w in run["warnings"])
                assert (kind in marks) == said, (run["id"], kind, marks, run["warnings"])
        assert f"- {queue} 2P 4C: spinning (spin) costs {cpu[0]:,.0f} CPU-ns per item" in md


def test_the_sentence_says_what_blocking_saves_and_adds_to_p99(tmp_path):
    doc = fixture_doc("waits.json")
    def set_cpu(run, cpu, consumers):
        run["aggregate"]["median_cpu_ns_per_item"] = cpu
        for rep in run["repetitions"]:
            rep["cpu"]["consumers"]["cpu_ns"] = consumers * rep["items"]

    for wait, cpu, consumers, p99 in (("spin", 1000.0, 800.0, 10_000), ("block", 400.0, 100.0, 22_000)):
        run = _run(doc, f"ingest-cpu.{wait}/sequence_ring/p2c4")
        set_cpu(run, cpu, consumers)
        run["latency"]["e2e"]["p99_ns"] = p99
    for wait, cpu, consumers, p99 in (("spin", 500.0, 400.0, 40_000), ("block", 1500.0, 1000.0, 30_000)):
        run = _run(doc, f"ingest-cpu.{wait}/mutex_deque/p2c4")
        set_cpu(run, cpu, consumers)
        run["latency"]["e2e"]["p99_ns"] = p99
    md = _section([doc], tmp_path)
    assert ("- sequence_ring 2P 4C: spinning (spin) costs 1,000 CPU-ns per item, blocking saves 60% of it (the "
            "consumers' own: 800 spinning, 100 blocking, 88% saved) and adds 12.0 us to p99 (2.20x).") in md
    assert ("- mutex_deque 2P 4C: spinning (spin) costs 500 CPU-ns per item, blocking costs 200% more (the "
            "consumers' own: 400 spinning, 1,000 blocking) and takes 10.0 us off p99 (0.75x).") in md
    assert _table_rows(md)["sequence_ring"][5:9] == ["60%", "800", "100", "88%"]


def test_points_that_differ_in_more_than_wait_do_not_pair_and_one_wait_has_no_section(tmp_path):
    doc = fixture_doc("waits.json")
    _run(doc, "ingest-cpu.block/sequence_ring/p2c4")["params"]["payload_check"] = "off"
    assert set(_table_rows(_section([doc], tmp_path))) == {"mutex_deque"}
    assert _blocks([FIXTURES / "throughput.json"]) == []
    only_spin = fixture_doc("waits.json")
    only_spin["runs"] = [r for r in only_spin["runs"] if r["params"]["wait"] == "spin"]
    assert _blocks([only_spin], tmp_path) == []


def test_pairs_are_found_by_params_not_ids_and_every_group_holds_one_wait(tmp_path):
    """Ids that do not name the wait (two sweeps of one wait each, merged under
    labels of their own) still pair: the params say the wait."""
    doc = fixture_doc("waits.json")
    for run in doc["runs"]:
        run["id"] = run["id"].replace(".spin/", ".s1/").replace(".block/", ".s2/")
    md = _section([doc], tmp_path)
    assert set(_table_rows(md)) == {"sequence_ring", "mutex_deque"}
    # Every figure and table of the report covers one group: one wait each.
    results = qbresults.load(FIXTURES / "waits.json")
    for group in qbresults.groups([results]):
        assert len({row.wait for row in group.rows}) == 1, group.scenario


def test_the_report_has_the_section_with_both_waits_on_one_figure_and_each_wait_its_own_verdict(tmp_path):
    import report

    assert report.main([str(FIXTURES / "waits.json"), "-o", str(tmp_path)]) == 0
    md = (tmp_path / "report.md").read_text()
    section = md[md.index("## What waiting costs"):md.index("## Claims against")]
    assert "](ingest-cpu-every-wait-cpu_cost.png)" in section
    assert (tmp_path / "ingest-cpu-every-wait-cpu_cost.png").stat().st_size > 0
    for wait in ("spin", "block"):
        verdict = md[md.index(f"## Verdict: scenario 'ingest-cpu.{wait}'"):]
        warnings = verdict[verdict.index("### Warnings"):verdict.index("\n## ")]
        assert "oversubscribed:" in warnings, "the marks of each wait's points stay under its own verdict"
    # The scenario's formula heads each wait's details, though the ids add the wait to its name.
    assert md.count(f"Formula: {fixture_doc('waits.json')['scenario']['description']}") == 2
