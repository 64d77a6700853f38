"""Reading the harness's HDR histograms back from their [[lowest_ns, count]] buckets.

Input: a histogram summary from results JSON (count, min_ns, max_ns, buckets).
Output: percentiles and the percentile spectrum, computed the way
harness/histogram.cpp computes them, so a figure agrees with the JSON's p50_ns.

Layout (histogram.hpp): values below 2048 ns have buckets of width 1; above,
a bucket whose lowest value has b + 11 bits is 2^b wide.
"""

from __future__ import annotations

import math

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
    for entry in summary.get("buckets") or summary.get("histogram", {}).get("buckets") or []:
        if isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, int) for x in entry) and entry[1] > 0:
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
        xs.append(1.0 / (1.0 - seen / total))
        ys.append(_clamped(highest_in_bucket(lowest), summary))
        seen += n
    if xs:
        xs.append(max(float(total), xs[-1]))
        ys.append(ys[-1])
    return xs, ys
