#!/usr/bin/python3
"""Checks the layout of every figure a report draws from a results file.

Input: a qbench results JSON file (RESULTS.json) and a folder (OUTDIR) to
draw into. Output: the figures of every script in report.FIGURE_SCRIPTS, in
OUTDIR, and on stdout one line per layout problem qblayout finds (a legend
over a panel, a panel's title or the figure's title; a throughput panel
whose queues use less than qblayout.MIN_SPAN of its height; ink at the PNG's
edges, something cut off), then a summary.
Exit status 0 when there is none, 1 when there is any, 2 on a bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import qblayout  # noqa: E402
import qbresults  # noqa: E402
import report  # noqa: E402
import report_figures  # noqa: E402


def problems(made) -> list[str]:
    """'<figure file>: <problem>' for each layout problem of the drawn figures."""
    return [f"{m.png.name}: {line}" for m in made if m.png
            for line in qblayout.problems(m.layout) + qblayout.cut_edges(m.png)]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("results", metavar="RESULTS.json", help="qbench results JSON file")
    p.add_argument("outdir", metavar="OUTDIR", type=Path, help="where the figures are drawn")
    args = p.parse_args(argv)
    all_results = qbresults.load_all_or_exit([args.results], "check_figure_layout.py")
    groups = qbresults.groups(all_results)
    try:
        drawn = report_figures.draw_all(groups, report.FIGURE_SCRIPTS, args.outdir, {})
    except qbresults.ResultsError as e:
        print(f"check_figure_layout.py: {e}", file=sys.stderr)
        return qbresults.EXIT_USAGE
    made = [m for g in groups for m in drawn[id(g)]]
    found = problems(made)
    for line in found:
        print(line)
    figures = sum(1 for m in made if m.png)
    print(f"{figures} figures checked, {len(found)} layout problem{'s' if len(found) != 1 else ''}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
