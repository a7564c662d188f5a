"""ci/gcda_merge.py adds up .gcda runs exactly as libgcov and gcov-tool do:
a program run twice in place (libgcov merges the second run into the file)
gives the same bytes as two separate runs merged by gcda_merge."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "ci"))
import gcda_merge  # noqa: E402

PROGRAM = r"""
#include <stdlib.h>
static int never(int x) { return x * 3; }          /* all-zero counters */
static int f(int x) { return x > 3 ? x * 2 : x + 1; }
int main(int argc, char **argv)
{
    int s = 0;
    for (int i = 0; i < atoi(argv[1]); i++)
        s += f(i);
    return argc > 2 ? never(s) & 1 : 0;
}
"""


@pytest.fixture
def program(tmp_path: Path) -> Path:
    if shutil.which("gcc") is None:
        pytest.skip("no gcc")
    (tmp_path / "t.c").write_text(PROGRAM)
    subprocess.run(["gcc", "--coverage", "-O0", "t.c", "-o", "t"], cwd=tmp_path, check=True)
    return tmp_path


def _run(d: Path, n: int) -> None:
    subprocess.run([str(d / "t"), str(n)], cwd=d, check=True)


def test_two_runs_merged_equal_libgcov_accumulating_them(program: Path):
    gcda = program / "t.gcda"
    _run(program, 5)
    _run(program, 9)
    together = gcda.read_bytes()
    runs = program / "runs"
    runs.mkdir()
    for i, n in enumerate((5, 9)):
        gcda.unlink()
        _run(program, n)
        shutil.copy(gcda, runs / f"{i}.{str(gcda).replace('/', '#')}")
    gcda.unlink()
    assert gcda_merge.main([str(runs)]) == 0
    assert gcda.read_bytes() == together


def test_a_truncated_run_is_skipped_not_merged(program: Path):
    gcda = program / "t.gcda"
    _run(program, 7)
    one = gcda.read_bytes()
    runs = program / "runs"
    runs.mkdir()
    name = str(gcda).replace("/", "#")
    (runs / f"0.{name}").write_bytes(one)
    (runs / f"1.{name}").write_bytes(one[:10])      # killed mid-dump
    gcda.unlink()
    assert gcda_merge.main([str(runs)]) == 0
    assert gcda.read_bytes() == one
