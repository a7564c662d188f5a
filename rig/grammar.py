"""The command grammar, read from the kernel itself.

The kernel's `help` answers one record per command, `- cmd=<name> --
<usage>`, with the usage of every form of it joined by ` | `:

    - cmd=pmm -- pmm stats | pmm alloc [count] [align] | pmm free <pa> [count]

`Grammar.from_help(reply)` turns those records into `Form`s (command,
subcommand, the kind of each argument): `<x>` is required, `[x]` optional,
a bare word (or `a|b|c`) is a subcommand; arguments named `attrs` are an
attribute list, `command` a command name, `user` and `write` literal
words, any other a number. The
shell reads the grammar from the target at session start, so completion,
usage after `err BAD_ARG` and suggestions after `err BAD_COMMAND` follow
the kernel it talks to; `help <command>` (PROTOCOL 1.1) is sent as is.

`rig/help.txt` is the same records as recorded from build/host/vmsim (a
self-test holds it to the live kernel); it is the grammar of targets that
do not answer `help` and of the grammar suites (`FORMS`, `COMMANDS`)."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from .reply import ATTRS

NUM, ATTRS_ARG, USER, WRITE, COMMAND, REQUEST = "num", "attrs", "user", "write", "command", "request"
#: Argument kinds that are a literal word.
LITERALS = (USER, WRITE)
HELP_FILE = Path(__file__).resolve().parent / "help.txt"

_ARG_RE = re.compile(r"^(<([a-z_]+(?:\.\.\.)?)>|\[([a-z_]+)\])$")
_RECORD_RE = re.compile(r"^- cmd=(\S+) -- (.*)$")


@dataclass(frozen=True)
class Form:
    """One way to call a command: `command [sub] required... [optional...]`."""

    command: str
    sub: Optional[str]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    #: The argument names as the kernel's usage prints them.
    names: tuple[str, ...] = ()

    @property
    def words(self) -> list[str]:
        return [self.command] + ([self.sub] if self.sub else [])

    def usage(self) -> str:
        names = self.names or tuple(self.required + self.optional)
        nreq = len(self.required)
        args = [f"<{n}>" for n in names[:nreq]] + [f"[{n}]" for n in names[nreq:]]
        return " ".join(self.words + args)

    def kind_at(self, index: int) -> Optional[str]:
        """Kind of the argument at `index` (0 = first after the words)."""
        kinds = self.required + self.optional
        return kinds[index] if index < len(kinds) else None


def _kind(name: str) -> str:
    if name == "attrs":
        return ATTRS_ARG
    if name == "command":
        return COMMAND
    if name.endswith("..."):       # `cpu <n> <request...>`: a whole request
        return REQUEST
    return name if name in LITERALS else NUM


def parse_usage(usage: str) -> list[Form]:
    """The forms of one usage text (`as new | as switch <id> | ...`)."""
    forms = []
    for alt in usage.split(" | "):
        tokens = alt.split()
        if not tokens:
            continue
        command, subs, req, opt, names = tokens[0], [None], [], [], []
        for tok in tokens[1:]:
            m = _ARG_RE.match(tok)
            if m is None:  # a subcommand word, or `a|b|c`
                subs = tok.split("|")
                continue
            name = m.group(2) or m.group(3)
            (req if m.group(2) else opt).append(_kind(name))
            names.append(name)
        for sub in subs:
            forms.append(Form(command, sub, tuple(req), tuple(opt), tuple(names)))
    return forms


class Grammar:
    """Commands and their forms, in the order `help` lists them."""

    def __init__(self, usages: dict[str, str]) -> None:
        self.usages = dict(usages)
        self.forms: tuple[Form, ...] = tuple(f for u in self.usages.values()
                                             for f in parse_usage(u))
        self.commands: tuple[str, ...] = tuple(dict.fromkeys(
            [*self.usages, *(f.command for f in self.forms)]))

    @classmethod
    def from_records(cls, lines: Iterable[str]) -> "Grammar":
        """From `- cmd=<name> -- <usage>` lines (other lines are skipped)."""
        usages = {}
        for line in lines:
            m = _RECORD_RE.match(line.strip())
            if m:
                usages[m.group(1)] = m.group(2)
        return cls(usages)

    @classmethod
    def from_help(cls, reply) -> "Grammar":
        """From the Reply to `help`."""
        return cls.from_records(line.raw for line in reply.record_lines)

    @classmethod
    def recorded(cls) -> "Grammar":
        """The grammar of rig/help.txt."""
        return cls.from_records(HELP_FILE.read_text().splitlines())

    def usage(self, command: str) -> Optional[str]:
        """The usage text of `command`, or None if it is unknown."""
        return self.usages.get(command)

    def subcommands(self, command: str) -> list[str]:
        """Subcommand names of `command` (empty if it takes none)."""
        return [f.sub for f in self.forms if f.command == command and f.sub]

    def form_for(self, tokens: list[str]) -> Optional[Form]:
        """The form whose command (and subcommand) start `tokens`."""
        if not tokens:
            return None
        for f in self.forms:
            if f.command == tokens[0] and (f.sub is None or
                                           (len(tokens) > 1 and tokens[1] == f.sub)):
                return f
        return None

    def suggest(self, word: str) -> list[str]:
        """Known commands close to `word` (a typo's likely meaning)."""
        close = difflib.get_close_matches(word, self.commands, n=3, cutoff=0.6)
        return close or [c for c in self.commands if c.startswith(word[:2])][:3]

    def complete(self, line: str) -> list[str]:
        """Completions of the last (possibly empty) token of `line`.

        Whole tokens are returned; for an attribute list, the list so far
        with each attribute name that fits appended."""
        tokens = line.split(" ")
        prefix, done = tokens[-1], [t for t in tokens[:-1] if t]
        if not done:
            return [c for c in self.commands if c.startswith(prefix)]
        subs = self.subcommands(done[0])
        if subs and len(done) == 1:
            return [s for s in subs if s.startswith(prefix)]
        form = self.form_for(done)
        if form is None:
            return []
        at = len(done) - len(form.words)
        kinds = form.required + form.optional
        if REQUEST in kinds and at >= kinds.index(REQUEST):
            # `cpu <n> <request...>`: the rest is a request of its own.
            inner = done[len(form.words) + kinds.index(REQUEST):]
            return self.complete(" ".join(inner + [prefix]))
        kind = form.kind_at(at)
        if kind == COMMAND:
            return [c for c in self.commands if c.startswith(prefix)]
        if kind == ATTRS_ARG:
            head, _, last = prefix.rpartition(",")
            used = set(head.split(",")) if head else set()
            lead = head + "," if head else ""
            return [lead + a for a in ATTRS if a.startswith(last) and a not in used]
        if kind in LITERALS:
            rest = [k for k in form.optional if k in LITERALS][
                max(0, len(done) - len(form.words) - len(form.required)):]
            return [k for k in rest if k.startswith(prefix)]
        return []


#: The recorded grammar (rig/help.txt) and its parts, for the grammar suites.
RECORDED = Grammar.recorded()
FORMS: tuple[Form, ...] = RECORDED.forms
COMMANDS: tuple[str, ...] = RECORDED.commands


def subcommands(command: str) -> list[str]:
    return RECORDED.subcommands(command)


def form_for(tokens: list[str]) -> Optional[Form]:
    return RECORDED.form_for(tokens)


def complete(line: str) -> list[str]:
    return RECORDED.complete(line)
