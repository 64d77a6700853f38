"""The Universal Scalability Law fitted to a sweep of thread counts.

Input: a qbresults.Group (its rows), or thread counts and items/s as numbers.
Output: `Fit` records and a report table (`table`); no figure (plot_usl.py
draws them), so this module never imports matplotlib.

The model, for N threads on the side that varies (the other side fixed):

    X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))

lambda is the items/s of one thread, the slope of ideal scaling; sigma (0..1)
is contention, the share of the work that is serialised; kappa (>= 0) is
coherency delay, a cost that grows with every pair of threads. With kappa > 0
throughput peaks at N* = sqrt((1 - sigma) / kappa) and falls beyond it; with
kappa = 0 it levels off toward lambda / sigma and never peaks.

Which rows: points with every repetition ok (status "ok", a median) of the
workloads whose items/s is a throughput: "throughput" and "give_up". A line is
one queue, one side varying (producers at a fixed consumer count, or
consumers at a fixed producer count); per queue and side the line with the
most thread counts is fitted (a tie goes to the smaller fixed count: the
least crowded view of the side that varies). Reference ceilings are fitted
too and marked as such: they say what the machine's counters allow.

How: every ok repetition's items/s is one sample (not only the medians), and
the fit minimises the soft-L1 loss of log(X) residuals (scipy least_squares,
f_scale 0.1, about 10%). In log space a 2x slip counts the same at 1 thread as
at 16; soft-L1 grows only linearly beyond about 10%, so one repetition a noisy
VM slowed 2-8x pulls the curve far less than under least squares: the fit
follows the repetitions' middle, as the median does. Several starting points
are tried and the best kept. lambda is fitted as log(lambda) (so it stays
> 0); sigma is bounded to [0, 1] and kappa to [0, inf). Each parameter
comes with an approximate standard error (the robust residual scale times
(J^T J)^-1 at the solution; N*'s by the delta method): over a short sweep
sigma and kappa trade off against each other, and the words say so.

Thresholds: at least MIN_COUNTS (4) distinct thread counts, one more than the
three parameters. R^2 is computed on the log of the medians per thread count
against the curve; below POOR_R2 (0.8) the words say the fit is poor and the
parameters should not be carried to another machine. A peak beyond the
largest measured count is called an extrapolation; a standard error above
UNCERTAIN (half the value) on kappa or N* calls N* poorly determined.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

import numpy as np

import qbformat

MIN_COUNTS = 4
POOR_R2 = 0.8
FLAT_SPAN = 1.25  # max / min median below which a sweep is called flat
UNCERTAIN = 0.5  # a standard error above half the value: "poorly determined"
KAPPA_ZERO = 1e-9  # a kappa this small is the bound: reported as 0, no peak
LOSS_SCALE = 0.1  # soft-L1 scale, in log(items/s): residuals beyond ~10% count linearly
WORKLOADS = ("throughput", "give_up")
AXES = ("producers", "consumers")
HEADERS = ["queue", "axis", "thread counts", "lambda (items/s per thread)", "sigma (contention, 0-1)",
           "kappa (coherency)", "N* (threads, predicted peak)", "R^2 (log medians)", "verdict"]


@dataclass
class Fit:
    """One line of a sweep and its USL fit; when `fitted` is False the
    parameters are NaN and `verdict` says why not."""

    counts: tuple  # the distinct thread counts, ascending
    medians: tuple  # median items/s at each count
    lows: tuple  # slowest ok repetition at each count
    highs: tuple  # fastest ok repetition at each count
    points: int  # samples fitted (repetitions)
    lam: float = math.nan
    sigma: float = math.nan
    kappa: float = math.nan
    n_star: float = math.nan  # math.inf when kappa is 0
    r2: float = math.nan
    sigma_se: float = math.nan  # approximate standard errors (_covariance)
    kappa_se: float = math.nan
    n_star_se: float = math.nan
    fitted: bool = False
    verdict: str = ""
    queue: str = ""
    axis: str = "producers"  # the side that varies
    fixed: int | None = None  # the other side's thread count
    reference: bool = False
    rows: list = field(default_factory=list, repr=False, compare=False)

    @property
    def other(self) -> str:
        return "consumers" if self.axis == "producers" else "producers"

    @property
    def poor(self) -> bool:
        return self.fitted and not self.r2 >= POOR_R2

    @property
    def uncertain(self) -> bool:
        """kappa or N* has a standard error above UNCERTAIN of its value (never for kappa 0)."""
        return (self.fitted and self.kappa > 0
                and not (self.kappa_se <= UNCERTAIN * self.kappa and self.n_star_se <= UNCERTAIN * self.n_star))

    @property
    def extrapolated(self) -> bool:
        """The predicted peak lies beyond the largest measured count."""
        return self.fitted and math.isfinite(self.n_star) and self.n_star > self.counts[-1]

    def predict(self, n):
        return usl(n, self.lam, self.sigma, self.kappa)


def usl(n, lam, sigma, kappa):
    """X(N) of the Universal Scalability Law; n may be a number or an array."""
    n = np.asarray(n, dtype=float)
    return lam * n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))


def _plural(word: str, n: int) -> str:
    return word if n == 1 else word + "s"


def side(axis: str, n: int) -> str:
    """'1 producer', '4 producers'."""
    return f"{n} {_plural(axis[:-1], n)}"


def _solve(ns: np.ndarray, logx: np.ndarray):
    # scipy where a sweep is fitted: importing it takes a report without one 0.2 s.
    from scipy.optimize import least_squares

    def residuals(p):
        return p[0] + np.log(ns) - np.log1p(p[1] * (ns - 1) + p[2] * ns * (ns - 1)) - logx

    def jacobian(p):
        d = 1.0 + p[1] * (ns - 1) + p[2] * ns * (ns - 1)
        return np.column_stack([np.ones_like(ns), -(ns - 1) / d, -ns * (ns - 1) / d])

    start = float(np.median(logx[ns == ns.min()]) - math.log(ns.min()))
    best = None
    for sigma0 in (0.01, 0.2, 0.7):
        for kappa0 in (1e-6, 1e-3, 3e-2):
            x0 = [start + math.log1p(sigma0 * (ns.min() - 1) + kappa0 * ns.min() * (ns.min() - 1)), sigma0, kappa0]
            got = least_squares(residuals, x0, jac=jacobian, bounds=([-np.inf, 0.0, 0.0], [np.inf, 1.0, np.inf]),
                                loss="soft_l1", f_scale=LOSS_SCALE, x_scale=[1.0, 0.1, 1e-3], method="trf")
            if best is None or got.cost < best.cost:
                best = got
    return best.x, jacobian(best.x), residuals(best.x)


def _covariance(jac: np.ndarray, res: np.ndarray) -> np.ndarray:
    """Approximate covariance of (log lambda, sigma, kappa): the residual
    scale, taken robustly (1.4826 x median |residual|, widened for the three
    parameters spent), squared, times (J^T J)^-1."""
    m = len(res)
    scale = 1.4826 * float(np.median(np.abs(res))) * math.sqrt(m / max(1, m - 3))
    try:
        return np.linalg.inv(jac.T @ jac) * scale ** 2
    except np.linalg.LinAlgError:
        return np.full((3, 3), math.inf)


def _r2(medians, predicted) -> float:
    y, f = np.log(medians), np.log(predicted)
    total = float(np.sum((y - y.mean()) ** 2))
    if total == 0.0:
        return 0.0  # nothing to explain: the curve explains none of it
    return 1.0 - float(np.sum((y - f) ** 2)) / total


def _verdict(f: Fit) -> str:
    unit = f.axis
    lo, hi = f.counts[0], f.counts[-1]
    if f.poor:
        span = max(f.medians) / min(f.medians)
        why = (f"throughput barely changes with {unit} (fastest / slowest median {span:.2f}x), so there is no "
               "shape to fit" if span < FLAT_SPAN else "the medians do not follow the curve")
        return (f"poor fit (R^2 {f.r2:.2f} < {POOR_R2}): {why}; do not carry sigma, kappa or N* to another "
                "machine")
    if not math.isfinite(f.n_star):
        if f.sigma < 0.02:
            head = f"near-linear: sigma {f.sigma:.3f}, kappa 0; no peak predicted"
        else:
            head = (f"contention-limited: sigma {f.sigma:.2f}, kappa 0; no peak predicted, throughput levels off "
                    f"toward lambda / sigma = {qbformat.si(f.lam / f.sigma)} items/s")
        if not 0 < f.kappa_se < math.inf:
            return head
        bound = math.sqrt((1.0 - f.sigma) / (2.0 * f.kappa_se))
        return (f"{head} (though kappa up to {2 * f.kappa_se:.2g}, 2 standard errors, also fits, which would put "
                f"a peak at N = {bound:.0f})")
    where = f"{f.n_star:.1f} {unit}" if f.uncertain else f"{f.n_star:.1f} ± {f.n_star_se:.1f} {unit}"
    if f.n_star > hi:
        peak = f"peak at N* = {where} (beyond the {hi} measured: an extrapolation)"
    elif f.n_star < lo:
        peak = f"N* = {where} lies below the {lo} measured: throughput falls across the whole sweep"
    else:
        peak = f"peak at N* = {where} (within the {lo}-{hi} measured; throughput falls beyond it)"
    if f.uncertain:
        peak += (f"; N* is poorly determined (kappa ± {f.kappa_se / f.kappa:.0%}): over these counts sigma and "
                 "kappa trade off, so measure more thread counts before relying on it")
    contention, coherency = f.sigma * (hi - 1), f.kappa * hi * (hi - 1)
    if coherency > contention:
        return f"coherency-limited: kappa {f.kappa:.2g} (sigma {f.sigma:.2f}); {peak}"
    return f"contention-limited: sigma {f.sigma:.2f} (kappa {f.kappa:.2g}); {peak}"


def fit(ns, xs, *, queue: str = "", axis: str = "producers", fixed: int | None = None,
        reference: bool = False) -> Fit:
    """Fits the USL to samples (ns[i] threads, xs[i] items/s); a thread count
    may have several samples (repetitions). Samples of 0 or fewer items/s are
    left out (a log cannot hold them). Fewer than MIN_COUNTS distinct counts
    give a Fit with fitted False and the reason in `verdict`."""
    pairs = [(int(n), float(x)) for n, x in zip(ns, xs) if x > 0 and n > 0]
    counts = tuple(sorted({n for n, _ in pairs}))
    by_count = {c: [x for n, x in pairs if n == c] for c in counts}
    f = Fit(counts=counts, medians=tuple(statistics.median(by_count[c]) for c in counts),
            lows=tuple(min(by_count[c]) for c in counts), highs=tuple(max(by_count[c]) for c in counts),
            points=len(pairs), queue=queue, axis=axis, fixed=fixed, reference=reference)
    if len(counts) < MIN_COUNTS:
        f.verdict = (f"not fitted: {len(counts)} {_plural(axis[:-1] + ' count', len(counts))}, "
                     f"the fit needs {MIN_COUNTS}")
        return f
    n_arr = np.array([n for n, _ in pairs], dtype=float)
    x, jac, res = _solve(n_arr, np.log([x for _, x in pairs]))
    f.lam, f.sigma, f.kappa = math.exp(x[0]), float(x[1]), float(x[2])
    cov = _covariance(jac, res)
    f.sigma_se, f.kappa_se = (float(math.sqrt(max(0.0, cov[i, i]))) for i in (1, 2))
    if f.kappa < KAPPA_ZERO:
        f.kappa = 0.0
        f.n_star = f.n_star_se = math.inf
    else:
        f.n_star = math.sqrt((1.0 - f.sigma) / f.kappa)
        grad = np.array([-1.0 / (2.0 * f.kappa * f.n_star), -f.n_star / (2.0 * f.kappa)])  # d N* / d(sigma, kappa)
        f.n_star_se = float(math.sqrt(max(0.0, grad @ cov[1:, 1:] @ grad)))
    f.r2 = _r2(np.array(f.medians), f.predict(np.array(counts, dtype=float)))
    f.fitted = True
    f.verdict = _verdict(f)
    return f


def eligible(rows) -> list:
    """The rows a fit may use: every repetition ok, a throughput-like workload."""
    return [r for r in rows if r.status == "ok" and r.median is not None and r.workload in WORKLOADS]


def _best_line(rows, axis: str) -> tuple[int, list]:
    other = "consumers" if axis == "producers" else "producers"
    lines: dict[int, dict[int, object]] = {}
    for r in rows:
        lines.setdefault(getattr(r, other), {}).setdefault(getattr(r, axis), r)
    fixed = min(lines, key=lambda k: (-len(lines[k]), k))
    return fixed, [lines[fixed][n] for n in sorted(lines[fixed])]


def fits(group) -> list[Fit]:
    """Per queue (in the order they appear) and per side, the line with the
    most thread counts, fitted when it has MIN_COUNTS or more; use `.fitted`."""
    rows = eligible(group.rows)
    out = []
    for queue in dict.fromkeys(r.queue for r in rows):
        mine = [r for r in rows if r.queue == queue]
        for axis in AXES:
            fixed, line = _best_line(mine, axis)
            ns, xs = [], []
            for r in line:
                rates = r.rates or [r.median]
                ns += [getattr(r, axis)] * len(rates)
                xs += rates
            f = fit(ns, xs, queue=queue, axis=axis, fixed=fixed, reference=any(r.reference for r in line))
            f.rows = line
            out.append(f)
    return out


def sweep_words(group) -> str:
    """'producers 1, 2, 4; consumers 1, 2, 4': the thread counts of the eligible rows."""
    rows = eligible(group.rows)
    return "; ".join(f"{axis} " + ", ".join(str(n) for n in sorted({getattr(r, axis) for r in rows}))
                     for axis in AXES)


def why_none(group) -> str:
    """Why no line of the group is fitted, in words; "" when one is."""
    rows = eligible(group.rows)
    if not rows:
        return "no throughput or give_up point with every repetition ok"
    if any(f.fitted for f in fits(group)):
        return ""
    return f"no queue has {MIN_COUNTS} thread counts along one axis (this sweep: {sweep_words(group)})"


def _cells(f: Fit) -> list[str]:
    queue = f.queue + (" (reference ceiling)" if f.reference else "")
    axis = f"{f.axis} at {f.other[0].upper()}={f.fixed}"
    counts = ", ".join(str(n) for n in f.counts)
    if not f.fitted:
        return [queue, axis, counts, "-", "-", "-", "-", "-", f.verdict]
    if math.isinf(f.n_star):
        n_star = "none (kappa 0)"
    else:
        notes = [w for w, on in (("poorly determined", f.uncertain), ("extrapolated", f.extrapolated)) if on]
        n_star = f"{f.n_star:.1f}" + ("" if f.uncertain else f" ± {f.n_star_se:.2g}")
        n_star += f" ({'; '.join(notes)})" if notes else ""
    return [queue, axis, counts, qbformat.si(f.lam), f"{f.sigma:.3f} ± {f.sigma_se:.2g}",
            f"{f.kappa:.2g} ± {f.kappa_se:.2g}", n_star, f"{f.r2:.2f}", f.verdict]


def table(group) -> tuple[list[str], list[list[str]]]:
    """HEADERS and the rows of the report's USL table: every fitted line, then
    one row per queue that has none (its longest line, with the reason). When
    no queue is fitted, a single summary row says why (all columns present,
    the reason in the verdict); when the group has no throughput-like point
    at all, no rows."""
    found = fits(group)
    if not eligible(group.rows):
        return list(HEADERS), []
    done = [f for f in found if f.fitted]
    if not done:
        return list(HEADERS), [["all queues", "producers, consumers", sweep_words(group), "-", "-", "-", "-", "-",
                                "not fitted: " + why_none(group)]]
    body = [_cells(f) for f in done]
    fitted_queues = {f.queue for f in done}
    for queue in dict.fromkeys(f.queue for f in found if f.queue not in fitted_queues):
        longest = max((f for f in found if f.queue == queue), key=lambda f: len(f.counts))
        body.append(_cells(longest))
    return list(HEADERS), body
