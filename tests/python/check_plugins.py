#!/usr/bin/python3
"""Plugins end to end, on the real qbench and the plugins this build made.

usage: check_plugins.py QBENCH PLUGIN_DIR [--rust]

- The example plugins (sequence_ring_plugin in C++, c_mutex_ring in C) are
  listed with their origin, run in a sweep at 8 and 64 bytes, from --plugin
  and from a scenario's "plugins" key (relative to the file), and the results'
  context names each with its sha256, ABI and version.
- Each malformed library is refused with one line naming it, exit 2, and no
  results file.
- qbench check: the correct queues pass; each broken one fails the check that
  names its fault, within 10 s; --out writes the verdicts.
- A plugin queue that crashes or hangs fails its point, and the sweep goes on.
- --rust: the bundled Rust queues pass qbench check.
Exits 0 when every check holds; prints each failure and exits 1 otherwise.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

FAILURES = []
# A correct queue must pass however loaded the machine is (ctest runs two
# tests at once, and a 4x4 run at capacity 1 on 2 CPUs has taken more than
# check's default 5 s there): its hang limit is raised; the broken queues keep
# the default, since catching the hanging one is what they test.
SLOW_OK = ("--timeout", "60s")


def expect(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def qbench(exe, *args, timeout=300):
    t0 = time.monotonic()
    p = subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("qbench")
    ap.add_argument("plugin_dir")
    ap.add_argument("--rust", action="store_true")
    a = ap.parse_args()
    exe, d = a.qbench, a.plugin_dir
    example = os.path.join(d, "libqb_plugin_sequence_ring.so")
    c_ring = os.path.join(d, "libqb_plugin_c_ring.so")
    broken = os.path.join(d, "libqb_test_broken.so")
    crash = os.path.join(d, "libqb_test_crash.so")
    tmp = tempfile.mkdtemp(prefix="qb_plugins_")
    try:
        # list: origin and item sizes
        rc, out, err, _ = qbench(exe, "list", "--json", "--plugin", example, "--plugin", c_ring)
        queues = {q["name"]: q for q in json.loads(out)["queues"]} if rc == 0 else {}
        q = queues.get("sequence_ring_plugin", {})
        expect(rc == 0 and q.get("origin") == "plugin " + os.path.realpath(example),
               "list --json shows sequence_ring_plugin with its plugin origin")
        expect(q.get("item_bytes") == [8, 64, 256] and q.get("bounded") is True and q.get("order") == "fifo",
               "the plugin's traits and item sizes reach the queue table")
        expect(queues.get("sequence_ring", {}).get("origin") == "built-in", "built-in queues say so")

        # run: both plugins, 8 and 64 bytes, context records them
        for size in ("8", "64"):
            res = os.path.join(tmp, f"run{size}.json")
            rc, out, err, _ = qbench(exe, "run", "-q", "sequence_ring_plugin,c_mutex_ring,sequence_ring", "-p", "1,2",
                                     "-c", "1", "-d", "20ms", "--warmup", "5ms", "-r", "1", "--payload-bytes", size,
                                     "-o", res, "--plugin", example, "--plugin", c_ring)
            expect(rc == 0, f"a sweep of plugin queues at {size} B exits 0 ({err.strip()[-200:]})")
            if rc != 0:
                continue
            doc = json.load(open(res))
            ok = [r["id"] for r in doc["runs"] if r["status"] == "ok"]
            expect(len(ok) == 6, f"every point ok at {size} B, plugin and built-in alike: {ok}")
            plugins = {p["path"]: p for p in doc["context"]["plugins"]}
            for path, version in ((example, "qbench example plugin 1"), (c_ring, "c_ring example 1")):
                p = plugins.get(os.path.realpath(path), {})
                digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
                expect(p.get("sha256") == digest and p.get("abi_version") == 1 and p.get("version") == version,
                       f"context.plugins names {os.path.basename(path)}: sha256, ABI 1, '{version}'")

        # a scenario's plugins key, relative to the scenario file
        sdir = os.path.join(tmp, "scn")
        os.makedirs(os.path.join(sdir, "lib"))
        shutil.copy(c_ring, os.path.join(sdir, "lib", "ring.so"))
        scn = os.path.join(sdir, "s.json")
        json.dump({"name": "plug", "description": "a plugin from a scenario", "plugins": ["lib/ring.so"],
                   "queues": ["c_mutex_ring"], "producers": [1], "consumers": [1], "duration": "20ms",
                   "warmup": "5ms", "repetitions": 1}, open(scn, "w"))
        rc, out, err, _ = qbench(exe, "run", "--scenario", scn, "--format", "json")
        expect(rc == 0 and '"plug/c_mutex_ring/p1c1"' in out, "a scenario's plugins key loads, relative to the file")

        # bad plugins: one line, exit 2, no file
        bad = {
            "libqb_test_no_entry.so": "has no entry point qbench_plugin_describe",
            "libqb_test_abi99.so": "plugin ABI version 99; this qbench loads version 1",
            "libqb_test_clash.so": "queue 'sequence_ring' clashes with one of qbench's own queues",
            "libqb_test_bad_traits.so": "progress is 7",
            "libqb_test_bad_sizes.so": "item_sizes is 0x8",
            "libqb_test_bad_name.so": "name 'Bad Name!' is not",
            "not_a_plugin.so": "is not a loadable shared library",
        }
        for name, phrase in bad.items():
            res = os.path.join(tmp, "bad.json")
            path = os.path.join(d, name)
            rc, out, err, _ = qbench(exe, "run", "-q", "sequence_ring", "-d", "10ms", "-o", res, "--plugin", path)
            lines = err.strip().splitlines()
            expect(rc == 2 and len(lines) == 1 and phrase in lines[0] and path in lines[0] and not os.path.exists(res),
                   f"{name}: exit 2, one line with '{phrase}', no results file (got {rc}: {err.strip()[:200]})")
        rc, out, err, _ = qbench(exe, "check", "c_mutex_ring", "--plugin", c_ring, "--plugin", c_ring, *SLOW_OK)
        expect(rc == 0, "the same plugin given twice loads once")

        # qbench check: correct ones pass, each broken one names its fault
        rc, out, err, secs = qbench(exe, "check", "sequence_ring_plugin", "c_mutex_ring", "correct_ring", "--plugin",
                                    example, "--plugin", c_ring, "--plugin", broken, "-o", os.path.join(tmp, "v.json"), *SLOW_OK)
        expect(rc == 0 and out.count("PASS:") == 3, f"check passes the correct plugin queues ({secs:.1f} s)")
        verdicts = json.load(open(os.path.join(tmp, "v.json")))
        expect([q["verdict"] for q in verdicts["queues"]] == ["pass"] * 3 and verdicts["kind"] == "check",
               "check --out writes a verdict per queue")
        faults = {"broken_loss": ("exactly-once", "lost"), "broken_dup": ("exactly-once", "more than once"),
                  "broken_reorder": ("order", "out of their producer's order"),
                  "broken_torn": ("payload", "wrong bytes"),
                  # A slot read before its producer wrote it holds a half-written
                  # item (wrong bytes) or the one from the lap before (popped
                  # twice, and the new one never: lost); which shows first is a race.
                  "broken_publish_early": ("payload|exactly-once", "wrong bytes|lost|more than once"),
                  "crash_on_pop": ("no hang or crash", "crashed"), "hang_on_push": ("no hang or crash", "timed out")}
        for queue, (check, phrase) in faults.items():
            rc, out, err, secs = qbench(exe, "check", queue, "--plugin", broken, "--plugin", crash)
            fail_lines = [l for l in out.splitlines() if l.strip().startswith("FAIL ")]
            # The time is printed, not asserted: a loaded machine stretches it
            # (the README gives the measured figure).
            first = fail_lines[0] if fail_lines else ""
            expect(rc == 1 and any(c in first for c in check.split("|")) and any(p in first for p in phrase.split("|")),
                   f"check {queue}: fails '{check}' with '{phrase}' ({secs:.1f} s: {fail_lines[:1]})")

        # a crash or a hang fails its point, not the sweep
        res = os.path.join(tmp, "crash.json")
        rc, out, err, _ = qbench(exe, "run", "-q", "crash_on_pop,hang_on_push,correct_ring", "-d", "50ms",
                                 "--warmup", "5ms", "-r", "1", "--timeout", "3s", "-o", res, "--plugin", crash,
                                 "--plugin", broken)
        doc = json.load(open(res)) if os.path.exists(res) else {"runs": []}
        status = {r["id"].split("/")[1]: r["status"] for r in doc["runs"]}
        expect(rc == 1 and status == {"crash_on_pop": "failed", "hang_on_push": "failed", "correct_ring": "ok"},
               f"a crashing and a hanging plugin queue fail their points; the sweep goes on: {status}")

        if a.rust:
            rust = ["crossbeam_seg_queue", "crossbeam_array_queue", "crossbeam_channel_bounded",
                    "crossbeam_channel_unbounded", "rust_mutex_vecdeque"]
            rc, out, err, secs = qbench(exe, "check", *rust, *SLOW_OK)
            expect(rc == 0 and out.count("PASS:") == 5, f"the five Rust queues pass qbench check ({secs:.1f} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('all checks held' if not FAILURES else f'{len(FAILURES)} failed')
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
