"""The one loader of qbench results JSON (schema_version 2).

Input: a file written by `qbench run --out` or `qbench pingpong --out`, or the
"<out>.journal" a killed sweep left behind (qbjournal.py reads it back).
Output: a `Results` object whose `rows` are its runs flattened to `Row`s, one
per point, and `groups()` that splits rows by (results file, scenario).
Histograms' "hdr" counts are decoded only when a figure asks for them
(Row.latency), once per row and source.

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

import qbjournal
from qbrow import ResultsError, Row  # noqa: F401  (ResultsError is this module's too)

SCHEMA_VERSION = 2
EXIT_USAGE = 2


@dataclass
class Results:
    path: Path
    doc: dict = field(repr=False)
    rows: list[Row] = field(default_factory=list, repr=False)
    recovery: qbjournal.Recovery | None = None  # set when read back from a killed sweep's journal

    @property
    def journal(self) -> bool:
        return self.recovery is not None

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

    def probed_counter(self, name: str) -> dict:
        """What the probe at start found for one event: context.counters.events[name], or {}."""
        events = (self.context.get("counters") or {}).get("events")
        event = events.get(name) if isinstance(events, dict) else None
        return event if isinstance(event, dict) else {}

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
    def from_file(self) -> bool:
        """The group's rows came from the file's scenario: its ids are the
        scenario's name, or the name and a workload label or a wait
        ("ingest-cpu.block")."""
        name = self.results.scenario.get("name")
        return bool(name) and (self.scenario == name or self.scenario.startswith(f"{name}."))

    @property
    def description(self) -> str:
        return self.results.scenario.get("description", "") if self.from_file else ""


def _fail(path: Path, why: str) -> ResultsError:
    return ResultsError(f"{path}: {why}")


def _parse(path: Path) -> tuple[dict, qbjournal.Recovery | None]:
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
        # A journal is several lines of JSON; its name ending in .journal is only a hint.
        if e.msg == "Extra data" or path.suffix == ".journal":
            recovered = _journal(path, text)
            if recovered is not None:
                return recovered
        if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string"):
            raise _fail(path, f"truncated JSON: the document ends early (after {len(data)} bytes)") from None
        raise _fail(path, f"not JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    if not isinstance(doc, dict):
        kind = {"list": "array", "str": "string", "NoneType": "null"}.get(type(doc).__name__, "number or boolean")
        raise _fail(path, f"not qbench output: the document is a JSON {kind}, not an object")
    if doc.get("journal") == "qbench":  # a journal of nothing but its header
        return _journal(path, text)
    return doc, None


def _journal(path: Path, text: str) -> tuple[dict, qbjournal.Recovery] | None:
    first, _, rest = text.partition("\n")
    header = qbjournal.header_of(first)
    if header is None and path.suffix == ".journal":
        if not rest.strip():
            raise _fail(path, "a journal cut short in its first line: the sweep was killed before it began")
        raise _fail(path, "not a qbench journal: its first line is not the journal header")
    if header is None:
        return None
    _check_header(path, header)
    try:
        return qbjournal.rebuild(header, rest.split("\n"))
    except qbjournal.JournalError as e:
        raise _fail(path, str(e)) from None


def _check_header(path: Path, doc: dict) -> None:
    generator = doc.get("generator")
    if generator != "qbench":
        what = "no \"generator\"" if generator is None else f'"generator" is {json.dumps(generator)}'
        raise _fail(path, f'not qbench output: {what}, not "qbench"')
    version = doc.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise _fail(path, f'not qbench output: "schema_version" is {json.dumps(version)}, not an integer')
    if version < SCHEMA_VERSION:
        raise _fail(path, f"schema_version {version} (written by an older qbench) is not read by these scripts; "
                          "rerun the sweep with the current qbench")
    if version > SCHEMA_VERSION:
        raise _fail(path, f"schema_version {version} is newer than the {SCHEMA_VERSION} these scripts read; "
                          "update scripts/")


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
    """Reads and checks one results file or journal; raises ResultsError."""
    path = Path(path)
    doc, recovery = _parse(path)
    _check_header(path, doc)
    runs = doc.get("runs")
    if not isinstance(runs, list):
        raise _fail(path, 'not qbench output: no "runs" list')
    if not runs:
        raise _fail(path, "no runs: the results file is empty")
    results = Results(path=path, doc=doc, recovery=recovery)
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
