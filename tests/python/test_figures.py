"""Every figure the fixtures call for is drawn, as a real PNG (and SVG with
--svg), in the colour of its queue; a figure without data is reported, not
drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import plot_scaling
import qbfigure
from conftest import FIXTURES, REPORT_INPUTS

# The figure kinds each fixture's data calls for (its scenario is the prefix).
EXPECTED = {
    "throughput.json": ["throughput_every_queue", "throughput_by_class", "throughput_vs_producers", "throughput_vs_consumers", "heatmap_items_per_s",
                        "heatmap_ratio_to_fastest", "latency_spectrum_e2e", "latency_spectrum_push",
                        "latency_spectrum_pop", "latency_percentiles", "counters_per_item"],
    "backpressure.json": ["latency_spectrum_e2e", "latency_percentiles", "counters_per_item", "cpu_cost",
                          "depth_over_time", "paced_rate"],
    "burst.json": ["latency_spectrum_e2e", "latency_percentiles", "counters_per_item", "depth_over_time"],
    "lanes.json": ["latency_spectrum_e2e", "latency_percentiles", "counters_per_item", "priority_lanes"],
    "producer_sweep.json": ["latency_spectrum_e2e", "latency_percentiles", "producer_sweep", "usl_fit"],
    "pingpong.json": ["latency_spectrum_round_trip"],
}
ALL_KINDS = {k for kinds in EXPECTED.values() for k in kinds}


def _files(report_dir, fixture):
    index = REPORT_INPUTS.index(fixture) + 1
    return sorted(report_dir.glob(f"{index}-{fixture[:-5]}-*.png"))


@pytest.mark.parametrize("fixture", REPORT_INPUTS)
def test_each_figure_that_applies_is_drawn_as_png_and_svg(report_dir, fixture):
    drawn = {p.stem.rsplit("-", 1)[1] for p in _files(report_dir, fixture)}
    assert drawn == set(EXPECTED[fixture])
    for png in _files(report_dir, fixture):
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000, png
        svg = ET.parse(png.with_suffix(".svg")).getroot()
        assert svg.tag.endswith("svg") and len(list(svg.iter())) > 50, png


def test_every_figure_kind_is_exercised_by_the_fixtures():
    import report

    made = {kind for script in report.FIGURE_SCRIPTS for kind in script.KINDS}
    assert made == ALL_KINDS


def test_a_queue_keeps_its_colour_in_every_figure(report_dir):
    colour = qbfigure.queue_colour("sequence_ring")
    for kind in ("throughput_vs_producers", "latency_spectrum_e2e", "latency_percentiles"):
        assert colour in (report_dir / f"1-throughput-run-{kind}.svg").read_text(), kind
    assert colour in (report_dir / "5-producer_sweep-producer_sweep-producer_sweep.svg").read_text()


def test_an_unknown_queue_gets_a_stable_colour_of_its_own(report_dir):
    colour = qbfigure.queue_colour("peer_newqueue")
    assert colour == qbfigure.queue_colour("peer_newqueue")
    assert colour not in {qbfigure.queue_colour(q) for q in qbfigure.QUEUE_STYLE}
    assert qbfigure.queue_marker("peer_newqueue") == qbfigure.queue_marker("peer_newqueue")
    assert colour in (report_dir / "1-throughput-run-throughput_vs_producers.svg").read_text()
    assert colour in (report_dir / "1-throughput-run-heatmap_items_per_s.svg").read_text()


def test_unsupported_counters_are_said_in_words_not_drawn_as_zeros(report_dir):
    svg = (report_dir / "1-throughput-run-counters_per_item.svg").read_text()
    assert "Not counted on this machine: cycles, instructions, cache-misses (not_supported)" in svg
    for event in ("cycles", "instructions", "cache misses"):
        assert f"{event} per item" not in svg  # no panel for an event nothing counted
    assert "context switches per item" in svg  # software events count


def test_the_counter_figure_names_the_uncounted_events_in_its_note(tmp_path):
    import plot_counters
    import qbresults

    group = qbresults.groups([qbresults.load(FIXTURES / "throughput.json")])[0]
    made, = plot_counters.make(group, tmp_path)
    assert made.png and "cycles (not_supported: no hardware PMU" in made.note


def test_the_counter_figure_does_not_apply_when_nothing_was_counted(tmp_path):
    import plot_counters
    import qbresults

    group = qbresults.groups([qbresults.load(FIXTURES / "throughput.json")])[0]
    for row in group.rows:
        if row.block("counters"):
            events = {name: dict(info, status="not_supported") for name, info in row.raw["counters"]["events"].items()}
            row.raw["counters"] = dict(row.raw["counters"], per_item={}, events=events)
    made, = plot_counters.make(group, tmp_path)
    assert made.png is None and made.why_not.startswith("no event was counted: cycles")


def test_the_counter_figure_draws_every_event_counted_not_only_its_four(tmp_path):
    import plot_counters
    import qbresults

    group = qbresults.groups([qbresults.load(FIXTURES / "throughput.json")])[0]
    for row in group.rows:
        if row.block("counters"):  # as a run counts it on any machine, a VM's included
            counters = row.raw["counters"]
            counters["events"]["task-clock"] = {"status": "ok", "value": 2.5e6}
            counters["summed_over"] = {"repetitions": 3, "items": 10_000}
    with qbfigure.writing_svg():
        made, = plot_counters.make(group, tmp_path)
    assert "task-clock per item (ns)" in made.svg.read_text()
    assert plot_counters._per_item(next(r for r in group.rows if r.block("counters")), "task-clock") == 250.0


def test_every_registered_queue_has_its_own_colour_and_marker():
    import qbclass
    from fixture_parts import TRAITS, traits

    styles = {q: (qbfigure.queue_colour(q), qbfigure.queue_marker(q)) for q in qbfigure.QUEUE_STYLE}
    assert len(set(styles.values())) == len(styles)
    assert set(qbfigure.QUEUE_STYLE) == set(TRAITS) - {"peer_newqueue"}

    class Run:  # what qbclass.panel_class reads of a row
        def __init__(self, queue):
            self.raw, self.reference = {"traits": traits(queue)}, queue.endswith("_ceiling")

    for name, rows in qbclass.by_panel_class([Run(q) for q in qbfigure.QUEUE_STYLE]):
        colours = [qbfigure.queue_colour(q) for q in (r.raw["traits"]["name"] for r in rows)]
        assert len(set(colours)) == len(colours), name
        assert len(rows) <= qbclass.MAX_SERIES, name


def test_counters_that_were_counted_are_drawn(report_dir):
    svg = (report_dir / "2-backpressure-backpressure-counters_per_item.svg").read_text()
    assert "not counted" not in svg and "cycles per item" in svg


def test_titles_name_the_scenario_and_the_machine(report_dir):
    svg = (report_dir / "3-burst-burst-depth_over_time.svg").read_text()
    assert "scenario 'burst'" in svg and "Fixture CPU 9000" in svg and "host fixture-host" in svg


def test_a_figure_script_runs_on_its_own(tmp_path, capsys):
    assert plot_scaling.main([str(FIXTURES / "throughput.json"), "-o", str(tmp_path), "--log-y"]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["run-throughput_vs_consumers.png", "run-throughput_vs_producers.png"]
    assert capsys.readouterr().out.count("\n") == 2
    assert plot_scaling.main([str(FIXTURES / "throughput.json"), "-o", str(tmp_path), "--log-y", "--svg"]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["run-throughput_vs_consumers.png", "run-throughput_vs_consumers.svg",
                       "run-throughput_vs_producers.png", "run-throughput_vs_producers.svg"]
    assert capsys.readouterr().out.count("\n") == 4
    assert not qbfigure.svg_on()  # the option holds for that run alone


def test_a_figure_script_says_when_its_figure_does_not_apply(tmp_path, capsys):
    import plot_lanes

    assert plot_lanes.main([str(FIXTURES / "throughput.json"), "-o", str(tmp_path)]) == 0
    assert "priority_lanes for scenario 'run' not applicable: no priority_lanes run" in capsys.readouterr().out
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_the_report_process_leaves_matplotlib_to_its_workers(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    code = ("import sys; import report; "
            f"assert report.main([{str(FIXTURES / 'throughput.json')!r}, '-o', {str(tmp_path)!r}]) == 0; "
            "assert 'matplotlib' not in sys.modules, 'imported matplotlib'")
    stale = tmp_path / "run-heatmap_items_per_s.svg"  # as an earlier run with --svg left it
    stale.write_text("<svg/>")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "scripts", capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "run-heatmap_items_per_s.png").exists()
    # Without --svg: PNGs alone, no SVG link, and none left from before beside a newer PNG.
    assert not list(tmp_path.glob("*.svg"))
    md = (tmp_path / "report.md").read_text()
    assert "[SVG]" not in md and "figures (PNG in this folder)" in md


def test_a_worker_draws_the_figure_its_script_draws_alone(report_dir, tmp_path):
    assert plot_scaling.main([str(FIXTURES / "throughput.json"), "-o", str(tmp_path)]) == 0
    for kind in plot_scaling.KINDS:
        assert (tmp_path / f"run-{kind}.png").read_bytes() == (report_dir / f"1-throughput-run-{kind}.png").read_bytes()


def _with_backlog(group, queue: str, ratio: float):
    """The group, with every repetition of `queue` at 1x1 marked as the harness marks a backlog."""
    for row in group.rows:
        if row.queue == queue and (row.producers, row.consumers) == (1, 1):
            for rep in row.repetitions:
                rep["backlog"] = {"pushed_per_popped": ratio}
    return group


def test_closed_loop_latency_figures_say_so_and_mark_backlogged_points(tmp_path):
    import plot_latency_bars
    import plot_latency_spectrum
    import qbresults

    group = _with_backlog(qbresults.groups([qbresults.load(FIXTURES / "throughput.json")])[0], "segmented", 3.75)
    with qbfigure.writing_svg():  # the words are read from the SVG
        bars, = plot_latency_bars.make(group, tmp_path)
        spectrum = next(m for m in plot_latency_spectrum.make(group, tmp_path) if m.kind == "latency_spectrum_e2e")
    for made, marks in ((bars, "hatched bars"), (spectrum, "dashed lines")):
        assert "closed loop: includes time queued" in made.title, made.title
        assert made.note.startswith(f"{marks.capitalize()}: 1 point(s) with a backlog"), made.note
        assert "worst segmented p1c1, 3.8x" in made.note
        assert f"{marks}: a backlog" in made.svg.read_text()
    assert 'stroke-dasharray' in spectrum.svg.read_text()  # the backlogged line is dashed


def test_a_paced_run_is_said_to_be_open_loop_and_an_unmarked_one_has_no_backlog_note(tmp_path):
    import plot_latency_bars
    import qbresults

    group = qbresults.groups([qbresults.load(FIXTURES / "throughput.json")])[0]
    made, = plot_latency_bars.make(group, tmp_path)
    assert made.note == "" and "a backlog" not in made.title
    for row in group.rows:
        row.raw["workload"] = {"kind": "paced", "rate_per_s": 100000.0}
    made, = plot_latency_bars.make(group, tmp_path)
    assert "open loop (paced)" in made.title and "closed loop" not in made.title


def test_cpu_cost_marks_each_point_at_its_cpu_per_item_hollow_where_it_slept(tmp_path):
    import plot_cpu_cost
    import qbresults

    group, = qbresults.groups([qbresults.load(FIXTURES / "backpressure.json")])
    rows = {r.queue: r for r in group.rows if r.producers == 2}
    polled, slept = rows["segmented"], rows["mutex_deque"]
    assert plot_cpu_cost.wait_policy(polled) == "pause" and plot_cpu_cost.wait_policy(slept) == "block"
    # In the fixture the polling consumer is busy all its window, the sleeping one 3% of it, and the two
    # producers 20% each in both: 1.4 CPUs against 0.43 at nearly the same rate.
    assert plot_cpu_cost.cpu_ns_per_item(polled) > 2 * plot_cpu_cost.cpu_ns_per_item(slept)
    with qbfigure.writing_svg():
        made, = plot_cpu_cost.make(group, tmp_path)
    svg = made.svg.read_text()
    assert "CPU ns / item" in svg and "items/s" in svg  # both axes say their unit
    assert "slept (block)" in svg and "polled (pause)" in svg


def test_cpu_cost_is_not_drawn_for_results_without_cpu_times(tmp_path):
    import plot_cpu_cost
    import qbresults

    group, = qbresults.groups([qbresults.load(FIXTURES / "throughput.json")])
    made, = plot_cpu_cost.make(group, tmp_path)
    assert made.png is None and "CPU time" in made.why_not
