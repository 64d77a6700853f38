"""qb compare for qb_micro's Google Benchmark JSON: benchmark by benchmark.

Input: two qbgbench.Micro (two files, or one file read as two queues) and a
metric: real_time (default) or cpu_time per iteration, lower is better, or
items_per_second, higher is better. Output: report_render blocks: per
benchmark name present on both sides, the median over its iteration runs (one
per --benchmark_repetitions), the change and a two-sided Mann-Whitney U test
over those runs (qbchange), then the geometric mean of the B / A medians.
"""

from __future__ import annotations

import math
import statistics

import qbchange
import qbformat
import qbgbench
import report_render as rr


def names(micro: qbgbench.Micro) -> list[str]:
    return list(dict.fromkeys([*micro.runs, *micro.errors]))


def queues(micro: qbgbench.Micro) -> list[str]:
    """The queues a file measured: qb_micro names each benchmark queue/what."""
    return list(dict.fromkeys(n.split("/", 1)[0] for n in names(micro) if "/" in n))


def pairs_of_files(a: qbgbench.Micro, b: qbgbench.Micro):
    """([(shown name, A's name, B's name)], names in only one file)."""
    in_b = set(names(b))
    common = [(n, n, n) for n in names(a) if n in in_b]
    return common, sorted(set(names(a)) ^ in_b)


def pairs_of_queues(micro: qbgbench.Micro, qa: str, qb: str):
    """([(what, qa/what, qb/what)], names of one queue only), for one file's two queues."""
    rest = {q: [n.split("/", 1)[1] for n in names(micro) if n.startswith(q + "/")] for q in (qa, qb)}
    in_a, in_b = set(rest[qa]), set(rest[qb])
    common = [(r, f"{qa}/{r}", f"{qb}/{r}") for r in rest[qa] if r in in_b]
    only = sorted([f"{qa}/{r}" for r in in_a - in_b] + [f"{qb}/{r}" for r in in_b - in_a])
    return common, only


def compare(a: qbgbench.Micro, b: qbgbench.Micro, pairs, metric: str, alpha: float, threshold: float):
    """[(shown name, Change)]; a benchmark that reported an error says so in its verdict."""
    out = []
    for shown, na, nb in pairs:
        change = qbchange.judge(a.samples(na, metric), b.samples(nb, metric),
                                higher_is_better=qbgbench.METRICS[metric], alpha=alpha, threshold=threshold,
                                lacking=f"iteration run with {metric}")
        errors = [f"{side}: {m.errors[n]}" for side, m, n in (("A", a, na), ("B", b, nb)) if n in m.errors]
        if errors and not change.compared:
            change.verdict = "not compared: " + "; ".join(errors)
        out.append((shown, change))
    return out


def _value(x: float | None, metric: str) -> str:
    return qbformat.si(x) if metric == "items_per_second" else "-" if x is None else f"{x:.4g}"


def blocks(sides: list[str], warnings: list[str], points, only: list[str], metric: str, alpha: float,
           threshold: float) -> list:
    unit = qbgbench.UNITS[metric]
    table = rr.Table(["benchmark", f"A median {metric} ({unit})", f"B median {metric} ({unit})", "change",
                      "p (Mann-Whitney U)", "reps A/B", "verdict"],
                     [[name, _value(c.a, metric), _value(c.b, metric), qbformat.change(c.change), *c.cells()]
                      for name, c in points], align_right={1, 2, 3, 4, 5})
    better = "higher" if qbgbench.METRICS[metric] else "lower"
    out = [rr.Heading(2, "qb_micro comparison"), rr.Bullets(sides), table,
           rr.Para(f"{metric}: {better} is better; one value per iteration run (repetition).")]
    out += [rr.Para(w, warning=True) for w in warnings]
    ratios = [c.ratio for _, c in points if c.ratio is not None]
    if ratios:
        geo = math.exp(statistics.fmean(math.log(x) for x in ratios))
        out.append(rr.Para(f"Geometric mean of B / A medians over {qbformat.plural(len(ratios), 'benchmark')}: "
                           f"{geo:.4f} "
                           f"({qbformat.signed_pct(geo - 1)})."))
    few = [c for _, c in points if c.few]
    if few:
        out.append(rr.Para(f"{len(few)} of {len(points)} benchmarks have too few repetitions for p < {alpha:g} to be "
                           f"possible (the test's smallest p with n a side is 2 / C(2n, n)); rerun with "
                           f"--benchmark_repetitions={qbchange.reps_to_reach(alpha)} or more.", warning=True))
    if only:
        out.append(rr.Para(f"On one side only (not compared): {', '.join(only)}."))
    worse = [name for name, c in points if c.regression]
    out.append(rr.Para(f"{qbformat.plural(len(worse), 'significant regression')} (p < {alpha:g} and worse by more than "
                       f"{qbformat.pct(threshold, 0)})" + (f": {', '.join(worse)}." if worse else ".")))
    return out
