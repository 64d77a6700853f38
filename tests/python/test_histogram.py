"""The histogram readers agree with the harness: the hdr counts qbench wrote
decode (qbhdr), percentiles computed from them equal the ones it wrote beside
them, and merging a run's repetitions gives the run's summary (qbhist)."""

from __future__ import annotations

import pytest

import qbhdr
import qbhist
from conftest import fixture_doc

CAPTURED = fixture_doc("harness_histograms.json")
HISTOGRAMS = CAPTURED["histograms"]


def _with_buckets(full: dict) -> dict:
    return dict(full, buckets=[list(b) for b in qbhdr.decode(full["hdr"])])


@pytest.mark.parametrize("entry", HISTOGRAMS, ids=[h["from"] for h in HISTOGRAMS])
def test_percentiles_from_the_decoded_counts_equal_the_harness_summary(entry):
    full = entry["histogram"]
    summary = _with_buckets(full)
    assert sum(n for _, n in summary["buckets"]) == full["count"]
    for _, p, key in qbhist.PERCENTILES:
        assert qbhist.percentile(summary, p) == full[key], key


@pytest.mark.parametrize("entry", HISTOGRAMS, ids=[h["from"] for h in HISTOGRAMS])
def test_our_encoder_writes_the_harness_bytes(entry):
    full = entry["histogram"]
    assert qbhdr.encode(qbhdr.decode(full["hdr"])) == full["hdr"]


@pytest.mark.parametrize("entry", CAPTURED["merged"], ids=[m["from"] for m in CAPTURED["merged"]])
def test_merging_the_repetitions_gives_the_harness_run_summary(entry):
    merged = qbhist.merge(entry["repetitions"])
    merged.pop("buckets")
    assert merged == entry["summary"]


def test_bucket_widths_follow_the_layout_in_histogram_hpp():
    assert qbhist.highest_in_bucket(2047) == 2047          # exact below 2048 ns
    assert qbhist.highest_in_bucket(2048) == 2049          # then 2 ns wide
    assert qbhist.highest_in_bucket(4096) == 4099          # 4 ns wide
    assert qbhist.highest_in_bucket(1 << 30) == (1 << 30) + (1 << 20) - 1


def test_hdr_indexes_are_the_buckets_qbhist_describes():
    for index in (0, 1, 1023, 1024, 2047, 2048, 2049, 3071, 3072, 10_000, qbhdr.COUNTS_LEN - 1):
        lowest = qbhdr.lowest_at(index)
        assert qbhdr.index_of(lowest) == index
        assert qbhdr.index_of(qbhist.highest_in_bucket(lowest)) == index
        assert qbhdr.index_of(qbhist.highest_in_bucket(lowest) + 1) == index + 1
    assert qbhdr.index_of(qbhdr.HIGHEST_TRACKABLE_NS) < qbhdr.COUNTS_LEN


@pytest.mark.parametrize("entry", HISTOGRAMS, ids=[h["from"] for h in HISTOGRAMS])
def test_spectrum_rises_and_reaches_the_sample_count(entry):
    summary = _with_buckets(entry["histogram"])
    xs, ys = qbhist.spectrum(summary)
    assert xs[0] == 1.0 and xs[-1] == summary["count"]
    assert all(a <= b for a, b in zip(xs, xs[1:])) and all(a <= b for a, b in zip(ys, ys[1:]))
    assert ys[-1] == summary["max_ns"]


def test_counts_past_int64_merge_and_give_percentiles_exactly():
    half = 1 << 62
    reps = [{"hdr": qbhdr.encode([(100, half), (200, half)]), "count": 2 * half, "min_ns": 100, "max_ns": 200},
            {"hdr": qbhdr.encode([(200, half), (300, half)]), "count": 2 * half, "min_ns": 200, "max_ns": 300}]
    merged = qbhist.merge(reps)
    assert merged["buckets"] == [[100, half], [200, 2 * half], [300, half]]
    assert merged["count"] == 4 * half == sum(n for _, n in merged["buckets"])  # past 2^63: Python ints
    assert (merged["p50_ns"], merged["p90_ns"], merged["p99_99_ns"]) == (200, 300, 300)
    xs, ys = qbhist.spectrum(merged)
    assert xs == [1.0, 4 / 3, 4.0, float(4 * half)] and ys == [100, 200, 300, 300]


@pytest.mark.parametrize("lowest", [1 << 40, (1 << 45) + 7, (1 << 52) - 1, 1 << 52, 1 << 70])
def test_percentiles_of_huge_values_are_their_buckets_highest(lowest):
    summary = {"buckets": [[3000, 1], [lowest, 3]], "min_ns": None, "max_ns": None}
    assert qbhist.percentile(summary, 0.5) == qbhist.highest_in_bucket(lowest)
    assert qbhist.spectrum(summary)[1] == [3001] + [qbhist.highest_in_bucket(lowest)] * 2
