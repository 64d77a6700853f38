"""Queue classes, from the traits each run records: which queues a report
ranks against each other, and which share a figure's panel.

Input: qbrow.Row (its raw "traits" and "reference"). Output: class names.

Two views of the same traits:
- VERDICT classes answer "which queue should I use for this shape": bounded
  MPMC rings, unbounded MPMC, MPSC-capable (every queue that takes many
  producers, ranked at one-consumer shapes) and SPSC (the one-producer,
  one-consumer queues, at 1x1). A queue may be a contender in more than one.
- PANEL classes partition the queues so that no figure panel holds more
  than about eight series: unbounded MPMC is split by the order it promises,
  the single-ended queues share a panel, and reference ceilings get their own
  so that they never set the queues' scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

REFERENCE = "reference ceilings"


def _traits(row) -> dict:
    traits = row.raw.get("traits")
    return traits if isinstance(traits, dict) else {}


def _many(row, side: str) -> bool:
    return _traits(row).get(side) == "many"


def _bounded(row) -> bool:
    return _traits(row).get("bounded") is True


def _mpmc(row) -> bool:
    return _many(row, "producers") and _many(row, "consumers")


@dataclass(frozen=True)
class VerdictClass:
    name: str
    member: Callable  # row -> bool
    shape: Callable   # (producers, consumers) -> bool


VERDICT_CLASSES = (
    VerdictClass("bounded MPMC", lambda r: _mpmc(r) and _bounded(r), lambda p, c: True),
    VerdictClass("unbounded MPMC", lambda r: _mpmc(r) and not _bounded(r), lambda p, c: True),
    VerdictClass("MPSC-capable", lambda r: _many(r, "producers"), lambda p, c: c == 1),
    VerdictClass("SPSC", lambda r: not _many(r, "producers") and not _many(r, "consumers"),
                 lambda p, c: p == 1 and c == 1),
)


def contenders(cls: VerdictClass, rows) -> list:
    """The rows of `rows` that `cls` ranks: members at the class's shapes, never a ceiling."""
    return [r for r in rows if not r.reference and cls.member(r) and cls.shape(r.producers, r.consumers)]


PANEL_CLASSES = ("bounded MPMC", "unbounded MPMC, FIFO", "unbounded MPMC, per-producer FIFO or unordered",
                 "single-ended (MPSC, SPMC, SPSC)", REFERENCE)


def panel_class(row) -> str:
    """The one panel class of a row's queue (PANEL_CLASSES)."""
    if row.reference:
        return REFERENCE
    if not _mpmc(row):
        return PANEL_CLASSES[3]
    if _bounded(row):
        return PANEL_CLASSES[0]
    return PANEL_CLASSES[1] if _traits(row).get("order") == "fifo" else PANEL_CLASSES[2]


def by_panel_class(rows) -> list[tuple[str, list]]:
    """(class, its rows) for each panel class that has rows, in PANEL_CLASSES order."""
    found: dict[str, list] = {}
    for r in rows:
        found.setdefault(panel_class(r), []).append(r)
    return [(name, found[name]) for name in PANEL_CLASSES if name in found]


MAX_SERIES = 8  # the most series a panel holds before it is split by panel class


def panel_groups(rows, limit: int = MAX_SERIES) -> list[tuple[str, list]]:
    """The rows of one figure's panels: ("", rows) when they have at most
    `limit` queues, else by_panel_class(rows) (a class may still exceed it)."""
    if len({r.queue for r in rows}) <= limit:
        return [("", list(rows))]
    return by_panel_class(rows)


def wrapped(name: str, width: int = 34) -> str:
    """A panel class's name for a panel title: a long one on two lines, after its first comma."""
    head, _, tail = name.partition(", ")
    return f"{head},\n{tail}" if tail and len(name) > width else name
