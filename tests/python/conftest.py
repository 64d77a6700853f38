"""Shared fixtures of the Python tests: the scripts on sys.path, the fixture
files, and one report made once per session from every workload fixture."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(FIXTURES))

# One results file per workload shape the scripts know.
REPORT_INPUTS = ("throughput.json", "backpressure.json", "burst.json", "lanes.json", "producer_sweep.json",
                 "pingpong.json")


def fixture_doc(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory) -> Path:
    import report

    out = tmp_path_factory.mktemp("report")
    # --svg: the figure tests read a figure's words and colours from its SVG's text.
    assert report.main([str(FIXTURES / n) for n in REPORT_INPUTS] + ["-o", str(out), "--svg"]) == 0
    return out
