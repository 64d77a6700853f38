"""One run (point) of a results file as every script reads it: `Row`.

Input: a run object of a loaded results file (qbresults.load makes the rows).
Output: its keys scripts use most, and what takes more than a lookup: the
latency of a source merged over the ok repetitions' "hdr" counts (decoded
only when asked, once per row and source), counter events with the reason
the file states once in context.counters. ResultsError lives here so that a
row can raise it (qbresults exports it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import qbhist

if TYPE_CHECKING:
    from qbresults import Results


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
    _merged: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _buckets: dict = field(default_factory=dict, init=False, repr=False, compare=False)

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
    def wait(self) -> str:
        """What --wait asked of the point (spin, pause, backoff, block);
        spin in files from before qbench recorded it."""
        params = self.raw.get("params")
        wait = params.get("wait") if isinstance(params, dict) else None
        return wait if isinstance(wait, str) else "spin"

    @property
    def batch(self) -> int:
        """Items a push or pop call asked for (--batch); 1 in files from
        before qbench recorded it."""
        params = self.raw.get("params")
        batch = params.get("batch") if isinstance(params, dict) else None
        return batch if isinstance(batch, int) and batch >= 1 else 1

    @property
    def batch_kind(self) -> str | None:
        """How its calls moved a batch, as its repetitions say: "native" (the
        queue's own bulk calls) or "looped" (single calls in a burst); None
        where no repetition says."""
        kinds = [r.get("batch_kind") for r in self.repetitions if isinstance(r.get("batch_kind"), str)]
        return kinds[0] if kinds else None

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

    @property
    def backlog(self) -> float | None:
        """How far apart pushed and popped items were in the worst repetition
        the harness marked with a backlog (their ratio, 1.1 or more; the
        harness writes "backlog" only past 10% apart), or None when none was:
        there closed-loop latency is mostly time spent queued."""
        ratios = [float(b["pushed_per_popped"]) for rep in self.repetitions
                  if isinstance(b := rep.get("backlog"), dict)
                  and isinstance(b.get("pushed_per_popped"), (int, float)) and b["pushed_per_popped"] > 0]
        return max((max(x, 1 / x) for x in ratios), default=None)

    @property
    def closed_loop(self) -> bool:
        """Producers push as fast as the queue takes items (every run but a
        paced one): end-to-end latency then includes the time an item waits
        behind the others queued, not the queue's own cost alone."""
        w = self.raw.get("workload")
        rate = max(w.get("rate_per_s") or 0, w.get("target_rate_per_s") or 0) if isinstance(w, dict) else 0
        return not rate > 0

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

    def _histograms(self, source: str) -> list[dict]:
        """The ok repetitions' full `source` histograms, or the pingpong block's round_trip."""
        if source == "round_trip":
            found = [(self.block("pingpong") or {}).get("round_trip")]
        else:
            found = [(r.get("latency") or {}).get(source) for r in self.ok_repetitions
                     if isinstance(r.get("latency"), dict)]
        return [h for h in found if isinstance(h, dict) and "hdr" in h]

    def _merged_buckets(self, source: str) -> qbhist.Buckets | None:
        """qbhist.merge_buckets of _histograms(source), decoded once per row
        and source; None when there is none."""
        if source not in self._buckets:
            found = self._histograms(source)
            try:
                self._buckets[source] = qbhist.merge_buckets(found) if found else None
            except ValueError as e:
                raise ResultsError(f"{self.results.path}: {self.id}: latency {source}: {e}") from None
        return self._buckets[source]

    def _merged_latency(self, source: str) -> dict | None:
        """The summary of the merged _histograms(source) (qbhist.merge), without buckets."""
        if source not in self._merged:
            buckets = self._merged_buckets(source)
            self._merged[source] = (qbhist.merged_summary(self._histograms(source), buckets)
                                    if buckets is not None else None)
        return self._merged[source]

    def latency_summary(self, source: str) -> dict | None:
        """The summary of `source` (e2e, push, pop, ..., or a pingpong run's
        round_trip) without buckets, if recorded: the run's own numbers,
        decoding nothing, except where the run has no latency block (a point
        recovered from a journal), which merges its ok repetitions'."""
        if source == "round_trip":
            value = (self.block("pingpong") or {}).get("round_trip")
        elif self.block("latency") is not None:
            value = self.block("latency").get(source)
        else:
            value = self._merged_latency(source) if self.status == "ok" else None
        if not isinstance(value, dict) or not value.get("count"):
            return None
        return {k: v for k, v in value.items() if k not in ("hdr", "sum_ns", "buckets")}

    def latency(self, source: str) -> dict | None:
        """latency_summary(source) with "buckets" [[lowest_ns, count], ...]:
        the ok repetitions' hdr counts merged (for figures; qbhist reads it)."""
        summary = self.latency_summary(source)
        if summary is not None:
            merged = self._merged_buckets(source)
            summary["buckets"] = merged.pairs() if merged is not None else []
        return summary

    def latency_spectrum(self, source: str):
        """qbhist.spectrum(self.latency(source)) as arrays (xs, ys), without
        building the bucket lists; None where latency(source) is None."""
        summary = self.latency_summary(source)
        if summary is None:
            return None
        merged = self._merged_buckets(source)
        return qbhist.spectrum_of(merged if merged is not None else qbhist.Buckets.from_pairs([]),
                                  summary.get("min_ns"), summary.get("max_ns"))

    def counter_event(self, name: str) -> dict | None:
        """run.counters.events[name] with its reason, which a run leaves out
        where it is what context.counters says the probe at start found."""
        event = ((self.block("counters") or {}).get("events") or {}).get(name)
        if not isinstance(event, dict) or event.get("reason"):
            return event if isinstance(event, dict) else None
        return dict(event, reason=self.results.probed_counter(name).get("reason") or "")

    def value(self, path: str):
        """The run's value at a dotted path ("aggregate.median_items_per_s"), or None."""
        node = self.raw
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node
