"""The bucket reader agrees with the harness: percentiles computed from the
[[lowest_ns, count]] buckets equal the ones qbench wrote beside them."""

from __future__ import annotations

import pytest

import qbhist
from conftest import fixture_doc

HISTOGRAMS = fixture_doc("harness_histograms.json")["histograms"]


@pytest.mark.parametrize("entry", HISTOGRAMS, ids=[h["from"] for h in HISTOGRAMS])
def test_percentiles_from_buckets_equal_the_harness_summary(entry):
    summary = entry["summary"]
    for _, p, key in qbhist.PERCENTILES:
        assert qbhist.percentile(summary, p) == summary[key], key


def test_bucket_widths_follow_the_layout_in_histogram_hpp():
    assert qbhist.highest_in_bucket(2047) == 2047          # exact below 2048 ns
    assert qbhist.highest_in_bucket(2048) == 2049          # then 2 ns wide
    assert qbhist.highest_in_bucket(4096) == 4099          # 4 ns wide
    assert qbhist.highest_in_bucket(1 << 30) == (1 << 30) + (1 << 20) - 1


@pytest.mark.parametrize("entry", HISTOGRAMS, ids=[h["from"] for h in HISTOGRAMS])
def test_spectrum_rises_and_reaches_the_sample_count(entry):
    summary = entry["summary"]
    xs, ys = qbhist.spectrum(summary)
    assert xs[0] == 1.0 and xs[-1] == summary["count"]
    assert all(a <= b for a, b in zip(xs, xs[1:])) and all(a <= b for a, b in zip(ys, ys[1:]))
    assert ys[-1] == summary["max_ns"]
