#!/usr/bin/python3
"""Compare two results files (or two queues of one) point by point: did B get slower than A?

Input: A.json and B.json, both qbench results (either may be the journal a
killed sweep left, which the comparison says) or both qb_micro's Google
Benchmark JSON; or one file and --queues QA,QB, which compares queue QB (as B)
against queue QA (as A) in that file. Output: on the terminal (and, with
--markdown FILE, as Markdown) one row per pair of points that measure the same
thing, whatever their run ids say (qbmatch.py gives the rule: the scenario
name, seed, window length and repetitions do not count): the median items/s
of each over its ok repetitions, the change from A to B, and the p value of a
two-sided Mann-Whitney U test over the repetitions' items/s; beside it the
same for the p50, p99 and p99.9 latency of the headline source (e2e, else
pop), each over the repetitions' own percentiles; then the geometric mean of
the B / A medians. For Google Benchmark files, one row per benchmark name,
over its iteration runs' real_time (or --metric). Where the repetitions are
too few for the test to reach p < --alpha at all (its smallest p with n and m
values is 2 / C(n + m, n): 5 a side can reach 0.05, 3 cannot), no line calls
the change significant, and it says how many it takes.

Exit status: 1 when some point is significantly different (p < --alpha) and
worse by more than --threshold: throughput always, latency only with
--latency-gate (tail percentiles of a shared machine move more than its
throughput does, so by default they are shown, not gated); 0 otherwise; 2 for
a usage error, an unusable file, a qbench file beside a Google Benchmark one,
or two files with no point in common (the line says in which keys the
closest two points differ).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import compare_micro
import compare_results
import qbgbench
import qbmatch
import qbresults
import report_render as rr

PROG = "compare.py"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        self.exit(qbresults.EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


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


def _queues(text: str) -> tuple[str, str]:
    names = [n.strip() for n in text.split(",")]
    if len(names) != 2 or not all(names):
        raise argparse.ArgumentTypeError(f"'{text}' is not two queue names, QA,QB")
    if names[0] == names[1]:
        raise argparse.ArgumentTypeError(f"'{text}' names the same queue twice")
    return names[0], names[1]


def _vary(text: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in text.split(","))
    for key in keys:
        if key not in qbmatch.VARY_KEYS and not (key.startswith("workload.") and len(key) > len("workload.")):
            near = difflib.get_close_matches(key, qbmatch.VARY_KEYS, n=1)
            hint = f"did you mean '{near[0]}'? " if near else ""
            raise argparse.ArgumentTypeError(f"'{key}' is not a setting points pair by ({hint}one of "
                                             f"{', '.join(qbmatch.VARY_KEYS)}, workload.KEY)")
    return keys


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description=__doc__.strip().split("\n\n")[0].replace("\n", " "),
                epilog="Points pair by what they measure (queue, producers, consumers, workload and its "
                       "parameters, payload, capacity, placement, wait, payload check, window kind, latency "
                       "mode), not by run id: scenario name, seed, window length and repetitions do not count. "
                       "Exit status: 0 no regression; 1 a significant regression beyond --threshold; "
                       "2 a usage error, an unusable file or no point in common.")
    p.add_argument("a", metavar="A.json", help="the baseline: qbench results, or qb_micro's Google Benchmark JSON")
    p.add_argument("b", metavar="B.json", nargs="?",
                   help="the results to judge against A, of the same kind as A (omit it with --queues)")
    p.add_argument("--queues", type=_queues, metavar="QA,QB",
                   help="compare queue QB against queue QA inside the one file A.json, shape by shape "
                        "(same point but the queue); QA is the baseline")
    p.add_argument("--vary", type=_vary, default=(), metavar="KEY[,KEY]",
                   help="pair points by everything but these settings (e.g. capacity), for an A/B of one setting; "
                        "when the closest points of A and B differ in exactly one setting, that one is varied "
                        "without asking, and the first line says so")
    p.add_argument("--alpha", type=_alpha, default=0.05, help="significance level of the test (default 0.05)")
    p.add_argument("--threshold", type=_percent, default=0.05, metavar="PERCENT",
                   help="a change for the worse (items/s down, latency or time up) must exceed this to count "
                        "as a regression (default 5%%)")
    p.add_argument("--latency-gate", action="store_true",
                   help="qbench files: a significant latency regression (p50, p99 or p99.9 up by more than "
                        "--threshold) also sets exit status 1; without it latency is reported only")
    p.add_argument("--metric", choices=sorted(qbgbench.METRICS),
                   help="Google Benchmark files: what to compare per iteration run (default real_time; "
                        "real_time and cpu_time lower is better, items_per_second higher is better)")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="also write the comparison as Markdown to FILE")
    return p


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return qbresults.EXIT_USAGE


def _side(results, queue: str | None = None) -> str:
    where = f"queue {queue} in {results.path}" if queue else str(results.path)
    return f"{where} ({results.machine}, {results.context.get('date_utc', 'date unknown')})"


def _qbench(args, paths) -> tuple[list, bool] | int:
    """The blocks and whether something regressed, or an exit status."""
    loaded = qbresults.load_all_or_exit(paths, PROG)
    a, b = (loaded[0], loaded[0]) if args.queues else loaded
    by_queue = args.queues is None
    a_rows, b_rows = a.rows, b.rows
    if args.queues:
        present = list(dict.fromkeys(r.queue for r in a.rows))
        missing = [q for q in args.queues if q not in present]
        if missing:
            return _fail(f"--queues: '{missing[0]}' is not a queue in {a.path} (it has {', '.join(present)})")
        a_rows = [r for r in a.rows if r.queue == args.queues[0]]
        b_rows = [r for r in a.rows if r.queue == args.queues[1]]
    vary, varied = args.vary, ""
    pairs, left_a, left_b = qbmatch.pair(a_rows, b_rows, by_queue, vary)
    best = None if pairs or vary else qbmatch.closest(a_rows, b_rows, by_queue)
    if best is not None and len(best[2]) == 1 and qbmatch.auto_varies(best[2][0]):
        # One setting differs and the rest match: the A/B of that setting.
        key = best[2][0]
        vary = (key,)
        pairs, left_a, left_b = qbmatch.pair(a_rows, b_rows, by_queue, vary)
        varied = (f"A and B differ only in {key} ({best[3].get(key, 'unset')} vs {best[4].get(key, 'unset')}): "
                  f"points are paired by everything else, as --vary {key} would.")
    if not pairs:
        what = (f"queues {args.queues[0]} and {args.queues[1]} in {a.path} have no shape in common"
                if args.queues else f"{a.path} and {b.path} have no point in common")
        return _fail(f"{what}: {qbmatch.explain(a_rows, b_rows, by_queue)}")
    points = compare_results.compare(pairs, args.alpha, args.threshold, by_queue)
    if args.queues:
        sides = [f"A: {_side(a, args.queues[0])}", f"B: {_side(a, args.queues[1])}"]
        left = sorted({compare_results.point_name(r, r, False) + f" ({r.queue})" for r in left_a + left_b})
        left_over = f"Run by one of the two queues only (not compared): {', '.join(left)}." if left else ""
    else:
        sides = [f"A: {_side(a)}", f"B: {_side(b)}"]
        left = sorted({r.id for r in left_a} | {r.id for r in left_b})
        left_over = f"In only one of the files (not compared): {', '.join(left)}." if left else ""
    warnings = [f"{side}: {r.path}: {r.recovery.words}." for side, r in (("A", a), ("B", b)) if r.journal]
    if a is not b and a.machine != b.machine:
        warnings.append("A and B come from different machines: a change may be the machine's.")
    out = compare_results.blocks(sides, list(dict.fromkeys(warnings)), points, left_over, args.alpha,
                                 args.threshold, args.latency_gate)
    if varied:
        out.insert(0, rr.Para(varied))
    return out, compare_results.regressed(points, args.latency_gate)


def _micro(args, paths) -> tuple[list, bool] | int:
    try:
        loaded = [qbgbench.load(p) for p in paths]
    except qbresults.ResultsError as e:
        return _fail(str(e))
    metric = args.metric or "real_time"
    a, b = (loaded[0], loaded[0]) if args.queues else loaded
    if args.queues:
        present = compare_micro.queues(a)
        missing = [q for q in args.queues if q not in present]
        if missing:
            return _fail(f"--queues: '{missing[0]}' is not a queue in {a.path} (it has {', '.join(present)})")
        pairs, only = compare_micro.pairs_of_queues(a, *args.queues)
        sides = [f"A: queue {args.queues[0]} in {a.path} ({a.machine})",
                 f"B: queue {args.queues[1]} in {a.path} ({a.machine})"]
    else:
        pairs, only = compare_micro.pairs_of_files(a, b)
        sides = [f"A: {a.path} ({a.machine}, {a.context.get('date', 'date unknown')})",
                 f"B: {b.path} ({b.machine}, {b.context.get('date', 'date unknown')})"]
    if not pairs:
        what = (f"queues {args.queues[0]} and {args.queues[1]} in {a.path}" if args.queues
                else f"{a.path} and {b.path}")
        return _fail(f"{what} have no benchmark name in common")
    points = compare_micro.compare(a, b, pairs, metric, args.alpha, args.threshold)
    warnings = []
    if a is not b and a.machine != b.machine:
        warnings.append("A and B come from different machines: a change may be the machine's.")
    out = compare_micro.blocks(sides, warnings, points, only, metric, args.alpha, args.threshold)
    return out, any(c.regression for _, c in points)


def _print(out: list) -> None:
    for block in out:
        if isinstance(block, rr.Table):
            print(rr.text_table(block))
        elif isinstance(block, rr.Bullets):
            print("\n".join(block.items))
        elif isinstance(block, rr.Para):
            print(("warning: " if block.warning else "") + block.text)


def main(argv=None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.queues and args.b:
        p.error(f"--queues compares two queues inside one file; drop '{args.b}' or --queues")
    if not args.queues and not args.b:
        p.error("needs two files, A.json and B.json, or one file and --queues QA,QB")
    if args.markdown and not args.markdown.parent.resolve().is_dir():
        p.error(f"--markdown: directory '{args.markdown.parent}' does not exist")
    paths = [args.a] + ([args.b] if args.b else [])
    kinds = [qbgbench.kind_of(path) for path in paths]
    if len(set(kinds)) > 1:
        words = {"qbench": "qbench results", "gbench": "Google Benchmark JSON (qb_micro)"}
        return _fail(f"{paths[0]} is {words[kinds[0]]} but {paths[1]} is {words[kinds[1]]}: "
                     "compare two files of one kind")
    if kinds[0] == "gbench" and args.latency_gate:
        p.error("--latency-gate applies to qbench results; Google Benchmark files have no latency")
    if kinds[0] == "qbench" and args.metric:
        p.error(f"--metric {args.metric} applies to Google Benchmark files; {paths[0]} is qbench results")
    made = (_micro if kinds[0] == "gbench" else _qbench)(args, paths)
    if isinstance(made, int):
        return made
    out, regressed = made
    _print(out)
    if args.markdown:
        args.markdown.write_text(rr.markdown(out))
    return 1 if regressed else 0


if __name__ == "__main__":
    sys.exit(main())
