"""Whether a measure changed from A to B: medians, change and a Mann-Whitney U test.

Input: the per-repetition values of one measure on each side (items/s, a
repetition's p99, a Google Benchmark iteration's real_time), and which way is
better. Output: a `Change`: the median of each side, B / A - 1, the p value of
a two-sided Mann-Whitney U test (scipy) and a verdict in words. A change
counts as a regression when p < alpha and it goes the wrong way by more than
the threshold: items/s down by more than it, a latency or a time up by more.

One rule decides whether a comparison can be significant at all: the
smallest p the test can give with n_a and n_b values is 2 / C(n_a + n_b, n_a)
(every A below every B, or above: 2 of the equally likely orders when
nothing changed). Where that is not under alpha, no line calls the change
significant, whatever p the test printed; 5 against 5 can (0.0079 < 0.05),
3 against 3 cannot (0.1).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from math import comb

from scipy.stats import mannwhitneyu

import qbformat

WORSE = "WORSE"


def smallest_p(n_a: int, n_b: int) -> float:
    """The smallest p a two-sided Mann-Whitney U test gives with n_a and n_b values."""
    return min(1.0, 2 / comb(n_a + n_b, n_a)) if n_a > 0 and n_b > 0 else 1.0


def reps_to_reach(alpha: float) -> int:
    """The fewest repetitions a side (the same on both) with which p < alpha is possible."""
    n = 1
    while smallest_p(n, n) >= alpha:
        n += 1
    return n


@dataclass
class Change:
    a: float | None  # median of A's values
    b: float | None
    n: tuple[int, int]
    change: float | None  # B / A - 1
    p: float | None  # None below 2 values a side
    verdict: str
    regression: bool = False
    reachable: bool = True  # smallest_p(n) < alpha: the test can call it significant

    @property
    def compared(self) -> bool:
        return self.change is not None

    @property
    def few(self) -> bool:
        """Compared on too few values for p < alpha to be possible (smallest_p)."""
        return self.compared and not self.reachable

    @property
    def ratio(self) -> float | None:
        """B / A of the medians where both are positive (for a geometric mean)."""
        return self.b / self.a if self.compared and self.a > 0 and self.b > 0 else None

    def cells(self) -> list[str]:
        """p, reps A/B and the verdict, as table cells."""
        return ["-" if self.p is None else f"{self.p:.3g}", f"{self.n[0]}/{self.n[1]}", self.verdict]


def judge(xa: list[float], xb: list[float], *, higher_is_better: bool, alpha: float, threshold: float,
          lacking: str = "ok repetition") -> Change:
    """The Change from xa to xb; `lacking` names what an empty side has none of."""
    out = Change(a=statistics.median(xa) if xa else None, b=statistics.median(xb) if xb else None,
                 n=(len(xa), len(xb)), change=None, p=None, verdict="")
    if not xa or not xb or out.a == 0:
        missing = [side for side, x in (("A", xa), ("B", xb)) if not x]
        out.verdict = ("not compared: " + ", ".join(f"{side} has no {lacking}" for side in missing) if missing
                       else "not compared: A's median is 0")
        return out
    out.change = out.b / out.a - 1
    if len(xa) > 1 and len(xb) > 1:
        out.p = float(mannwhitneyu(xa, xb, alternative="two-sided").pvalue)
    out.reachable = smallest_p(len(xa), len(xb)) < alpha
    significant = out.reachable and out.p is not None and out.p < alpha
    worse = -out.change if higher_is_better else out.change  # > 0: B is worse than A
    if significant and worse > threshold:
        out.verdict, out.regression = WORSE, True
    elif significant and worse < -threshold:
        out.verdict = "better"
    elif significant:
        out.verdict = f"significant, within {qbformat.pct(threshold, 0)}"
    elif not out.reachable:
        out.verdict = f"cannot be significant ({len(xa)}/{len(xb)} reps: p >= {smallest_p(len(xa), len(xb)):.2g})"
    else:
        out.verdict = "no significant change"
    return out
