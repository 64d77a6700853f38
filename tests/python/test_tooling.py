"""The fixture files match their generator, and qb wraps the scripts."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import make_fixtures
import pytest
import targets
from conftest import FIXTURES, ROOT

PACK_FILE = ROOT / "scripts" / "reference_pack.json"
QBENCH = ROOT / "build" / "release" / "harness" / "qbench"
# The commands that hand over to scripts/COMMAND.py, --help included.
PYTHON_COMMANDS = ("report", "targets", "compare", "merge", "export")


def test_fixtures_are_up_to_date():
    for name, data in make_fixtures.all_files().items():
        assert (FIXTURES / name).read_bytes() == data, f"{name}: run tests/python/fixtures/make_fixtures.py"


def _qb(*args):
    return subprocess.run([str(ROOT / "scripts" / "qb"), *args], capture_output=True, text=True, timeout=120)


def test_qb_documents_report_and_compare():
    assert "report RESULTS..." in _qb("--help").stdout
    proc = _qb("report", "--help")
    assert proc.returncode == 0 and proc.stdout.startswith("usage: ./scripts/qb report")
    # compare's help is compare.py's own argparse text, forwarded: written once.
    proc = _qb("compare", "--help")
    assert proc.returncode == 0 and proc.stdout.startswith("usage: compare.py") and "--queues" in proc.stdout


def test_qb_compare_passes_arguments_and_exit_status_through():
    proc = _qb("compare", str(FIXTURES / "compare_base.json"), str(FIXTURES / "compare_slower.json"),
               "--threshold", "5")
    assert proc.returncode == 1 and "WORSE" in proc.stdout
    assert _qb("compare", str(FIXTURES / "compare_base.json")).returncode == 2


def test_qb_report_refuses_a_bad_file_with_exit_2(tmp_path):
    proc = _qb("report", str(FIXTURES / "bad_old_schema.json"), "-o", str(tmp_path / "r"))
    assert proc.returncode == 2 and proc.stdout == "" and len(proc.stderr.splitlines()) == 1
    assert not (tmp_path / "r").exists()


def _reference_pack() -> list[dict]:
    return json.loads(PACK_FILE.read_text())["scenarios"]


def test_the_reference_pack_is_every_scenario_but_quick():
    scenarios = {p.stem for p in (ROOT / "scenarios").glob("*.json")}
    pack = [entry["name"] for entry in _reference_pack()]
    assert len(pack) == len(set(pack))
    assert set(pack) == scenarios - {"quick"}


def test_every_pack_entry_has_a_device_call_and_option_flags():
    for entry in _reference_pack():
        assert set(entry) == {"name", "call", "flags"}, entry
        assert entry["call"] in (1, 2, 3), entry
        assert all(isinstance(f, str) and f and "\t" not in f and " " not in f for f in entry["flags"]), entry
        assert not entry["flags"] or entry["flags"][0].startswith("--"), entry
    calls = [entry["call"] for entry in _reference_pack()]
    assert calls == sorted(calls), "the pack runs call by call, in order"


def test_qb_reference_help_lists_the_pack_file_budget_flags_and_calls():
    text = _qb("reference", "--help").stdout
    table = text.split("Budget flags, per scenario:\n")[1].splitlines()
    assert [line.split(None, 1) for line in table if line.strip()] == [
        [e["name"], " ".join(e["flags"]) or "(as the file)"] for e in _reference_pack()]
    for call in sorted({e["call"] for e in _reference_pack()}):
        assert f"  {call}: " + " ".join(e["name"] for e in _reference_pack() if e["call"] == call) in text


@pytest.mark.skipif(not QBENCH.exists(), reason="needs the release build's qbench (qb would build it)")
def test_qb_reference_plan_runs_each_pack_scenario_with_its_flags(tmp_path):
    proc = _qb("reference", "--plan", "--out", str(tmp_path / "ref"))
    assert proc.returncode == 0, proc.stderr
    assert re.findall(r"^== (.*)$", proc.stdout, re.M) == [
        f"{e['name']} {' '.join(e['flags'])}" for e in _reference_pack()]
    assert not (tmp_path / "ref").exists()


def test_qb_reference_refuses_a_name_outside_the_pack_with_exit_2(tmp_path):
    proc = _qb("reference", "--out", str(tmp_path / "ref"), "quick")
    assert proc.returncode == 2 and "'quick' is not in the pack" in proc.stderr
    assert not (tmp_path / "ref").exists()


@pytest.mark.parametrize("command", PYTHON_COMMANDS)
def test_qb_help_of_a_python_command_is_the_scripts_own_argparse_help(command):
    script = subprocess.run([sys.executable, str(ROOT / "scripts" / f"{command}.py"), "--help"],
                            capture_output=True, text=True, timeout=120)
    assert script.returncode == 0 and script.stdout.startswith("usage: ")
    for args in ((command, "--help"), (command, "-h"), ("help", command)):
        proc = _qb(*args)
        assert (proc.returncode, proc.stdout) == (0, script.stdout), args
    assert "options:" in script.stdout and "--help" in script.stdout


def test_qb_targets_help_lists_every_target_from_targets_py():
    text = " ".join(_qb("targets", "--help").stdout.split())
    for target in targets.THROUGHPUT_TARGETS:
        assert target.what in text and ", ".join(f"{p}P{c}C" for p, c in target.shapes) in text
        assert all(rival in text for rival in target.rivals)
    assert targets.LATENCY_TARGET in text and targets.PAIR_WHAT in text
    assert f"{targets.LATENCY_LIMIT_NS} ns" in text


def test_qb_report_help_names_every_figure_script():
    text = _qb("report", "--help").stdout
    for script in sorted((ROOT / "scripts").glob("plot_*.py")):
        assert f"  {script.name}: " in text, script.name


@pytest.mark.parametrize("command", ["demo", "test", "fuzz", "build", "run", "list", "micro", "reference",
                                     "device-pack", *PYTHON_COMMANDS])
def test_every_qb_command_has_help_listed_in_the_usage(command):
    assert re.search(rf"^  {re.escape(command)} ", _qb("--help").stdout, re.M)
    proc = _qb(command, "--help")
    assert proc.returncode == 0 and proc.stdout.startswith("usage: ") and len(proc.stdout.splitlines()) > 3
    assert _qb("help", command).stdout == proc.stdout


@pytest.mark.parametrize("args", [["nosuchcmd"], ["--nosuch"], ["help", "nosuchcmd"], ["device-pack", "-x"],
                                  ["device-pack", "a", "b"], ["reference", "--nosuch"], ["test", "--nosuch"],
                                  ["fuzz", "abc"], ["build", "nosuch"]])
def test_qb_usage_errors_are_one_line_with_exit_2(args):
    proc = _qb(*args)
    assert proc.returncode == 2 and proc.stdout == "" and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("qb: ")


def test_qb_documents_merge_and_export():
    listing = _qb("--help").stdout
    for command in ("merge", "export"):
        assert f"  {command} " in listing
        proc = _qb(command, "--help")
        assert proc.returncode == 0 and proc.stdout.startswith(f"usage: ./scripts/qb {command}")
        assert _qb("help", command).stdout == proc.stdout
        assert _qb(command).returncode == 2


def test_qb_export_passes_arguments_through(tmp_path):
    proc = _qb("export", str(FIXTURES / "burst.json"), "--csv")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 7
    proc = _qb("merge", str(FIXTURES / "burst.json"), str(FIXTURES / "lanes.json"), "-o", str(tmp_path / "m.json"))
    assert (proc.returncode, (tmp_path / "m.json").exists()) == (0, True)
