"""The layout check (qblayout, run by qbfigure.save): every figure the
fixtures draw has no legend over a panel or a title, no squeezed throughput
panel and nothing cut at the PNG's edges, and the check catches a figure
that has them."""

from __future__ import annotations

import dataclasses
import pickle
import struct

import pytest

import qbfigure
import qblayout
import qbresults
from conftest import FIXTURES, REPORT_INPUTS


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> list:
    import report
    import report_figures

    groups = qbresults.groups([qbresults.load(FIXTURES / name) for name in REPORT_INPUTS])
    with qbfigure.writing_svg():  # one test reads a figure's words from its SVG
        drawn = report_figures.draw_all(groups, report.FIGURE_SCRIPTS, tmp_path_factory.mktemp("layout"), {})
    return [m for g in groups for m in drawn[id(g)] if m.png]


def test_no_figure_the_fixtures_draw_has_a_layout_problem(made):
    assert len(made) > 20
    assert [(m.png.name, qblayout.problems(m.layout)) for m in made if qblayout.problems(m.layout)] == []


def test_no_figure_the_fixtures_draw_is_cut_at_an_edge(made):
    assert [(m.png.name, qblayout.cut_edges(m.png)) for m in made if qblayout.cut_edges(m.png)] == []


def test_the_edge_check_finds_a_label_cut_at_the_right_edge(tmp_path):
    plt = qbfigure.pyplot()
    for cut in (False, True):
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.set_xlabel("consumers (threads)")
        fig.text(0.8 if cut else 0.05, 0.5, "MMMMMMMM", fontsize=12)
        fig.savefig(tmp_path / f"cut-{cut}.png", dpi=90)
        plt.close(fig)
        found = qblayout.cut_edges(tmp_path / f"cut-{cut}.png")
        assert (found[0].startswith("cut at the right edge") if cut else found == []), found


def test_every_throughput_panel_uses_at_least_half_its_height(made):
    spans = {m.kind: [s["span"] for s in m.layout["throughput_spans"]] for m in made if m.group.scenario == "run"}
    for kind in ("throughput_by_class", "throughput_vs_producers", "throughput_vs_consumers"):
        assert spans[kind] and min(spans[kind]) >= qblayout.MIN_SPAN, kind


def test_a_layout_record_is_plain_data_a_worker_can_send_back(made):
    for m in made:
        assert set(m.layout) == {"overlaps", "throughput_spans"}
        assert pickle.loads(pickle.dumps(dataclasses.replace(m, group=None))).layout == m.layout


def test_reference_ceilings_have_a_panel_of_their_own(made):
    m, = [m for m in made if m.kind == "throughput_vs_producers" and m.group.scenario == "run"]
    panels = [s["panel"] for s in m.layout["throughput_spans"]]
    assert any(p.startswith("reference ceilings") for p in panels)
    assert all(p.startswith("reference ceilings") or "ceiling" not in p for p in panels)


def test_the_figure_of_every_queue_fits_the_first_screen_and_marks_classes(made):
    m, = [m for m in made if m.kind == "throughput_every_queue"]
    width, height = struct.unpack(">II", m.png.read_bytes()[16:24])
    assert 900 <= width <= 1300 and height <= 300, (width, height)
    svg = m.svg.read_text()
    assert "faa_ceiling" in m.note and "faa_ceiling" not in svg
    assert "bounded MPMC (1)" in svg and "single-ended (MPSC, SPMC, SPSC) (1)" in svg  # classes marked, one axis
    assert len(m.layout["throughput_spans"]) == 1


def test_the_verdict_figure_is_compact(made):
    m, = [m for m in made if m.kind == "throughput_by_class"]
    width, height = struct.unpack(">II", m.png.read_bytes()[16:24])
    assert 900 <= width <= 1300 and height <= 500, (width, height)
    assert "faa_ceiling" in m.note and "faa_ceiling" not in m.svg.read_text()


def _figure(legend_over_panel: bool, far_apart: bool):
    plt = qbfigure.pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
    fig.suptitle("a deliberately bad figure")
    left.plot([1, 2, 4], [1e9, 1.1e9, 1.2e9] if far_apart else [2e6, 3e6, 4e6], color="C0", label="fast")
    left.plot([1, 2, 4], [1e6, 2e6, 3e6], color="C1", label="slow")
    left.set_ylim(bottom=0)
    qbfigure.mark_throughput(left)
    if legend_over_panel:
        left.legend(loc="center", bbox_to_anchor=(1.1, 0.5), fontsize=14)  # across the gap between the panels
    else:
        qbfigure.legend_outside(fig, left.get_lines())
    return fig, left


def test_the_check_finds_a_legend_over_a_panel():
    fig, _ = _figure(legend_over_panel=True, far_apart=False)
    overlaps = qblayout.check(fig)["overlaps"]
    assert "legend of panel 'panel 1' overlaps panel 'panel 1'" in overlaps
    assert "legend of panel 'panel 1' overlaps panel 'panel 2'" in overlaps


def test_the_check_finds_a_legend_over_the_figure_title():
    fig, left = _figure(legend_over_panel=False, far_apart=False)
    fig.legend(handles=left.get_lines(), loc="upper center")
    assert "figure legend 2 overlaps the figure's title" in qblayout.check(fig)["overlaps"]


def test_the_check_finds_a_throughput_panel_squeezed_by_one_series():
    fig, _ = _figure(legend_over_panel=False, far_apart=True)
    layout = qblayout.check(fig)
    assert layout["overlaps"] == []
    (span,) = layout["throughput_spans"]
    assert span["span"] < 0.01
    assert qblayout.problems(layout) == [f"throughput panel 'panel 1' spans {span['span']:.2f} of its height "
                                         f"(< {qblayout.MIN_SPAN})"]


def test_a_well_spread_panel_passes():
    fig, _ = _figure(legend_over_panel=False, far_apart=False)
    assert qblayout.problems(qblayout.check(fig)) == []


def test_a_throughput_axis_turns_logarithmic_where_one_series_would_squeeze_the_rest():
    fig, left = _figure(legend_over_panel=False, far_apart=True)
    qbfigure.throughput_axis(left, "items/s (median)")
    assert left.get_yscale() == "log" and left.get_ylabel() == "items/s, log scale (median)"
    assert qblayout.problems(qblayout.check(fig)) == []
    fig, left = _figure(legend_over_panel=False, far_apart=False)
    qbfigure.throughput_axis(left, "items/s (median)")
    assert left.get_yscale() == "linear" and left.get_ylim()[0] == 0


def test_the_layout_script_lists_each_problem_and_fails(tmp_path, capsys, monkeypatch):
    import check_figure_layout
    import plot_scaling

    def legend_inside(anchor, items, **kw):  # the old placement: over the first panel
        handles = [qbfigure.queue_handles([i])[0] if isinstance(i, str) else i for i in items]
        return anchor.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 1.0))

    monkeypatch.setattr(plot_scaling.qbfigure, "legend_outside", legend_inside)
    assert check_figure_layout.main([str(FIXTURES / "throughput.json"), str(tmp_path / "bad")]) == 1
    out = capsys.readouterr().out
    assert "run-throughput_vs_producers.png: legend of panel" in out
    assert out.splitlines()[-1].endswith(" layout problems") and " 0 layout problems" not in out


def test_the_layout_script_passes_figures_without_problems(tmp_path, capsys):
    import check_figure_layout

    assert check_figure_layout.main([str(FIXTURES / "pingpong.json"), str(tmp_path)]) == 0
    assert capsys.readouterr().out == "1 figures checked, 0 layout problems\n"


def test_the_figure_of_every_queue_keeps_every_class_readable_when_one_class_is_far_ahead(tmp_path):
    import plot_fastest

    group = qbresults.groups([qbresults.load(FIXTURES / "throughput.json")])[0]
    measured = [r for r in group.rows if r.median and not r.reference and r.workload == "throughput"]
    others = max(r.median for r in measured if r.queue != "mpsc_elastic")
    ahead = max(r.median for r in measured if r.queue == "mpsc_elastic")
    scale = others / 0.53 / ahead  # the rest just over half the height: under it once room for names is added
    for row in measured:  # the single-ended class far above the rest, as mpsc_elastic at 4P1C on the VM
        if row.queue == "mpsc_elastic":
            row.raw["aggregate"] = {k: v * scale if k.endswith("_items_per_s") else v for k, v in row.aggregate.items()}
    made, = plot_fastest.make(group, tmp_path)
    assert qblayout.problems(made.layout) == [] and qblayout.cut_edges(made.png) == []
