"""Reply lines of the command channel (PROTOCOL.md "Replies"): the one
home of parsing what a target writes, separate from any process.

A target writes lines; each is one of

    ready key=value ...                   the boot line
    - key=value ... [-- text]             a record of a list reply
    ! <event> key=value ... [-- text]     something that happened
    ok [key=value ...]                    final: success
    err <CODE> [key=value ...] [-- text]  final: failure

`parse_line` turns one line into a `Line`; `ReplyBuilder` gathers lines
into `Reply` objects the way the session does (a request has no reply, it
"crashed", until its final line arrives). Numbers come back as they were
printed: a value written `0x...` is a `HexInt`, an int whose repr() is hex,
so a failing `assert r.int("pa") == pa` shows addresses the way the
transcript does. Reading transcripts back lives in rig/transcript.py.
"""
from __future__ import annotations

import re
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


class HexInt(int):
    """An int printed `0x...` by the target: repr() is hex, str() decimal.

    Arithmetic gives plain ints; equality and hashing are int's."""

    __slots__ = ()

    def __repr__(self) -> str:
        return hex(self)

    __str__ = int.__repr__


def to_int(value: str) -> int:
    """The number in a reply value: lowercase `0x` hex (a HexInt) or decimal."""
    if not _INT_RE.match(value):
        raise ValueError(f"not a number: {value!r}")
    if value.startswith("0x"):
        return HexInt(value, 16)
    return int(value)


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


class Line:
    """One reply line. `name` is the event name or the error code; `words`
    are tokens that are not key=value (in order); `text` follows ` -- `.

    Only the kind and name are decided when the line is read; the fields,
    words and text are split the first time one of them is asked for (the
    session reads thousands of lines whose fields nobody looks at)."""

    __slots__ = ("kind", "raw", "name", "_rest", "_fields", "_words", "_text")

    def __init__(self, kind: str, raw: str, name: Optional[str] = None,
                 fields: Optional[Fields] = None, words: tuple[str, ...] = (),
                 text: Optional[str] = None, *, rest: Optional[str] = None) -> None:
        self.kind = kind
        self.raw = raw
        self.name = name
        self._rest = rest
        self._fields = Fields() if fields is None and rest is None else fields
        self._words = words
        self._text = text

    def _split(self) -> None:
        head, self._text = _split_text(self._rest)
        self._fields, self._words = _split_fields(head)
        self._rest = None

    @property
    def fields(self) -> Fields:
        if self._rest is not None:
            self._split()
        return self._fields

    @property
    def words(self) -> tuple[str, ...]:
        if self._rest is not None:
            self._split()
        return self._words

    @property
    def text(self) -> Optional[str]:
        if self._rest is not None:
            self._split()
        return self._text

    def __getitem__(self, key: str) -> str:
        return self.fields[key]

    def __contains__(self, key: str) -> bool:
        return key in self.fields

    def get(self, key: str, default: Optional[str] = None) -> Optional[str]:
        return self.fields.get(key, default)

    def int(self, key: str) -> int:
        """The value of `key` as a number."""
        return self.fields.int(key)

    def __eq__(self, other) -> bool:
        return isinstance(other, Line) and (self.kind, self.raw) == (other.kind, other.raw)

    def __hash__(self) -> int:
        return hash((self.kind, self.raw))

    def __repr__(self) -> str:
        return f"Line({self.kind}: {self.raw!r})"

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
    if first == OK:
        return Line(OK, raw, rest=rest)  # the constant: callers compare with `is`
    if first == READY:
        return Line(READY, raw, rest=rest)
    if first == ERR:
        code, _, rest = rest.partition(" ")
        if not _CODE_RE.match(code):
            return None
        return Line(ERR, raw, code, rest=rest)
    if first == "-":
        return Line(RECORD, raw, rest=rest)
    if first == "!":
        name, _, rest = rest.partition(" ")
        if not _EVENT_RE.match(name):
            return None
        return Line(EVENT, raw, name, rest=rest)
    return None


class Reply:
    """A request and its reply: body lines (records, events) and the final line."""

    __slots__ = ("request", "body", "final")

    def __init__(self, request: str, body: tuple, final: Line) -> None:
        self.request = request
        self.body = body
        self.final = final

    def __eq__(self, other) -> bool:
        return isinstance(other, Reply) and (self.request, self.body, self.final) == \
            (other.request, other.body, other.final)

    def __repr__(self) -> str:
        return f"Reply({self.request!r} -> {self.final.raw!r})"

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


class Exchange:
    """One request as it happens: "crashed" until its final line arrives."""

    __slots__ = ("request", "body", "reply")

    def __init__(self, request: str, body: Optional[list] = None,
                 reply: Optional[Reply] = None) -> None:
        self.request = request
        self.body = [] if body is None else body
        self.reply = reply

    def __repr__(self) -> str:
        return f"Exchange({self.request!r}, {self.status})"

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

    __slots__ = ("exchange",)

    def __init__(self, request: str, exchange: Optional[Exchange] = None) -> None:
        self.exchange = Exchange(request) if exchange is None else exchange

    def feed(self, raw: str) -> Optional[Reply]:
        line = parse_line(raw)
        if line is None or line.kind == READY:
            raise ValueError(f"not a reply line: {raw!r}")
        kind = line.kind
        if kind == OK or kind == ERR:
            ex = self.exchange
            ex.reply = Reply(ex.request, tuple(ex.body), line)
            return ex.reply
        self.exchange.body.append(line)
        return None


__all__ = ["READY", "RECORD", "EVENT", "OK", "ERR", "FINAL_KINDS", "ERROR_CODES", "ATTRS",
           "FAULT_STATUSES", "HexInt", "to_int", "Fields", "Line", "Reply", "Exchange",
           "ReplyBuilder", "parse_line"]
