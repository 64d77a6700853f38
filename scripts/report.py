#!/usr/bin/python3
"""Report on qbench results: every applicable figure, then Markdown and HTML.

Input: one or more qbench results JSON files (RESULTS...), or the journal a
killed sweep left beside its --out (RESULTS.journal), and scripts/claims.json.
Output, in DIR (default plots/<stem of the first RESULTS>): every figure that
the plot_*.py scripts can draw from the results (PNG; SVG too with --svg), report.md
(figures linked) and report.html (one self-contained page, figures embedded as
data: URIs). Both open with the answer: the machine in one line, then per
scenario the verdict (the fastest queue of each class at each shape, its
margin, whether the repetitions overlap), its figure and the warnings, kind by
kind. Then each scenario's figures, its scalability fits and its details
(formula, points, problems, figures that did not apply); what waiting costs,
where a file holds points measured both spinning and blocking (report_waits.py);
the seed articles'
claims measured here (the others in one collapsed line); the machine and which
counters it could count.
Every input is read and checked before anything is written; the figures
are drawn in worker processes, one a CPU (report_figures.py).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import claims
import plot_classes
import plot_counters
import plot_cpu_cost
import plot_depth
import plot_fastest
import plot_heatmap
import plot_lanes
import plot_latency_bars
import plot_latency_spectrum
import plot_rate
import plot_scaling
import plot_sweep
import plot_usl
import qbfigure
import qbresults
import qbusl
import report_figures
import report_render as rr
import report_tables as tables
import report_verdict as verdict
import report_waits

FIGURE_SCRIPTS = (plot_fastest, plot_classes, plot_scaling, plot_usl, plot_heatmap, plot_latency_spectrum, plot_latency_bars, plot_counters, plot_cpu_cost,
                  plot_depth, plot_rate, plot_sweep, plot_lanes)


VERDICT_FIGURE = plot_fastest.KINDS[0]  # every queue on one axis: the first screen's answer across classes


def _machine_line(same_machine: list) -> str:
    ctx = same_machine[0].context
    dates = ", ".join(dict.fromkeys(d for r in same_machine for d in tables.run_dates(r)))  # each date once
    return (f"Machine: {same_machine[0].machine}; {ctx.get('compiler', 'compiler unknown')}, "
            f"{ctx.get('build_type', 'build type unknown')}; run {dates}.")


def _verdict_blocks(group, made, many: bool, first: bool) -> list:
    """The answer first: every queue on one axis (the figure), the fastest of
    each class (the table), the warnings. The first group's figure and table
    get the ids "fastest-figure" and "verdict"."""
    title = "Verdict" + (f": scenario '{group.scenario}' ({group.results.path.name})" if many else "")
    blocks = [rr.Heading(2, title),
              rr.Para("Every queue on one axis; then each class's fastest at each shape, with its margin over the "
                      "runner-up (overlap: a rerun may swap them).")]
    figure = next((m for m in made if m.kind == VERDICT_FIGURE and m.png), None)
    if figure:  # its note in its caption: the first screen has no line to spare
        caption = f"{figure.title}. {figure.note}" if figure.note else figure.title
        blocks.append(rr.Figure(figure.png, caption, anchor="fastest-figure" if first else ""))
    table = verdict.verdict_table(group)
    if isinstance(table[0], rr.Table) and first:
        table[0].anchor = "verdict"
    blocks += table
    blocks += [rr.Heading(3, "Warnings")] + verdict.warnings_summary(group)
    return blocks


def _scenario_blocks(group, made, many_files: bool) -> list:
    sc = group.results.scenario if group.from_file else {}
    title = f"Scenario '{group.scenario}'" + (f" ({group.results.path.name})" if many_files else "")
    blocks = [rr.Heading(2, title)]
    if group.description:
        blocks.append(rr.Para(f"Formula: {group.description}"))
    else:
        blocks.append(rr.Para("Formula: not recorded (a sweep given as command-line flags: P producers push and "
                              "C consumers pop as fast as the queue lets them)."))
    if group.results.journal:
        blocks.append(rr.Para(f"{group.results.recovery.words}; the points that had not run are listed as "
                              "not_run.", warning=True))
    elif group.results.doc.get("interrupted"):
        blocks.append(rr.Para("this sweep was interrupted: the points that had not run are listed as not_run.",
                              warning=True))
    drawn = [m for m in made if m.png and m.kind != VERDICT_FIGURE]
    if drawn:
        blocks.append(rr.Heading(3, "Figures"))
        blocks += [rr.Figure(m.png, m.title, m.note) for m in drawn]
    usl_headers, usl_rows = qbusl.table(group)
    if usl_rows:
        blocks += [rr.Heading(3, "Scalability: the Universal Scalability Law fitted to each sweep"),
                   rr.Para("X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1)): sigma is contention "
                           "(the serial fraction), kappa coherency delay (the cost every pair of threads adds); "
                           "N* = sqrt((1 - sigma) / kappa) is where throughput peaks."),
                   rr.Table(usl_headers, usl_rows)]
        cpus = group.results.context.get("cpus_online")
        crowded = [f.queue for f in qbusl.fits(group)
                   if f.fitted and isinstance(cpus, int) and f.counts[-1] + (f.fixed or 0) > cpus]
        if crowded:
            blocks.append(rr.Para(f"{len(crowded)} of these sweeps run more threads than the {cpus} CPUs online: "
                                  "past that count the fit measures the scheduler's time slicing as much as the "
                                  "queue, so carry sigma and kappa to a bigger machine only from counts that fit "
                                  "in its CPUs.", warning=True))
    facts = [f"scenario {k}: {sc[k]}" for k in ("source", "file") if sc.get(k)]
    facts.append(f"workload: {', '.join(sorted({r.workload for r in group.rows}))}")
    if batch := tables.batch_fact(group):
        facts.append(batch)
    facts += [f"machine: {group.results.machine}"] + tables.run_facts(group.results)
    blocks += [rr.Heading(3, "Details"), rr.Bullets(facts), rr.Heading(4, "Points"), tables.scenario_table(group)]
    if tables.ceiling_fractions(group):
        blocks.append(rr.Para(f"% of {tables.CEILING}: the point's median items/s over the median of "
                              f"{tables.CEILING} at the same producers and consumers in this sweep, where producers "
                              "fetch-add one shared counter and consumers another: the most any queue whose push "
                              "and pop each claim a position from one shared counter per side can move. A reference "
                              "ceiling is never ranked as fastest."))
    extra = tables.workload_tables(group)
    if extra:
        blocks += [rr.Heading(4, "Workload figures")] + extra
    blocks += [rr.Heading(4, "Fastest queue per configuration, every class together")] + tables.fastest_table(group)
    blocks += [rr.Heading(4, "Invalid, failed and skipped points")] + tables.problems_table(group)
    skipped = [m for m in made if not m.png]
    if skipped:
        blocks += [rr.Heading(4, "Figures not applicable"),
                   rr.Bullets([f"{m.kind}: {m.why_not}" for m in skipped])]
    return blocks


def _claims_blocks(claims_doc, all_results) -> list:
    """The claims measured here in a table; the others in one line, listed behind it."""
    found = claims.measure(claims_doc, all_results)
    measured = [m for m in found if m.value is not None]
    unmeasured = [m for m in found if m.value is None]
    blocks = [rr.Heading(2, "Claims against these measurements")]
    if measured:
        headers, rows = claims.table_rows(measured)
        blocks += [rr.Para("Each figure a seed article claims, beside the matching point of these results (same "
                           "queue design, producers and consumers, workload). The ratio is ours divided by theirs; "
                           "the machines differ, so it says how far apart the numbers are, not which is right."),
                   rr.Table(headers, rows, align_right={2, 3, 4})]
    else:
        blocks.append(rr.Para("No claim of the seed articles matches a point of these results."))
    if unmeasured:
        headers, rows = claims.table_rows(unmeasured)
        blocks.append(rr.Details(f"{len(unmeasured)} more claims are not measured in these results (their "
                                 "scenarios were not run); the list, from scripts/claims.json",
                                 [rr.Table(headers[:3] + headers[5:6], [r[:3] + r[5:6] for r in rows])]))
    return blocks


def build(all_results, claims_doc, outdir: Path, log_y: bool = False) -> list:
    groups = qbresults.groups(all_results)
    made = report_figures.draw_all(groups, FIGURE_SCRIPTS, outdir, {plot_scaling: {"log_y": log_y}})
    # Spinning and blocking on one axis, where a file measured both (each group above holds one wait).
    wait_groups = report_waits.figure_groups(all_results)
    made_waits = report_figures.draw_all(wait_groups, (plot_cpu_cost,), outdir, {}) if wait_groups else {}
    count = sum(1 for ms in (*made.values(), *made_waits.values()) for m in ms if m.png)
    machines = tables.machines(all_results)
    blocks = [rr.Heading(1, "qbench report")]
    blocks += [rr.Para(_machine_line(same)) for same in machines]
    blocks += [rr.Para(f"{r.path}: {r.recovery.words}.", warning=True) for r in all_results if r.journal]
    for i, g in enumerate(groups):
        blocks += _verdict_blocks(g, made[id(g)], len(groups) > 1, i == 0)
    for g in groups:
        blocks += _scenario_blocks(g, made[id(g)], len(all_results) > 1)
    blocks += report_waits.blocks(all_results, groups,
                                  {(g.results.path, g.scenario): made_waits[id(g)] for g in wait_groups})
    blocks += _claims_blocks(claims_doc, all_results)
    for same_machine in machines:
        blocks += [rr.Heading(2, f"Machine: {same_machine[0].machine}")] + tables.machine_table(same_machine)
        blocks += [rr.Heading(3, "Counter availability")] + tables.counters_table(same_machine)
    svg = ", and SVG beside them" if qbfigure.svg_on() else ""
    blocks.append(rr.Para(f"Results: {', '.join(str(r.path) for r in all_results)}. {count} figures (PNG{svg} "
                          "in this folder)."))
    return blocks


def _epilog() -> str:
    """The figures, named by each figure script's own docstring, then the exit status."""
    lines = ["Figures, each drawn when the results have data for it:"]
    for script in FIGURE_SCRIPTS:
        first = " ".join(script.__doc__.strip().split("\n\n")[0].split())
        lines += textwrap.wrap(first, 76, initial_indent=f"  {script.__name__}.py: ", subsequent_indent="    ")
    return "\n".join(lines + [
        "",
        "./scripts/qb report runs this script with Debian's python3, with no package",
        "check. Exit status: 0; 2 for a usage error, a file that is not usable qbench",
        "results (not qbench output, truncated, another schema_version, no runs) or an",
        "unusable claims file: one line on stderr says which and why."])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="./scripts/qb report", description=__doc__.strip(), epilog=_epilog(),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", nargs="+", metavar="RESULTS", help="qbench results JSON file(s)")
    p.add_argument("-o", "--out-dir", type=Path, metavar="DIR",
                   help="where the figures and reports go (default: plots/<stem of the first RESULTS>)")
    p.add_argument("--claims", type=Path, default=claims.DEFAULT_CLAIMS, metavar="FILE",
                   help="the seed articles' claims, set beside the measured figures (default: scripts/claims.json)")
    p.add_argument("--log-y", action="store_true", help="throughput figures on a log scale")
    p.add_argument("--svg", action="store_true",
                   help="also write each figure as SVG beside its PNG, text kept as text (a second draw of "
                        "every figure)")
    args = p.parse_args(argv)
    all_results = qbresults.load_all_or_exit(args.results, "report.py")
    try:
        claims_doc = claims.load_claims(args.claims)
    except claims.ClaimsError as e:
        print(f"report.py: {e}", file=sys.stderr)
        return qbresults.EXIT_USAGE
    outdir = args.out_dir or qbfigure.default_out_dir(args.results)
    outdir.mkdir(parents=True, exist_ok=True)
    try:
        with qbfigure.writing_svg(args.svg):
            blocks = build(all_results, claims_doc, outdir, log_y=args.log_y)
    except qbresults.ResultsError as e:  # a histogram's hdr, decoded only when a figure needs it
        print(f"report.py: {e}", file=sys.stderr)
        return qbresults.EXIT_USAGE
    md, page = outdir / "report.md", outdir / "report.html"
    md.write_text(rr.markdown(blocks))
    page.write_text(rr.html_page("qbench report: " + ", ".join(r.stem for r in all_results), blocks))
    print(f"report: {md}\nreport: {page}\nfigures: {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
