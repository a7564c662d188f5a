"""`python3 -m rig`: script syntax, completion, and the run/shell commands
driven against rig/tests/fake_target.py."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from rig import grammar as commands
from rig.script import ANY, parse_script

FAKE = Path(__file__).resolve().parent / "fake_target.py"
REPO = Path(__file__).resolve().parents[2]


def rig(*args: str, stdin: str = "", home: Path = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOME=str(home or REPO / "build"))
    return subprocess.run([sys.executable, "-m", "rig", *args], cwd=REPO, env=env,
                          input=stdin, capture_output=True, text=True, timeout=30)


# ------------------------------------------------------------------ scripts

def test_script_syntax():
    steps = parse_script("# comment\n\ninfo\n  peek 0x10   # read\n"
                         "!err peek 0x2\npeek 0x90000000 # expect err FAULT\n"
                         "frob # expect err\n")
    assert [(s.request, s.expect) for s in steps] == [
        ("info", None), ("peek 0x10", None), ("peek 0x2", ANY),
        ("peek 0x90000000", "FAULT"), ("frob", ANY)]
    assert [s.lineno for s in steps] == [3, 4, 5, 6, 7]


def test_run_prints_requests_and_replies(tmp_path):
    script = tmp_path / "s.vmk"
    script.write_text("info\npeek 0x90000000  # expect err FAULT\n!err frob\nexit 5\n")
    out = rig("run", str(script), "--target", "host", "--vmsim", str(FAKE))
    assert out.returncode == 0, out.stdout
    lines = out.stdout.splitlines()
    assert lines[0].startswith("ready ")
    assert lines[1] == "> info" and lines[2].startswith("ok version=fake")
    assert lines[4].startswith("! fault") and lines[5].startswith("err FAULT")
    assert "# exit status 5" in lines


def test_run_stop_on_err_exits_1_at_an_unexpected_err(tmp_path):
    script = tmp_path / "s.vmk"
    script.write_text("info\nfrob\ninfo\n")
    out = rig("run", str(script), "--stop-on-err", "--target", "host", "--vmsim", str(FAKE))
    assert out.returncode == 1
    assert "# unexpected (line 2): err BAD_COMMAND" in out.stdout
    assert out.stdout.count("> info") == 1


def test_run_stop_on_err_also_stops_at_a_wrong_code(tmp_path):
    script = tmp_path / "s.vmk"
    script.write_text("frob # expect err BAD_ARG\n")
    out = rig("run", "-", "--stop-on-err", "--target", "host", "--vmsim", str(FAKE),
              stdin=script.read_text())
    assert out.returncode == 1 and "expected err BAD_ARG" in out.stdout


def test_run_without_stop_on_err_goes_on_and_fails_at_the_end():
    out = rig("run", "-", "--target", "host", "--vmsim", str(FAKE), stdin="frob\ninfo\n")
    assert out.returncode == 1 and "# 2 steps, 1 unexpected" in out.stdout
    assert "> info" in out.stdout


def test_run_exits_2_on_a_panic():
    out = rig("run", "-", "--target", "qemu", "--qemu", str(FAKE), "--kernel", str(FAKE),
              stdin="panic\ninfo\n")
    assert out.returncode == 2 and "kernel panic" in out.stdout and "status 70" in out.stdout


def test_cmdline_prints_the_exact_command_line():
    out = rig("cmdline", "--cpu", "cortex-a7", "--mem", "64M")
    assert out.stdout.strip() == (
        "qemu-system-arm -M virt -cpu cortex-a7 -m 64M -nodefaults -display none "
        "-kernel build/vmk.elf -chardev stdio,id=s0 "
        "-semihosting-config enable=on,target=native,chardev=s0")


# --------------------------------------------------------------- completion

@pytest.mark.parametrize("line,expect", [
    ("", list(commands.COMMANDS)),
    ("ma", ["map", "map1"]),
    ("as ", ["new", "switch", "destroy", "list"]),
    ("as s", ["switch"]),
    ("cache ", ["clean", "invalidate", "flush", "unify"]),
    ("map 0x1000 0x40000000 4K re", ["read"]),
    ("map 0x1000 0x40000000 4K read,wr", ["read,write"]),
    ("protect 0x1000 4K read,write,g", ["read,write,grow_up", "read,write,grow_down",
                                        "read,write,global"]),
    ("physmap map 0x9000000 4K dev", ["device"]),
    ("hwtranslate 0x1000 ", ["user", "write"]),
    ("hwtranslate 0x1000 user ", ["write"]),
    ("peek 0x1000 u", ["user"]),
    ("map 0x1000 ", []),
    ("frob ", []),
])
def test_completion(line, expect):
    assert commands.complete(line) == expect


def test_every_protocol_command_is_known():
    assert set(commands.COMMANDS) == {
        "help", "info", "exit", "as", "map", "map1", "unmap", "unmap1", "protect",
        "translate", "hwtranslate", "peek", "poke", "fill", "sum", "exec", "pt",
        "flush", "cache", "pmm", "asid", "heap", "kmalloc", "kfree", "physmap",
        "fail", "check", "cpu", "cpus"}


# -------------------------------------------------------------------- shell

def _shell(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), TERM="dumb")
    return pexpect.spawn(sys.executable, ["-m", "rig", "shell", "--target", "host",
                                          "--vmsim", str(FAKE)],
                         cwd=str(REPO), env=env, encoding="utf-8", timeout=20)


def test_shell_answers_and_ctrl_d_exits_cleanly(tmp_path):
    sh = _shell(tmp_path)
    sh.expect("ready version=fake")
    sh.expect_exact("vmk> ")
    sh.sendline("help")
    sh.expect("- cmd=exit -- exit \\[code\\]")
    sh.expect("ok count=29")
    sh.expect_exact("vmk> ")
    # readline prints the prompt before it switches the tty to its own mode:
    # a ^D typed in between is lost, so give it a moment (humans always do).
    time.sleep(0.3)
    sh.sendeof()
    sh.expect("# exit status 0")
    sh.expect(pexpect.EOF)
    sh.close()
    assert sh.exitstatus == 0
    assert "help" in (tmp_path / ".vmk_history").read_text()


def test_shell_tab_completes_subcommands(tmp_path):
    sh = _shell(tmp_path)
    sh.expect_exact("vmk> ")
    sh.send("as li\t\n")
    sh.expect("- as=1 asid=0")
    sh.expect_exact("vmk> ")
    sh.sendline("exit 4")
    sh.expect("# exit status 4")
    sh.expect(pexpect.EOF)
    sh.close()
    assert sh.exitstatus == 4
