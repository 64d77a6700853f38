#!/usr/bin/env python3
"""Instructions per item of a 1P1C run's producer and consumer loops, from callgrind.

Input: the callgrind files of one run (--separate-threads=yes
--dump-instr=yes --compress-pos=no --compress-strings=no), the names of the
two loop functions (substrings of their demangled names) and the number of
items the run moves in its measured window (exact: qbench's --items, the
bare loop's item count). Output: a line per loop: Ir/item, the instructions
one item's pass runs plus what runs once in many items, amortized; the
failed tries per item; and what was left out.

Why by counts rather than the thread's total over the items: each
instruction is executed a whole number of times, and only the window's
items are the question. Instructions that run once per item (and those that
also run once per failed try, which are few here: the script runs with the
backoff wait, so a thread that finds the queue empty or full under
valgrind's one-thread-at-a-time scheduling yields after a few tries) run
N to N + F times, or a little less where the queue takes a branch once in
many items (moodycamel's block change); they are the item's path, each
counted as its runs over N. Instructions that run fewer
than N/50 times (a bitmap word's fill, a latency sample's note, a burst's
entry, the thread's start and end) are added, amortized over N; calls out
of line likewise. What runs a number of times neither near N nor below
N/50 (qbench's warm-up items, which take the general loop, under valgrind
a varying number) is left out and listed.
"""
import argparse
import collections
import glob
import sys


def parse(path):
    """{fn name: ({instruction address: count}, [(call count, inclusive Ir)])}."""
    fns = collections.defaultdict(lambda: (collections.Counter(), []))
    fn, call_count, last = None, None, 0
    with open(path) as f:
        for line in f:
            if line.startswith("fn="):
                fn = line[3:].strip()
                continue
            if line.startswith("calls="):
                call_count = int(line[6:].split()[0])
                continue
            if not line or line[0] not in "0123456789+-*":
                continue
            parts = line.split()
            pos = parts[0]
            if pos.startswith("0x"):
                addr = int(pos, 16)
            elif pos[0] in "+-":
                addr = last + int(pos)
            elif pos == "*":
                addr = last
            else:
                addr = int(pos)
            last = addr
            ir = int(parts[-1])
            if call_count is not None:
                fns[fn][1].append((call_count, ir))
                call_count = None
            else:
                fns[fn][0][addr] += ir
    return fns


def loop_of(files, loop):
    for path in files:
        fns = parse(path)
        hits = [name for name in fns if loop in name]
        if hits:
            counts, calls = collections.Counter(), []
            for name in hits:
                counts.update(fns[name][0])
                calls += fns[name][1]
            return counts, calls
    sys.exit(f"footprint_ir.py: no thread runs {loop!r} in {files}")


def measure(counts, calls, n):
    """(Ir/item, failed tries, note) of a loop that moved n items in the window."""
    top = n + max(64, n // 50)  # an item's path runs n times, plus the failed tries
    low = n - n // 100  # or, where the queue branches once in many items, a little less
    path = [c for c in counts.values() if low <= c <= top]
    failed = max(path) - n if path else 0
    path_ir = sum(min(c, n) for c in path) / n
    amortized = sum(c for c in counts.values() if c < n / 50)
    amortized += sum(ir for k, ir in calls if k < n / 50 or n <= k <= top)
    rest = collections.Counter(c for c in counts.values() if n / 50 <= c < low or c > top)
    left_out = ", ".join(f"{k} instr x {v}" for v, k in sorted(rest.items())) or "none"
    return path_ir + amortized / n, failed, f"item path {path_ir:.2f} + {amortized / n:.2f} amortized; left out: {left_out}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--producer", required=True, help="substring of the producer loop's function name")
    ap.add_argument("--consumer", required=True, help="substring of the consumer loop's function name")
    ap.add_argument("--items", type=int, required=True, help="items moved in the window")
    ap.add_argument("--files", required=True, help="glob of the run's callgrind files")
    a = ap.parse_args()
    files = sorted(glob.glob(a.files))
    for role, loop in (("producer", a.producer), ("consumer", a.consumer)):
        per_item, failed, note = measure(*loop_of(files, loop), a.items)
        print(f"  {role:8s} {per_item:6.2f} Ir/item  {failed / a.items:.4f} failed/item  ({note})")


if __name__ == "__main__":
    main()
