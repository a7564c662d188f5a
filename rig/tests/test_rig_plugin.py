"""rig.pytest_plugin's plumbing, in subprocesses: indirect `target`,
`launch("qemu")` skipped under --target=host, check_after without an
import, positional paths replacing testpaths, and the suite attached over
TCP to a QEMU started by hand."""
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUMBING = "rig/tests/data/plumbing_scenario.py"


def _pytest(*args, run_dir: Path, timeout=300):
    env = dict(os.environ, VMK_PYTEST_RUN=str(run_dir))
    for k in ("PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS"):
        env.pop(k, None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def _outcomes(stdout: str) -> dict:
    return {m.group(2): m.group(1) for m in re.finditer(r"^(PASSED|FAILED|SKIPPED|ERROR)"
                                                      r" (\S+)", stdout, re.M)}


def test_indirect_target_launch_skip_and_check_after(tmp_path):
    done = _pytest(PLUMBING, "--target=host", "-rA", "--qemu-arg=-no-reboot",
                   "--qemu-extra-args=-rtc base=utc", "--request-timeout=7.5",
                   "--boot-timeout=12", run_dir=tmp_path)
    got = _outcomes(done.stdout)
    assert done.returncode == 0, done.stdout
    assert got[f"{PLUMBING}::test_target_parametrized_indirectly[host]"] == "PASSED"
    assert "SKIPPED [1] " in done.stdout and "launches qemu: --target=host" in done.stdout
    assert got[f"{PLUMBING}::test_uses_target[host]"] == "PASSED"
    assert got[f"{PLUMBING}::test_qemu_args_and_timeouts_reach_the_configuration"] == "PASSED"
    assert got[f"{PLUMBING}::test_timeouts_reach_the_session[host]"] == "PASSED"
    # the autouse check_after sent `check` after the test, not after the nocheck one
    with_check = (tmp_path / f"rig_tests_data_plumbing_scenario.py_test_uses_target_host.txt")
    without = (tmp_path / "rig_tests_data_plumbing_scenario.py_test_uses_target_without_check_host.txt")
    assert "> check" in with_check.read_text()
    assert "> check" not in without.read_text()


def test_a_path_argument_replaces_testpaths(tmp_path):
    done = _pytest("--collect-only", "-q", "pytest/test_pt.py", run_dir=tmp_path)
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    assert ids and all(i.startswith("pytest/test_pt.py::") for i in ids), done.stdout
    assert len(ids) == len(set(ids))


def test_a_c_unit_test_is_skipped_not_an_internal_error_under_qemu(tmp_path):
    """A C unit test is a host program: under --target=qemu it is reported
    skipped, and the run exits 0 (its report once had no line, which
    pytest's skip report asserts on: INTERNALERROR, exit 3)."""
    done = _pytest("--target=qemu", "-rs", "kernel/test/test_swattr.c", run_dir=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "INTERNALERROR" not in done.stdout + done.stderr
    assert "1 skipped" in done.stdout, done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.qemu
@pytest.mark.slow
def test_suite_attached_over_tcp_to_a_qemu_started_by_hand(tmp_path):
    port, mport = _free_port(), _free_port()
    qemu = subprocess.Popen(
        ["qemu-system-arm", "-M", "virt", "-cpu", "cortex-a15", "-m", "256M", "-nodefaults",
         "-display", "none", "-kernel", "build/vmk.elf", "-chardev",
         f"socket,id=s0,host=127.0.0.1,port={port},server=on,wait=on,nodelay=on",
         "-semihosting-config", "enable=on,target=native,chardev=s0",
         "-monitor", f"tcp:127.0.0.1:{mport},server=on,wait=off"],
        cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        done = _pytest("pytest/test_pt.py", "--target=qemu",
                       f"--connect=tcp:127.0.0.1:{port}",
                       f"--connect-reset=tcp:127.0.0.1:{mport}", "-q", run_dir=tmp_path)
        assert done.returncode == 0, done.stdout[-3000:]
        assert re.search(r"\d+ passed", done.stdout) and "failed" not in done.stdout
        assert qemu.poll() is None, "the suite ended a QEMU it did not start"
        first = next(tmp_path.glob("pytest_test_pt.py_*qemu*.txt")).read_text()
        assert f"# attach attached to tcp:127.0.0.1:{port}" in first
        assert "system_reset via the monitor" in first
    finally:
        qemu.kill()
        qemu.wait()


def test_c_unit_and_fuzz_items_fail_when_the_program_does(tmp_path):
    """A unit binary that prints `FAIL name` and exits 1, and a replay that
    exits 1 on a finding, are failed JUnit testcases naming what failed."""
    root = tmp_path / "tree"
    (root / "kernel/test").mkdir(parents=True)
    (root / "fuzz/corpus").mkdir(parents=True)
    (root / "build/host").mkdir(parents=True)
    (root / "kernel/test/test_fake.c").write_text("/* stands for a unit test */\n")
    (root / "fuzz/corpus/crash1").write_text("map 0 0 0 read\n")
    unit = root / "build/host/test_fake"
    unit.write_text("#!/bin/sh\necho 'ok   one'\necho 'FAIL two'\necho '1/2 tests passed'\nexit 1\n")
    replay = root / "build/host/fuzz_replay"
    replay.write_text("#!/bin/sh\necho \"harness: finding in $1\"\nexit 1\n")
    unit.chmod(0o755)
    replay.chmod(0o755)
    (root / "pytest.ini").write_text("[pytest]\n")
    junit = tmp_path / "junit.xml"
    env = dict(os.environ, VMK_ROOT=str(root), PYTHONPATH=str(REPO), VMK_PYTEST_RUN=str(tmp_path))
    env.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "rig.pytest_plugin",
                           "-p", "no:cacheprovider", "kernel/test", "fuzz/corpus",
                           f"--junitxml={junit}"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "2 failed" in done.stdout, done.stdout + done.stderr
    assert "build/host/test_fake exited 1 (failed: two)" in done.stdout
    assert "harness: finding in fuzz/corpus/crash1" in done.stdout
    import xml.etree.ElementTree as ET
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert cases["test_fake"].find("failure") is not None
    props = {p.get("name"): p.get("value") for p in cases["test_fake"].iter("property")}
    assert props["result"] == "1/2 tests passed" and props["failed_cases"] == "two"
    assert cases["replay"].find("failure") is not None
