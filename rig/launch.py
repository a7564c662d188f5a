"""Launching a target and the byte channel to it; no protocol here.

    launch(config) -> Link

A Link owns one process (in its own process group) and one file
descriptor that carries the command channel:

    qemu, stdio   QEMU on a pty (pexpect.spawn); the channel is the pty
    qemu, socket  QEMU as a unix socket server; the rig connects to it
    qemu, tcp     QEMU as a TCP server on a free local port (nodelay)
    attach        no process: a connection to a target something else
                  started (tcp:HOST:PORT or unix:PATH), see AttachedLink
    host, stdio   vmsim on a pty (pexpect.spawn)
    host, socket  vmsim with stdin and stdout on a unix socketpair

The pty is put in raw mode before the program starts (no echo, no signal
characters, no line editing), so any byte reaches the target as sent.
Standard error (and QEMU's stdout when the channel is a socket) goes to a
log file in the link's work directory, never into the channel.

No target outlives the rig: every process gets PR_SET_PDEATHSIG=SIGKILL,
every live link is killed at interpreter exit (atexit) and when it is
garbage collected, and kill() kills the whole process group.
"""
from __future__ import annotations

import atexit
import ctypes
import errno
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import tty
import weakref
from pathlib import Path
from typing import Callable, Optional

import pexpect

from .config import AttachConfig, HostConfig, QemuConfig, TargetConfig, parse_address
from .errors import LaunchError

_LIBC = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1

#: pid -> work directory of every process a live link owns; killed (and
#: the directory removed) at exit.
_LIVE: dict[int, Path] = {}


def _kill_group(pid: int) -> None:
    """SIGKILL to the process group led by `pid` (quietly if gone)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_and_clean(pid: int, workdir: Path) -> None:
    """Kills the group of `pid` and removes its work directory."""
    _kill_group(pid)
    shutil.rmtree(workdir, ignore_errors=True)


@atexit.register
def _kill_all() -> None:
    """Kills every target still alive when the interpreter exits."""
    for pid, workdir in list(_LIVE.items()):
        _kill_and_clean(pid, workdir)
    _LIVE.clear()


def _child_setup(stderr_path: Optional[Path], raw_tty: bool) -> Callable[[], None]:
    """preexec_fn: die with the parent, stderr to a file, raw pty."""
    parent = os.getpid()

    def setup() -> None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the rig died before prctl
            os._exit(1)
        if stderr_path is not None:
            fd = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(fd, 2)
            os.close(fd)
        if raw_tty:
            tty.setraw(0)
    return setup


class _PtyProc:
    """A process started by pexpect.spawn on a pty."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.pid = child.pid

    def poll(self) -> Optional[int]:
        """Exit status (code, or -signal) once exited, else None."""
        if self.child.isalive():
            return None
        if self.child.exitstatus is not None:
            return self.child.exitstatus
        return -(self.child.signalstatus or 0)

    def close(self) -> None:
        self.child.delayafterclose = 0
        self.child.ptyproc.delayafterclose = 0
        self.child.delayafterterminate = 0
        self.child.ptyproc.delayafterterminate = 0
        try:
            self.child.close(force=True)
        except Exception:  # already closed, or unkillable: we tried
            pass


class _PopenProc:
    """A process started by subprocess.Popen in a new session."""

    def __init__(self, popen: subprocess.Popen) -> None:
        self.popen = popen
        self.pid = popen.pid

    def poll(self) -> Optional[int]:
        return self.popen.poll()

    def close(self) -> None:
        pass


class Link:
    """A running target process and the file descriptor of its channel."""

    def __init__(self, proc, fd: int, config: TargetConfig, workdir: Path,
                 sock: Optional[socket.socket] = None) -> None:
        self.proc = proc
        self.fd = fd
        self.config = config
        self.workdir = workdir
        self.stderr_path = workdir / "stderr.log"
        self._sock = sock
        self._poller = None
        self._status: Optional[int] = None
        self._closed = False
        self._stderr: Optional[bytes] = None
        _LIVE[proc.pid] = workdir
        self._finalizer = weakref.finalize(self, _kill_and_clean, proc.pid, workdir)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def write(self, data: bytes) -> None:
        """Writes all of `data` to the channel (OSError if it is gone)."""
        try:
            n = os.write(self.fd, data)
        except BlockingIOError:
            n = 0
        if n == len(data):
            return
        view = memoryview(data)[n:]
        while view:
            try:
                n = os.write(self.fd, view)
            except BlockingIOError:
                select.select([], [self.fd], [], 1.0)
                continue
            view = view[n:]

    def read(self, timeout: float) -> Optional[bytes]:
        """Bytes available within `timeout` s: None on timeout, b"" at EOF."""
        poller = self._poller
        if poller is None:
            poller = self._poller = select.poll()
            poller.register(self.fd, select.POLLIN)
        try:
            ready = poller.poll(max(timeout, 0) * 1000.0)
        except (OSError, ValueError):
            return b""
        if not ready:
            return None
        try:
            return os.read(self.fd, 65536)
        except OSError as e:
            if e.errno in (errno.EIO, errno.EBADF, errno.ECONNRESET):
                return b""  # a pty whose other side is closed, or a dead socket
            raise

    def poll(self) -> Optional[int]:
        """Exit status (code, or -signal) once the process exited, else None."""
        if self._status is None:
            self._status = self.proc.poll()
            if self._status is not None:
                self._reaped()
        return self._status

    def wait(self, timeout: float) -> Optional[int]:
        """Waits up to `timeout` s for the process to exit; its status or None."""
        deadline = time.monotonic() + timeout
        delay = 0.0005
        while self.poll() is None:
            if time.monotonic() >= deadline:
                return None
            time.sleep(delay)
            delay = min(delay * 2, 0.02)
        return self._status

    def _reaped(self) -> None:
        """The process is gone: nothing left to kill, only files to remove."""
        _LIVE.pop(self.proc.pid, None)
        self._finalizer.detach()
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.workdir, True)

    def kill(self) -> Optional[int]:
        """Kills the process group and reaps the process; its status."""
        if self.poll() is None:
            _kill_group(self.proc.pid)
            self.wait(5.0)
        return self._status

    def close(self) -> Optional[int]:
        """Kills what is left, closes the channel, removes the work dir."""
        status = self.kill()
        if not self._closed:
            self._closed = True
            if self._sock is not None:
                self._sock.close()
            self.proc.close()
            self._stderr = self._read_stderr()
            shutil.rmtree(self.workdir, ignore_errors=True)
        return status

    def _read_stderr(self) -> bytes:
        try:
            return self.stderr_path.read_bytes()
        except OSError:
            return b""

    def stderr_text(self, limit: int = 4000) -> str:
        """The end of what the process wrote to stderr (QEMU's complaints)."""
        data = self._stderr if self._stderr is not None else self._read_stderr()
        return data[-limit:].decode("utf-8", "replace")


def _spawn_pty(argv: list[str], cwd: Path, stderr_path: Path) -> _PtyProc:
    """argv on a raw pty, stderr to stderr_path."""
    try:
        child = pexpect.spawn(argv[0], argv[1:], cwd=str(cwd), echo=False,
                              encoding=None, dimensions=(24, 250),
                              preexec_fn=_child_setup(stderr_path, raw_tty=True))
    except (OSError, pexpect.ExceptionPexpect) as e:
        raise LaunchError(f"cannot start {argv[0]}: {e}") from e
    child.delaybeforesend = None
    return _PtyProc(child)


def _spawn_popen(argv: list[str], cwd: Path, stdin, stdout, stderr) -> _PopenProc:
    """argv in a new session with the given standard files."""
    try:
        popen = subprocess.Popen(argv, cwd=str(cwd), stdin=stdin, stdout=stdout,
                                 stderr=stderr, start_new_session=True,
                                 preexec_fn=_child_setup(None, raw_tty=False))
    except OSError as e:
        raise LaunchError(f"cannot start {argv[0]}: {e}") from e
    return _PopenProc(popen)


def _connect(path: Path, proc, deadline: float) -> socket.socket:
    """Connects to the unix socket QEMU serves at `path`, waiting for it."""
    while True:
        if proc.poll() is not None:
            raise LaunchError(f"QEMU exited (status {proc.poll()}) before serving {path}")
        if path.exists():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(path))
                return sock
            except (ConnectionRefusedError, FileNotFoundError):
                sock.close()
        if time.monotonic() >= deadline:
            raise LaunchError(f"no socket at {path} within the boot timeout")
        time.sleep(0.002)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _connect_tcp(host: str, port: int, proc, deadline: float) -> socket.socket:
    """Connects to the TCP server QEMU serves, waiting for it to listen."""
    while True:
        if proc is not None and proc.poll() is not None:
            raise LaunchError(f"QEMU exited (status {proc.poll()}) before serving "
                              f"tcp:{host}:{port}")
        try:
            sock = socket.create_connection((host, port), timeout=1.0)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(None)
            return sock
        except (ConnectionRefusedError, socket.timeout, OSError) as e:
            if proc is None and not isinstance(e, (ConnectionRefusedError, socket.timeout)):
                raise LaunchError(f"cannot connect to tcp:{host}:{port}: {e}") from e
        if time.monotonic() >= deadline:
            raise LaunchError(f"nothing accepts on tcp:{host}:{port} within the boot timeout")
        time.sleep(0.002)


def _launch_qemu_tcp(config: QemuConfig, workdir: Path, timeout: float) -> Link:
    """QEMU as a TCP server; a free port is picked unless the config has one
    (a port taken between the pick and QEMU's bind: picked again, 3 times)."""
    stderr_path = workdir / "stderr.log"
    for attempt in range(3):
        cfg = config if config.port is not None else config.with_port(free_port(config.host))
        with open(stderr_path, "wb") as log:
            proc = _spawn_popen(cfg.argv(), cfg.cwd, subprocess.DEVNULL, log,
                                subprocess.STDOUT)
        try:
            sock = _connect_tcp(cfg.host, cfg.port, proc, time.monotonic() + timeout)
        except LaunchError:
            _kill_group(proc.pid)
            proc.popen.wait()
            busy = b"Address already in use" in stderr_path.read_bytes()
            if busy and config.port is None and attempt < 2:
                continue
            raise
        return Link(proc, sock.fileno(), cfg, workdir, sock)
    raise AssertionError("unreachable")


def _launch_qemu(config: QemuConfig, workdir: Path, timeout: float) -> Link:
    stderr_path = workdir / "stderr.log"
    if config.transport == "stdio":
        proc = _spawn_pty(config.argv(), config.cwd, stderr_path)
        return Link(proc, proc.child.child_fd, config, workdir)
    if config.transport == "tcp":
        return _launch_qemu_tcp(config, workdir, timeout)
    if config.socket_path is None:
        config = config.with_socket(workdir / "chan.sock")
    with open(stderr_path, "wb") as log:
        proc = _spawn_popen(config.argv(), config.cwd, subprocess.DEVNULL, log,
                            subprocess.STDOUT)
    try:
        sock = _connect(config.socket_path, proc, time.monotonic() + timeout)
    except LaunchError:
        _kill_group(proc.pid)
        proc.popen.wait()
        raise
    return Link(proc, sock.fileno(), config, workdir, sock)


def _launch_host(config: HostConfig, workdir: Path) -> Link:
    stderr_path = workdir / "stderr.log"
    argv = config.exec_argv()
    if config.transport == "stdio":
        proc = _spawn_pty(argv, config.cwd, stderr_path)
        return Link(proc, proc.child.child_fd, config, workdir)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with open(stderr_path, "wb") as log:
            proc = _spawn_popen(argv, config.cwd, theirs, theirs, log)
    finally:
        theirs.close()
    return Link(proc, ours.fileno(), config, workdir, ours)


class AttachedLink:
    """A connection to a target the rig did not start: the same interface
    as Link, with no process to poll, wait for or kill: its exit status is
    never known (None); the session sees the connection close."""

    def __init__(self, sock: socket.socket, config: AttachConfig) -> None:
        self._sock = sock
        self.fd = sock.fileno()
        self.config = config
        self.pid = None
        self._poller = None
        self._closed = False
        self._eof = False

    write = Link.write

    def read(self, timeout: float) -> Optional[bytes]:
        data = Link.read(self, timeout)  # type: ignore[arg-type]
        if data == b"":
            self._eof = True
        return data

    def poll(self) -> Optional[int]:
        return None

    def wait(self, timeout: float) -> Optional[int]:
        return None

    def kill(self) -> Optional[int]:
        """Nothing to kill: the connection is closed instead."""
        self.close()
        return None

    def close(self) -> Optional[int]:
        if not self._closed:
            self._closed = True
            self._sock.close()
        return None

    def stderr_text(self, limit: int = 4000) -> str:
        return ""


def connect(address: str, timeout: float = 10.0) -> socket.socket:
    """A connected socket to `address` (tcp:HOST:PORT or unix:PATH), retried
    until `timeout` while nothing listens yet."""
    scheme, where = parse_address(address)
    deadline = time.monotonic() + timeout
    if scheme == "tcp":
        host, port = where  # type: ignore[misc]
        return _connect_tcp(host, port, None, deadline)
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(where))
            return sock
        except (ConnectionRefusedError, FileNotFoundError) as e:
            sock.close()
            if time.monotonic() >= deadline:
                raise LaunchError(f"cannot connect to {address}: {e}") from e
        except OSError as e:
            sock.close()
            raise LaunchError(f"cannot connect to {address}: {e}") from e
        time.sleep(0.01)


class Monitor:
    """A QEMU human monitor (HMP) on a socket: one command at a time, each
    answered up to the next `(qemu) ` prompt."""

    PROMPT = b"(qemu) "

    def __init__(self, address: str, timeout: float = 5.0) -> None:
        self.address = address
        self.timeout = timeout
        self.sock = connect(address, timeout)
        self.sock.settimeout(timeout)
        self._until_prompt()

    def _until_prompt(self) -> bytes:
        buf = b""
        deadline = time.monotonic() + self.timeout
        try:
            while not buf.endswith(self.PROMPT):
                if time.monotonic() > deadline:
                    raise LaunchError(f"monitor {self.address}: no prompt")
                chunk = self.sock.recv(4096)
                if not chunk:
                    raise LaunchError(f"monitor {self.address}: closed")
                buf += chunk
        except OSError as e:
            raise LaunchError(f"monitor {self.address}: {e}") from e
        return buf

    def command(self, line: str) -> str:
        """Sends `line`; what the monitor printed before its next prompt."""
        try:
            self.sock.sendall(line.encode() + b"\n")
        except OSError as e:
            raise LaunchError(f"monitor {self.address}: {e}") from e
        return self._until_prompt().decode("utf-8", "replace")

    def close(self) -> None:
        self.sock.close()


def monitor_reset(address: str, timeout: float = 5.0, paused=None) -> None:
    """Resets the guest through the QEMU monitor at `address`: `stop`, then
    `paused()` (the caller drains what the guest said before), then
    `system_reset` and `cont`, so that nothing of the old boot follows."""
    mon = Monitor(address, timeout)
    try:
        mon.command("stop")
        if paused is not None:
            paused()
        mon.command("system_reset")
        mon.command("cont")
    finally:
        mon.close()


def launch(config: TargetConfig, timeout: float = 10.0):
    """Starts the target `config` describes; the Link to it (an
    AttachedLink for an AttachConfig: a connection, nothing launched).

    `timeout` bounds the wait for QEMU's socket. Raises LaunchError when a
    binary is missing or the process cannot start."""
    if isinstance(config, AttachConfig):
        return AttachedLink(connect(config.address, timeout), config)
    missing = config.missing()
    if missing:
        raise LaunchError("cannot launch, missing: " + "; ".join(missing))
    workdir = Path(tempfile.mkdtemp(prefix="vmk-"))
    try:
        if isinstance(config, QemuConfig):
            return _launch_qemu(config, workdir, timeout)
        return _launch_host(config, workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
