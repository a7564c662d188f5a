"""Every planted bug still names code that is there: each snippet of
fuzz/mutants.py (and fuzz/mutants_smp.py) and of kernel/test/mutants/*.py
occurs exactly once in its file. `make mutants` fails on a stale one
too, but it runs on a schedule; this runs in every `make test`, so an
edit of the core that moves a mutant's code is seen where it is made."""
import runpy
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "fuzz"))
import mutants  # noqa: E402  (fuzz/mutants.py)

UNIT_LISTS = sorted((REPO / "kernel/test/mutants").glob("*.py"))


def fuzz_snippets():
    for mid, _, path, old, new in mutants.MUTANTS:
        s = mutants.subs(path, old, new)
        for k, (p, o, _) in enumerate(s):
            yield pytest.param(p, o, id=f"{mid}-{k}" if len(s) > 1 else mid)


def unit_snippets():
    for lst in UNIT_LISTS:
        spec = runpy.run_path(str(lst))
        for m in spec["MUTANTS"]:
            yield pytest.param(spec["SOURCE"], m[1], id=f"{lst.stem}:{m[0]}")


@pytest.mark.parametrize("path,snippet", list(fuzz_snippets()))
def test_fuzz_mutant_snippet_is_in_its_file_once(path, snippet):
    assert (REPO / path).read_text().count(snippet) == 1, f"{path}: {snippet!r}"


@pytest.mark.parametrize("path,snippet", list(unit_snippets()))
def test_unit_mutant_snippet_is_in_its_file_once(path, snippet):
    assert (REPO / path).read_text().count(snippet) == 1, f"{path}: {snippet!r}"


def test_every_list_has_mutants():
    assert len(mutants.MUTANTS) >= 20
    assert UNIT_LISTS and all(runpy.run_path(str(p))["MUTANTS"] for p in UNIT_LISTS)
