#!/usr/bin/python3
"""Compare two qbench results files point by point: did B get slower than A?

Input: A.json and B.json, qbench results (either may be the journal a killed
sweep left, which the comparison says). Output: on the terminal (and, with
--markdown FILE, as Markdown) one row per run id present in both: the median
items/s of each over its ok repetitions, the change from A to B, and the p
value of a two-sided Mann-Whitney U test over the repetitions' items/s; then
the geometric mean of the B / A medians. Fewer than 9 repetitions a side are
too few for the test to be significant, and it says so.

Exit status: 1 when some point is significantly different (p < --alpha) and
worse by more than --threshold; 0 otherwise; 2 for a usage error or an
unusable results file.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from pathlib import Path

from scipy.stats import mannwhitneyu

import qbformat
import qbresults
import report_render as rr

MIN_REPS = 9  # below this a side, the test is too weak to call anything significant


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage") from None
    if not 0 <= value < 100:
        raise argparse.ArgumentTypeError(f"'{text}' is not between 0 and 100")
    return value / 100


def _alpha(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not between 0 and 1")
    return value


def compare_point(a: qbresults.Row, b: qbresults.Row, alpha: float, threshold: float) -> dict:
    ra, rb = a.rates, b.rates
    out = {"id": a.id, "a": statistics.median(ra) if ra else None, "b": statistics.median(rb) if rb else None,
           "n": (len(ra), len(rb)), "change": None, "p": None, "verdict": "", "regression": False}
    if not ra or not rb:
        out["verdict"] = "not compared: " + ", ".join(f"{side} has no ok repetition"
                                                       for side, r in (("A", ra), ("B", rb)) if not r)
        return out
    out["change"] = out["b"] / out["a"] - 1
    if len(ra) > 1 and len(rb) > 1:
        out["p"] = float(mannwhitneyu(ra, rb, alternative="two-sided").pvalue)
    significant = out["p"] is not None and out["p"] < alpha
    if significant and out["change"] < -threshold:
        out["verdict"], out["regression"] = "WORSE", True
    elif significant and out["change"] > threshold:
        out["verdict"] = "better"
    elif significant:
        out["verdict"] = f"significant, within {qbformat.pct(threshold, 0)}"
    else:
        out["verdict"] = "no significant change"
    if min(len(ra), len(rb)) < MIN_REPS:
        out["verdict"] += f" (fewer than {MIN_REPS} reps a side)"
    return out


def compare(a: qbresults.Results, b: qbresults.Results, alpha: float, threshold: float):
    b_rows = {r.id: r for r in b.rows}
    points = [compare_point(r, b_rows[r.id], alpha, threshold) for r in a.rows if r.id in b_rows]
    only = sorted({r.id for r in a.rows} ^ set(b_rows))
    return points, only


def blocks(a, b, points, only, alpha: float, threshold: float) -> list:
    table = rr.Table(["run", "A median items/s", "B median items/s", "change", "p (Mann-Whitney U)", "reps A/B",
                      "verdict"],
                     [[p["id"], qbformat.si(p["a"]), qbformat.si(p["b"]), qbformat.signed_pct(p["change"]),
                       "-" if p["p"] is None else f"{p['p']:.3g}", f"{p['n'][0]}/{p['n'][1]}", p["verdict"]]
                      for p in points], align_right={1, 2, 3, 4, 5})
    out = [rr.Heading(2, "qbench comparison"),
           rr.Bullets([f"A: {a.path} ({a.machine}, {a.context.get('date_utc', 'date unknown')})",
                       f"B: {b.path} ({b.machine}, {b.context.get('date_utc', 'date unknown')})"]),
           table]
    out += [rr.Para(f"{side}: {r.path}: {r.recovery.words}.", warning=True)
            for side, r in (("A", a), ("B", b)) if r.journal]
    if a.machine != b.machine:
        out.append(rr.Para("A and B come from different machines: a change may be the machine's.", warning=True))
    ratios = [p["b"] / p["a"] for p in points if p["change"] is not None and p["a"] > 0 and p["b"] > 0]
    if ratios:
        geo = math.exp(statistics.fmean(math.log(x) for x in ratios))
        out.append(rr.Para(f"Geometric mean of B / A medians over {len(ratios)} points: {geo:.4f} "
                           f"({qbformat.signed_pct(geo - 1)})."))
    few = [p for p in points if p["change"] is not None and min(p["n"]) < MIN_REPS]
    if few:
        out.append(rr.Para(f"{len(few)} of {len(points)} points have fewer than {MIN_REPS} repetitions a side: "
                           "too few for significance; rerun with --repetitions 9 or more.", warning=True))
    if only:
        out.append(rr.Para(f"In only one of the files (not compared): {', '.join(only)}."))
    worse = [p["id"] for p in points if p["regression"]]
    out.append(rr.Para(f"{len(worse)} significant regression{'s' if len(worse) != 1 else ''} "
                       f"(p < {alpha:g} and slower by more than {qbformat.pct(threshold, 0)})"
                       + (f": {', '.join(worse)}." if worse else ".")))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("a", metavar="A.json", help="the baseline results")
    p.add_argument("b", metavar="B.json", help="the results to judge against A")
    p.add_argument("--alpha", type=_alpha, default=0.05, help="significance level of the test (default 0.05)")
    p.add_argument("--threshold", type=_percent, default=0.05, metavar="PERCENT",
                   help="a slowdown must exceed this to count as a regression (default 5%%)")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="also write the comparison as Markdown to FILE")
    args = p.parse_args(argv)
    if args.markdown and not args.markdown.parent.resolve().is_dir():
        p.error(f"--markdown: directory '{args.markdown.parent}' does not exist")
    a, b = qbresults.load_all_or_exit([args.a, args.b], "compare.py")
    points, only = compare(a, b, args.alpha, args.threshold)
    if not points:
        print(f"compare.py: {args.a} and {args.b} have no run id in common", file=sys.stderr)
        return qbresults.EXIT_USAGE
    out = blocks(a, b, points, only, args.alpha, args.threshold)
    for block in out:
        if isinstance(block, rr.Table):
            print(rr.text_table(block))
        elif isinstance(block, rr.Bullets):
            print("\n".join(block.items))
        elif isinstance(block, rr.Para):
            print(("warning: " if block.warning else "") + block.text)
    if args.markdown:
        args.markdown.write_text(rr.markdown(out))
    return 1 if any(p["regression"] for p in points) else 0


if __name__ == "__main__":
    sys.exit(main())
