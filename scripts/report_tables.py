"""The report's tables: the machine, each scenario's points, the workloads'
own figures, the fastest queue per configuration, the points that were not
measured, and which counters the machine could count.

Input: qbresults.Results and qbresults.Group. Output: report_render blocks.
"""

from __future__ import annotations

import qbformat
from report_render import Para, Table

HEADLINE_SOURCES = ("e2e", "pop")  # as qbench's own table: end-to-end, else sampled try_pop
CEILING = "faa_ceiling"  # the ceiling every queue is read against (issue: peers)


def _context_facts(ctx: dict) -> list[tuple[str, str]]:
    topo = ctx.get("topology") if isinstance(ctx.get("topology"), dict) else {}
    kernel = ctx.get("kernel") if isinstance(ctx.get("kernel"), dict) else {}
    clock = ctx.get("clock") if isinstance(ctx.get("clock"), dict) else {}
    sanitizer = f", sanitizer {ctx['sanitizer']}" if ctx.get("sanitizer") else ""
    fallback = f" ({clock['fallback_reason']})" if clock.get("fallback_reason") else ""
    return [
        ("topology", ", ".join(f"{k} {topo[k]}" for k in ("packages", "cores", "pus", "numa_nodes", "smt")
                               if k in topo) or "-"),
        ("kernel", " ".join(str(kernel.get(k, "")) for k in ("sysname", "release", "machine")).strip() or "-"),
        ("compiler, flags", f"{ctx.get('compiler', '-')}, {ctx.get('cxx_flags', '-')}"),
        ("build type", f"{ctx.get('build_type', '-')}{sanitizer}"),
        ("clock", f"{clock.get('source', '-')}{fallback}"),
        ("git sha", str(ctx.get("git_sha", "-"))),
    ]


def machines(all_results) -> list[list]:
    """The results files grouped by the machine and build that made them."""
    by_key: dict[tuple, list] = {}
    for results in all_results:
        key = (results.machine, *(v for _, v in _context_facts(results.context)))
        by_key.setdefault(key, []).append(results)
    return list(by_key.values())


def machine_table(same_machine: list) -> list:
    """One machine and build, and every results file made on it."""
    ctx = same_machine[0].context
    rows = [["results files", ", ".join(str(r.path) for r in same_machine)],
            ["machine", same_machine[0].machine]] + [list(f) for f in _context_facts(ctx)]
    blocks = [Table(["property", "value"], rows)]
    if ctx.get("sanitizer") or str(ctx.get("build_type", "Release")).lower() not in ("release", ""):
        blocks.append(Para("these results come from a debug or sanitizer build: they are not measurements.",
                           warning=True))
    return blocks


def _sources(results) -> list[dict]:
    """The runs a file's runs came from: context.merged_from (qb merge), else its own context."""
    merged = results.context.get("merged_from")
    return [s for s in merged if isinstance(s, dict)] if isinstance(merged, list) else [results.context]


def run_dates(results) -> list[str]:
    return [str(s.get("date_utc") or "date unknown") for s in _sources(results)]


def run_facts(results) -> list[str]:
    """When and how one results file was made (each of its sources, when merged)."""
    facts = [f"results: {results.path} ({', '.join(run_dates(results))})"]
    for source in _sources(results):
        origin = f" ({source['path']})" if "merged_from" in results.context else ""
        facts.append(f"command line{origin}: " + (" ".join(str(a) for a in source.get("command_line") or []) or "-"))
    return facts


def batch_fact(group) -> str | None:
    """A scenario's batch in words, when its calls moved more than one item:
    the size, and which queues used their own bulk calls and which the
    harness's loop of single calls. None for a group of single calls."""
    batched = [r for r in group.rows if r.batch > 1 and not r.reference]
    if not batched:
        return None
    sizes = ", ".join(str(b) for b in sorted({r.batch for r in batched}))
    fact = f"batch: up to {sizes} items a push or pop call (--batch; items/s counts items)"
    for kind, words in (("native", "the queue's own bulk calls"), ("looped", "a loop of single calls")):
        queues = sorted({r.queue for r in batched if r.batch_kind == kind})
        if queues:
            fact += f"; {words}: {', '.join(queues)}"
    return fact


def headline(row) -> tuple[str, dict] | None:
    for source in HEADLINE_SOURCES:
        summary = row.latency_summary(source)
        if summary:
            return source, summary
    return None


def ceiling_fractions(group) -> dict[str, float]:
    """Each run's median items/s as a fraction of the FAA ceiling's median at
    the same producers, consumers, payload and workload, measured in the same
    results file (so on the same machine, in the same sweep)."""
    ceilings = {(r.producers, r.consumers, r.payload_bytes, r.workload): r.median for r in group.rows
                if r.queue == CEILING and r.median}
    out = {}
    for r in group.rows:
        ceiling = ceilings.get((r.producers, r.consumers, r.payload_bytes, r.workload))
        if ceiling and r.median is not None:
            out[r.id] = r.median / ceiling
    return out


def scenario_table(group) -> Table:
    sources = {h[0] for h in map(headline, group.rows) if h}
    label = "/".join(sorted(sources, key=HEADLINE_SOURCES.index)) or "e2e"
    fractions = ceiling_fractions(group)
    # Only where some point measured it: files from before qbench did have no column for it.
    cpu = any(isinstance((r.aggregate or {}).get("median_cpu_ns_per_item"), (int, float)) for r in group.rows)
    rows = []
    for r in group.rows:
        agg = r.aggregate or {}
        h = headline(r)
        lat = " / ".join(qbformat.ns(h[1].get(k)) for k in ("p50_ns", "p99_ns", "p99_9_ns")) if h else "-"
        status = r.status if not r.reason else f"{r.status}: {r.reason}"
        rows.append([r.queue, str(r.producers), str(r.consumers), qbformat.si(r.median),
                     f"{qbformat.si(agg.get('min_items_per_s'))} - {qbformat.si(agg.get('max_items_per_s'))}"
                     if agg else "-", qbformat.pct(agg.get("cv")) if agg else "-", lat, status])
        if cpu:
            per_item = agg.get("median_cpu_ns_per_item")
            rows[-1].insert(6, f"{per_item:,.1f}" if isinstance(per_item, (int, float)) else "-")
        if fractions:
            rows[-1].insert(4, qbformat.pct(fractions.get(r.id), 0))
    head = ["queue", "P", "C", "median items/s", "min - max items/s", "CV",
            f"p50 / p99 / p99.9 {label} latency (ns)", "status"]
    if cpu:
        head.insert(6, "CPU ns/item (median)")
    if fractions:
        head.insert(4, f"% of {CEILING} (same P, C)")
    return Table(head, rows, align_right=set(range(1, len(head) - 1)))


# Scalar workload_metrics keys, in table order, with their heading and format.
_METRICS = (
    ("target_rate_per_s", "target items/s", qbformat.si),
    ("offered_rate_per_s", "offered items/s", qbformat.si),
    ("achieved_rate_per_s", "achieved items/s", qbformat.si),
    ("max_lag_ns", "max lag", qbformat.duration),
    ("saturated", "saturated", lambda v: "yes" if v else "no"),
    ("soft_capacity", "soft capacity (items)", qbformat.si),
    ("rejections", "rejections", lambda v: f"{v:,.0f}"),
    ("max_depth", "max depth (items)", qbformat.si),
    ("backpressure_threshold", "backpressure threshold", qbformat.pct),
    ("backpressure_fraction", "time above threshold", qbformat.pct),
    ("give_up_after", "give up after (attempts)", lambda v: f"{v:,.0f}"),
    ("attempted", "attempted", lambda v: f"{v:,.0f}"),
    ("given_up", "given up", lambda v: f"{v:,.0f}"),
    ("delivered", "delivered", lambda v: f"{v:,.0f}"),
    ("success_rate", "success rate", lambda v: qbformat.pct(v, 2)),
    ("burst_items", "burst (items)", lambda v: f"{v:,.0f}"),
    ("idle_ms", "idle (ms)", lambda v: f"{v:g}"),
)


def workload_tables(group) -> list:
    blocks = []
    rows = [r for r in group.rows if r.block("workload_metrics")]
    keys = [(k, head, f) for k, head, f in _METRICS if any(k in r.block("workload_metrics") for r in rows)]
    if keys:
        body = []
        for r in rows:
            m = r.block("workload_metrics")
            body.append([r.queue, str(r.producers), str(r.consumers), r.workload]
                        + [f(m[k]) if m.get(k) is not None else "-" for k, _, f in keys])
        blocks.append(Table(["queue", "P", "C", "workload"] + [h for _, h, _ in keys], body,
                            align_right=set(range(1, 3)) | set(range(4, 4 + len(keys)))))
    blocks += _lanes_table(group) + _pingpong_table(group)
    return blocks


def _lanes_table(group) -> list:
    body = []
    for r in group.rows:
        policy = (r.block("workload_metrics") or {}).get("policy") or r.workload_params.get("policy") or "-"
        for lane in r.lanes():
            lat = lane.get("latency") or {}
            body.append([r.queue, str(r.producers), str(r.consumers), str(policy), str(lane.get("name", "?")),
                         qbformat.si(lane.get("soft_capacity")), qbformat.si(lane.get("offered")),
                         qbformat.si(lane.get("rejected")), qbformat.si(lane.get("delivered")),
                         "yes" if lane.get("starved") else "no",
                         " / ".join(qbformat.ns(lat.get(k)) for k in ("p50_ns", "p99_ns", "p99_9_ns"))])
    if not body:
        return []
    return [Table(["queue", "P", "C", "policy", "lane", "soft capacity", "offered", "rejected", "delivered",
                   "starved", "p50 / p99 / p99.9 latency (ns)"], body, align_right={1, 2, 5, 6, 7, 8, 10})]


def _pingpong_table(group) -> list:
    body = []
    for r in group.rows:
        pp = r.block("pingpong")
        if not pp:
            continue
        rt = pp.get("round_trip") or {}
        body.append([r.queue, ",".join(str(c) for c in pp.get("cpus", [])), f"{pp.get('round_trips', 0):,}",
                     " / ".join(qbformat.ns(rt.get(k)) for k in ("p50_ns", "p99_ns", "p99_9_ns", "max_ns")),
                     qbformat.ns(pp.get("one_way_estimate_ns")), str(pp.get("mismatches", "-")),
                     pp.get("status", "-") + (f": {pp['failure']}" if pp.get("failure") else "")])
    if not body:
        return []
    return [Table(["queue", "CPUs", "round trips", "round trip p50 / p99 / p99.9 / max (ns)",
                   "one-way estimate (ns)", "mismatches", "status"], body, align_right={2, 3, 4, 5})]


def fastest_table(group) -> list:
    """Per P x C, the queue with the best median, and whether its slowest
    repetition still beat the runner-up's fastest (else the ranges overlap).
    Reference ceilings are limits, not queues: they are not ranked."""
    by_config: dict[tuple[int, int], list] = {}
    for r in group.rows:
        if r.median is not None and not r.reference:
            by_config.setdefault((r.producers, r.consumers), []).append(r)
    body = []
    for (p, c), rows in sorted(by_config.items()):
        rows.sort(key=lambda r: r.median, reverse=True)
        best = rows[0]
        if len(rows) == 1:
            body.append([f"p{p}c{c}", best.queue, qbformat.si(best.median), "-", "-", "only queue measured"])
            continue
        second = rows[1]
        clear = best.aggregate["min_items_per_s"] > second.aggregate["max_items_per_s"]
        body.append([f"p{p}c{c}", best.queue, qbformat.si(best.median), second.queue,
                     f"{best.median / second.median:.2f}x",
                     "yes" if clear else "no: the min-max ranges overlap"])
    if not body:
        return [Para("No configuration has a valid median.")]
    return [Table(["P x C", "fastest", "median items/s", "runner-up", "fastest / runner-up",
                   "slowest rep beats runner-up's fastest"], body, align_right={2, 4})]


def problems_table(group) -> list:
    body = [[r.id, r.status, r.reason or "-"] for r in group.rows if r.status != "ok"]
    if not body:
        return [Para("Every point is valid.")]
    return [Table(["run", "status", "why"], body)]


def counters_table(same_machine: list) -> list:
    """Per perf event: in how many runs of these files each status occurred, and
    why (a run's reason, or the one context.counters gives for all its runs)."""
    seen: dict[str, dict[str, int]] = {}
    reasons: dict[str, str] = {}
    for r in (row for results in same_machine for row in results.rows):
        for name in (r.block("counters") or {}).get("events") or {}:
            info = r.counter_event(name)
            if not isinstance(info, dict):
                continue
            status = str(info.get("status", "?"))
            seen.setdefault(name, {}).setdefault(status, 0)
            seen[name][status] += 1
            if status != "ok" and info.get("reason"):
                reasons.setdefault(name, str(info["reason"]))
    if not seen:
        return [Para("No counters were recorded (--counters none, or no valid run).")]
    body = [[name, ", ".join(f"{s} in {n} run{'s' if n != 1 else ''}" for s, n in sorted(statuses.items())),
             reasons.get(name, "-")] for name, statuses in sorted(seen.items())]
    return [Table(["event", "status", "why not counted"], body)]
