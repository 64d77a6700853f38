"""The one loader of qbench results JSON (schema_version 1).

Input: a file written by `qbench run --out` (or `qbench pingpong --out`).
Output: a `Results` object whose `rows` are its runs flattened to `Row`s, one
per point, and `groups()` that splits rows by (results file, scenario).

Every way a file can be unusable (unreadable, empty, truncated, not JSON, not
qbench's, another schema_version, no runs) raises `ResultsError` with a
one-line message; `load_all_or_exit` turns that into `prog: message` on stderr
and exit status 2 before the caller has written anything.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA_VERSION = 1
EXIT_USAGE = 2


class ResultsError(Exception):
    """A results file that cannot be used; str() is one line naming the file."""


@dataclass
class Row:
    """One run (point) of one results file, with the keys scripts use most."""

    results: Results = field(repr=False)
    raw: dict = field(repr=False)
    id: str
    scenario: str
    queue: str
    producers: int
    consumers: int
    status: str
    reason: str
    workload: str
    workload_params: dict

    @property
    def aggregate(self) -> dict | None:
        agg = self.raw.get("aggregate")
        return agg if isinstance(agg, dict) else None

    @property
    def reference(self) -> bool:
        """A reference ceiling (faa_ceiling, cas_ceiling): a machine limit run
        like a queue, drawn and tabled beside the queues but never ranked."""
        return self.raw.get("reference") is True

    @property
    def payload_bytes(self):
        params = self.raw.get("params")
        return params.get("payload_bytes") if isinstance(params, dict) else None

    @property
    def median(self) -> float | None:
        return self.aggregate.get("median_items_per_s") if self.aggregate else None

    @property
    def repetitions(self) -> list[dict]:
        reps = self.raw.get("repetitions")
        return [r for r in reps if isinstance(r, dict)] if isinstance(reps, list) else []

    @property
    def ok_repetitions(self) -> list[dict]:
        return [r for r in self.repetitions if r.get("status") == "ok"]

    @property
    def rates(self) -> list[float]:
        """items/s of every ok repetition, in the order they ran."""
        return [float(r["items_per_s"]) for r in self.ok_repetitions
                if isinstance(r.get("items_per_s"), (int, float))]

    def representative(self, series: str) -> dict | None:
        """The ok repetition with `series` in its workload_metrics whose items/s
        is nearest the median: series are per repetition, never merged."""
        reps = [r for r in self.ok_repetitions
                if isinstance((r.get("workload_metrics") or {}).get(series), dict)]
        if not reps:
            return None
        rates = sorted(float(r.get("items_per_s") or 0) for r in reps)
        middle = rates[(len(rates) - 1) // 2]
        return min(reps, key=lambda r: abs(float(r.get("items_per_s") or 0) - middle))

    def lanes(self) -> list[dict]:
        """A priority_lanes run's lanes: from the run's workload_metrics, or from
        its first ok repetition's when the run has none."""
        candidates = [self.block("workload_metrics")] + [r.get("workload_metrics") for r in self.ok_repetitions]
        for metrics in candidates:
            lanes = metrics.get("lanes") if isinstance(metrics, dict) else None
            if isinstance(lanes, list) and lanes:
                return [lane for lane in lanes if isinstance(lane, dict)]
        return []

    def block(self, key: str) -> dict | None:
        """A run-level object (latency, counters, workload_metrics, pingpong) or None."""
        value = self.raw.get(key)
        return value if isinstance(value, dict) else None

    def latency(self, source: str) -> dict | None:
        """The merged histogram summary of `source` (e2e, push, pop, ...), if
        recorded; "round_trip" is a pingpong run's, with its buckets."""
        if source == "round_trip":
            pp = self.block("pingpong") or {}
            value = pp.get("round_trip")
            if isinstance(value, dict) and "buckets" not in value:
                value = dict(value, buckets=pp.get("buckets") or [])
        else:
            lat = self.block("latency")
            value = lat.get(source) if lat else None
        return value if isinstance(value, dict) and value.get("count") else None

    def value(self, path: str):
        """The run's value at a dotted path ("aggregate.median_items_per_s"), or None."""
        node = self.raw
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node


@dataclass
class Results:
    path: Path
    doc: dict = field(repr=False)
    rows: list[Row] = field(default_factory=list, repr=False)

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def context(self) -> dict:
        ctx = self.doc.get("context")
        return ctx if isinstance(ctx, dict) else {}

    @property
    def scenario(self) -> dict:
        """The top-level scenario block ({} for a sweep given as flags)."""
        sc = self.doc.get("scenario")
        return sc if isinstance(sc, dict) else {}

    @property
    def machine(self) -> str:
        """The machine in words, from the context: CPU model, CPUs online, host."""
        ctx = self.context
        cpu = ctx.get("cpu_model") or "unknown CPU"
        cpus = ctx.get("cpus_online")
        parts = [str(cpu)]
        if isinstance(cpus, int):
            parts.append(f"{cpus} CPU{'s' if cpus != 1 else ''} online")
        parts.append(f"host {ctx.get('host') or 'unknown'}")
        return ", ".join(parts)


@dataclass
class Group:
    """The rows of one scenario in one results file: the unit every figure covers."""

    results: Results = field(repr=False)
    scenario: str
    rows: list[Row] = field(repr=False)
    prefix: str  # file-name prefix for its figures, unique within a report

    @property
    def description(self) -> str:
        sc = self.results.scenario
        return sc.get("description", "") if sc.get("name") == self.scenario else ""


def _fail(path: Path, why: str) -> ResultsError:
    return ResultsError(f"{path}: {why}")


def _parse(path: Path) -> dict:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise _fail(path, f"cannot read: {e.strerror}") from None
    if not data.strip():
        raise _fail(path, "empty file, not qbench results")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(path, "not UTF-8 text, so not qbench results JSON") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string"):
            raise _fail(path, f"truncated JSON: the document ends early (after {len(data)} bytes)") from None
        raise _fail(path, f"not JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    if not isinstance(doc, dict):
        kind = {"list": "array", "str": "string", "NoneType": "null"}.get(type(doc).__name__, "number or boolean")
        raise _fail(path, f"not qbench output: the document is a JSON {kind}, not an object")
    return doc


def _check_header(path: Path, doc: dict) -> None:
    generator = doc.get("generator")
    if generator != "qbench":
        what = "no \"generator\"" if generator is None else f'"generator" is {json.dumps(generator)}'
        raise _fail(path, f'not qbench output: {what}, not "qbench"')
    version = doc.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise _fail(path, f'not qbench output: "schema_version" is {json.dumps(version)}, not an integer')
    if version < SCHEMA_VERSION:
        raise _fail(path, f"schema_version {version} is older than the {SCHEMA_VERSION} these scripts read; "
                          "rerun it with the current qbench")
    if version > SCHEMA_VERSION:
        raise _fail(path, f"schema_version {version} is newer than the {SCHEMA_VERSION} these scripts read; "
                          "update scripts/")


def _pingpong_as_run(doc: dict) -> dict:
    """`qbench pingpong --out` writes one result, not runs[]: present it as one run."""
    pp = doc["pingpong"]
    status = pp.get("status", "ok")
    return {"id": f"pingpong/{pp.get('queue', '?')}/p1c1", "status": status,
            "skip_reason": pp.get("failure", ""), "params": {"queue": pp.get("queue", "?"),
                                                             "producers": 1, "consumers": 1},
            "workload": {"kind": "pingpong"}, "pingpong": pp, "aggregate": None, "repetitions": []}


def _is_count(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _reason(run: dict) -> str:
    """Why a point is not ok, in a few words: the skip reason or each bad repetition's."""
    status = run.get("status")
    if status in ("skipped", "not_run"):
        return run.get("skip_reason") or status
    why = []
    for rep in run.get("repetitions") or []:
        if not isinstance(rep, dict) or rep.get("status") == "ok":
            continue
        n = rep.get("repetition", "?")
        if rep.get("status") == "invalid":
            v = rep.get("validation") or {}
            counts = ", ".join(f"{k} {v[k]}" for k in ("lost", "duplicated", "misordered", "unexpected", "corrupted") if v.get(k))
            why.append(f"rep {n}: invalid ({counts or 'validation failed'})")
        else:
            why.append(f"rep {n}: {rep.get('failure') or rep.get('status')}")
    return "; ".join(why) or (run.get("skip_reason") or "")


def _row(results: Results, index: int, run) -> Row:
    where = f"runs[{index}]"
    if not isinstance(run, dict):
        raise _fail(results.path, f"not qbench output: {where} is not an object")
    params = run.get("params")
    if not isinstance(run.get("id"), str) or not isinstance(run.get("status"), str) or not isinstance(params, dict):
        raise _fail(results.path, f'not qbench output: {where} lacks "id", "status" or "params"')
    queue, p, c = params.get("queue"), params.get("producers"), params.get("consumers")
    if not isinstance(queue, str) or not _is_count(p) or not _is_count(c):
        raise _fail(results.path, f"not qbench output: {where}.params lacks queue, producers or consumers")
    workload = run.get("workload") if isinstance(run.get("workload"), dict) else {}
    kind = workload.get("kind") if isinstance(workload.get("kind"), str) else "throughput"
    scenario = run["id"].split("/", 1)[0] if "/" in run["id"] else results.scenario.get("name", "run")
    return Row(results=results, raw=run, id=run["id"], scenario=scenario, queue=queue, producers=p,
               consumers=c, status=run["status"], reason=_reason(run), workload=kind,
               workload_params={k: v for k, v in workload.items() if k != "kind"})


def load(path) -> Results:
    """Reads and checks one results file; raises ResultsError."""
    path = Path(path)
    doc = _parse(path)
    _check_header(path, doc)
    runs = doc.get("runs")
    if runs is None and doc.get("kind") == "pingpong" and isinstance(doc.get("pingpong"), dict):
        runs = [_pingpong_as_run(doc)]
    if not isinstance(runs, list):
        raise _fail(path, 'not qbench output: no "runs" list')
    if not runs:
        raise _fail(path, "no runs: the results file is empty")
    results = Results(path=path, doc=doc)
    results.rows = [_row(results, i, run) for i, run in enumerate(runs)]
    return results


def load_all_or_exit(paths, prog: str) -> list[Results]:
    """Loads every file before anything is written; on the first bad one prints
    `prog: message` and exits 2."""
    try:
        return [load(p) for p in paths]
    except ResultsError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "x"


def groups(all_results: list[Results]) -> list[Group]:
    """Rows split by results file and scenario, in the order they appear."""
    out: list[Group] = []
    many = len(all_results) > 1
    for i, results in enumerate(all_results):
        by_scenario: dict[str, list[Row]] = {}
        for row in results.rows:
            by_scenario.setdefault(row.scenario, []).append(row)
        for scenario, rows in by_scenario.items():
            prefix = _slug(scenario)
            if many:
                prefix = f"{i + 1}-{_slug(results.stem)}-{prefix}"
            out.append(Group(results=results, scenario=scenario, rows=rows, prefix=prefix))
    return out
