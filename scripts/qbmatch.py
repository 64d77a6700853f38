"""Which points of two sets of rows measure the same thing.

Input: qbresults rows (of two files, or of two queues in one file). Output:
pairs of rows, the rows left over, and, when nothing pairs, one line naming
the keys in which the closest two points differ.

A point is what it measures, not what it is called: its run id, and so the
scenario name or the flags that made it, does not take part. Two points match
when these agree:

- queue, producers, consumers (`pair(..., by_queue=False)`, which compares
  two queues shape by shape, leaves out the queue and what belongs to it:
  capacity, which an unbounded queue records as 0, and the elastic
  configuration);
- the workload's kind and its parameters (rate, consumer work, soft capacity,
  threshold, policy, lanes, give-up limit, burst size and idle time, pingpong
  pairs), but not its label (a name) nor sample_interval_ns, round_trips and
  warmup_trips (how often or how long it is observed);
- payload_bytes, capacity, placement, wait, payload_check, batch (items a
  call) and the elastic configuration, which change the work each item costs;
- the window's kind: duration mode, or a fixed count of N items (N counts: a
  fixed-count window opens on an empty queue, so N sets how much of it is the
  fill); in duration mode the window's length does not, as a longer window
  measures the same steady state for longer;
- latency recording (off, e2e, ops, all), and op_sample_period where
  operations are timed: timing one operation in N costs throughput.

`--vary KEY` (compare.py) leaves KEY out as well, so that two sweeps that
differ in one setting pair point by point (an A/B of that setting); when the
closest points differ in exactly one key, compare.py does that by itself.

Ignored: the run id and scenario, seed, repetitions, duration_ns, warmup_ns
(never measured), timeout_ns, latency_sample_period (how many items the e2e
sample holds, not what they cost), counters, traits and the machine. A
missing wait, payload_check or batch (older files) reads as its default,
spin, all and 1. Where several rows of one side share an identity (variants that differ
only in label), they pair by workload label, then by run id less the queue,
and the rest are left over.
"""

from __future__ import annotations

import json

IGNORED_WORKLOAD_KEYS = ("kind", "label", "sample_interval_ns", "round_trips", "warmup_trips")
PARAM_KEYS = ("payload_bytes", "capacity", "placement", "wait", "payload_check", "batch", "elastic")
QUEUE_KEYS = ("capacity", "elastic")  # the queue's own: left out when two queues are compared
DEFAULTS = {"wait": "spin", "payload_check": "all", "batch": 1}  # what qbench did before it wrote the key


def identity(row, by_queue: bool = True, vary: tuple[str, ...] = ()) -> dict[str, str]:
    """The keys that say what a row measures, each value as JSON text; those in `vary` left out."""
    params = row.raw.get("params") or {}
    out = {"queue": row.queue} if by_queue else {}
    out.update(producers=row.producers, consumers=row.consumers, workload=row.workload)
    out.update({f"workload.{k}": v for k, v in row.workload_params.items() if k not in IGNORED_WORKLOAD_KEYS})
    keys = PARAM_KEYS if by_queue else [k for k in PARAM_KEYS if k not in QUEUE_KEYS]
    out.update({k: params.get(k, DEFAULTS.get(k)) for k in keys if k in params or k in DEFAULTS})
    items = params.get("items")
    out["window"] = f"{items} items" if isinstance(items, int) and items > 0 else "duration"
    latency = params.get("latency")
    out["latency"] = latency
    if latency in ("ops", "all"):
        out["op_sample_period"] = params.get("op_sample_period")
    return {k: v if isinstance(v, str) else json.dumps(v, sort_keys=True) for k, v in out.items() if k not in vary}


# The keys --vary can name: what identity() may hold (workload.* keys too).
VARY_KEYS = ("producers", "consumers", "workload", *PARAM_KEYS, "window", "latency", "op_sample_period")


def auto_varies(key: str) -> bool:
    """Whether compare.py varies `key` by itself when it is the one difference:
    a setting of the queue or the items (capacity, payload, placement, wait,
    ...) or a workload parameter; not the shape, the workload's kind, the
    window's kind or the latency mode, which change what a point measures."""
    return key in PARAM_KEYS or key.startswith("workload.")


def _key(ident: dict[str, str]) -> tuple:
    return tuple(sorted(ident.items()))


def _label(row) -> str:
    return str(row.workload_params.get("label", ""))


def _id_less_queue(row) -> str:
    return row.id.replace(f"/{row.queue}/", "/", 1)


def pair(a_rows, b_rows, by_queue: bool = True, vary: tuple[str, ...] = ()):
    """([(a, b), ...] in A's order, A's rows left over, B's rows left over)."""
    b_groups: dict[tuple, list] = {}
    a_groups: dict[tuple, list] = {}
    for rows, groups in ((a_rows, a_groups), (b_rows, b_groups)):
        for row in rows:
            groups.setdefault(_key(identity(row, by_queue, vary)), []).append(row)
    pairs, left_a, used = [], [], set()
    for row in a_rows:
        key = _key(identity(row, by_queue, vary))
        mates = [b for b in b_groups.get(key, []) if id(b) not in used]
        if len(a_groups[key]) > 1 or len(mates) > 1:  # twins: tell them apart by label, then by id
            mates = [b for b in mates if _label(b) == _label(row)]
            if len(mates) > 1 or sum(_label(a) == _label(row) for a in a_groups[key]) > 1:
                mates = [b for b in mates if _id_less_queue(b) == _id_less_queue(row)]
        if len(mates) == 1:
            pairs.append((row, mates[0]))
            used.add(id(mates[0]))
        else:
            left_a.append(row)
    return pairs, left_a, [b for b in b_rows if id(b) not in used]


def _words(key: str, a: str, b: str) -> str:
    return f"{key} ({a} vs {b})"


def closest(a_rows, b_rows, by_queue: bool = True):
    """(a, b, keys they differ in, a's identity, b's identity) for the closest two rows, or None."""
    best = None
    b_identities = [(b, identity(b, by_queue)) for b in b_rows]
    for a in a_rows:
        ia = identity(a, by_queue)
        for b, ib in b_identities:
            differ = [k for k in dict.fromkeys([*ia, *ib]) if ia.get(k) != ib.get(k)]
            if best is None or len(differ) < len(best[2]):
                best = (a, b, differ, ia, ib)
    return best


def explain(a_rows, b_rows, by_queue: bool = True) -> str:
    """Why no row pairs, in words: the keys in which the closest two rows differ."""
    best = closest(a_rows, b_rows, by_queue)
    if best is None:
        return "one side has no points"
    a, b, differ, ia, ib = best
    if not differ:  # same identity, but several rows a side that no label or id tells apart
        return f"A's {a.id} and B's {b.id} measure the same but have twins that no label or id tells apart"
    keys = ", ".join(_words(k, ia.get(k, "unset"), ib.get(k, "unset")) for k in differ)
    return f"the closest points, A's {a.id} and B's {b.id}, differ in {keys}"
