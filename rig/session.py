"""A session with one target: boot to `ready`, then one request at a time.

    with Session(QemuConfig(mem="64M")) as s:
        s.ready["ram_size"]            # '0x4000000'
        r = s.request("translate 0x80000000")
        r.ok, r.int("pa"), r.attrs()   # True, 0x40000000, ('read', ...)
        s.exit(3)                      # -> 3, the process exit status

A request is sent as one line and the session reads until that request's
final `ok`/`err` line; it never sends the next one before (QEMU's chardev
input buffer is 1 KiB, and more unread input stalls it for good). Until the
final line arrives the request is "crashed" (`Exchange.crashed`).

Every byte both ways goes into `session.transcript`. The watchdog is the
deadline of each wait: a target that says nothing final within the
request (or boot) timeout is killed and RigTimeout raised. A `! panic`
line raises KernelPanic with the exit status, a dead process TargetDied,
a line that is no reply line ProtocolError; each carries the transcript's
tail. stop() kills the process group; no target outlives the rig (see
rig/launch.py).

An AttachConfig attaches to a running target instead: the session resets
it through its monitor if one is given (and waits for `ready`), else asks
`info` and takes `ready` from the boot if it comes, from `info` if the
kernel booted before. A KeyboardInterrupt during a wait leaves the request
pending: the next request first reads the late reply (`pending`).

The request path is the hot loop of every suite and benchmark: one write,
reads until a final line, each line classified by its first word only
(fields are split when asked for), the transcript keeping raw chunks.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Optional, Union

from .config import AttachConfig, TargetConfig
from .errors import (KernelPanic, LaunchError, ProtocolError, ReplyError, RigError,
                     RigTimeout, TargetDied)
from .launch import Link, launch, monitor_reset
from .reply import ERR, EVENT, OK, READY, Exchange, Line, Reply, ReplyBuilder, parse_line
from .transcript import RECEIVED, SENT, Transcript

DEFAULT_REQUEST_TIMEOUT = 10.0
DEFAULT_BOOT_TIMEOUT = 10.0
#: How long to wait for the exit status after a panic or `exit`.
EXIT_TIMEOUT = 5.0
TAIL_LINES = 40

LineCallback = Callable[[str], None]


class Session:
    """One target process driven over the command channel."""

    def __init__(self, config: TargetConfig, *,
                 request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
                 boot_timeout: float = DEFAULT_BOOT_TIMEOUT,
                 log: Union[None, str, Path] = None) -> None:
        self.config = config
        self.request_timeout = request_timeout
        self.boot_timeout = boot_timeout
        self.transcript = Transcript(log)
        self.link: Optional[Link] = None
        self.ready: Optional[Line] = None
        self.boot_lines: list[str] = []
        self.history: list[Exchange] = []
        self.exit_status: Optional[int] = None
        self._buf = bytearray()
        self._eof = False
        #: The request whose wait was interrupted (Ctrl-C), still to be read.
        self.pending: Optional[Exchange] = None
        self._stopped = False

    # ------------------------------------------------------------ lifecycle

    @property
    def kind(self) -> str:
        """"qemu" or "host"."""
        return self.config.kind

    @property
    def alive(self) -> bool:
        return (self.link is not None and not self._stopped and not self._eof
                and self.link.poll() is None)

    @property
    def attached(self) -> bool:
        """True for a target the rig did not launch (AttachConfig)."""
        return isinstance(self.config, AttachConfig)

    def state(self) -> str:
        """What the target is doing, in words (for the shell after Ctrl-C)."""
        if self.link is None:
            return "not started"
        status = self.link.poll()
        if self._eof or status is not None:
            return f"gone (exit status {status})"
        who = f"pid {self.link.pid}" if self.link.pid else str(self.config)
        if self.pending is not None:
            return f"running ({who}), still working on {self.pending.request!r}"
        return f"running ({who}), idle"

    def start(self) -> Line:
        """Launches (or attaches to) the target and waits for its `ready` line."""
        if self.link is not None:
            raise RigError("session already started")
        self.transcript.note(("attach " if self.attached else "launch ") + str(self.config))
        deadline = time.monotonic() + self.boot_timeout
        if self.attached and self.config.reset is not None:
            self._attach_and_reset(deadline)
        else:
            self.link = launch(self.config, self.boot_timeout)
        try:
            if self.attached and self.config.reset is None:
                return self._attach_running(deadline)
            return self._await_ready(deadline)
        except BaseException:
            self.stop()
            raise

    def _attach_and_reset(self, deadline: float) -> None:
        """Connects, then resets through the monitor. A QEMU that is being
        restarted (one that exited: `exit`, a panic) may accept and then
        vanish, with no monitor yet: connect again until the deadline."""
        while True:
            self.link = launch(self.config, max(deadline - time.monotonic(), 0.1))
            try:
                self._drain()
                monitor_reset(self.config.reset, min(2.0, max(deadline - time.monotonic(), 0.1)),
                              paused=self._drain)
                self.transcript.note(f"system_reset via the monitor at {self.config.reset}")
                return
            except (LaunchError, TargetDied) as e:
                self.link.close()
                self.link = None
                self._eof = False
                self._buf.clear()
                if time.monotonic() >= deadline:
                    raise LaunchError(f"{self.config}: {e.message}") from None
                time.sleep(0.05)

    def _await_ready(self, deadline: float) -> Line:
        while True:
            raw = self._next_line(deadline, "boot")
            line = parse_line(raw)
            if line is not None and line.kind == READY:
                self.ready = line
                return line
            if line is not None:
                raise self._protocol_error(f"reply line before ready: {raw!r}", raw)
            self.boot_lines.append(raw)

    def _drain(self) -> None:
        """Takes what a running target said before we came (kept in the
        transcript, not parsed) until 50 ms of quiet; TargetDied if the
        connection closed."""
        while True:
            data = self.link.read(0.05)
            if data is None:
                return
            if not data:
                raise TargetDied(f"{self.config}: the connection closed at once")
            self.transcript.record(RECEIVED, data)

    def _attach_running(self, deadline: float) -> Line:
        """`info` to a running target; `ready` from its boot if it is still
        coming (a QEMU that waited for us), else made from `info`'s keys."""
        self._send(b"info\n")
        builder = ReplyBuilder("info")
        while True:
            raw = self._next_line(deadline, "ready or the reply to info")
            line = parse_line(raw)
            if line is not None and line.kind == READY and self.ready is None:
                self.ready = line
                continue
            if line is None:
                if self.ready is not None:
                    raise self._protocol_error(f"not a reply line: {raw!r}", raw)
                self.boot_lines.append(raw)
                continue
            try:
                reply = builder.feed(raw)
            except ValueError:
                raise self._protocol_error(f"not a reply line: {raw!r}", raw) from None
            if reply is None:
                continue
            if self.ready is None:
                if not reply.ok:
                    raise self._protocol_error(f"info answered {raw!r}", raw)
                f = reply.fields
                keys = " ".join(f"{k}={f[k]}" for k in ("version", "ram_base", "ram_size")
                                if k in f)
                self.ready = parse_line(f"ready {keys}")
                self.transcript.note(f"attached after boot: {self.ready.raw} (from info)")
            return self.ready

    def stop(self) -> Optional[int]:
        """Kills the target (its whole process group); its exit status."""
        if self.link is None:
            return self.exit_status
        self._stopped = True
        status = self.link.close()
        if self.exit_status is None:
            self.exit_status = status
        self.transcript.close()
        return self.exit_status

    def __enter__(self) -> "Session":
        if self.link is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------- requests

    def request(self, line: Union[str, bytes], *, timeout: Optional[float] = None,
                on_line: Optional[LineCallback] = None) -> Reply:
        """Sends one request line (a newline is added) and returns its reply.

        `on_line` sees each received line as it arrives (for the shell)."""
        if type(line) is str:
            text = line
            data = line.encode("latin-1") + b"\n"
        else:
            data = bytes(line) + b"\n"
            text = data[:-1].decode("latin-1")
        if b"\n" in data[:-1]:
            raise ValueError("one line per request: use request_raw for raw bytes")
        return self._request(data, text, timeout, on_line)

    def request_raw(self, data: bytes, *, timeout: Optional[float] = None,
                    on_line: Optional[LineCallback] = None) -> Reply:
        """Sends `data` exactly (it must end with a newline) and returns the
        reply to it: for ill-formed lines, `\\r\\n` endings and the like."""
        if data[-1:] != b"\n" or b"\n" in data[:-1]:
            raise ValueError("request_raw takes exactly one line, newline included")
        return self._request(bytes(data), data[:-1].decode("latin-1"), timeout, on_line)

    def _request(self, data: bytes, text: str, timeout: Optional[float],
                 on_line: Optional[LineCallback]) -> Reply:
        if self.pending is not None:
            self.finish_pending(on_line=on_line)
        exchange = Exchange(text)
        self._send(data)
        self.history.append(exchange)
        return self._collect(exchange, timeout, on_line)

    def finish_pending(self, timeout: Optional[float] = None,
                       on_line: Optional[LineCallback] = None) -> Optional[Reply]:
        """Reads the rest of the reply to an interrupted request (within the
        request timeout); that Reply, or None if nothing was pending."""
        if self.pending is None:
            return None
        exchange = self.pending
        self.pending = None
        self.transcript.note(f"reading the late reply to {exchange.request!r}")
        return self._collect(exchange, timeout, on_line)

    def send_silent(self, data: bytes) -> None:
        """Sends a line that gets no reply by design (empty, spaces only)."""
        if not data.endswith(b"\n"):
            data += b"\n"
        self._send(data)

    def ok(self, line: str, **kw) -> Reply:
        """request() that raises ReplyError unless the reply is `ok`."""
        reply = self.request(line, **kw)
        if not reply.ok:
            raise ReplyError(f"{line!r} answered {reply.final.raw!r}", self.tail(), reply)
        return reply

    def err(self, line: str, code: Optional[str] = None, **kw) -> Reply:
        """request() that raises ReplyError unless the reply is `err [code]`."""
        reply = self.request(line, **kw)
        if reply.ok or (code is not None and reply.code != code):
            want = f"err {code}" if code else "err"
            raise ReplyError(f"{line!r} answered {reply.final.raw!r}, not {want}",
                             self.tail(), reply)
        return reply

    def exit(self, code: Optional[int] = None, timeout: float = EXIT_TIMEOUT) -> int:
        """Sends `exit [code]` (no reply) and returns the process exit status."""
        self._send(b"exit\n" if code is None else f"exit {code}\n".encode())
        deadline = time.monotonic() + timeout
        while not self._eof:
            raw = self._next_line(deadline, "exit", died_ok=True)
            if raw is not None:
                raise self._protocol_error(f"`exit` was answered: {raw!r}", raw)
        return self._final_status(deadline)

    def tail(self, n: int = TAIL_LINES) -> list[str]:
        """The transcript's last `n` lines."""
        return self.transcript.tail(n)

    # ------------------------------------------------------------ internals

    def _send(self, data: bytes) -> None:
        link = self.link
        if link is None:
            raise RigError("session not started")
        self.transcript.record(SENT, data)
        try:
            link.write(data)
        except OSError as e:
            raise self._died(f"cannot send: {e}") from e

    def _collect(self, exchange: Exchange, timeout: Optional[float],
                 on_line: Optional[LineCallback]) -> Reply:
        """Reads the reply to `exchange`; its Reply once the final line came.
        Interrupted (KeyboardInterrupt), the request stays `pending`.

        The hot loop of the rig: each line is classified by parse_line
        (kind and name only) and no more happens to it until asked."""
        deadline = time.monotonic() + (self.request_timeout if timeout is None else timeout)
        buf = self._buf
        body = exchange.body
        try:
            while True:
                nl = buf.find(b"\n")
                if nl < 0:
                    if self._eof:
                        raise self._died(f"target gone while waiting for the reply to "
                                         f"{exchange.request!r}")
                    self._fill(deadline, exchange)
                    continue
                raw = buf[:nl].decode("latin-1")
                del buf[:nl + 1]
                if raw[-1:] == "\r":
                    raw = raw.rstrip("\r")
                if on_line is not None:
                    on_line(raw)
                line = parse_line(raw)
                if line is None:
                    raise self._protocol_error(f"not a reply line: {raw!r}", raw)
                kind = line.kind
                if kind is OK or kind is ERR:
                    reply = exchange.reply = Reply(exchange.request, tuple(body), line)
                    return reply
                if kind is READY:
                    raise self._protocol_error(f"not a reply line: {raw!r}", raw)
                body.append(line)
                if kind is EVENT and line.name == "panic":
                    raise self._panic(line, on_line)
        except KeyboardInterrupt:
            if self.link is not None and not self._eof:
                self.pending = exchange
                self.transcript.note(f"interrupted while waiting for {exchange.request!r}")
            raise

    def _next_line(self, deadline: float, what: str,
                   died_ok: bool = False) -> Optional[str]:
        """The next complete line (ending stripped). At EOF raises TargetDied,
        or returns None if `died_ok`; past `deadline` kills and raises RigTimeout."""
        while True:
            nl = self._buf.find(b"\n")
            if nl >= 0:
                raw = bytes(self._buf[:nl])
                del self._buf[:nl + 1]
                return raw.rstrip(b"\r").decode("latin-1")
            if self._eof:
                if died_ok:
                    return None
                raise self._died(f"target gone while waiting for {what}")
            self._fill(deadline, what)

    def _fill(self, deadline: float, what) -> None:
        """Reads what is available into the line buffer, or times out
        (`what`: a phrase, or the Exchange waited for)."""
        data = self.link.read(deadline - time.monotonic())
        if data is None:
            if time.monotonic() >= deadline:
                if isinstance(what, Exchange):
                    what = f"reply to {what.request!r}"
                raise self._timeout(what)
            return
        if not data:
            self._eof = True
            self.transcript.note("channel closed")
            return
        self.transcript.record(RECEIVED, data)
        self._buf += data

    def _final_status(self, deadline: float) -> int:
        """The exit status after EOF (killing the target if it lingers);
        None for an attached target, whose process the rig cannot see."""
        assert self.link is not None
        if self.attached:
            self.transcript.note("connection closed (attached: no exit status to see)")
            self.stop()
            return None
        status = self.link.wait(max(deadline - time.monotonic(), 0.05))
        if status is None:
            self.transcript.note("channel closed but the process lingers: killed")
            status = self.link.kill()
        self.exit_status = status
        self.transcript.note(f"exit status {status}")
        self.stop()
        return status if status is not None else -1

    def _timeout(self, what: str) -> RigTimeout:
        self.transcript.note(f"watchdog: nothing final while waiting for {what}: killed")
        err = RigTimeout(f"{self.kind}: timed out waiting for {what}", self.tail())
        self.stop()
        return err

    def _died(self, message: str) -> TargetDied:
        status = self._final_status(time.monotonic() + EXIT_TIMEOUT)
        stderr = self.link.stderr_text() if self.link else ""
        msg = f"{self.kind}: {message} (exit status {status})"
        if stderr.strip():
            msg += "\n  stderr: " + stderr.strip().replace("\n", "\n          ")
        return TargetDied(msg, self.tail(), status, stderr)

    def _panic(self, panic: Line, on_line: Optional[LineCallback]) -> KernelPanic:
        """Reads what follows a `! panic` line, then the exit status; pc and
        lr symbolized when the rig launched the ELF (rig/symbolize.py)."""
        deadline = time.monotonic() + EXIT_TIMEOUT
        rest: list[str] = []
        try:
            while True:
                raw = self._next_line(deadline, "the end after a panic", died_ok=True)
                if raw is None:
                    break
                rest.append(raw)
                if on_line is not None:
                    on_line(raw)
        except RigTimeout:
            pass
        status = self._final_status(deadline) if self.link else self.exit_status
        symbols = self.symbolize([panic.raw, *rest])
        for line in symbols:
            self.transcript.note(f"panic: {line}")
        msg = f"{self.kind}: kernel panic: {panic.raw} (exit status {status})"
        if symbols:
            msg += "\n  " + "\n  ".join(symbols)
        err = KernelPanic(msg, self.tail(), status, "", panic, rest)
        err.symbolized = symbols
        return err

    def symbolize(self, lines) -> list[str]:
        """pc/lr of panic `lines` as function and line in the launched ELF."""
        kernel = getattr(self.config, "kernel", None)
        if kernel is None:
            return []
        kernel = Path(kernel)
        if not kernel.is_absolute():
            kernel = Path(self.config.cwd) / kernel
        from .symbolize import panic_addresses, symbolize
        return symbolize(kernel, panic_addresses(lines))

    def _protocol_error(self, message: str, raw: str) -> ProtocolError:
        err = ProtocolError(f"{self.kind}: {message}", self.tail(), raw)
        self.stop()
        return err


def start(config: TargetConfig, **kw) -> Session:
    """A started Session for `config` (see Session for the keywords)."""
    session = Session(config, **kw)
    session.start()
    return session


__all__ = ["Session", "start", "LaunchError"]
