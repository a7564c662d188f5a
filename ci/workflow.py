"""The CI workflow (ci/github/workflow.yml) as a list of shell steps.

    python3 ci/workflow.py list          every step, matrix expanded
    python3 ci/workflow.py run [--dry]   runs them here, in order (CI_DRY_RUN=1
                                         with --dry: each script only checks
                                         that its make targets resolve)

Used by pytest/test_ci_workflow.py, which `make test` runs.
"""
from __future__ import annotations

import itertools
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "ci" / "github" / "workflow.yml"
_EXPR = re.compile(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}")


def load(path: Path = WORKFLOW) -> dict:
    return yaml.safe_load(path.read_text())


def steps(doc: dict) -> list[dict]:
    """Every `run:` step of every job, one per matrix combination:
    {"job", "name", "run" (matrix expressions substituted), "env"}."""
    out = []
    for job_name, job in doc["jobs"].items():
        matrix = (job.get("strategy") or {}).get("matrix") or {}
        keys = [k for k in matrix if k not in ("include", "exclude")]
        combos = [dict(zip(keys, vals)) for vals in itertools.product(*(matrix[k] for k in keys))] or [{}]
        for combo in combos:
            for step in job["steps"]:
                if "run" not in step:
                    continue
                run = _EXPR.sub(lambda m: str(combo[m.group(1)]), step["run"])
                out.append({"job": job_name, "name": step.get("name", run), "run": run.strip(),
                            "env": {k: str(v) for k, v in (step.get("env") or {}).items()},
                            "matrix": combo})
    return out


def script_of(run: str) -> tuple[Path, list[str]]:
    """`bash ci/x.sh a b` -> (ROOT/ci/x.sh, [a, b]); ValueError otherwise."""
    argv = shlex.split(run)
    if len(argv) < 2 or argv[0] != "bash" or not argv[1].startswith("ci/"):
        raise ValueError(f"a step must be `bash ci/<script> [args]`: {run!r}")
    return ROOT / argv[1], argv[2:]


def run_step(step: dict, dry: bool) -> subprocess.CompletedProcess:
    script, args = script_of(step["run"])
    env = dict(os.environ, **step["env"])
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):   # not the make that runs us
        env.pop(k, None)
    if dry:
        env["CI_DRY_RUN"] = "1"
    return subprocess.run(["bash", str(script), *args], cwd=ROOT, env=env,
                          capture_output=dry, text=True)


def main(argv: list[str]) -> int:
    doc = load()
    todo = steps(doc)
    if argv[:1] == ["list"]:
        for s in todo:
            print(f"{s['job']:<8} {s['name']:<28} {s['run']}")
        return 0
    if argv[:1] == ["run"]:
        dry = "--dry" in argv
        seen = set()
        for s in todo:
            if s["run"] in seen:      # deps and build repeat per job: once here
                continue
            seen.add(s["run"])
            print(f"== {s['job']}: {s['name']}: {s['run']}", flush=True)
            done = run_step(s, dry)
            if done.returncode:
                print(f"ci: step failed ({done.returncode}): {s['run']}", file=sys.stderr)
                if dry:
                    print(done.stdout + done.stderr, file=sys.stderr)
                return done.returncode
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
