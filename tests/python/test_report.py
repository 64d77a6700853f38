"""The Markdown and HTML reports say what the results say: machine, formulas,
tables, fastest queues, problems, counters, claims, and which figures did not
apply. Expected values are derived from the fixture files, not written here."""

from __future__ import annotations

import json
import re

import pytest

import claims
import qbformat
from conftest import FIXTURES, REPORT_INPUTS, fixture_doc


@pytest.fixture(scope="module")
def md(report_dir):
    return (report_dir / "report.md").read_text()


@pytest.fixture(scope="module")
def page(report_dir):
    return (report_dir / "report.html").read_text()


def test_machine_and_every_scenario_formula_are_given(md):
    assert "Fixture CPU 9000, 8 CPUs online, host fixture-host" in md
    for name in REPORT_INPUTS:
        scenario = fixture_doc(name).get("scenario")
        if scenario:
            assert f"Formula: {scenario['description']}" in md
    assert "Formula: not recorded" in md  # throughput.json came from flags


def test_every_point_has_a_row_with_its_median_and_status(md):
    for run in fixture_doc("throughput.json")["runs"]:
        p, c = run["params"]["producers"], run["params"]["consumers"]
        median = qbformat.si(run["aggregate"]["median_items_per_s"]) if run["aggregate"] else "-"
        row = f"| {run['params']['queue']} | {p} | {c} | {median} |"
        assert row in md, row


def test_the_fastest_queue_per_configuration_is_the_best_median(md):
    best = {}
    for run in fixture_doc("throughput.json")["runs"]:
        if run["aggregate"] and not run.get("reference"):
            key = (run["params"]["producers"], run["params"]["consumers"])
            if run["aggregate"]["median_items_per_s"] > best.get(key, (0, ""))[0]:
                best[key] = (run["aggregate"]["median_items_per_s"], run["params"]["queue"])
    for (p, c), (_, queue) in best.items():
        assert f"| p{p}c{c} | {queue} |" in md


def test_a_reference_ceiling_is_never_ranked_fastest(md):
    runs = fixture_doc("throughput.json")["runs"]
    assert any(r.get("reference") and r["aggregate"] for r in runs)  # the fixture has one to rank
    fastest = md.split("### Fastest queue per configuration")[1].split("###")[0]
    assert "| faa_ceiling |" not in fastest


def test_every_point_shows_its_fraction_of_the_faa_ceiling_at_the_same_p_and_c(md):
    runs = fixture_doc("throughput.json")["runs"]
    ceiling = {(r["params"]["producers"], r["params"]["consumers"]): r["aggregate"]["median_items_per_s"]
               for r in runs if r["params"]["queue"] == "faa_ceiling" and r["aggregate"]}
    section = md.split("## Scenario 'run'")[1].split("## Scenario")[0]
    assert "% of faa_ceiling (same P, C)" in section
    checked = 0
    for run in runs:
        p, c = run["params"]["producers"], run["params"]["consumers"]
        if not run["aggregate"] or (p, c) not in ceiling:
            continue
        median = run["aggregate"]["median_items_per_s"]
        fraction = qbformat.pct(median / ceiling[(p, c)], 0)
        row = f"| {run['params']['queue']} | {p} | {c} | {qbformat.si(median)} | {fraction} |"
        assert row in section, row
        checked += 1
    assert checked >= 9 * 4  # every valid point of four queues and the ceiling itself


def test_no_fraction_column_without_a_ceiling(md):
    section = md.split("## Scenario 'backpressure'")[1].split("## Scenario")[0]
    assert "faa_ceiling" not in section


def test_the_cpu_cost_column_is_each_points_median_and_only_where_measured(md):
    section = md.split("## Scenario 'backpressure'")[1].split("## Scenario")[0]
    assert "CPU ns/item (median)" in section
    for run in fixture_doc("backpressure.json")["runs"]:
        assert f"| {run['aggregate']['median_cpu_ns_per_item']:,.1f} |" in section, run["id"]
    run_section = md.split("## Scenario 'run'")[1].split("## Scenario")[0]
    assert "CPU ns/item" not in run_section  # throughput.json is from before qbench measured it


def test_invalid_failed_and_skipped_points_are_listed_with_reasons(md):
    for run in fixture_doc("throughput.json")["runs"]:
        if run["status"] == "skipped":
            assert f"| {run['id']} | skipped | {run['skip_reason']} |" in md
        elif run["status"] == "failed":
            failure = next(r["failure"] for r in run["repetitions"] if r["status"] == "failed")
            assert re.search(rf"\| {re.escape(run['id'])} \| failed \| [^|]*{re.escape(failure)}", md)
        elif run["status"] == "invalid":
            lost = next(r["validation"]["lost"] for r in run["repetitions"] if r["status"] == "invalid")
            assert re.search(rf"\| {re.escape(run['id'])} \| invalid \| [^|]*lost {lost}", md)


def test_unsupported_counters_are_named_with_their_reason(md, page):
    doc = fixture_doc("throughput.json")
    assert "reason" not in doc["runs"][1]["counters"]["events"]["cycles"]  # said once, in the context
    reason = doc["context"]["counters"]["events"]["cycles"]["reason"]
    assert "Not counted on this machine: cycles (not_supported" in md
    assert reason in md
    assert "Not counted on this machine: cycles (not_supported" in page
    assert re.search(r"\| cycles \| not_supported in \d+ runs", md)


def test_figures_that_do_not_apply_are_listed(md):
    run_section = md.split("## Scenario 'run'")[1].split("## Scenario")[0]
    assert "- paced_rate: no paced run" in run_section
    assert "- priority_lanes: no priority_lanes run" in run_section
    lanes_section = md.split("## Scenario 'lanes'")[1].split("## Scenario")[0]
    assert "priority_lanes:" not in lanes_section.split("### Figures not applicable")[1]


def test_workload_tables_show_the_workload_metrics(md):
    run = fixture_doc("producer_sweep.json")["runs"][-1]
    assert qbformat.pct(run["workload_metrics"]["success_rate"], 2) in md
    for run in fixture_doc("lanes.json")["runs"]:
        m, p = run["workload_metrics"], run["params"]
        for lane in m["lanes"]:
            row = (f"| {p['queue']} | {p['producers']} | {p['consumers']} | {m['policy']} | {lane['name']} | "
                   f"{qbformat.si(lane['soft_capacity'])} | {qbformat.si(lane['offered'])} | "
                   f"{qbformat.si(lane['rejected'])} | {qbformat.si(lane['delivered'])} | "
                   f"{'yes' if lane['starved'] else 'no'} |")
            assert row in md, row
    pp = fixture_doc("pingpong.json")["runs"][0]["pingpong"]
    assert qbformat.ns(pp["one_way_estimate_ns"]) in md


def test_claims_sit_beside_the_measured_figures(md):
    doc = claims.load_claims()
    runs = {r["id"]: r for r in fixture_doc("throughput.json")["runs"]}
    mutex = runs["run/mutex_deque/p4c4"]["aggregate"]["median_items_per_s"]
    segmented = runs["run/segmented/p4c4"]["aggregate"]["median_items_per_s"]
    for claim in doc["claims"]:
        assert claim["wording"] in md, claim["id"]
    mutex_claim = next(c for c in doc["claims"] if c["id"] == "000-mutex-4p4c")
    assert f"| {qbformat.si(mutex)} items/s | {mutex / mutex_claim['value']:.3g} |" in md
    ratio_claim = next(c for c in doc["claims"] if c["id"] == "000-speedup-4p4c")
    assert f"| {segmented / mutex:.3g}x | {segmented / mutex / ratio_claim['value']:.3g} |" in md
    # A claim these results do not measure: listed behind one line, not as a row of the measured table.
    eight = next(c for c in doc["claims"] if c["id"] == "003-throughput-locked-p8c8")
    measured_table, _, rest = md.partition("<details>")
    assert eight["wording"] not in measured_table.split("## Claims against these measurements", 1)[1]
    assert re.search(re.escape(eight["wording"]) + r" \| [^|]+ \| [^|]+ \|", rest)
    assert md.count("not measured in these results") == 1  # one line, not one a claim
    assert re.search(r"<summary>\d+ more claims are not measured in these results", md)


def test_the_first_lines_of_the_report_are_the_machine_and_the_verdict(md):
    lines = [line for line in md.splitlines() if line]
    assert lines[0] == "# qbench report"
    assert lines[1].startswith("Machine: Fixture CPU 9000, 8 CPUs online, host fixture-host;")
    assert lines[2].startswith("## Verdict")
    header = next(line for line in lines if line.startswith("| P x C |"))
    assert header == "| P x C | bounded MPMC | unbounded MPMC | MPSC-capable |"
    # throughput.json: sequence_ring is the only bounded MPMC queue; mpsc_elastic the fastest MPSC-capable at 1x1.
    runs = {r["id"]: r for r in fixture_doc("throughput.json")["runs"]}
    ring = runs["run/sequence_ring/p1c1"]["aggregate"]["median_items_per_s"]
    assert f"| 1x1 | sequence_ring {qbformat.si(ring)}, the only one measured |" in md


def test_the_html_page_is_self_contained(report_dir, page):
    pngs = sorted(report_dir.glob("*.png"))
    sources = re.findall(r'<img src="([^"]*)"', page)
    assert len(sources) == len(pngs) > 0
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r'(src|href)="(?!data:)', page)
    assert "<script" not in page


def test_claims_file_is_complete_data():
    doc = json.loads((FIXTURES.parents[2] / "scripts" / "claims.json").read_text())
    for claim in doc["claims"]:
        assert claim["source"] in doc["sources"]
        assert ("match" in claim) != ("ratio_of" in claim)
        if "match" in claim:
            assert {"queue", "producers", "consumers", "metric"} <= set(claim["match"])


def _locked_vs_lock_free(tmp_path, locked_p50: float, lock_free_p50: float):
    """A results file with seed 003's two rings at 4P4C, their throughput and
    sampled push p50 set, as the claims read them."""
    import random

    import qbresults
    from fixture_parts import document, run

    rng = random.Random(11)
    runs = []
    for queue, rate, p50 in (("locked_ring", 2e6, locked_p50), ("sequence_ring", 7e6, lock_free_p50)):
        r = run(rng, "mpmc-balanced-heavy", queue, 4, 4, [rate] * 3, latency=("push",))
        r["latency"]["push"]["p50_ns"] = p50
        runs.append(r)
    path = tmp_path / "rings.json"
    path.write_text(json.dumps(document(runs)))
    return {m.claim["id"]: m for m in claims.measure(claims.load_claims(), [qbresults.load(path)])}


def test_seed_003_improvements_divide_in_the_articles_direction(tmp_path):
    measured = _locked_vs_lock_free(tmp_path, locked_p50=900.0, lock_free_p50=100.0)
    # throughput: lock-free over locked; latency: locked over lock-free; both > 1 when lock-free wins
    assert measured["003-throughput-improvement-p4c4"].value == pytest.approx(7e6 / 2e6)
    assert measured["003-latency-improvement-p4c4-p50"].value == pytest.approx(9.0)
    assert measured["003-latency-improvement-p4c4-p50"].where == (
        "mpmc-balanced-heavy/locked_ring/p4c4 / mpmc-balanced-heavy/sequence_ring/p4c4")
    assert measured["003-throughput-improvement-p8c8"].value is None  # not in these results
    assert measured["002-speedup-single"].value is None


def test_every_seed_003_improvement_and_seed_002_speedup_is_a_claim():
    ids = {c["id"] for c in claims.load_claims()["claims"]}
    for cfg in ("p4c4", "p8c4", "p4c8", "p8c8"):
        assert f"003-throughput-improvement-{cfg}" in ids
    for cfg in ("p4c4", "p8c8"):
        for stat in ("mean", "p50", "p90", "p99", "p99.9"):
            assert f"003-latency-improvement-{cfg}-{stat}" in ids
    assert {"002-lockbased-single", "002-speedup-single"} <= ids


def _producer_sweep_report(tmp_path, counts) -> str:
    """The report of one queue swept over `counts` producers at 1 consumer
    (USL-shaped rates, sigma 0.05, kappa 0.002), on the fixtures' 8-CPU machine."""
    import random

    import report
    from fixture_parts import document, run

    rng = random.Random(5)
    runs = [run(rng, "sweep", "segmented", n, 1, [2e6 * n / (1 + 0.05 * (n - 1) + 0.002 * n * (n - 1))] * 3,
                latency=()) for n in counts]
    tmp_path.mkdir()
    path = tmp_path / "sweep.json"
    path.write_text(json.dumps(document(runs)))
    assert report.main([str(path), "-o", str(tmp_path / "out")]) == 0
    return (tmp_path / "out" / "report.md").read_text()


def test_a_fit_over_more_threads_than_cpus_says_it_measures_the_scheduler_too(tmp_path):
    crowded = _producer_sweep_report(tmp_path / "a", (1, 2, 4, 8, 16))
    assert "### Scalability" in crowded
    assert "1 of these sweeps run more threads than the 8 CPUs online" in crowded
    roomy = _producer_sweep_report(tmp_path / "b", (1, 2, 3, 5))
    assert "### Scalability" in roomy and "more threads than the 8 CPUs online" not in roomy


def test_a_paced_sweep_is_not_ranked_for_its_real_reason(tmp_path):
    import random

    import qbresults
    import report_verdict
    from fixture_parts import document, run

    rng = random.Random(5)
    runs = [run(rng, "ingest", q, 1, 1, [1e5, 1e5, 1e5], counted=False,
                workload={"kind": "paced", "rate_per_s": 100000}) for q in ("sequence_ring", "segmented")]
    path = tmp_path / "paced.json"
    path.write_text(json.dumps(document(runs)))
    group = qbresults.groups([qbresults.load(path)])[0]
    text = report_verdict.verdict_table(group)[0].text
    assert text.startswith("No queue is ranked: this sweep's workload is paced")
    assert "every repetition ok" not in text


def test_a_batched_scenario_says_its_batch_and_which_queues_called_natively(tmp_path):
    import report
    doc = fixture_doc("throughput.json")
    queues = sorted({run["params"]["queue"] for run in doc["runs"] if not run.get("reference")})
    native = queues[0]
    for run in doc["runs"]:
        run["params"]["batch"] = 16
        for rep in run["repetitions"]:
            rep["batch_kind"] = "native" if run["params"]["queue"] == native else "looped"
    path = tmp_path / "batched.json"
    path.write_text(json.dumps(doc))
    assert report.main([str(path), "-o", str(tmp_path / "out")]) == 0
    md_text = (tmp_path / "out" / "report.md").read_text()
    line = next(l for l in md_text.splitlines() if "batch: " in l)
    assert "up to 16 items a push or pop call" in line
    assert f"the queue's own bulk calls: {native};" in line
    assert f"a loop of single calls: {', '.join(queues[1:])}" in line


def test_a_scenario_of_single_calls_says_no_batch(md):
    assert "batch: up to" not in md
