"""Reading the harness's HDR histograms back: merging repetitions' counts, and
percentiles from [[lowest_ns, count]] buckets.

Input: full histograms from results JSON (their "hdr" counts, qbhdr.py), or a
summary with buckets (count, min_ns, max_ns, buckets: what Row.latency gives).
Output: the merged summary with its buckets, percentiles and the percentile
spectrum, computed the way harness/measure/histogram.cpp computes them, so a figure
agrees with the JSON's p50_ns.

Layout (histogram.hpp): values below 2048 ns have buckets of width 1; above,
a bucket whose lowest value has b + 11 bits is 2^b wide.

Buckets are read once into arrays (`Buckets`); every percentile, the
spectrum, the mean and the stddev come from one cumulative pass over them.
Below 2^52 (every count and value a real run records) int64 and float64
arithmetic is exact, so they are the very numbers Python's ints and the
harness's doubles give; anything larger stays in Python ints.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

import qbhdr

SUB_BUCKET_BITS = 11

# The percentiles the harness reports, as (label, fraction, summary key).
PERCENTILES = (("p50", 0.5, "p50_ns"), ("p90", 0.9, "p90_ns"), ("p99", 0.99, "p99_ns"),
               ("p99.9", 0.999, "p99_9_ns"), ("p99.99", 0.9999, "p99_99_ns"))

_EXACT = 1 << 52  # below it an int, and the sum of two, is exact as a float64


def highest_in_bucket(lowest: int) -> int:
    """The largest value the bucket starting at `lowest` holds."""
    b = max(0, lowest.bit_length() - SUB_BUCKET_BITS)
    return lowest + (1 << b) - 1


def _exact(*values) -> bool:
    """Every int among values within 2^52 of zero (a None passes)."""
    return all(-_EXACT < v < _EXACT for v in values if isinstance(v, int))


@dataclass(frozen=True)
class Buckets:
    """Non-empty buckets ascending, as arrays: lowest value (ns) and count;
    total is their exact sum. int64 where the total and every lowest value
    are below 2^52, else Python ints (dtype object): nothing overflows or
    rounds."""

    lowest: np.ndarray
    count: np.ndarray
    total: int

    @classmethod
    def from_pairs(cls, pairs: list[tuple[int, int]]) -> Buckets:
        """From (lowest, count) pairs with counts > 0, in the order given."""
        total = sum(n for _, n in pairs)
        flat = None
        if _exact(total):
            try:
                flat = np.fromiter(itertools.chain.from_iterable(pairs), np.int64, 2 * len(pairs)).reshape(-1, 2)
            except OverflowError:  # a lowest value past int64
                flat = None
            if flat is not None and len(flat) and not _exact(int(flat[:, 0].min()), int(flat[:, 0].max())):
                flat = None
        if flat is None:
            flat = np.array(pairs, dtype=object).reshape(-1, 2)
        return cls(lowest=flat[:, 0], count=flat[:, 1], total=total)

    @classmethod
    def of(cls, summary: dict) -> Buckets:
        """A summary's "buckets", keeping the well-formed ones with a count
        (two ints), sorted as pairs."""
        kept = [(entry[0], entry[1]) for entry in summary.get("buckets") or []
                if isinstance(entry, (list, tuple)) and len(entry) == 2
                and isinstance(entry[0], int) and isinstance(entry[1], int) and entry[1] > 0]
        return cls.from_pairs(sorted(kept))

    @property
    def exact(self) -> bool:
        return self.count.dtype != object

    def highest(self) -> np.ndarray:
        """highest_in_bucket of each bucket."""
        if not self.exact:
            return np.array([highest_in_bucket(v) for v in self.lowest.tolist()], dtype=object)
        bits = np.frexp(self.lowest.astype(np.float64))[1].astype(np.int64)  # int.bit_length, exact below 2^53
        return self.lowest + (np.int64(1) << np.maximum(0, bits - SUB_BUCKET_BITS)) - 1

    def pairs(self) -> list[list[int]]:
        """[[lowest_ns, count], ...] as Python ints."""
        return [[lowest, n] for lowest, n in zip(self.lowest.tolist(), self.count.tolist())]


def _clamped(value: int, min_ns, max_ns) -> int:
    if isinstance(max_ns, int):
        value = min(value, max_ns)
    if isinstance(min_ns, int):
        value = max(value, min_ns)
    return value


def _clamp(values: np.ndarray, min_ns, max_ns) -> np.ndarray:
    """Each value within [min_ns, max_ns], where those are ints."""
    if values.dtype != object and not _exact(min_ns, max_ns):
        values = values.astype(object)
    if isinstance(max_ns, int):
        values = np.minimum(values, max_ns)
    if isinstance(min_ns, int):
        values = np.maximum(values, min_ns)
    return values


def _percentiles(buckets: Buckets, fractions, min_ns, max_ns) -> list[int | None]:
    """The value at each fraction p, None below 1/(1-p) samples (as the harness)."""
    total = buckets.total
    seen = np.cumsum(buckets.count)
    out: list[int | None] = []
    for p in fractions:
        if total == 0 or (p < 1 and total < math.ceil(1 / (1 - p) - 1e-6)):
            out.append(None)
            continue
        rank = max(1, min(total, math.ceil(p * total - 1e-6)))
        at = int(np.searchsorted(seen, rank, side="left"))  # the first bucket where rank samples are seen
        out.append(_clamped(highest_in_bucket(int(buckets.lowest[at])), min_ns, max_ns))
    return out


def percentile(summary: dict, p: float) -> int | None:
    """The value at fraction p, None below 1/(1-p) samples (as the harness)."""
    return _percentiles(Buckets.of(summary), (p,), summary.get("min_ns"), summary.get("max_ns"))[0]


def spectrum_of(buckets: Buckets, min_ns, max_ns) -> tuple[np.ndarray, np.ndarray]:
    """spectrum() of these buckets, clamped to [min_ns, max_ns], as arrays."""
    if not len(buckets.count):
        return np.zeros(0), np.zeros(0, np.int64)
    total = buckets.total
    before = np.cumsum(buckets.count) - buckets.count  # samples in the buckets below each
    xs = (total / (total - before)).astype(np.float64)  # 1/(1-p), exact where one sample is left
    ys = _clamp(buckets.highest(), min_ns, max_ns)
    xs = np.append(xs, max(float(total), xs[-1]))
    ys = np.append(ys, ys[-1:])
    return xs, ys


def spectrum(summary: dict) -> tuple[list[float], list[int]]:
    """Steps of the percentile spectrum: x = 1/(1-p) where each bucket's share
    of the samples starts, y its value in ns; the last step runs on to
    x = count, the deepest percentile that count can resolve. Plot it with
    drawstyle='steps-post' on log-log axes."""
    xs, ys = spectrum_of(Buckets.of(summary), summary.get("min_ns"), summary.get("max_ns"))
    return xs.tolist(), ys.tolist()


def summarize(buckets, *, min_ns: int | None, max_ns: int | None, sum_ns: int | None = None,
              clamped_high: int = 0) -> dict:
    """The harness's summary of these counts (Histogram::summary): mean from
    the exact sum when given, else from bucket middles; stddev around it with
    each value at its bucket's middle; percentiles by the harness's rule.
    `buckets`: (lowest, count) pairs in any order, or a Buckets."""
    if not isinstance(buckets, Buckets):
        buckets = Buckets.of({"buckets": list(buckets)})
    count = buckets.total
    out = {"count": count, "min_ns": None, "mean_ns": None, "stddev_ns": None}
    out.update(zip((key for _, _, key in PERCENTILES),
                   _percentiles(buckets, [p for _, p, _ in PERCENTILES], min_ns, max_ns)))
    out.update(max_ns=None, clamped_high=clamped_high)
    if count:
        middles = (buckets.lowest + buckets.highest()) / 2
        weights = buckets.count.astype(np.float64) if buckets.exact else buckets.count
        # accumulate adds in order, as the harness's loop does (a pairwise sum would round otherwise)
        mean = sum_ns / count if sum_ns is not None else np.add.accumulate(middles * weights)[-1] / count
        squares = np.add.accumulate(weights * (middles - mean) * (middles - mean))[-1]
        out.update(min_ns=min_ns, mean_ns=float(mean), stddev_ns=math.sqrt(squares / count), max_ns=max_ns)
    return out


def merge_buckets(histograms: list[dict]) -> Buckets:
    """The counts of full histograms (count and hdr) added bucket by bucket.
    ValueError for a malformed one, or one whose counts do not sum to its count."""
    decoded = []
    for h in histograms:
        pairs = qbhdr.decode(h.get("hdr"))
        n = sum(c for _, c in pairs)
        if n != h.get("count"):
            raise ValueError(f'"count" is {h.get("count")}, the encoded counts sum to {n}')
        decoded.append(pairs)
    if len(decoded) == 1:
        return Buckets.from_pairs(decoded[0])
    every = Buckets.from_pairs(list(itertools.chain.from_iterable(decoded)))
    if not len(every.count):
        return every
    order = np.argsort(every.lowest, kind="stable")
    lowest, count = every.lowest[order], every.count[order]
    starts = np.flatnonzero(np.concatenate(([True], lowest[1:] != lowest[:-1])))
    return Buckets(lowest=lowest[starts], count=np.add.reduceat(count, starts), total=every.total)


def merged_summary(histograms: list[dict], buckets: Buckets) -> dict:
    """merge() without its "buckets", from their merge_buckets()."""
    filled = [h for h in histograms if h.get("count")]
    lows = [h["min_ns"] for h in filled if isinstance(h.get("min_ns"), int)]
    highs = [h["max_ns"] for h in filled if isinstance(h.get("max_ns"), int)]
    sums = [h.get("sum_ns") for h in histograms]
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
    return out


def merge(histograms: list[dict]) -> dict:
    """Full histograms (count, min_ns, max_ns, sum_ns, clamped_high, hdr) merged
    as the harness merges repetitions (latency.cpp's merge_latency): their
    summary, plus "buckets" [[lowest_ns, count], ...]. ValueError for a
    malformed one."""
    buckets = merge_buckets(histograms)
    out = merged_summary(histograms, buckets)
    out["buckets"] = buckets.pairs()
    return out
