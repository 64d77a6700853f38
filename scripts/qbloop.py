"""What a latency figure must say about how its latency was measured: closed
loop (producers push as fast as the queue takes items, so an item's
end-to-end latency includes its wait behind the items queued before it) and
which points had a backlog (the harness's "backlog": pushed and popped more
than 10% apart in a repetition's window), where that wait is most of it.

Input: qbrow.Row lists. Output: words for a figure's title and note.
"""

from __future__ import annotations

CLOSED_LOOP = "closed loop: includes time queued"


def title(what: str, rows, source: str, marks: str) -> str:
    """`what`, with the loop said for end-to-end latency: closed loop unless
    every point is paced (open loop, timed from each item's intended send);
    and how backlogged points are drawn (`marks`), when there are any."""
    if source != "e2e":
        return what
    closed = [r for r in rows if r.closed_loop]
    if not closed:
        return f"{what}, open loop (paced)"
    loop = f"{what}, {CLOSED_LOOP}" + ("" if len(closed) == len(rows) else " (paced points: open loop)")
    return loop + (f"; {marks.lower()}: a backlog" if backlogged(rows, source) else "")


def backlogged(rows, source: str) -> list:
    """The points whose end-to-end latency a backlog inflated."""
    return [r for r in rows if r.closed_loop and r.backlog] if source == "e2e" else []


def backlog_note(rows, source: str, marks: str) -> str:
    """One sentence naming how backlogged points are drawn (`marks`) and the
    worst of them; empty when none is."""
    found = backlogged(rows, source)
    if not found:
        return ""
    worst = max(found, key=lambda r: r.backlog)
    return (f"{marks}: {len(found)} point(s) with a backlog (pushed and popped more than 10% apart in a window; "
            f"worst {worst.queue} p{worst.producers}c{worst.consumers}, {worst.backlog:.1f}x): their items waited "
            "behind the queued ones, so this latency is mostly that wait, not the queue's cost.")
