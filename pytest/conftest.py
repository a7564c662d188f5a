"""vmk's scenario suites take their options, fixtures (target, shared_target,
launch, check_after, ...) and failure reports from the rig's pytest plugin,
rig/pytest_plugin.py, which pyproject.toml loads (`-p rig.pytest_plugin`)
for every suite; see `python3 -m pytest --help`, group "vmk". This file
only keeps the repository root importable for pytest's other entry points."""
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
