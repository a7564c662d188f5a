"""Every byte between the rig and a target, both ways, with time stamps.

`Transcript.record()` takes raw chunks as they are written and read; the
rendering splits them into lines, one direction each:

    > info                         sent by the rig
    < ok version=... ram_base=...  received from the target

Line endings are dropped (and a `\\r` before a received `\\n`); any other byte that is
not printable ASCII, and the backslash, are escaped (`\\x01`, `\\\\`), so
the rendering is lossless up to the line endings; `parse_transcript` reads
it back (a `ParsedTranscript`: boot lines, ready, exchanges), so that the
reply parser is tested on recorded sessions. A line still open when the
transcript is rendered ends with ` [no newline]`. This module is the one
home of both directions: escape/unescape, write/read."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional, TextIO, Union

from .reply import EVENT, READY, Exchange, Line, Reply, ReplyBuilder, parse_line

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

    record() only keeps the chunk (the request path stays cheap); lines are
    rendered when asked for (`lines`, `rendered()`, `tail()`). If `log` is
    given (a path or an open text file), lines are rendered as they
    complete and written there at once, so that a rig killed from outside
    still leaves its transcript behind."""

    def __init__(self, log: Union[None, str, Path, TextIO] = None) -> None:
        self.t0 = time.monotonic()
        self.chunks: list[tuple[float, str, bytes]] = []
        self._lines: list[tuple[float, str, str]] = []
        self._done = 0  # chunks already split into _lines
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
        self.chunks.append((time.monotonic() - self.t0, direction,
                            data if type(data) is bytes else bytes(data)))
        if self._log is not None:
            self._split()

    def _split(self) -> None:
        """Renders the chunks not yet split into lines."""
        chunks = self.chunks
        while self._done < len(chunks):
            now, direction, data = chunks[self._done]
            self._done += 1
            if direction == "#":
                self._add_line(now, "#", data.decode("ascii", "replace"))
                continue
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

    @property
    def lines(self) -> list[tuple[float, str, str]]:
        """(seconds, direction, text) of every complete line so far."""
        self._split()
        return self._lines

    def mark(self) -> int:
        """A position in the transcript, for lines_since()."""
        return len(self.lines)

    def note(self, text: str) -> None:
        """Adds a comment line (`# text`), e.g. "killed by the watchdog"."""
        self.chunks.append((time.monotonic() - self.t0, "#", text.encode("ascii", "replace")))
        if self._log is not None:
            self._split()

    def _add_line(self, when: float, direction: str, text: str) -> None:
        self._lines.append((when, direction, text))
        if self._log is not None:
            self._log.write(f"+{when:.6f} {direction} {text}\n")
            self._log.flush()

    def rendered(self, timestamps: bool = False, since: int = 0) -> list[str]:
        """Every line (from mark `since`), open lines last, as `> ...` / `< ...` / `# ...`."""
        out = [self._fmt(w, d, t, timestamps) for w, d, t in self.lines[since:]]
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
        return b"".join(d for _, dr, d in self.chunks
                        if dr != "#" and direction in (None, dr))

    def write(self, path: Union[str, Path], timestamps: bool = True, since: int = 0,
              header: Optional[list[str]] = None) -> Path:
        """Writes the rendering (from mark `since`) to `path`; returns the path.
        `header` lines go first, as `# ` comments."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        head = [f"# {h}" for h in header or ()]
        path.write_text("\n".join(head + self.rendered(timestamps, since)) + "\n",
                        encoding="ascii", errors="replace")
        return path

    def close(self) -> None:
        """Closes a log file the transcript opened itself."""
        self._split()
        if self._own_log and self._log is not None:
            self._log.close()
        self._log = None


# ------------------------------------------------------------ reading back


_TS_RE = re.compile(r"^\+?\d+\.\d+ ")


def unescape(text: str) -> bytes:
    """The bytes of a transcript line: the inverse of escape()."""
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n == "\\":
                out.append(0x5C)
                i += 2
                continue
            if n == "x" and i + 4 <= len(text):
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
            if n in "rnt":
                out.append({"r": 13, "n": 10, "t": 9}[n])
                i += 2
                continue
        out.append(ord(c))
        i += 1
    return bytes(out)


@dataclass
class ParsedTranscript:
    """A transcript read back (parse_transcript): boot lines before `ready`, the ready line,
    every exchange (the last may have crashed), lines after them (e.g. a
    panic's registers) and the requests that had no reply by design."""

    boot: list[str] = field(default_factory=list)
    ready: Optional[Line] = None
    exchanges: list[Exchange] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)

    @property
    def replies(self) -> list[Reply]:
        return [ex.reply for ex in self.exchanges if ex.reply is not None]


def transcript_lines(text: str) -> Iterator[tuple[str, str]]:
    """(direction, line) for each `> ` / `< ` line of a transcript; comments
    (`#`), blank lines and optional `+seconds ` time stamps are skipped."""
    for raw in text.splitlines():
        raw = _TS_RE.sub("", raw, count=1)
        if not raw.strip() or raw.startswith("#"):
            continue
        direction, _, body = raw.partition(" ")
        if direction not in (SENT, RECEIVED):
            raise ValueError(f"transcript line without > or <: {raw!r}")
        line = unescape(body).decode("latin-1")
        yield direction, line


def _is_silent(request: str) -> bool:
    """True for requests that get no reply: no tokens, or `exit`."""
    tokens = request.strip(" ").split(" ")
    return tokens == [""] or tokens[0] == "exit"


def _panicked(ex: Exchange) -> bool:
    """True if the last line of `ex` is a `! panic` event."""
    return bool(ex.body) and ex.body[-1].kind == EVENT and ex.body[-1].name == "panic"


def parse_transcript(text: str) -> ParsedTranscript:
    """Parses a transcript into boot lines, ready and exchanges.

    Requests with no tokens and `exit` expect no reply; any other request
    stays "crashed" if the transcript ends (or the target panics) before
    its final line."""
    out = ParsedTranscript()
    builder: Optional[ReplyBuilder] = None
    for direction, line in transcript_lines(text):
        if direction == SENT:
            if builder is not None:
                raise ValueError(f"request {line!r} sent before the final line")
            if not _is_silent(line):
                builder = ReplyBuilder(line)
                out.exchanges.append(builder.exchange)
            continue
        if out.ready is None:
            parsed = parse_line(line)
            if parsed is not None and parsed.kind == READY:
                out.ready = parsed
            else:
                out.boot.append(line)
        elif builder is not None:
            if builder.feed(line) is not None:
                builder = None
            elif _panicked(builder.exchange):
                builder = None  # the request crashed; the rest is trailing
        else:
            out.trailing.append(line)
    return out
