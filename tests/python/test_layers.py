"""harness/'s includes point down its layers (tests/check_layers.py), and the
checker finds an upward include, an include cycle and a stray file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT

CHECKER = ROOT / "tests" / "check_layers.py"


def _check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECKER), str(root)], capture_output=True, text=True, timeout=60)


def _tree(root: Path, files: dict[str, str]) -> Path:
    (root / "harness").mkdir(parents=True)
    (root / "harness" / "CMakeLists.txt").write_text("set(QB_HARNESS_LAYERS low mid high)\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def test_the_tree_has_no_upward_include_and_no_cycle():
    result = _check(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_a_downward_include_passes(tmp_path):
    root = _tree(tmp_path, {
        "harness/high/a.cpp": '#include "harness/high/a.hpp"\n#include "harness/low/b.hpp"\n',
        "harness/high/a.hpp": '#include "harness/mid/c.hpp"\n',
        "harness/mid/c.hpp": '#include "harness/low/b.hpp"\n',
        "harness/low/b.hpp": "#pragma once\n",
    })
    result = _check(root)
    assert result.returncode == 0, result.stdout


def test_an_upward_include_fails_naming_both_layers(tmp_path):
    root = _tree(tmp_path, {
        "harness/low/b.hpp": '#include "harness/high/a.hpp"\n',
        "harness/high/a.hpp": "#pragma once\n",
    })
    result = _check(root)
    assert result.returncode == 1
    assert result.stdout == ("check_layers: harness/low/b.hpp: includes harness/high/a.hpp: "
                             "high/ is above low/\n")


def test_two_modules_that_include_each_other_fail(tmp_path):
    root = _tree(tmp_path, {
        "harness/mid/a.hpp": '#include "harness/mid/b.hpp"\n',
        "harness/mid/b.hpp": "#pragma once\n",
        "harness/mid/b.cpp": '#include "harness/mid/b.hpp"\n#include "harness/mid/a.hpp"\n',
    })
    result = _check(root)
    assert result.returncode == 1
    assert "include cycle: harness/mid/a -> harness/mid/b -> harness/mid/a" in result.stdout


def test_a_longer_cycle_fails(tmp_path):
    root = _tree(tmp_path, {
        "harness/mid/a.hpp": '#include "harness/mid/b.hpp"\n',
        "harness/mid/b.hpp": '#include "harness/mid/c.hpp"\n',
        "harness/mid/c.hpp": '#include "harness/mid/a.hpp"\n',
    })
    result = _check(root)
    assert result.returncode == 1
    assert "include cycle: harness/mid/a -> harness/mid/b -> harness/mid/c" in result.stdout


def test_a_file_outside_the_layers_and_the_authors_interface_reaching_in_fail(tmp_path):
    root = _tree(tmp_path, {
        "harness/stray.cpp": "int x;\n",
        "harness/mid/a.hpp": '#include "harness/nowhere/z.hpp"\n',
        "include/qbench/queue.hpp": '#include "harness/mid/a.hpp"\n',
    })
    result = _check(root)
    assert result.returncode == 1
    assert "harness/stray.cpp: not in a layer folder" in result.stdout
    assert "harness/mid/a.hpp: includes harness/nowhere/z.hpp, which is in no layer" in result.stdout
    assert "include/qbench/queue.hpp: includes harness/mid/a.hpp: include/ stands apart from harness/" in result.stdout
