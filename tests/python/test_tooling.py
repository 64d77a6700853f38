"""The fixture files match their generator, and qb wraps the scripts."""

from __future__ import annotations

import subprocess

import make_fixtures
from conftest import FIXTURES, ROOT


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


def _reference_pack() -> list[str]:
    text = _qb("reference", "--help").stdout
    return [line.split()[0] for line in text.split("Budget flags, per scenario:\n")[1].splitlines() if line.strip()]


def test_the_reference_pack_is_every_scenario_but_quick():
    scenarios = {p.stem for p in (ROOT / "scenarios").glob("*.json")}
    pack = _reference_pack()
    assert len(pack) == len(set(pack))
    assert set(pack) == scenarios - {"quick"}


def test_qb_reference_refuses_a_name_outside_the_pack_with_exit_2(tmp_path):
    proc = _qb("reference", "--out", str(tmp_path / "ref"), "quick")
    assert proc.returncode == 2 and "'quick' is not in the pack" in proc.stderr
    assert not (tmp_path / "ref").exists()


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
