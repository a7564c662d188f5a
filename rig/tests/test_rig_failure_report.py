"""A deliberately failing scenario (rig/tests/data/failing_scenario.py) run
by pytest in a subprocess on QEMU: the terminal and the JUnit XML must show
hex values, the transcript path, the QEMU command line and a one-line
repro, and the repro and the replay script must work."""
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIO = "rig/tests/data/failing_scenario.py"
NODE = f"{SCENARIO}::test_translate_gives_the_pa_it_mapped[qemu]"

pytestmark = pytest.mark.qemu


def _pytest(args, run_dir: Path, timeout=120):
    env = dict(os.environ, VMK_PYTEST_RUN=str(run_dir))
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def failed(tmp_path_factory):
    if not (REPO / "build/vmk.elf").is_file():
        pytest.fail("build/vmk.elf missing: run make", pytrace=False)
    tmp = tmp_path_factory.mktemp("failing")
    run = tmp / "run"
    run.mkdir()
    junit = tmp / "junit.xml"
    done = _pytest([sys.executable, "-m", "pytest", SCENARIO, "--target=qemu",
                    f"--junitxml={junit}"], run)
    return done, junit, run, tmp


def test_it_fails(failed):
    done, *_ = failed
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed" in done.stdout


def test_terminal_shows_hex_transcript_qemu_command_and_repro(failed):
    out = failed[0].stdout
    m = re.search(r"assert (0x[0-9a-f]+) == (0x[0-9a-f]+)", out)
    assert m, out
    assert int(m.group(2), 16) - int(m.group(1), 16) == 0x1000, m.group(0)
    assert re.search(r"transcript: \S+\.txt", out), out
    assert "qemu-system-arm -M virt -cpu cortex-a15 -m 256M" in out, out
    assert f"repro: python3 -m pytest '{NODE}' --target=qemu" in out, out


def test_transcript_and_script_are_written(failed):
    _, _, run, _ = failed
    txt = run / (re.sub(r"[^A-Za-z0-9_.-]+", "_", NODE).strip("_") + ".txt")
    text = txt.read_text()
    assert "> translate 0x10000000" in text and "< ok va=0x10000000" in text, text
    assert "# command line: qemu-system-arm" in text
    scripts = sorted(run.glob("*.rig"))
    assert len(scripts) == 1
    body = scripts[0].read_text()
    assert "pmm alloc 1 0x1000" in body and "translate 0x10000000" in body, body


def test_junit_has_the_same(failed):
    _, junit, run, _ = failed
    case = next(c for c in ET.parse(junit).getroot().iter("testcase")
                if c.get("name", "").endswith("[qemu]"))
    failure = case.find("failure")
    text = (failure.get("message", "") + (failure.text or ""))
    assert re.search(r"assert 0x[0-9a-f]+ == 0x[0-9a-f]+", text), text
    assert "transcript: " in text and "qemu-system-arm -M virt" in text, text
    assert f"repro: python3 -m pytest '{NODE}' --target=qemu" in text, text
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props["transcript"].startswith(str(run)), props
    assert props["target"].startswith("qemu: qemu-system-arm -M virt"), props
    assert re.match(r"^\S+$", props["version"]) and props["version"] != "?", props
    assert "> translate 0x10000000" in case.find("system-out").text


def test_repro_line_fails_the_same_way(failed):
    done, _, _, tmp = failed
    line = re.search(r"repro: (.*)", done.stdout).group(1)
    run2 = tmp / "run2"
    run2.mkdir()
    again = _pytest(shlex.split(line.replace("python3", sys.executable, 1)), run2)
    assert again.returncode == 1, again.stdout
    assert f"FAILED {NODE}" in again.stdout, again.stdout


def test_replay_script_runs_with_rig_run(failed):
    _, _, run, _ = failed
    script = next(run.glob("*.rig"))
    done = subprocess.run([sys.executable, "-m", "rig", "run", str(script), "--target", "qemu"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "> translate 0x10000000" in done.stdout
    assert "0 unexpected" in done.stdout
