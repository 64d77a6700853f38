"""The Universal Scalability Law fit (qbusl.py) recovers known parameters,
says when it cannot, and plot_usl.py draws it only where a fit exists.

Synthetic sweeps are built here, in tmp_path, from the fixture helpers; the
noise is multiplicative and seeded. How well a sweep can pin sigma and kappa
depends on its length and noise (over 1, 2, 4, 8 threads at 3% noise, kappa's
standard error is about its own size), so each test asks what that sweep can
honestly give: the long, quiet sweep its parameters within 10%, the short one
its curve and the admission that N* is not pinned down.
"""

from __future__ import annotations

import json
import math
import random
import statistics

import pytest

import plot_usl
import qbfigure
import qbresults
import qbusl
from conftest import FIXTURES
from fixture_parts import document, run

LAM, SIGMA, KAPPA = 2e6, 0.05, 0.002
N_STAR = math.sqrt((1 - SIGMA) / KAPPA)  # 21.8


def samples(counts, reps, cv, seed, sigma=SIGMA, kappa=KAPPA):
    rng = random.Random(seed)
    ns = [n for n in counts for _ in range(reps)]
    return ns, [float(qbusl.usl(n, LAM, sigma, kappa)) * rng.gauss(1.0, cv) for n in ns]


def group_of(tmp_path, points, queue="segmented", name="sweep"):
    """A results file of throughput runs {(producers, consumers): rates}, loaded as one group."""
    rng = random.Random(0)
    runs = [run(rng, "usl", queue, p, c, rates, latency=(), counted=False) for (p, c), rates in points.items()]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document(runs)))
    return qbresults.groups([qbresults.load(path)])[0]


def producer_points(counts, reps=5, cv=0.01, seed=1):
    ns, xs = samples(counts, reps, cv, seed)
    return {(n, 1): [x for m, x in zip(ns, xs) if m == n] for n in counts}


@pytest.mark.parametrize("seed", range(5))
def test_a_long_quiet_sweep_gives_back_sigma_kappa_and_the_peak_within_10_percent(seed):
    f = qbusl.fit(*samples(range(1, 17), reps=5, cv=0.01, seed=seed))
    assert f.fitted and f.r2 > 0.99
    assert f.sigma == pytest.approx(SIGMA, rel=0.1)
    assert f.kappa == pytest.approx(KAPPA, rel=0.1)
    assert f.n_star == pytest.approx(N_STAR, rel=0.1)
    assert f.lam == pytest.approx(LAM, rel=0.05)
    assert f.extrapolated and "beyond the 16 measured: an extrapolation" in f.verdict


def test_at_3_percent_noise_the_long_sweep_is_unbiased_and_its_errors_cover_the_truth():
    found = [qbusl.fit(*samples(range(1, 17), reps=3, cv=0.03, seed=s)) for s in range(20)]
    assert statistics.median(f.sigma for f in found) == pytest.approx(SIGMA, rel=0.05)
    assert statistics.median(f.kappa for f in found) == pytest.approx(KAPPA, rel=0.05)
    assert statistics.median(f.n_star for f in found) == pytest.approx(N_STAR, rel=0.05)
    covered = [abs(f.kappa - KAPPA) <= 3 * f.kappa_se and abs(f.sigma - SIGMA) <= 3 * f.sigma_se for f in found]
    assert sum(covered) >= 18


@pytest.mark.parametrize("seed", range(5))
def test_a_short_sweep_with_its_peak_inside_gives_back_kappa_and_the_peak(seed):
    f = qbusl.fit(*samples((1, 2, 4, 8), reps=5, cv=0.01, seed=seed, kappa=0.02))
    n_star = math.sqrt((1 - SIGMA) / 0.02)  # 6.9
    assert f.kappa == pytest.approx(0.02, rel=0.1)
    assert f.n_star == pytest.approx(n_star, rel=0.1)
    assert abs(f.sigma - SIGMA) < 0.03  # sigma trades off against kappa over four counts
    assert not f.extrapolated and "within the 1-8 measured" in f.verdict


@pytest.mark.parametrize("seed", range(10))
def test_a_short_sweep_far_from_its_peak_fits_its_points_but_does_not_claim_the_peak(seed):
    f = qbusl.fit(*samples((1, 2, 4, 8), reps=3, cv=0.03, seed=seed))
    assert f.r2 > 0.99
    for n, median in zip(f.counts, f.medians):
        assert float(f.predict(n)) == pytest.approx(median, rel=0.08)
    assert f.kappa_se > 0.25 * KAPPA  # the fit knows kappa is barely seen below 8 threads
    assert "an extrapolation" in f.verdict or "no peak predicted" in f.verdict


def test_three_counts_are_not_fitted_and_say_so():
    f = qbusl.fit(*samples((1, 2, 4), reps=3, cv=0.03, seed=1))
    assert not f.fitted and math.isnan(f.sigma)
    assert f.verdict == "not fitted: 3 producer counts, the fit needs 4"


@pytest.mark.parametrize("shape", ["flat", "random"])
def test_a_flat_or_random_sweep_is_called_a_poor_fit(shape):
    rng = random.Random(3)
    ns = [n for n in range(1, 13) for _ in range(3)]
    xs = ([5e6 * rng.gauss(1, 0.03) for _ in ns] if shape == "flat"
          else [10 ** rng.uniform(5.5, 7.5) for _ in ns])
    f = qbusl.fit(ns, xs)
    assert f.fitted and f.r2 < qbusl.POOR_R2 and f.poor
    assert f.verdict.startswith(f"poor fit (R^2 {f.r2:.2f} < {qbusl.POOR_R2})")
    assert "do not carry" in f.verdict
    if shape == "flat":
        assert "barely changes with producers" in f.verdict


def test_no_peak_is_infinite_and_said_in_words():
    ns = [n for n in range(1, 9) for _ in range(3)]
    f = qbusl.fit(ns, [float(qbusl.usl(n, 1e6, 0.3, 0.0)) for n in ns])
    assert f.kappa == 0.0 and math.isinf(f.n_star)
    assert f.sigma == pytest.approx(0.3, rel=0.01)
    assert f.verdict.startswith("contention-limited: sigma 0.30, kappa 0; no peak predicted")


def test_fits_use_every_ok_repetition_along_the_longest_line_of_each_queue(tmp_path):
    points = producer_points((1, 2, 4, 8, 16))
    points[(2, 2)] = [3e6, 3.1e6, 2.9e6]  # a consumers line of 2 counts at P=2
    found = qbusl.fits(group_of(tmp_path, points))
    by_axis = {f.axis: f for f in found}
    assert by_axis["producers"].fitted and by_axis["producers"].fixed == 1
    assert by_axis["producers"].counts == (1, 2, 4, 8, 16) and by_axis["producers"].points == 25
    assert not by_axis["consumers"].fitted
    assert by_axis["consumers"].verdict == "not fitted: 2 consumer counts, the fit needs 4"


def test_the_table_has_units_and_a_row_per_fitted_line_and_per_unfitted_queue(tmp_path):
    rng = random.Random(0)
    runs = [run(rng, "usl", "segmented", p, 1, rates, latency=(), counted=False)
            for (p, _), rates in producer_points((1, 2, 4, 8, 16)).items()]
    runs += [run(rng, "usl", "mutex_deque", p, 1, [1e6 * p ** 0.5] * 3, latency=(), counted=False) for p in (1, 2, 4)]
    runs += [run(rng, "usl", "faa_ceiling", p, 1, [float(qbusl.usl(p, 5e7, 0.1, 0.0))] * 3, latency=(),
                 counted=False, extra={"reference": True}) for p in (1, 2, 4, 8)]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(document(runs)))
    headers, rows = qbusl.table(qbresults.groups([qbresults.load(path)])[0])
    assert headers[3] == "lambda (items/s per thread)" and "N* (threads" in headers[6]
    assert all(len(r) == len(headers) for r in rows)
    by_queue = {r[0]: r for r in rows}
    assert set(by_queue) == {"segmented", "faa_ceiling (reference ceiling)", "mutex_deque"}
    seg = by_queue["segmented"]
    assert seg[1] == "producers at C=1" and seg[2] == "1, 2, 4, 8, 16"
    assert seg[3].endswith("M") and seg[6].endswith("(extrapolated)")
    assert by_queue["mutex_deque"][8] == "not fitted: 3 producer counts, the fit needs 4"
    assert by_queue["faa_ceiling (reference ceiling)"][6] == "none (kappa 0)"


def test_a_sweep_of_three_counts_gives_one_summary_row():
    group = qbresults.groups([qbresults.load(FIXTURES / "throughput.json")])[0]
    headers, rows = qbusl.table(group)
    assert len(rows) == 1 and len(rows[0]) == len(headers)
    assert rows[0][8] == ("not fitted: no queue has 4 thread counts along one axis "
                          "(this sweep: producers 1, 2, 4; consumers 1, 2, 4)")


def test_no_table_rows_for_a_group_without_a_throughput_point():
    group = qbresults.groups([qbresults.load(FIXTURES / "pingpong.json")])[0]
    assert qbusl.table(group)[1] == []


def test_the_figure_is_drawn_for_a_producer_sweep(tmp_path):
    with qbfigure.writing_svg():  # the SVG keeps the figure's words as text
        made = plot_usl.make(group_of(tmp_path, producer_points((1, 2, 4, 8, 16))), tmp_path / "out")
    assert [m.kind for m in made] == ["usl_fit"]
    assert made[0].png.read_bytes().startswith(b"\x89PNG") and made[0].png.stat().st_size > 5000
    svg = made[0].svg.read_text()
    assert "segmented: sigma 0.0" in svg and "(extrapolated)" in svg and "producers (threads)" in svg


def test_the_figure_does_not_apply_to_a_sweep_of_three_counts(tmp_path):
    group = qbresults.groups([qbresults.load(FIXTURES / "throughput.json")])[0]
    made = plot_usl.make(group, tmp_path)
    assert made[0].png is None
    assert made[0].why_not == ("no queue has 4 thread counts along one axis "
                               "(this sweep: producers 1, 2, 4; consumers 1, 2, 4)")


def test_the_producer_sweep_fixture_has_enough_counts_to_be_fitted(tmp_path):
    group = qbresults.groups([qbresults.load(FIXTURES / "producer_sweep.json")])[0]
    assert plot_usl.make(group, tmp_path)[0].png is not None
