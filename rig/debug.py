"""`python3 -m rig debug` (`make debug`): the kernel halted under QEMU's gdb
stub, gdb-multiarch on it, and a rig shell on the command channel beside it.

    QEMU   -S -gdb tcp:127.0.0.1:PORT, the channel on a unix socket
           (build/debug/chan-<pid>.sock, wait=off), in its own session so
           that gdb's Ctrl-C (SIGINT to the terminal) never reaches it
    gdb    gdb-multiarch build/vmk.elf -ex 'target remote :PORT'
    shell  python3 -m rig shell --connect unix:<socket>: it waits for `ready`
           for as long as gdb holds the kernel, and sends requests while you
           step in gdb

PORT is a free port unless --gdb-port (GDB_PORT=) names one; a port that
is taken is refused, never shared with a stale QEMU. --ui tmux (the
default on a terminal with tmux) opens gdb and the shell side by side in
one tmux window; --ui plain runs gdb here and prints the shell's command
for a second terminal; --ui none runs no gdb (prints the addresses and
waits, for scripts and self-tests). When gdb quits (or on Ctrl-C with
--ui none) QEMU is killed, so the next `make debug` starts a fresh kernel.
build/debug/session says what runs where."""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .config import CPUS, DEFAULT_KERNEL, REPO_ROOT, QemuConfig
from .launch import _child_setup, free_port

GDB = "gdb-multiarch"
LONG = 7 * 24 * 3600.0  # "for as long as gdb holds the kernel"


def add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gdb-port", type=int, default=None,
                   help="QEMU's gdb stub port (default: a free one; refused if busy)")
    p.add_argument("--cpu", choices=CPUS, default="cortex-a15")
    p.add_argument("--mem", default="256M")
    p.add_argument("--kernel", type=Path, default=None, help="default build/vmk.elf")
    p.add_argument("--qemu", default="qemu-system-arm")
    p.add_argument("--ui", choices=("auto", "tmux", "plain", "none"), default="auto")
    p.add_argument("--gdb-arg", action="append", default=[], help="more gdb arguments")


def port_busy(port: int, host: str = "127.0.0.1") -> bool:
    """True if something listens on (or holds) `port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def qemu_argv(config: QemuConfig, chan: Path, port: int) -> list[str]:
    argv = config.argv()
    i = argv.index("-chardev") + 1
    argv[i] = f"socket,id=s0,path={chan},server=on,wait=off"
    return argv + ["-S", "-gdb", f"tcp:127.0.0.1:{port}"]


def shell_argv(chan: Path) -> list[str]:
    return [sys.executable, "-m", "rig", "shell", "--connect", f"unix:{chan}",
            "--boot-timeout", str(LONG), "--request-timeout", str(LONG)]


def gdb_argv(kernel: Path, port: int, extra: list[str]) -> list[str]:
    return [GDB, "-q", str(kernel), "-ex", f"target remote 127.0.0.1:{port}", *extra]


def run_in_foreground(argv: list[str]) -> int:
    """Runs `argv` as the terminal's foreground process group, as a shell
    runs a job: Ctrl-C reaches gdb only, not this process, nor the make
    that started it (which would die and leave gdb behind)."""
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        tty = None
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    ttou = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        proc = subprocess.Popen(argv, cwd=REPO_ROOT, process_group=0)
        if tty is not None:
            try:
                os.tcsetpgrp(tty, proc.pid)
            except OSError:
                pass
        return proc.wait()
    finally:
        if tty is not None:
            try:
                os.tcsetpgrp(tty, os.getpgrp())
            except OSError:
                pass
            os.close(tty)
        signal.signal(signal.SIGTTOU, ttou)
        signal.signal(signal.SIGINT, old)


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def main(args: argparse.Namespace) -> int:
    port = args.gdb_port
    if port is not None and port_busy(port):
        raise ValueError(f"gdb port {port} is busy (a QEMU left running? "
                         f"`ss -ltnp 'sport = :{port}'` says who); pick another GDB_PORT")
    port = port if port is not None else free_port()
    kernel = (args.kernel or (REPO_ROOT / DEFAULT_KERNEL)).resolve()
    if not kernel.is_file():
        raise ValueError(f"{kernel} is missing (run `make`)")
    ui = args.ui
    if ui == "auto":
        ui = "tmux" if shutil.which("tmux") and sys.stdin.isatty() else "plain"
    if ui != "none" and shutil.which(GDB) is None:
        raise ValueError(f"{GDB} is not installed (Debian package gdb-multiarch)")
    state = REPO_ROOT / "build" / "debug"
    state.mkdir(parents=True, exist_ok=True)
    chan = state / f"chan-{os.getpid()}.sock"
    config = QemuConfig(kernel=kernel, cpu=args.cpu, mem=args.mem, qemu=args.qemu)
    argv = qemu_argv(config, chan, port)
    log = open(state / "qemu.log", "wb")
    qemu = subprocess.Popen(argv, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=_child_setup(None, raw_tty=False))
    try:
        deadline = time.monotonic() + 10
        while not chan.exists():
            if qemu.poll() is not None or time.monotonic() > deadline:
                log.flush()
                why = (state / "qemu.log").read_text(errors="replace").strip().splitlines()
                raise ValueError(f"QEMU did not start: {why[-1] if why else qemu.poll()}")
            time.sleep(0.01)
        shell = shlex.join(shell_argv(chan))
        gdb = shlex.join(gdb_argv(kernel, port, args.gdb_arg))
        (state / "session").write_text(
            f"qemu_pid={qemu.pid}\ngdb_port={port}\nchannel=unix:{chan}\n"
            f"qemu={shlex.join(argv)}\nshell={shell}\ngdb={gdb}\n")
        print(f"# qemu pid {qemu.pid}: {shlex.join(argv)}", flush=True)
        print(f"# gdb stub tcp:127.0.0.1:{port}; channel unix:{chan}", flush=True)
        if ui == "none":
            print(f"# shell: {shell}", flush=True)
            print("# waiting; Ctrl-C (or SIGTERM) kills QEMU", flush=True)
            signal.signal(signal.SIGTERM, lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
            try:
                qemu.wait()
            except KeyboardInterrupt:
                pass
            return 0
        if ui == "plain":
            print(f"# in another terminal, the shell: {shell}", flush=True)
            return run_in_foreground(gdb_argv(kernel, port, args.gdb_arg))
        name = f"vmk-debug-{os.getpid()}"
        gdb_pane = f"{gdb}; kill {qemu.pid}"
        cmd = ["tmux", "new-session", "-s", name, "-c", str(REPO_ROOT), gdb_pane, ";",
               "split-window", "-h", "-c", str(REPO_ROOT), shell, ";", "select-pane", "-L"]
        if os.environ.get("TMUX"):
            cmd = ["tmux", "new-window", "-n", name, "-c", str(REPO_ROOT), gdb_pane, ";",
                   "split-window", "-h", "-c", str(REPO_ROOT), shell, ";", "select-pane", "-L"]
            subprocess.call(cmd)
            print("# gdb and the shell run in the new tmux window; QEMU dies when gdb quits")
            qemu.wait()
            return 0
        return run_in_foreground(cmd)
    finally:
        _kill(qemu)
        log.close()
        try:
            chan.unlink()
        except OSError:
            pass
