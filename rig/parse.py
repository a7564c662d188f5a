"""Reply parsing (PROTOCOL.md "Replies"), separate from any process.

A target writes lines; each is one of

    ready key=value ...                   the boot line
    - key=value ... [-- text]             a record of a list reply
    ! <event> key=value ... [-- text]     something that happened
    ok [key=value ...]                    final: success
    err <CODE> [key=value ...] [-- text]  final: failure

`parse_line` turns one line into a `Line`; `ReplyBuilder` gathers lines
into `Reply` objects the way the session does (a request has no reply, it
"crashed", until its final line arrives); `parse_transcript` reads a
transcript written by rig/transcript.py, so that the parser is tested on
recorded sessions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Optional

READY, RECORD, EVENT, OK, ERR = "ready", "record", "event", "ok", "err"
FINAL_KINDS = (OK, ERR)

#: PROTOCOL.md's error codes.
ERROR_CODES = (
    "BAD_COMMAND", "BAD_ARG", "TOO_LONG", "ALIGN", "RANGE", "ALREADY_MAPPED",
    "NOT_MAPPED", "NO_MEMORY", "NO_SPACE", "FLAGS_CONFLICT", "BAD_AS", "BUSY",
    "FAULT", "CORRUPT",
)
#: PROTOCOL.md's attribute names, in the order replies print them.
ATTRS = (
    "read", "write", "execute", "privileged", "nocache", "device", "uninit",
    "lock", "interrupt", "grow_up", "grow_down", "global",
)
#: Fault status names of `! fault` events and `err FAULT`.
FAULT_STATUSES = (
    "translation_section", "translation_page", "permission_section",
    "permission_page", "access_flag_section", "access_flag_page",
    "domain_section", "domain_page", "alignment", "external", "other",
)

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_EVENT_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_INT_RE = re.compile(r"^(0x[0-9a-f]+|[0-9]+)$")


def to_int(value: str) -> int:
    """The number in a reply value: lowercase `0x` hex or decimal."""
    if not _INT_RE.match(value):
        raise ValueError(f"not a number: {value!r}")
    return int(value, 0)


class Fields(Mapping[str, str]):
    """The key=value pairs of one line, values as raw strings, in order.

    `f["va"]` is the raw text, `f.int("va")` the number, `f.attrs("attrs")`
    the attribute names."""

    __slots__ = ("_d",)

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._d: dict[str, str] = dict(pairs)

    def __getitem__(self, key: str) -> str:
        return self._d[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __repr__(self) -> str:
        return "Fields(" + " ".join(f"{k}={v}" for k, v in self._d.items()) + ")"

    def int(self, key: str) -> int:
        """The value of `key` as a number (KeyError, ValueError)."""
        return to_int(self._d[key])

    def get_int(self, key: str, default: Optional[int] = None) -> Optional[int]:
        """The value of `key` as a number, or `default` when absent."""
        return to_int(self._d[key]) if key in self._d else default

    def attrs(self, key: str = "attrs") -> tuple[str, ...]:
        """The value of `key` as a tuple of attribute names."""
        value = self._d[key]
        return tuple(value.split(",")) if value else ()

    def ints(self) -> dict[str, int]:
        """Every value that is a number, converted."""
        return {k: to_int(v) for k, v in self._d.items() if _INT_RE.match(v)}


@dataclass(frozen=True)
class Line:
    """One reply line. `name` is the event name or the error code; `words`
    are tokens that are not key=value (in order); `text` follows ` -- `."""

    kind: str
    raw: str
    name: Optional[str] = None
    fields: Fields = field(default_factory=Fields)
    words: tuple[str, ...] = ()
    text: Optional[str] = None

    def __getitem__(self, key: str) -> str:
        return self.fields[key]

    def int(self, key: str) -> int:
        """The value of `key` as a number."""
        return self.fields.int(key)

    def __str__(self) -> str:
        return self.raw


def _split_text(rest: str) -> tuple[str, Optional[str]]:
    """Splits off a ` -- text` tail: (head, text or None)."""
    padded = " " + rest
    idx = padded.find(" -- ")
    if idx >= 0:
        return padded[:idx].strip(), padded[idx + 4:]
    if padded.rstrip(" ").endswith(" --"):
        return padded.rstrip(" ")[:-3].strip(), ""
    return rest.strip(), None


def _split_fields(head: str) -> tuple[Fields, tuple[str, ...]]:
    """key=value tokens of `head` as Fields, the other tokens as words."""
    pairs, words = [], []
    for token in head.split():
        key, eq, value = token.partition("=")
        if eq and _KEY_RE.match(key):
            pairs.append((key, value))
        else:
            words.append(token)
    return Fields(pairs), tuple(words)


def parse_line(raw: str) -> Optional[Line]:
    """The reply line in `raw` (no line ending), or None if `raw` is not one."""
    first, _, rest = raw.partition(" ")
    if first in (OK, READY):
        head, text = _split_text(rest)
        fields, words = _split_fields(head)
        return Line(first, raw, None, fields, words, text)
    if first == ERR:
        code, _, rest = rest.partition(" ")
        if not _CODE_RE.match(code):
            return None
        head, text = _split_text(rest)
        fields, words = _split_fields(head)
        return Line(ERR, raw, code, fields, words, text)
    if first == "-":
        head, text = _split_text(rest)
        fields, words = _split_fields(head)
        return Line(RECORD, raw, None, fields, words, text)
    if first == "!":
        name, _, rest = rest.partition(" ")
        if not _EVENT_RE.match(name):
            return None
        head, text = _split_text(rest)
        fields, words = _split_fields(head)
        return Line(EVENT, raw, name, fields, words, text)
    return None


@dataclass(frozen=True)
class Reply:
    """A request and its reply: body lines (records, events) and the final line."""

    request: str
    body: tuple[Line, ...]
    final: Line

    @property
    def ok(self) -> bool:
        return self.final.kind == OK

    @property
    def code(self) -> Optional[str]:
        """The error code of an `err` reply, None for `ok`."""
        return self.final.name

    @property
    def fields(self) -> Fields:
        """key=value pairs of the final line."""
        return self.final.fields

    @property
    def text(self) -> Optional[str]:
        """The ` -- text` of the final line."""
        return self.final.text

    @property
    def records(self) -> list[Fields]:
        """The `- ` records, in order."""
        return [line.fields for line in self.body if line.kind == RECORD]

    @property
    def record_lines(self) -> list[Line]:
        return [line for line in self.body if line.kind == RECORD]

    @property
    def events(self) -> list[Line]:
        """The `! ` events, in order."""
        return [line for line in self.body if line.kind == EVENT]

    def events_named(self, name: str) -> list[Line]:
        return [line for line in self.body if line.kind == EVENT and line.name == name]

    def __getitem__(self, key: str) -> str:
        return self.final.fields[key]

    def __contains__(self, key: str) -> bool:
        return key in self.final.fields

    def int(self, key: str) -> int:
        """The final line's value of `key` as a number."""
        return self.final.fields.int(key)

    def attrs(self, key: str = "attrs") -> tuple[str, ...]:
        return self.final.fields.attrs(key)

    @property
    def lines(self) -> list[str]:
        return [line.raw for line in self.body] + [self.final.raw]

    def __str__(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Exchange:
    """One request as it happens: "crashed" until its final line arrives."""

    request: str
    body: list[Line] = field(default_factory=list)
    reply: Optional[Reply] = None

    @property
    def crashed(self) -> bool:
        return self.reply is None

    @property
    def status(self) -> str:
        if self.reply is None:
            return "crashed"
        return "ok" if self.reply.ok else f"err {self.reply.code}"


class ReplyBuilder:
    """Gathers the lines of one request's reply.

    feed() returns the Reply once the final line arrives, None before;
    a line that is no reply line raises ValueError (the session turns it
    into ProtocolError)."""

    def __init__(self, request: str) -> None:
        self.exchange = Exchange(request)

    def feed(self, raw: str) -> Optional[Reply]:
        line = parse_line(raw)
        if line is None or line.kind == READY:
            raise ValueError(f"not a reply line: {raw!r}")
        if line.kind in FINAL_KINDS:
            ex = self.exchange
            ex.reply = Reply(ex.request, tuple(ex.body), line)
            return ex.reply
        self.exchange.body.append(line)
        return None


# ---------------------------------------------------------------- transcripts

SENT, RECEIVED = ">", "<"
_TS_RE = re.compile(r"^\+?\d+\.\d+ ")


def unescape(text: str) -> bytes:
    """Bytes of a transcript line written by rig/transcript.escape()."""
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
class Transcript:
    """A transcript read back: boot lines before `ready`, the ready line,
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


def parse_transcript(text: str) -> Transcript:
    """Parses a transcript into boot lines, ready and exchanges.

    Requests with no tokens and `exit` expect no reply; any other request
    stays "crashed" if the transcript ends (or the target panics) before
    its final line."""
    out = Transcript()
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
