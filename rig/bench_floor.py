"""The floors of `make bench`: what a target costs with nothing of the rig.

    ready_time(config, marker)   seconds from launch to the first line that
                                 starts with `marker` (the rig's launch(),
                                 no Session: only the process and its channel)
    RawChannel                   write a request line, read to its final line,
                                 by hand on the same file descriptor the rig
                                 uses (stdio pty, unix socket), or on a TCP
                                 chardev that QEMU serves (launch_tcp)

Nothing here parses replies beyond finding the final line (`ok`/`err` at
the start of a line), which is the least any driver must do.
"""
from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import time
from typing import Optional

from .config import QemuConfig, TargetConfig
from .launch import Link, launch

FINALS = (b"ok", b"err")


def ready_time(config: TargetConfig, marker: bytes = b"ready", timeout: float = 20.0) -> float:
    """Seconds from launch() to a line starting with `marker`; kills the target."""
    t0 = time.perf_counter()
    link = launch(config, timeout)
    try:
        buf = b""
        deadline = time.monotonic() + timeout
        while True:
            data = link.read(deadline - time.monotonic())
            if data is None or data == b"":
                raise RuntimeError(f"no {marker!r} line from {config} "
                                   f"({'timeout' if data is None else 'EOF'}): {buf[-200:]!r}")
            buf += data
            for line in buf.split(b"\n")[:-1]:
                if line.startswith(marker):
                    return time.perf_counter() - t0
    finally:
        link.close()


def ready_cpu_ms(config: QemuConfig, marker: bytes = b"ready", timeout: float = 20.0) -> float:
    """CPU milliseconds (user + system) QEMU spends from exec to `marker`:
    less moved by other load than the wall time. QEMU runs on pipes here;
    once the line is out it blocks reading input, so what it used by the
    kill is what the boot cost."""
    proc = subprocess.Popen(config.argv(), cwd=str(config.cwd), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        buf, deadline = b"", time.monotonic() + timeout
        while not any(l.startswith(marker) for l in buf.split(b"\n")[:-1]):
            r, _, _ = select.select([proc.stdout], [], [], max(deadline - time.monotonic(), 0))
            data = os.read(proc.stdout.fileno(), 65536) if r else None
            if not data:
                raise RuntimeError(f"no {marker!r} line from {config}: {buf[-200:]!r}")
            buf += data
        time.sleep(0.02)            # let it reach the blocking read
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0             # reaped here, not by Popen
    proc.stdin.close()
    proc.stdout.close()
    return (usage.ru_utime + usage.ru_stime) * 1e3


class RawChannel:
    """A request/reply loop by hand over one file descriptor."""

    def __init__(self, fd: int, closer=None) -> None:
        self.fd = fd
        self._closer = closer
        self._buf = b""

    def read_line(self, timeout: float = 10.0) -> bytes:
        """The next line (without its end)."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            r, _, _ = select.select([self.fd], [], [], max(left, 0))
            if not r:
                raise TimeoutError("raw channel: no line")
            data = os.read(self.fd, 65536)
            if not data:
                raise EOFError("raw channel closed")
            self._buf += data
        line, _, self._buf = self._buf.partition(b"\n")
        return line.rstrip(b"\r")

    def wait_ready(self, timeout: float = 20.0) -> None:
        while not self.read_line(timeout).startswith(b"ready"):
            pass

    def request(self, line: bytes) -> bytes:
        """Sends `line` (newline added); the final reply line."""
        os.write(self.fd, line + b"\n")
        buf = self._buf
        self._buf = b""
        while True:
            nl = buf.find(b"\n")
            while nl >= 0:
                head = buf[:nl]
                buf = buf[nl + 1:]
                if head.startswith(FINALS):
                    self._buf = buf
                    return head
                nl = buf.find(b"\n")
            data = os.read(self.fd, 65536)
            if not data:
                raise EOFError("raw channel closed")
            buf += data

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None


def raw_over_link(config: TargetConfig) -> RawChannel:
    """A raw loop on the channel the rig's own launch() opens (same pty or
    socket the Session would read), waited to `ready`."""
    link: Link = launch(config, 20.0)
    chan = RawChannel(link.fd, link.close)
    chan.link = link
    try:
        chan.wait_ready()
    except BaseException:
        chan.close()
        raise
    return chan


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tcp_argv(config: QemuConfig, port: int) -> list[str]:
    """QEMU's argv with the channel on a TCP server chardev (PROTOCOL.md)."""
    argv = config.argv()
    i = argv.index("-chardev")
    argv[i + 1] = f"socket,id=s0,host=127.0.0.1,port={port},server=on,wait=on,nodelay=on"
    return argv


def launch_tcp(config: QemuConfig, timeout: float = 20.0) -> RawChannel:
    """QEMU serving its channel on TCP localhost; a raw loop connected to it."""
    port = _free_port()
    proc = subprocess.Popen(tcp_argv(config, port), cwd=str(config.cwd),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)

    def kill() -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()

    deadline = time.monotonic() + timeout
    sock: Optional[socket.socket] = None
    while sock is None:
        if proc.poll() is not None:
            raise RuntimeError(f"QEMU exited ({proc.returncode}) before serving TCP {port}")
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.connect(("127.0.0.1", port))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock = s
        except OSError:
            s.close()
            if time.monotonic() >= deadline:
                kill()
                raise RuntimeError(f"no TCP server on port {port}")
            time.sleep(0.005)

    def close() -> None:
        sock.close()
        kill()

    chan = RawChannel(sock.fileno(), close)
    chan.sock = sock
    try:
        chan.wait_ready(timeout)
    except BaseException:
        chan.close()
        raise
    return chan
