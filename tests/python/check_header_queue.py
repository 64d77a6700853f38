#!/usr/bin/python3
"""Header queues from outside the tree, end to end.

usage: check_header_queue.py SOURCE_DIR WORK_DIR

Copies tests/user_queue/my_spsc_ring.hpp (with a use of a deprecated function
added, which the project's -Werror must not judge) and broken_rings.hpp into a
folder outside the tree, configures qbench in WORK_DIR/build with
-DQBENCH_QUEUES naming both, builds qbench alone, and checks that:
- qbench list shows my_spsc_ring with its origin "header PATH";
- a run moves its items at 8 and 64 bytes, every point ok;
- qbench check passes it, and fails each broken header queue on the check
  that names its fault;
- a header with no QBENCH_QUEUE line fails the configure, naming the header;
- a header lacking try_pop fails to compile with a message naming the header
  and try_pop.
Exits 0 when every check holds; prints each failure and exits 1 otherwise.
"""
import json
import os
import shutil
import subprocess
import sys

FAILURES = []


def expect(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILURES.append(what)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    src, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    outside = os.path.join(work, "my queues")  # a space in the path, as users have
    os.makedirs(outside)
    ring = os.path.join(outside, "my_spsc_ring.hpp")
    with open(os.path.join(src, "tests/user_queue/my_spsc_ring.hpp")) as f:
        text = f.read()
    # A deprecation warning inside the user's header: -Werror is the project's
    # rule for its own code, not for a header it does not own.
    text = text.replace("namespace myq {\n", "namespace myq {\n\n[[deprecated(\"an old API\")]] inline int old_api() "
                        "{ return 0; }\ninline int uses_old_api() { return old_api(); }\n", 1)
    with open(ring, "w") as f:
        f.write(text)
    broken = os.path.join(outside, "broken_rings.hpp")
    shutil.copy(os.path.join(src, "tests/user_queue/broken_rings.hpp"), broken)

    build = os.path.join(work, "build")
    # -O1 and no flattened workers: this build shows that the headers
    # compile, run and pass `check`, not how fast they are; -O1 compiles
    # qbench's heaviest units in about 0.6x the time of the release flags,
    # and unflattened workers in about half that again.
    configure = ["cmake", "-S", src, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG",
                 "-DCMAKE_C_FLAGS_RELEASE=-O1 -DNDEBUG", "-DQB_BUILD_TESTS=OFF", "-DQB_BUILD_BENCHMARKS=OFF",
                 "-DQB_FLATTEN=OFF", "-DQB_WERROR=ON"]
    p = run(configure + ["-B", build, f"-DQBENCH_QUEUES={ring};{broken}"])
    expect(p.returncode == 0 and "my_spsc_ring.hpp: 1 queue(s)" in p.stdout, "configure with two outside headers")
    if p.returncode != 0:
        print(p.stdout[-2000:], p.stderr[-2000:])
        return 1
    p = run(["cmake", "--build", build, "--target", "qbench", "-j", str(os.cpu_count() or 2)])
    expect(p.returncode == 0, "qbench builds with them, warnings as errors on our code only")
    if p.returncode != 0:
        print(p.stdout[-4000:])
        return 1
    qbench = os.path.join(build, "harness", "qbench")

    p = run([qbench, "list", "--json"])
    queues = {q["name"]: q for q in json.loads(p.stdout)["queues"]} if p.returncode == 0 else {}
    q = queues.get("my_spsc_ring", {})
    expect(q.get("origin") == "header " + ring and q.get("producers") == "one",
           f"qbench list shows my_spsc_ring from its header ({q.get('origin')})")
    expect(all(n in queues for n in ("header_loss", "header_dup", "header_reorder", "header_torn",
                                     "header_publish_early")), "and the five broken header queues")

    for size in ("8", "64"):
        out = os.path.join(work, f"run{size}.json")
        p = run([qbench, "run", "-q", "my_spsc_ring", "-p", "1", "-c", "1", "-d", "20ms", "--warmup", "5ms", "-r", "1",
                 "--payload-bytes", size, "-o", out])
        statuses = [r["status"] for r in json.load(open(out))["runs"]] if p.returncode == 0 else []
        expect(statuses == ["ok"], f"a run of my_spsc_ring at {size} B is ok ({p.stderr.strip()[-200:]})")

    p = run([qbench, "check", "my_spsc_ring", "--timeout", "60s"])
    expect(p.returncode == 0 and "PASS: my_spsc_ring" in p.stdout, "qbench check passes my_spsc_ring")
    faults = {"header_loss": ("exactly-once", "lost"), "header_dup": ("exactly-once", "more than once"),
              "header_reorder": ("order", "out of their producer's order"), "header_torn": ("payload", "wrong bytes"),
              "header_publish_early": ("payload|exactly-once", "wrong bytes|lost|more than once")}
    for queue, (check, phrase) in faults.items():
        p = run([qbench, "check", queue])
        first = next((l for l in p.stdout.splitlines() if l.strip().startswith("FAIL ")), "")
        expect(p.returncode == 1 and any(c in first for c in check.split("|"))
               and any(w in first for w in phrase.split("|")), f"check {queue}: '{check}' ({first.strip()})")

    # A header that names no queue: the configure says which header.
    silent = os.path.join(outside, "silent.hpp")
    with open(silent, "w") as f:
        f.write("#pragma once\nnamespace silent { template <class T> struct Q {}; }\n")
    p = run(configure + ["-B", os.path.join(work, "build-silent"), f"-DQBENCH_QUEUES={silent}"])
    said = " ".join(p.stderr.split())  # CMake wraps and indents a long message
    expect(p.returncode != 0 and silent in said and "declares no queue" in said,
           "a header with no QBENCH_QUEUE line fails the configure, naming it")

    # A header that lacks a member: the compile says which header and which member.
    half = os.path.join(outside, "no_try_pop.hpp")
    shutil.copy(os.path.join(src, "tests/user_queue/no_try_pop.hpp"), half)
    p = run(["g++", "-std=c++20", "-fsyntax-only", "-I", os.path.join(src, "include"), "-x", "c++", half])
    expect(p.returncode != 0 and f"qbench: {half}: nopop::Half<T> has no bool try_pop(value_type&)" in p.stderr,
           "a header without try_pop fails to compile, naming the header and try_pop")

    shutil.rmtree(work, ignore_errors=True)
    print("all checks held" if not FAILURES else f"{len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
