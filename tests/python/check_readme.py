#!/usr/bin/python3
"""Runs what README.md documents, so that a documented flag, key, file or
command line that does not work fails `qb test`.

Input: QBENCH, a qbench binary (CTest passes the release build's), and the
README at the root of the tree. Checked:
- every `qbench run ...` command line the README shows (in backticks or in a
  sh block), without a placeholder in it, is accepted by `--plan` (its
  `--out`, if any, redirected to a scratch folder); `qbench list` and
  `qbench --version` run;
- every `--flag` the README names in backticks is in the `--help` of a
  qbench subcommand or a `./scripts/qb` command (FOREIGN lists the flags of
  other tools that the README names, each with its tool);
- every scenario file in the README's table of scenarios exists and its
  plan is accepted;
- every key the README names for a workload kind is one the scenario parser
  takes for that kind, and every key the parser takes is named: a scenario
  file with one unknown key under `workload` gets the parser's list of
  valid keys, which must equal the README's.
Output: one line per problem on stderr and exit 1, else one line on stdout
and exit 0.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QB = ROOT / "scripts" / "qb"
QBENCH_COMMANDS = ("run", "list", "check", "pingpong")
QB_COMMANDS = ("report", "ir", "compare", "merge", "export", "targets", "reference", "micro", "fuzz", "test", "build",
               "device-pack")
# Flags of other tools that the README names (what the flag is, where): never qbench's.
FOREIGN = {
    "--offline": "cargo's (the Rust crate builds offline)",
    "--locked": "cargo's",
    "--gtest": "GoogleTest's --gtest_* options",
    "--benchmark": "Google Benchmark's --benchmark_* options",
}
# Flags the README shows as mistakes, to show what qbench answers.
MISTAKES = {"--placment": "a mistyped --placement"}
PLACEHOLDER = re.compile(r"\.\.\.|…|\b[A-Z][A-Z_]{1,}\b|\[|\]|\|")


def _run(args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def command_lines(readme: str) -> list[str]:
    """The qbench command lines the README shows: in backticks, and in sh
    blocks (continuation lines joined), each from `qbench` on."""
    found = [m for m in re.findall(r"`([^`\n]*\bqbench [a-z][^`\n]*)`", readme)]
    for block in re.findall(r"```sh\n(.*?)```", readme, re.S):
        found += [line for line in block.replace("\\\n", " ").splitlines() if "qbench " in line]
    out = []
    for line in found:
        start = re.search(r"(?:^|[\s/])qbench (?=[a-z-])", line)
        if start:
            out.append(" ".join(line[start.end() - len("qbench "):].split()))
    return list(dict.fromkeys(out))


def check_command_lines(qbench: Path, readme: str, scratch: Path) -> list[str]:
    problems = []
    for line in command_lines(readme):
        words = shlex.split(line, comments=True)[1:]
        if not words or PLACEHOLDER.search(line) or words[0] not in QBENCH_COMMANDS + ("--version",):
            continue
        if "--plugin" in words:
            continue  # the user's own library, which this tree does not have; its flags are checked below
        if words[0] == "run":
            words = [str(scratch / Path(w).name) if i and words[i - 1] == "--out" else w for i, w in enumerate(words)]
            words += [] if "--plan" in words else ["--plan"]
        elif words[0] in ("check", "pingpong"):
            continue  # they measure; their flags are checked against --help below
        done = _run([qbench] + words)
        if done.returncode != 0:
            why = (done.stderr.strip().splitlines() or ["no message"])[-1]
            problems.append(f"README's `{line}` exits {done.returncode}: {why}")
    return problems


def help_texts(qbench: Path) -> str:
    texts = [_run([qbench, "--help"]).stdout]
    texts += [_run([qbench, c, "--help"]).stdout for c in QBENCH_COMMANDS]
    texts += [(lambda d: d.stdout + d.stderr)(_run([QB, c, "--help"])) for c in QB_COMMANDS]
    return "\n".join(texts)


def check_flags(qbench: Path, readme: str) -> list[str]:
    helps = help_texts(qbench)
    known = set(re.findall(r"--[a-z][a-z0-9-]*", helps))
    named = sorted({f for code in re.findall(r"`([^`\n]*)`", readme) for f in re.findall(r"--[a-z][a-z0-9-]*", code)})
    return [f"README names {flag}, which no --help of qbench or ./scripts/qb lists" for flag in named
            if flag not in known and flag not in FOREIGN and flag not in MISTAKES]


def scenario_files(readme: str) -> list[str]:
    """The files of the README's table of scenarios (rows `| `NAME.json` | ...`)."""
    return re.findall(r"^\| `([a-z0-9-]+\.json)` \|", readme, re.M)


def check_scenarios(qbench: Path, readme: str) -> list[str]:
    problems = []
    files = scenario_files(readme)
    if not files:
        problems.append("README has no table of scenario files")
    for name in files:
        path = ROOT / "scenarios" / name
        if not path.exists():
            problems.append(f"README's scenario table names {name}, which is not in scenarios/")
            continue
        done = _run([qbench, "run", "--scenario", path, "--plan"])
        if done.returncode != 0:
            problems.append(f"README's scenario {name}: --plan exits {done.returncode}: {done.stderr.strip()[-200:]}")
    listed = {p.name for p in (ROOT / "scenarios").glob("*.json")}
    problems += [f"scenarios/{name} is not in README's table of scenarios" for name in sorted(listed - set(files))]
    return problems


def documented_workload_keys(readme: str) -> dict[str, set[str]]:
    """Each workload kind of the README's workload list, with the keys its
    line's last sentence ("Keys: ...") names in backticks, outside the
    parentheses that describe them."""
    section = readme.split("Workloads (`harness/workloads/`)", 1)[-1].split("\n\n| ", 1)[0]
    out = {}
    for kind, text in re.findall(r"^- `([a-z_]+)`: (.*)$", section, re.M):
        keys = text.rsplit(" Keys: ", 1)[-1] if " Keys: " in text else ""
        keys = re.sub(r"\([^()]*(\([^()]*\)[^()]*)*\)", "", keys)  # what a key's parentheses say of it
        out[kind] = set(re.findall(r"`([a-z_]+)`", keys))
    return out


def parser_workload_keys(qbench: Path, kind: str, scratch: Path) -> set[str] | None:
    """The keys the scenario parser lists as valid for `kind`, read from its
    error for an unknown key; None when the error lists none."""
    path = scratch / f"probe-{kind}.json"
    path.write_text(json.dumps({"name": "probe", "description": "README check", "queues": ["sequence_ring"],
                                "duration": "10ms", "workload": {"kind": kind, "zzzzzzzzzzzz": 1}}))
    done = _run([qbench, "run", "--scenario", path, "--plan"])
    listed = re.search(r"unknown key for an? [a-z_]+ workload \(keys: ([^)]*)\)", done.stderr)
    if done.returncode != 2 or not listed:
        return None
    return {k for k in re.findall(r"[a-z_]+", listed.group(1)) if k != "kind"}


def check_workload_keys(qbench: Path, readme: str, scratch: Path) -> list[str]:
    problems = []
    documented = documented_workload_keys(readme)
    if not documented:
        return ["README has no workload list (Workloads (`harness/workloads/`): ...)"]
    for kind, keys in documented.items():
        valid = parser_workload_keys(qbench, kind, scratch)
        if valid is None:
            problems.append(f"workload {kind}: an unknown key's error does not list the valid keys")
            continue
        problems += [f"README names `{k}` for workload {kind}, which the scenario parser refuses"
                     for k in sorted(keys - valid)]
        problems += [f"workload {kind} takes `{k}`, which README's line for it does not name"
                     for k in sorted(valid - keys)]
    return problems


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: check_readme.py QBENCH", file=sys.stderr)
        return 2
    qbench = Path(argv[0]).resolve()
    readme = (ROOT / "README.md").read_text()
    with tempfile.TemporaryDirectory(prefix="qb-readme-") as tmp:
        scratch = Path(tmp)
        problems = (check_command_lines(qbench, readme, scratch) + check_flags(qbench, readme)
                    + check_scenarios(qbench, readme) + check_workload_keys(qbench, readme, scratch))
    for line in problems:
        print(f"check_readme.py: {line}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_readme.py: ok: {len(command_lines(readme))} command lines, the flags, "
          f"{len(scenario_files(readme))} scenario files and the workload keys in README.md work")
    return 0


if __name__ == "__main__":
    sys.exit(main())
