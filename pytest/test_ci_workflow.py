"""The CI workflow (ci/github/workflow.yml) is real: it parses, it covers
what `make test` (.ci/run) runs, on both CPUs and every RAM size, and each
of its steps' scripts exists and resolves here (CI_DRY_RUN=1: the script's
make targets exist and their recipes expand; `bash ci/local.sh` runs them
for real)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "ci"))
workflow = pytest.importorskip("workflow", reason="ci/workflow.py needs python3-yaml")

DOC = workflow.load()
STEPS = workflow.steps(DOC)
UNIQUE = list({s["run"]: s for s in STEPS}.values())


def test_workflow_parses_with_the_three_jobs():
    assert set(DOC["jobs"]) == {"host", "qemu", "mutants"}
    triggers = DOC.get(True, DOC.get("on"))  # YAML 1.1 reads `on:` as True
    assert {"push", "pull_request", "schedule"} <= set(triggers)


def test_qemu_matrix_is_both_cpus_and_every_ram_size():
    from rig.config import CPUS
    matrix = DOC["jobs"]["qemu"]["strategy"]["matrix"]
    assert tuple(matrix["cpu"]) == CPUS == ("cortex-a15", "cortex-a7")
    assert matrix["mem"] == ["64M", "256M", "1G"]
    qemu_runs = {s["run"] for s in STEPS if s["job"] == "qemu" and "pytest" in s["run"]}
    assert qemu_runs == {f"bash ci/pytest.sh qemu {c} {m}"
                         for c in CPUS for m in ("64M", "256M", "1G")}


def test_mutants_run_on_the_schedule_only():
    job = DOC["jobs"]["mutants"]
    assert "schedule" in job["if"]
    assert [s["run"] for s in job["steps"] if "run" in s][-1] == "bash ci/mutants.sh"


def test_artifacts_are_junit_fuzz_plots_and_coverage():
    uploads = " ".join(str(s.get("with", {}).get("path", ""))
                       for job in DOC["jobs"].values() for s in job["steps"]
                       if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    for path in ("build/junit-*.xml", "build/fuzz-plots/", "build/coverage/"):
        assert path in uploads


def _make_test_targets() -> set[str]:
    """The targets the `test` recipe of the Makefile runs ($(MAKE) X)."""
    text = (REPO / "Makefile").read_text()
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", text, re.M).group(1)
    return set(re.findall(r"\$\(MAKE\)\s+(\S+)", recipe))


_DRY: dict = {}


def _dry_run(step):
    """The step's dry run (CI_DRY_RUN=1), once per step for the module."""
    if step["run"] not in _DRY:
        _DRY[step["run"]] = workflow.run_step(step, dry=True)
    return _DRY[step["run"]]


def _dry_targets(step) -> set[str]:
    """The make targets a step's script runs, from its dry run."""
    return set(re.findall(r"^ci: make -n (\S+)", _dry_run(step).stdout, re.M))


def test_workflow_runs_every_stage_of_make_test():
    """.ci/run is `make test`; the workflow's steps run the same targets
    (each script's dry run names what it runs)."""
    assert (REPO / ".ci" / "run").read_text().strip().endswith("make test")
    targets = _make_test_targets()
    # the C unit tests and the fuzz replay are pytest items (rig.pytest_plugin)
    assert {"all", "pytest"} <= targets
    called = set()
    for s in UNIQUE:
        if s["run"] != "bash ci/mutants.sh":
            called |= _dry_targets(s)
    assert targets <= called, f"make test runs {targets - called} that no CI step runs"


@pytest.mark.parametrize("step", UNIQUE, ids=[s["run"] for s in UNIQUE])
def test_step_script_exists_and_resolves_here(step):
    script, _ = workflow.script_of(step["run"])
    assert script.is_file(), f"{step['run']}: no {script}"
    subprocess.run(["bash", "-n", str(script)], check=True)
    if script.name == "mutants.sh":
        probe = subprocess.run(["make", "-n", "mutants"], cwd=REPO, capture_output=True, text=True)
        if "No rule to make target" in probe.stderr:
            pytest.skip("`make mutants` comes from the fuzz branch; not merged here yet")
    done = _dry_run(step)
    assert done.returncode == 0, f"{step['run']} (CI_DRY_RUN=1):\n{done.stdout}\n{done.stderr}"
    assert "resolves" in done.stdout or script.name == "deps.sh"
