"""The report's "What waiting costs" section: the same point run once
spinning (--wait spin, pause or backoff) and once blocking (--wait block),
side by side.

Input: qbresults.Results (every file of the report) and their groups (for the
collapse marks, report_verdict's). Output: report_render blocks, none when no
file holds two points that differ only in wait. Two points pair when they are
in one results file and every param but wait and block_spin, and the
workload, agree: the ids of a `--wait spin,block` sweep ("NAME.spin/...",
"NAME.block/...") or of two sweeps merged.

Each (results file, scenario) with pairs also gets a qbresults.Group of
every wait's points (figure_groups), for plot_cpu_cost to draw spinning and
blocking on one axis. Per pair: CPU ns per item both ways and the share blocking saves; items/s both
ways (a paced workload's achieved rate, else the median); e2e p50 and p99 both
ways, and what blocking adds to p99 as a ratio and in us; the marks each side
carries. Then one sentence per pair that says it in words.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass

import qbformat
import qbresults
import report_verdict
from report_render import Bullets, Figure, Heading, Para, Table

SPINNING = ("spin", "pause", "backoff")
_NOT_IDENTITY = ("wait", "block_spin")  # what a pair may differ in


@dataclass
class WaitPair:
    spin: object  # qbrow.Row, waiting by polling
    block: object  # qbrow.Row, the same point with --wait block

    @property
    def cpu(self) -> tuple:
        return tuple((r.aggregate or {}).get("median_cpu_ns_per_item") for r in (self.spin, self.block))

    @property
    def cpu_saved(self) -> float | None:
        """The share of the spinning CPU cost per item that blocking saves (negative: costs more)."""
        spin, block = self.cpu
        return 1 - block / spin if _num(spin) and _num(block) and spin > 0 else None

    @property
    def consumer_cpu(self) -> tuple:
        """The consumers' CPU ns per item, each side (the median of its ok
        repetitions): the threads that wait for items, without the producers,
        which in a paced workload poll the clock for their send times."""
        return tuple(role_cpu(r, "consumers") for r in (self.spin, self.block))

    @property
    def consumer_cpu_saved(self) -> float | None:
        spin, block = self.consumer_cpu
        return 1 - block / spin if _num(spin) and _num(block) and spin > 0 else None

    @property
    def rate(self) -> tuple:
        return tuple(items_per_s(r) for r in (self.spin, self.block))

    def e2e(self, key: str) -> tuple:
        return tuple((r.latency_summary("e2e") or {}).get(key) for r in (self.spin, self.block))

    @property
    def p99_ratio(self) -> float | None:
        spin, block = self.e2e("p99_ns")
        return block / spin if _num(spin) and _num(block) and spin > 0 else None

    @property
    def p99_added_ns(self) -> float | None:
        spin, block = self.e2e("p99_ns")
        return block - spin if _num(spin) and _num(block) else None


def _num(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def role_cpu(row, role: str) -> float | None:
    """The median over the row's ok repetitions of one role's CPU ns per item
    (its `cpu.<role>.cpu_ns` over the repetition's items)."""
    values = []
    for rep in row.ok_repetitions:
        ns = ((rep.get("cpu") or {}).get(role) or {}).get("cpu_ns")
        if _num(ns) and _num(rep.get("items")) and rep["items"] > 0:
            values.append(ns / rep["items"])
    return statistics.median(values) if values else None


def items_per_s(row) -> float | None:
    """A paced workload's achieved items/s (the offered rate is the schedule's),
    else the median items/s."""
    achieved = (row.block("workload_metrics") or {}).get("achieved_rate_per_s")
    return achieved if _num(achieved) else row.median


def _identity(row) -> str:
    params = {k: v for k, v in (row.raw.get("params") or {}).items() if k not in _NOT_IDENTITY}
    return json.dumps([params, row.raw.get("workload")], sort_keys=True)


def base_scenario(row) -> str:
    """The row's scenario less the wait its id names ("ingest-cpu.block" -> "ingest-cpu")."""
    suffix = "." + row.wait
    return row.scenario[:-len(suffix)] if row.scenario.endswith(suffix) else row.scenario


def pairs(all_results) -> list[tuple[object, str, list[WaitPair]]]:
    """(results, scenario, pairs) for each results file and scenario with a
    point measured both spinning and blocking, pairs in the order of the
    spinning points; a spinning point with several waits of its own (spin and
    pause) pairs each with the block point."""
    out = []
    for results in all_results:
        by_identity: dict[str, list] = {}
        for row in results.rows:
            if row.status == "ok" and not row.reference:
                by_identity.setdefault(_identity(row), []).append(row)
        by_scenario: dict[str, list[WaitPair]] = {}
        for rows in by_identity.values():
            blocking = next((r for r in rows if r.wait == "block"), None)
            if blocking is None:
                continue
            for spinning in (r for r in rows if r.wait in SPINNING):
                by_scenario.setdefault(base_scenario(spinning), []).append(WaitPair(spinning, blocking))
        out += [(results, name, found) for name, found in by_scenario.items()]
    return out


def figure_groups(all_results) -> list:
    """Per (results file, scenario) with pairs: a Group of the paired points,
    every wait together ("ingest-cpu", prefix "ingest-cpu-every-wait"), which
    the report's groups, one wait each, never are."""
    out = []
    for results, scenario, found in pairs(all_results):
        rows = list({id(r): r for w in found for r in (w.spin, w.block)}.values())
        prefix = f"{qbresults._slug(scenario)}-every-wait"
        if len(all_results) > 1:
            prefix = f"{all_results.index(results) + 1}-{qbresults._slug(results.stem)}-{prefix}"
        out.append(qbresults.Group(results=results, scenario=scenario, rows=rows, prefix=prefix))
    return out


def _marks(row, collapsed: set) -> str:
    kinds = sorted({report_verdict.warning_kind(w) for w in row.raw.get("warnings") or []} - {"other"})
    if id(row) in collapsed:
        kinds.insert(0, "collapse")
    return ", ".join(kinds) or "-"


def _us(ns, digits: int = 1) -> str:
    return f"{ns / 1000:,.{digits}f}" if _num(ns) else "-"


def _cpu(x) -> str:
    return f"{x:,.0f}" if _num(x) else "-"


def _shape(row) -> str:
    return f"{row.producers}P {row.consumers}C"


def table(found: list[WaitPair], collapsed: set) -> Table:
    body = []
    for w in found:
        s, b = w.spin, w.block
        ratio, added = w.p99_ratio, w.p99_added_ns
        body.append([s.queue, _shape(s), s.wait, _cpu(w.cpu[0]), _cpu(w.cpu[1]),
                     qbformat.pct(w.cpu_saved, 0) if w.cpu_saved is not None else "-",
                     _cpu(w.consumer_cpu[0]), _cpu(w.consumer_cpu[1]),
                     qbformat.pct(w.consumer_cpu_saved, 0) if w.consumer_cpu_saved is not None else "-",
                     qbformat.si(w.rate[0]), qbformat.si(w.rate[1]),
                     _us(w.e2e("p50_ns")[0]), _us(w.e2e("p50_ns")[1]), _us(w.e2e("p99_ns")[0]), _us(w.e2e("p99_ns")[1]),
                     f"{ratio:.2f}x" if ratio is not None else "-", f"{added / 1000:+,.1f}" if added is not None else "-",
                     f"{_marks(s, collapsed)} / {_marks(b, collapsed)}"])
    head = ["queue", "shape (producers, consumers)", "spinning wait", "CPU spinning (ns/item)",
            "CPU blocking (ns/item)", "CPU blocking saves (% of spinning)", "consumers' CPU spinning (ns/item)",
            "consumers' CPU blocking (ns/item)", "consumers' CPU blocking saves (% of spinning)", "spinning (items/s)",
            "blocking (items/s)", "e2e p50 spinning (us)", "e2e p50 blocking (us)", "e2e p99 spinning (us)",
            "e2e p99 blocking (us)", "p99 blocking / spinning (x)", "p99 blocking - spinning (us)",
            "marks spinning / blocking"]
    return Table(head, body, align_right=set(range(3, 17)))


def sentence(w: WaitPair) -> str:
    """The pair in words: "QUEUE 2P 4C: spinning (spin) costs X CPU-ns per
    item, blocking saves Y% of it (or costs Y% more) and adds Z us to p99
    (or takes Z us off it) (R x)"."""
    s = w.spin
    cpu, saved = w.cpu[0], w.cpu_saved
    said = f"{s.queue} {_shape(s)}: spinning ({s.wait}) "
    said += f"costs {_cpu(cpu)} CPU-ns per item" if _num(cpu) else "has no CPU figure"
    if saved is not None:
        said += (f", blocking saves {qbformat.pct(saved, 0)} of it" if saved >= 0
                 else f", blocking costs {qbformat.pct(-saved, 0)} more")
    consumers, consumers_saved = w.consumer_cpu, w.consumer_cpu_saved
    if _num(consumers[0]) and _num(consumers[1]):
        said += f" (the consumers' own: {_cpu(consumers[0])} spinning, {_cpu(consumers[1])} blocking"
        said += f", {qbformat.pct(consumers_saved, 0)} saved)" if consumers_saved is not None and consumers_saved >= 0 else ")"
    added, ratio = w.p99_added_ns, w.p99_ratio
    if added is None:
        return said + "; e2e p99 was not recorded both ways."
    verb = f"adds {_us(added)} us to" if added >= 0 else f"takes {_us(-added)} us off"
    return f"{said} and {verb} p99 ({ratio:.2f}x)." if ratio is not None else f"{said} and {verb} p99."


def blocks(all_results, groups, figures: dict | None = None) -> list:
    """The section, or [] when no file holds a point measured both ways.
    figures: (results path, scenario) -> the Made records drawn for
    figure_groups' group of that scenario."""
    found = pairs(all_results)
    if not found:
        return []
    figures = figures or {}
    collapsed = {id(r) for g in groups for r in report_verdict.collapsed_rows(g)}
    out = [Heading(2, "What waiting costs"),
           Para("Each point measured twice, its threads waiting on a full or empty queue by polling (spin: a PAUSE "
                "per try while each thread has a CPU, else backing off to yields; pause; backoff) and by sleeping "
                "(--wait block: the queue's own blocking calls, else the harness's event count). CPU: the threads' "
                "CPU time in the window over the items moved (median of the repetitions); the consumers' CPU is "
                "theirs alone, the side that waits for items: a paced workload's producers poll the clock for "
                "their send times whatever the wait, so on a machine with fewer CPUs than threads they take "
                "whatever CPU the consumers leave, and all threads' CPU per item stays near the machine's. items/s: a paced "
                "workload's achieved rate, else the median. e2e: push to pop, from the intended send time where "
                "the workload is paced; elsewhere closed loop, so it includes the time an item queued behind "
                "others (the unbalanced mark says where that is most of it). What blocking adds to p99 is blocking's p99 over spinning's (x) and "
                "blocking's less spinning's (us; negative: blocking's is lower). Marks: each side's warnings, "
                f"spinning / blocking (collapse: under 1/{report_verdict.COLLAPSE} of the queue's best shape in "
                "its sweep; starved, oversubscribed, unbalanced, noisy, saturated: as under Warnings).")]
    for results, scenario, found_here in found:
        title = f"Scenario '{scenario}'" + (f" ({results.path.name})" if len(all_results) > 1 else "")
        out += [Heading(3, title), table(found_here, collapsed), Bullets([sentence(w) for w in found_here])]
        out += [Figure(m.png, m.title, m.note) for m in figures.get((results.path, scenario), []) if m.png]
    return out
