"""Every byte between the rig and a target, both ways, with time stamps.

`Transcript.record()` takes raw chunks as they are written and read; the
rendering splits them into lines, one direction each:

    > info                         sent by the rig
    < ok version=... ram_base=...  received from the target

Line endings are dropped (and a `\\r` before a received `\\n`); any other byte that is
not printable ASCII, and the backslash, are escaped (`\\x01`, `\\\\`), so
the rendering is lossless up to the line endings and rig/parse.py reads it
back (`parse_transcript`). A line still open when the transcript is
rendered ends with ` [no newline]`."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Optional, TextIO, Union

SENT, RECEIVED = ">", "<"
NO_NEWLINE = " [no newline]"


def escape(data: bytes) -> str:
    """`data` as printable ASCII: backslash escapes for everything else."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        text = None
    if text is not None and text.isprintable() and "\\" not in text:
        return text
    out = []
    for b in data:
        if b == 0x5C:
            out.append("\\\\")
        elif 0x20 <= b <= 0x7E:
            out.append(chr(b))
        elif b == 13:
            out.append("\\r")
        elif b == 9:
            out.append("\\t")
        else:
            out.append(f"\\x{b:02x}")
    return "".join(out)


def _strip_eol(line: bytes) -> bytes:
    return line[:-1] if line.endswith(b"\r") else line


class Transcript:
    """Raw chunks plus their rendering in complete lines.

    If `log` is given (a path or an open text file), rendered lines are
    also written there as they complete, so that a rig killed from outside
    still leaves its transcript behind."""

    def __init__(self, log: Union[None, str, Path, TextIO] = None) -> None:
        self.t0 = time.monotonic()
        self.chunks: list[tuple[float, str, bytes]] = []
        self.lines: list[tuple[float, str, str]] = []
        self._open = {SENT: bytearray(), RECEIVED: bytearray()}
        self._log: Optional[TextIO] = None
        self._own_log = False
        if isinstance(log, (str, Path)):
            self._log = open(log, "w", encoding="ascii")
            self._own_log = True
        elif log is not None:
            self._log = log

    def record(self, direction: str, data: bytes) -> None:
        """Logs `data` as sent (`>`) or received (`<`)."""
        now = time.monotonic() - self.t0
        self.chunks.append((now, direction, bytes(data)))
        buf = self._open[direction]
        buf += data
        while True:
            nl = buf.find(b"\n")
            if nl < 0:
                break
            line = bytes(buf[:nl])
            if direction == RECEIVED:
                line = _strip_eol(line)  # a pty's \r\n; sent \r bytes stay visible
            self._add_line(now, direction, escape(line))
            del buf[:nl + 1]

    def note(self, text: str) -> None:
        """Adds a comment line (`# text`), e.g. "killed by the watchdog"."""
        now = time.monotonic() - self.t0
        self._add_line(now, "#", text)

    def _add_line(self, when: float, direction: str, text: str) -> None:
        self.lines.append((when, direction, text))
        if self._log is not None:
            self._log.write(f"+{when:.6f} {direction} {text}\n")
            self._log.flush()

    def rendered(self, timestamps: bool = False) -> list[str]:
        """Every line, open lines last, as `> ...` / `< ...` / `# ...`."""
        out = [self._fmt(w, d, t, timestamps) for w, d, t in self.lines]
        now = time.monotonic() - self.t0
        for direction, buf in self._open.items():
            if buf:
                out.append(self._fmt(now, direction, escape(bytes(buf)) + NO_NEWLINE,
                                     timestamps))
        return out

    @staticmethod
    def _fmt(when: float, direction: str, text: str, timestamps: bool) -> str:
        line = f"{direction} {text}"
        return f"+{when:.6f} {line}" if timestamps else line

    def tail(self, n: int = 40) -> list[str]:
        """The last `n` rendered lines."""
        return self.rendered()[-n:]

    def raw(self, direction: Optional[str] = None) -> bytes:
        """Every byte that went `direction` (or both, interleaved)."""
        return b"".join(d for _, dr, d in self.chunks if direction in (None, dr))

    def write(self, path: Union[str, Path], timestamps: bool = True) -> Path:
        """Writes the rendering to `path`; returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.rendered(timestamps)) + "\n", encoding="ascii")
        return path

    def close(self) -> None:
        """Closes a log file the transcript opened itself."""
        if self._own_log and self._log is not None:
            self._log.close()
        self._log = None
