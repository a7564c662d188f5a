"""`python3 -m rig` as a user meets it: one-line errors, `run` with
variables on both targets (the README's tour), the shell's Ctrl-C, usage,
suggestions, `help <command>` and exit status, `rig debug`, and the
recorded grammar held to the kernel's own `help`."""
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from rig import AttachConfig, Session
from rig.grammar import HELP_FILE, Grammar

REPO = Path(__file__).resolve().parents[2]
FAKE = Path(__file__).resolve().parent / "fake_target.py"
TOUR = REPO / "rig" / "examples" / "tour.rig"


def rig(*args, stdin="", timeout=60):
    env = dict(os.environ, HOME=str(REPO / "build"))
    return subprocess.run([sys.executable, "-m", "rig", *args], cwd=REPO, env=env,
                          input=stdin, capture_output=True, text=True, timeout=timeout)


# ------------------------------------------------------------ CLI errors

@pytest.mark.parametrize("args, says", [
    (["run", "no/such/script.rig", "--target", "host"], "cannot read the script"),
    (["run", "-", "--target", "qemu", "--mem", "lots"], "not a size"),
    (["run", "-", "--target", "qemu", "--mem", "2G"], "64M to 1G"),
    (["run", "-", "--connect", "tcp:nohost"], "not an address"),
    (["run", "-", "--connect-reset", "tcp:127.0.0.1:1"], "needs --connect"),
    (["run", "-", "--target", "host", "--transport", "tcp"], "stdio or socket"),
    (["shell", "--target", "arm"], "invalid choice"),
    (["frobnicate"], "invalid choice"),
])
def test_every_cli_error_is_one_line_and_status_2(args, says):
    done = rig(*args)
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_target_that_cannot_launch_is_one_line_too():
    done = rig("run", "-", "--target", "host", "--vmsim", "no/such/vmsim", stdin="info\n")
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    assert "missing" in done.stdout


# ----------------------------------------------------------------- scripts

@pytest.mark.parametrize("kind", [pytest.param("host", marks=pytest.mark.host),
                                  pytest.param("qemu", marks=pytest.mark.qemu)])
def test_the_tour_runs_on_both_targets_with_its_own_pa(kind):
    done = rig("run", str(TOUR), "--target", kind)
    assert done.returncode == 0, done.stdout + done.stderr
    pa = re.search(r"^ok pa=(0x[0-9a-f]+) count=16$", done.stdout, re.M).group(1)
    assert f"> map 0x10000 {pa} 64K read,write" in done.stdout
    assert f"> pmm free {pa} 16" in done.stdout
    assert "ok va=0x10010 val=0xcafe" in done.stdout
    assert "# 9 steps, 0 unexpected" in done.stdout


def test_the_readme_shows_the_tour_as_it_is():
    readme = (REPO / "README.md").read_text()
    assert TOUR.read_text().strip() in readme


def test_an_unexpected_reply_fails_the_run_and_expect_lines_apply_to_the_next():
    script = "expect err BAD_COMMAND\nfrob\nexpect ok\nfrob\ninfo\n"
    done = rig("run", "-", "--target", "host", "--vmsim", str(FAKE), stdin=script)
    assert done.returncode == 1, done.stdout
    assert "# unexpected (line 4): err BAD_COMMAND" in done.stdout
    assert "(line 2)" not in done.stdout and "# 3 steps, 1 unexpected" in done.stdout


def test_an_unbound_variable_is_an_error_of_the_script():
    done = rig("run", "-", "--target", "host", "--vmsim", str(FAKE),
               stdin="info\npeek $nope\n")
    assert done.returncode == 2
    assert "# script error: line 2: $nope is not bound" in done.stdout
    assert "> peek" not in done.stdout


def test_variables_take_the_first_key_or_the_named_one():
    script = "a = pmm alloc 1\npeek $a\npeek ${a.count}\n"
    done = rig("run", "-", "--target", "host", "--vmsim", str(FAKE), stdin=script)
    assert done.returncode == 0, done.stdout
    assert "> peek 0x40123000" in done.stdout and "> peek 1" in done.stdout


# ------------------------------------------------------------------- shell

def _shell(tmp_path, *extra):
    env = dict(os.environ, HOME=str(tmp_path), TERM="dumb")
    sh = pexpect.spawn(sys.executable, ["-m", "rig", "shell", "--target", "host",
                                        "--vmsim", str(FAKE), *extra],
                       cwd=str(REPO), env=env, encoding="utf-8", timeout=20)
    sh.expect_exact("vmk> ")
    time.sleep(0.2)  # readline takes the tty after printing the prompt
    return sh


def test_exit_code_leaves_the_shell_with_that_status(tmp_path):
    sh = _shell(tmp_path)
    sh.sendline("exit 7")
    sh.expect("# exit status 7")
    sh.expect(pexpect.EOF)
    sh.close()
    assert sh.exitstatus == 7


def test_ctrl_c_during_a_request_keeps_the_shell_and_shows_the_late_reply(tmp_path):
    sh = _shell(tmp_path)
    sh.sendline("slow 1.5")
    time.sleep(0.5)
    sh.sendintr()
    sh.expect(r"# interrupted: no longer waiting; target running \(pid \d+\), "
              r"still working on 'slow 1.5'")
    sh.expect_exact("vmk> ")
    time.sleep(1.5)
    sh.sendline("info")
    sh.expect("ok slept=1.5")
    sh.expect("ok version=fake")
    sh.expect_exact("vmk> ")
    sh.sendline("exit 3")
    sh.expect("# exit status 3")
    sh.expect(pexpect.EOF)
    sh.close()
    assert sh.exitstatus == 3


def test_usage_after_bad_arg_and_suggestion_after_bad_command(tmp_path):
    sh = _shell(tmp_path)
    sh.sendline("map 0x1000")
    sh.expect("err BAD_ARG")
    sh.expect_exact("# usage: map <va> <pa> <len> <attrs>")
    sh.sendline("mpa 0x1000")
    sh.expect("err BAD_COMMAND")
    sh.expect(r"# did you mean: map[,?]")
    sh.sendline("exit")
    sh.expect(pexpect.EOF)


def test_help_command_goes_to_the_kernel(tmp_path):
    sh = _shell(tmp_path)
    sh.sendline("help map")
    sh.expect_exact("- cmd=map -- map <va> <pa> <len> <attrs>")
    sh.expect_exact("- about -- what map does")
    sh.expect("ok count=2")
    sh.sendline("exit")
    sh.expect(pexpect.EOF)


def test_help_command_falls_back_on_a_kernel_without_it(tmp_path):
    sh = _shell(tmp_path, "--qemu-arg=--fake-old-help")
    sh.sendline("help pmm")
    sh.expect("err BAD_ARG")
    sh.expect_exact("# this kernel has no `help <command>`; from its `help` list:")
    sh.expect_exact("- cmd=pmm -- pmm stats | pmm alloc [count] [align] | pmm free <pa> [count]")
    sh.sendline("exit")
    sh.expect(pexpect.EOF)


# ----------------------------------------------------------------- grammar

@pytest.mark.host
def test_the_recorded_grammar_is_the_kernels_own(tmp_path):
    """rig/help.txt is what build/host/vmsim answers to `help` (regenerate:
    `build/host/vmsim <<< help | grep '^- ' > rig/help.txt`)."""
    done = subprocess.run([str(REPO / "build/host/vmsim")], input="help\nexit\n",
                          capture_output=True, text=True, timeout=10)
    live = Grammar.from_records(done.stdout.splitlines())
    recorded = Grammar.recorded()
    assert live.usages == recorded.usages, HELP_FILE


def test_grammar_parses_usage_alternatives_and_literal_words():
    g = Grammar({"cache": "cache clean|invalidate <va> <len>",
                 "hwtranslate": "hwtranslate <va> [user] [write]"})
    assert g.subcommands("cache") == ["clean", "invalidate"]
    assert g.form_for(["cache", "invalidate"]).usage() == "cache invalidate <va> <len>"
    assert g.complete("hwtranslate 0x1000 ") == ["user", "write"]
    assert g.suggest("hwtransalte") == ["hwtranslate"]


# ------------------------------------------------------------------- debug

def _start_debug(*extra):
    proc = subprocess.Popen([sys.executable, "-m", "rig", "debug", "--ui", "none", *extra],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    head = [proc.stdout.readline() for _ in range(4)]
    text = "".join(head)
    port = int(re.search(r"gdb stub tcp:127.0.0.1:(\d+)", text).group(1))
    chan = re.search(r"channel (unix:\S+)", text).group(1)
    pid = int(re.search(r"# qemu pid (\d+)", text).group(1))
    return proc, port, chan, pid


def _gone(pid, wait=5.0):
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        with open(f"/proc/{pid}/stat") as f:
            if f.read().split(") ", 1)[1].startswith("Z"):
                return True
        time.sleep(0.05)
    return False


@pytest.mark.qemu
@pytest.mark.slow
def test_debug_twice_gives_a_fresh_kernel_and_refuses_a_busy_port():
    first, port, chan, pid = _start_debug()
    try:
        busy = rig("debug", "--ui", "none", "--gdb-port", str(port))
        assert busy.returncode == 2 and f"gdb port {port} is busy" in busy.stderr
        gdb = subprocess.run(["gdb-multiarch", "-q", "-batch", "build/vmk.elf",
                              "-ex", f"target remote 127.0.0.1:{port}",
                              "-ex", "info registers pc", "-ex", "detach"],
                             cwd=REPO, capture_output=True, text=True, timeout=30)
        assert "pc " in gdb.stdout, gdb.stdout + gdb.stderr
        with Session(AttachConfig(chan)) as s:
            assert s.ok("as new").int("as") == 2
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(10)
    assert _gone(pid), "make debug left its QEMU running"
    second, port2, chan2, pid2 = _start_debug()
    try:
        assert pid2 != pid and chan2 != chan
        subprocess.run(["gdb-multiarch", "-q", "-batch", "build/vmk.elf",
                        "-ex", f"target remote 127.0.0.1:{port2}", "-ex", "detach"],
                       cwd=REPO, capture_output=True, timeout=30)
        with Session(AttachConfig(chan2)) as s:
            assert s.ok("as new").int("as") == 2  # a fresh kernel: no AS 2 yet
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)
    assert _gone(pid2)


# ------------------------------------------------------------- packaging

@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("VMK_TEST_PIP"),
                    reason="pip takes ~20 s: VMK_TEST_PIP=1 (make rig-selftest sets it)")
def test_pip_installs_the_rig_with_its_entry_point(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True, timeout=120)
    done = subprocess.run([str(venv / "bin/pip"), "install", "-q", "--no-build-isolation",
                           "--no-deps", "--no-index", str(REPO)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    site = next((venv / "lib").glob("python3*/site-packages"))
    assert (site / "rig" / "pytest_plugin.py").is_file()
    assert (site / "rig" / "help.txt").is_file()
    out = subprocess.run([str(venv / "bin/vmk-rig"), "cmdline", "--target", "host"],
                         cwd=tmp_path, env=dict(os.environ, VMK_ROOT=str(REPO)),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "build/host/vmsim", out


@pytest.mark.qemu
@pytest.mark.slow
def test_debug_plain_ctrl_c_reaches_gdb_only_and_quit_kills_qemu(tmp_path):
    sh = pexpect.spawn(sys.executable, ["-m", "rig", "debug", "--ui", "plain"], cwd=str(REPO),
                       env=dict(os.environ, HOME=str(tmp_path), TERM="dumb"),
                       encoding="utf-8", timeout=30)
    sh.expect(r"# qemu pid (\d+)")
    pid = int(sh.match.group(1))
    sh.expect_exact("(gdb) ")
    sh.sendline("continue")
    sh.expect("Continuing")
    time.sleep(0.5)
    sh.sendintr()                          # gdb stops the kernel; QEMU and the rig live on
    sh.expect_exact("(gdb) ")
    assert not _gone(pid, 0.5) and sh.isalive()
    sh.sendline("quit")                    # gdb detaches: QEMU would run on, the rig kills it
    sh.expect(r"\(y or n\)")
    sh.sendline("y")
    sh.expect(pexpect.EOF)
    sh.close()
    assert _gone(pid)
