"""compare.py flags a planted regression and not noise; usage errors exit 2."""

from __future__ import annotations

import pytest

import compare
from conftest import FIXTURES, fixture_doc


def _run(capsys, *args):
    code = compare.main([str(a) for a in args])
    return code, capsys.readouterr()


def test_a_planted_regression_is_flagged_with_exit_1(capsys, tmp_path):
    md = tmp_path / "cmp.md"
    code, out = _run(capsys, FIXTURES / "compare_base.json", FIXTURES / "compare_slower.json", "--markdown", md)
    assert code == 1
    worse = [line for line in out.out.splitlines() if line.rstrip().endswith("WORSE")]
    assert len(worse) == 1 and worse[0].startswith("run/sequence_ring/p2c2")
    text = md.read_text()
    assert "| run/sequence_ring/p2c2 |" in text and "WORSE" in text and "Geometric mean" in text


def test_the_planted_change_is_measured_not_assumed(capsys):
    base = {r["id"]: r for r in fixture_doc("compare_base.json")["runs"]}
    slow = {r["id"]: r for r in fixture_doc("compare_slower.json")["runs"]}
    rid = "run/sequence_ring/p2c2"
    change = slow[rid]["aggregate"]["median_items_per_s"] / base[rid]["aggregate"]["median_items_per_s"] - 1
    _, out = _run(capsys, FIXTURES / "compare_base.json", FIXTURES / "compare_slower.json")
    assert f"{change * 100:+.1f}%" in next(line for line in out.out.splitlines() if line.startswith(rid))


def test_noise_from_the_same_distribution_is_not_flagged(capsys):
    code, out = _run(capsys, FIXTURES / "compare_base.json", FIXTURES / "compare_noise.json")
    assert code == 0
    assert "WORSE" not in out.out and "0 significant regressions" in out.out


def test_a_regression_within_the_threshold_is_not_a_failure(capsys):
    code, out = _run(capsys, FIXTURES / "compare_base.json", FIXTURES / "compare_slower.json", "--threshold", "25")
    assert code == 0 and "significant, within 25%" in out.out


def test_too_few_repetitions_are_warned_about(capsys):
    code, out = _run(capsys, FIXTURES / "throughput.json", FIXTURES / "throughput.json")
    assert code == 0
    assert "fewer than 9 repetitions a side: too few for significance" in out.out


@pytest.mark.parametrize("args", [
    ["compare_base.json"],
    ["compare_base.json", "compare_noise.json", "--alpha", "2"],
    ["compare_base.json", "compare_noise.json", "--threshold", "lots"],
    ["compare_base.json", "compare_noise.json", "--markdown", "/nonexistent/dir/x.md"],
    ["compare_base.json", "compare_noise.json", "--no-such-option"],
])
def test_usage_errors_exit_2(args, capsys):
    argv = [str(FIXTURES / a) if a.endswith(".json") and "/" not in a else a for a in args]
    with pytest.raises(SystemExit) as stop:
        compare.main(argv)
    assert stop.value.code == 2
    assert "error" in capsys.readouterr().err


def test_files_without_a_common_run_exit_2(capsys):
    code, out = _run(capsys, FIXTURES / "compare_base.json", FIXTURES / "burst.json")
    assert code == 2 and "no run id in common" in out.err
