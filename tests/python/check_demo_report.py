#!/usr/bin/python3
"""Checks that the demo reads at a glance, on a real run: the console and
the report of the demo's scenario, as qb demo makes them.

Input: QBENCH, a qbench binary (CTest passes the release build's). It runs
scenarios/quick.json (every queue; shorter windows than the demo's unless
told otherwise), then scripts/report.py on the results. Output: one line per
problem on stderr, exit 1 if any, else one line on stdout and exit 0.
Checked, as a 120-column terminal shows it (COLUMNS=120; the table fits the
terminal's width, and without one, 80 columns): the table is at most 120
columns and at most 14 lines follow it (qb demo adds one, where the report
is; it was 11 before the counters line, which takes up to three of them on
a machine without a PMU, naming the six hardware events it could not
count; the statuses the table shortened, given whole under it, are not
counted); no figure has a layout problem
(tests/python/check_figure_layout.py: legends clear of every panel and
title, queues spanning at least half of each throughput panel); in headless
Chromium at 1366x900 (when /usr/bin/chromium is there), the figure of every
queue on one axis (#fastest-figure) and the per-class verdict table
(#verdict) lie within the first screen, and nothing makes the page scroll
sideways. With --keep DIR the results, the
report and a screenshot of its first screen (first-screen.png) stay in DIR.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(HERE))
import browser_check  # noqa: E402
import check_figure_layout  # noqa: E402
import report  # noqa: E402

WIDTH, LINES_AFTER_TABLE = 120, 14


def console_problems(out: str) -> list[str]:
    lines = out.splitlines()
    problems = [f"console line {i + 1} is {len(line)} columns wide: {line[:60]}..."
                for i, line in enumerate(lines) if len(line) > WIDTH]
    after = next((i for i, line in enumerate(lines) if line.startswith("points: ")), None)
    if after is None:
        problems.append("no summary ('points: ...') after the table")
        return problems
    # The statuses the table shortened, given whole under it, are not counted:
    # a failed point's reason is always said.
    said, status_line = 0, False
    for line in lines[after:]:
        if not line.startswith("  "):
            status_line = line.startswith(("failed", "invalid"))
        said += 0 if status_line else 1
    if said > LINES_AFTER_TABLE:
        problems.append(f"{said} lines after the table, more than {LINES_AFTER_TABLE}; they were:")
        problems += [f"  | {line}" for line in lines[after:]]
    return problems


def first_screen_problems(page: Path, shot: Path) -> list[str]:
    check = browser_check.check_page(page, screenshot=shot)
    height = browser_check.VIEWPORT[1]
    problems = [f"report.html: {e}" for e in check.errors]
    problems += [f"report.html: {wide} (past the window's right edge: the page scrolls sideways)"
                 for wide in check.too_wide]
    for anchor in ("verdict", "fastest-figure"):
        box = check.anchors.get(anchor)
        if box is None:
            problems.append(f"report.html has no #{anchor}")
        elif box["bottom"] > height:
            problems.append(f"report.html: #{anchor} ends at {box['bottom']:.0f} px, below the first {height} px")
    return problems


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("qbench", metavar="QBENCH", help="the qbench binary to run")
    p.add_argument("--duration", default="20ms", help="each repetition's window (the demo's: 50ms)")
    p.add_argument("--warmup", default="10ms", help="each repetition's warm-up (the demo's: 20ms)")
    p.add_argument("--keep", type=Path, metavar="DIR", help="keep the results, report and screenshot here")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qb-demo-check-") as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        results = where / "demo.json"
        cmd = [args.qbench, "run", "--scenario", str(ROOT / "scenarios" / "quick.json"), "--duration",
               args.duration, "--warmup", args.warmup, "--out", str(results), "--force"]
        env = dict(os.environ, COLUMNS=str(WIDTH))
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
        if done.returncode not in (0, 1):  # 1: some point failed or was invalid, which the report shows
            print(f"check_demo_report.py: {' '.join(cmd)}: exit {done.returncode}: {done.stderr[-500:]}",
                  file=sys.stderr)
            return 1
        problems = console_problems(done.stdout)
        if report.main([str(results), "-o", str(where / "report")]) != 0:
            problems.append("report.py failed")
        layout = subprocess.run([sys.executable, str(HERE / "check_figure_layout.py"), str(results),
                                 str(where / "layout")], capture_output=True, text=True, timeout=600)
        if layout.returncode != 0:
            problems += [f"layout: {line}" for line in layout.stdout.splitlines() + layout.stderr.splitlines()]
        if Path(browser_check.CHROMIUM).exists():
            problems += first_screen_problems(where / "report" / "report.html", where / "first-screen.png")
    for line in problems:
        print(f"check_demo_report.py: {line}", file=sys.stderr)
    if problems:
        return 1
    print("check_demo_report.py: ok: the table fits, the summary is short, no figure has a layout problem, and the "
          "figure of every queue and the verdict table are on the first screen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
