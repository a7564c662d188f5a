"""Exceptions of the rig. Each carries the transcript's tail, so that a
failing test shows what the target said last."""
from __future__ import annotations

from typing import Optional, Sequence


class RigError(Exception):
    """Base of every rig error; `tail` is the end of the transcript."""

    def __init__(self, message: str, tail: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.tail = list(tail)

    def __str__(self) -> str:
        if not self.tail:
            return self.message
        body = "\n".join("    " + line for line in self.tail)
        return f"{self.message}\n  transcript tail ({len(self.tail)} lines):\n{body}"


class RigTimeout(RigError):
    """The target said nothing final in time; the rig killed it."""


class TargetDied(RigError):
    """The target process exited (or its channel closed) unasked.

    `exit_status` is the process status: its exit code, or -signal."""

    def __init__(self, message: str, tail: Sequence[str] = (),
                 exit_status: Optional[int] = None, stderr: str = "") -> None:
        super().__init__(message, tail)
        self.exit_status = exit_status
        self.stderr = stderr


class KernelPanic(TargetDied):
    """The target printed `! panic ...` (and should exit with status 70).

    `panic` is the parsed panic line, `lines` every line after it."""

    def __init__(self, message: str, tail: Sequence[str] = (),
                 exit_status: Optional[int] = None, stderr: str = "",
                 panic=None, lines: Sequence[str] = ()) -> None:
        super().__init__(message, tail, exit_status, stderr)
        self.panic = panic
        self.lines = list(lines)
        #: pc/lr as `name=0x... function at file:line` (QEMU: the ELF launched).
        self.symbolized: list[str] = []


class ProtocolError(RigError):
    """The target wrote a line that is not a reply line (or none was due)."""

    def __init__(self, message: str, tail: Sequence[str] = (), line: str = "") -> None:
        super().__init__(message, tail)
        self.line = line


class ReplyError(RigError):
    """A request answered otherwise than the caller required (Session.ok)."""

    def __init__(self, message: str, tail: Sequence[str] = (), reply=None) -> None:
        super().__init__(message, tail)
        self.reply = reply


class LaunchError(RigError):
    """The target could not be started (binary missing, socket never came)."""
