"""Reading the harness's HDR histograms back: merging repetitions' counts, and
percentiles from [[lowest_ns, count]] buckets.

Input: full histograms from results JSON (their "hdr" counts, qbhdr.py), or a
summary with buckets (count, min_ns, max_ns, buckets: what Row.latency gives).
Output: the merged summary with its buckets, percentiles and the percentile
spectrum, computed the way harness/histogram.cpp computes them, so a figure
agrees with the JSON's p50_ns.

Layout (histogram.hpp): values below 2048 ns have buckets of width 1; above,
a bucket whose lowest value has b + 11 bits is 2^b wide.
"""

from __future__ import annotations

import math

import qbhdr

SUB_BUCKET_BITS = 11

# The percentiles the harness reports, as (label, fraction, summary key).
PERCENTILES = (("p50", 0.5, "p50_ns"), ("p90", 0.9, "p90_ns"), ("p99", 0.99, "p99_ns"),
               ("p99.9", 0.999, "p99_9_ns"), ("p99.99", 0.9999, "p99_99_ns"))


def highest_in_bucket(lowest: int) -> int:
    """The largest value the bucket starting at `lowest` holds."""
    b = max(0, lowest.bit_length() - SUB_BUCKET_BITS)
    return lowest + (1 << b) - 1


def _clamped(value: int, summary: dict) -> int:
    lo, hi = summary.get("min_ns"), summary.get("max_ns")
    if isinstance(hi, int):
        value = min(value, hi)
    if isinstance(lo, int):
        value = max(value, lo)
    return value


def _buckets(summary: dict) -> list[tuple[int, int]]:
    out = []
    for entry in summary.get("buckets") or []:
        if (isinstance(entry, (list, tuple)) and len(entry) == 2 and all(isinstance(x, int) for x in entry)
                and entry[1] > 0):
            out.append((entry[0], entry[1]))
    return sorted(out)


def percentile(summary: dict, p: float) -> int | None:
    """The value at fraction p, None below 1/(1-p) samples (as the harness)."""
    buckets = _buckets(summary)
    total = sum(n for _, n in buckets)
    if total == 0 or (p < 1 and total < math.ceil(1 / (1 - p) - 1e-6)):
        return None
    rank = max(1, min(total, math.ceil(p * total - 1e-6)))
    seen = 0
    for lowest, n in buckets:
        seen += n
        if seen >= rank:
            return _clamped(highest_in_bucket(lowest), summary)
    return None


def spectrum(summary: dict) -> tuple[list[float], list[int]]:
    """Steps of the percentile spectrum: x = 1/(1-p) where each bucket's share
    of the samples starts, y its value in ns; the last step runs on to
    x = count, the deepest percentile that count can resolve. Plot it with
    drawstyle='steps-post' on log-log axes."""
    buckets = _buckets(summary)
    total = sum(n for _, n in buckets)
    xs: list[float] = []
    ys: list[int] = []
    seen = 0
    for lowest, n in buckets:
        xs.append(total / (total - seen))  # 1/(1-p), exact where one sample is left
        ys.append(_clamped(highest_in_bucket(lowest), summary))
        seen += n
    if xs:
        xs.append(max(float(total), xs[-1]))
        ys.append(ys[-1])
    return xs, ys


def summarize(buckets, *, min_ns: int | None, max_ns: int | None, sum_ns: int | None = None,
              clamped_high: int = 0) -> dict:
    """The harness's summary of these counts (Histogram::summary): mean from
    the exact sum when given, else from bucket middles; stddev around it with
    each value at its bucket's middle; percentiles by the harness's rule."""
    buckets = sorted((lowest, n) for lowest, n in buckets if n > 0)
    count = sum(n for _, n in buckets)
    out = {"count": count, "min_ns": None, "mean_ns": None, "stddev_ns": None}
    lookup = {"buckets": buckets, "min_ns": min_ns, "max_ns": max_ns}
    out.update({key: percentile(lookup, p) for _, p, key in PERCENTILES})
    out.update(max_ns=None, clamped_high=clamped_high)
    if count:
        middles = [((lowest + highest_in_bucket(lowest)) / 2, n) for lowest, n in buckets]
        mean = sum_ns / count if sum_ns is not None else sum(m * n for m, n in middles) / count
        squares = 0.0
        for middle, n in middles:
            squares += float(n) * (middle - mean) * (middle - mean)
        out.update(min_ns=min_ns, mean_ns=mean, stddev_ns=math.sqrt(squares / count), max_ns=max_ns)
    return out


def merge(histograms: list[dict]) -> dict:
    """Full histograms (count, min_ns, max_ns, sum_ns, clamped_high, hdr) merged
    as the harness merges repetitions (latency.cpp's merge_latency): their
    summary, plus "buckets" [[lowest_ns, count], ...]. ValueError for a
    malformed one."""
    counts: dict[int, int] = {}
    for h in histograms:
        decoded = qbhdr.decode(h.get("hdr"))
        n = sum(c for _, c in decoded)
        if n != h.get("count"):
            raise ValueError(f'"count" is {h.get("count")}, the encoded counts sum to {n}')
        for lowest, c in decoded:
            counts[lowest] = counts.get(lowest, 0) + c
    filled = [h for h in histograms if h.get("count")]
    lows = [h["min_ns"] for h in filled if isinstance(h.get("min_ns"), int)]
    highs = [h["max_ns"] for h in filled if isinstance(h.get("max_ns"), int)]
    sums = [h.get("sum_ns") for h in histograms]
    buckets = sorted(counts.items())
    out = summarize(buckets, min_ns=min(lows, default=None), max_ns=max(highs, default=None),
                    sum_ns=sum(sums) if all(isinstance(x, int) for x in sums) else None,
                    clamped_high=sum(h.get("clamped_high") or 0 for h in histograms))
    if any("negative_clamped" in h for h in histograms):
        out["negative_clamped"] = sum(h.get("negative_clamped") or 0 for h in histograms)
    samples = [h["sample"] for h in histograms if isinstance(h.get("sample"), dict)]
    if samples:  # e2e: counts add up; the periods are the widest any repetition thinned to
        out["sample"] = dict(samples[0])
        for key in ("sampled", "unmatched"):
            out["sample"][key] = sum(x.get(key) or 0 for x in samples)
        for key in ("effective_period", "thinned"):
            out["sample"][key] = max(x.get(key) or 0 for x in samples)
    out["buckets"] = [[lowest, n] for lowest, n in buckets]
    return out
