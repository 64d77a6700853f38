"""Google Benchmark JSON (what qb_micro writes with --benchmark_format=json or
--benchmark_out), read for comparison.

Input: a file of {"context": {...}, "benchmarks": [...]}. Output: a `Micro`
whose `samples(name, metric)` are the values of one benchmark's iteration
runs (one per repetition; aggregates such as _mean and _median are left out,
since they summarize those same runs), times in ns whatever time_unit says.
`kind_of(path)` tells such a file from qbench results without judging either.
An unusable file raises qbresults.ResultsError with a one-line message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from qbrow import ResultsError

NS_PER_UNIT = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
# metric -> whether higher is better
METRICS = {"real_time": False, "cpu_time": False, "items_per_second": True}
UNITS = {"real_time": "ns", "cpu_time": "ns", "items_per_second": "items/s"}


def kind_of(path) -> str:
    """"gbench" for a JSON object with a "benchmarks" key and no qbench generator;
    "qbench" for anything else (qbresults.load then judges it)."""
    try:
        doc = json.loads(Path(path).read_bytes())
    except (OSError, ValueError):
        return "qbench"
    is_gbench = isinstance(doc, dict) and "benchmarks" in doc and doc.get("generator") != "qbench"
    return "gbench" if is_gbench else "qbench"


@dataclass
class Micro:
    path: Path
    context: dict = field(repr=False)
    runs: dict[str, list[dict]] = field(default_factory=dict, repr=False)  # name -> iteration runs, in order
    errors: dict[str, str] = field(default_factory=dict)  # name -> why a run of it did not measure

    @property
    def machine(self) -> str:
        ctx = self.context
        cpus = ctx.get("num_cpus")
        mhz = ctx.get("mhz_per_cpu")
        parts = [f"{cpus} CPUs" if isinstance(cpus, int) else "CPUs unknown"]
        if isinstance(mhz, (int, float)):
            parts.append(f"{mhz:g} MHz")
        parts.append(f"host {ctx.get('host_name') or 'unknown'}")
        return ", ".join(parts)

    def samples(self, name: str, metric: str) -> list[float]:
        """`metric` of each iteration run of `name`; times in ns."""
        out = []
        for run in self.runs.get(name, []):
            value = run.get(metric)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            out.append(float(value) * (NS_PER_UNIT[run.get("time_unit", "ns")] if metric != "items_per_second"
                                       else 1.0))
        return out


def _fail(path: Path, why: str) -> ResultsError:
    return ResultsError(f"{path}: {why}")


def load(path) -> Micro:
    path = Path(path)
    try:
        doc = json.loads(path.read_bytes())
    except OSError as e:
        raise _fail(path, f"cannot read: {e.strerror}") from None
    except ValueError as e:
        raise _fail(path, f"not Google Benchmark JSON: {e}") from None
    benchmarks = doc.get("benchmarks") if isinstance(doc, dict) else None
    if not isinstance(benchmarks, list):
        raise _fail(path, 'not Google Benchmark JSON: no "benchmarks" list')
    if not benchmarks:
        raise _fail(path, "no benchmarks: the Google Benchmark file is empty")
    context = doc.get("context") if isinstance(doc.get("context"), dict) else {}
    micro = Micro(path=path, context=context)
    for i, b in enumerate(benchmarks):
        name = b.get("run_name", b.get("name")) if isinstance(b, dict) else None
        if not isinstance(name, str):
            raise _fail(path, f'not Google Benchmark JSON: benchmarks[{i}] has no "name"')
        if b.get("run_type", "iteration") != "iteration" or "aggregate_name" in b:
            continue
        unit = b.get("time_unit", "ns")
        if unit not in NS_PER_UNIT:
            raise _fail(path, f"benchmarks[{i}] ({name}): time_unit '{unit}' is not one of "
                              f"{', '.join(NS_PER_UNIT)}")
        if b.get("error_occurred") or b.get("skipped"):
            micro.errors[name] = str(b.get("error_message") or b.get("skip_message") or "skipped")
            continue
        micro.runs.setdefault(name, []).append(b)
    return micro
