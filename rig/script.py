"""`python3 -m rig run SCRIPT`: sends a file of requests, one per line.

Script syntax:

    # a comment line; blank lines are skipped too
    info
    pa = pmm alloc 16 0x10000    # NAME = request: binds the reply to $pa
    map 0x10000 $pa 64K read,write
    peek $pa.va                  # $NAME.KEY: that key of the bound reply
    expect err RANGE             # the next request must fail with RANGE
    map 0x10000 0x100000000 4K read
    peek 0x90000000              # expect err FAULT   (the same, on the line)
    !err peek 0x80000002         # `!err ` in front: must fail, any code
    expect ok                    # the next request must succeed (the default)
    exit 3                       # ends the script; the exit status is printed

`$NAME` is the value of the first key of the final line bound to NAME
(`pa = pmm alloc ...` answers `ok pa=0x... count=16`: $pa is the pa), and
`$NAME.KEY` (or `${NAME.KEY}`) the value of KEY, so a script uses what the
target gave rather than a number that holds on one target only. A
variable that was never bound, or a key the reply does not have, is an
error of the script (status 2) at the line that uses it.

Each request is printed as `> request` (variables substituted), then its
reply lines as they arrive. An `err` that was not expected, or an `ok`
where an error was expected, is "unexpected": reported as `# unexpected:
...`, and the run exits 1 at the end (at once with --stop-on-err). A
panic, a timeout, a dead target or an error of the script exits 2; a run
where every reply is as the script says exits 0."""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Optional, TextIO

from .errors import RigError
from .reply import Reply
from .session import Session

ANY = "*"
OK_EXPECTED = None
_EXPECT_RE = re.compile(r"#\s*expect\s+err(?:\s+([A-Z_]+))?\s*$")
_EXPECT_LINE_RE = re.compile(r"^expect\s+(ok|err)(?:\s+([A-Z][A-Z0-9_]*))?$")
_BIND_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S.*)$")
_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\.([a-z][a-z0-9_]*))?\}"
                     r"|\$([A-Za-z_][A-Za-z0-9_]*)(?:\.([a-z][a-z0-9_]*))?")


class ScriptError(Exception):
    """A mistake in the script itself (syntax, unknown variable)."""


@dataclass(frozen=True)
class Step:
    """One request of a script: its line number, the error it expects
    (None: must succeed; ANY: any err; else that code) and the variable its
    reply is bound to."""

    lineno: int
    request: str
    expect: Optional[str] = None
    bind: Optional[str] = None

    def unexpected(self, reply: Reply) -> Optional[str]:
        """Why `reply` is not what the script says, or None if it is."""
        if self.expect is None:
            return None if reply.ok else f"{reply.final.raw}"
        if reply.ok:
            return f"ok, expected err {self.expect if self.expect != ANY else ''}".strip()
        if self.expect != ANY and reply.code != self.expect:
            return f"{reply.final.raw}, expected err {self.expect}"
        return None


def parse_step(lineno: int, raw: str, expect: Optional[str] = None) -> Optional[Step]:
    """The step on line `raw` (with the expectation an `expect` line before
    it set), or None for comments and blank lines."""
    m = _EXPECT_RE.search(raw)
    if m:
        expect = m.group(1) or ANY
    line = raw.split("#", 1)[0].strip()
    if not line:
        return None
    if line.startswith("!err "):
        line = line[5:].strip()
        expect = expect or ANY
    bind = None
    b = _BIND_RE.match(line)
    if b:
        bind, line = b.group(1), b.group(2).strip()
    return Step(lineno, line, expect, bind)


def parse_script(text: str) -> list[Step]:
    """Every step of a script's text (ScriptError for a stray `expect`)."""
    steps: list[Step] = []
    pending: Optional[tuple[int, Optional[str]]] = None
    for n, raw in enumerate(text.splitlines(), 1):
        bare = raw.split("#", 1)[0].strip()
        m = _EXPECT_LINE_RE.match(bare)
        if m:
            if pending is not None:
                raise ScriptError(f"line {n}: `expect` after `expect` (line {pending[0]})")
            want = OK_EXPECTED if m.group(1) == "ok" else (m.group(2) or ANY)
            if m.group(1) == "ok" and m.group(2):
                raise ScriptError(f"line {n}: `expect ok` takes no code")
            pending = (n, want)
            continue
        if bare.startswith("expect"):
            raise ScriptError(f"line {n}: expected `expect ok`, `expect err` or "
                              f"`expect err CODE`, got {bare!r}")
        step = parse_step(n, raw, pending[1] if pending else None)
        if step is not None:
            steps.append(step)
            pending = None
    if pending is not None:
        raise ScriptError(f"line {pending[0]}: `expect` with no request after it")
    return steps


def substitute(request: str, variables: dict[str, Reply], lineno: int = 0) -> str:
    """`request` with each $NAME / $NAME.KEY / ${NAME.KEY} replaced."""
    def value(m: re.Match) -> str:
        name = m.group(1) or m.group(3)
        key = m.group(2) or m.group(4)
        if name not in variables:
            raise ScriptError(f"line {lineno}: ${name} is not bound "
                              f"(bind it first: `{name} = <request>`)")
        fields = variables[name].fields
        if key is None:
            if not fields:
                raise ScriptError(f"line {lineno}: ${name}: its reply "
                                  f"{variables[name].final.raw!r} has no key")
            return next(iter(fields.values()))
        if key not in fields:
            raise ScriptError(f"line {lineno}: ${name}.{key}: no key {key!r} in "
                              f"{variables[name].final.raw!r}")
        return fields[key]
    return _VAR_RE.sub(value, request)


def _exit_code(request: str) -> Optional[int]:
    tokens = request.split()
    if tokens[0] != "exit" or len(tokens) > 2:
        return None
    try:
        return int(tokens[1], 0) if len(tokens) == 2 else 0
    except ValueError:
        return None


def run_steps(session: Session, steps: list[Step], stop_on_err: bool = False,
              out: TextIO = sys.stdout) -> int:
    """Runs `steps` on a started session; the run's exit status (see module doc)."""
    emit = lambda raw: print(raw, file=out, flush=True)  # noqa: E731
    unexpected = 0
    variables: dict[str, Reply] = {}
    try:
        for step in steps:
            request = substitute(step.request, variables, step.lineno)
            print(f"> {request}", file=out, flush=True)
            code = _exit_code(request)
            if code is not None:
                print(f"# exit status {session.exit(code)}", file=out)
                break
            reply = session.request(request, on_line=emit)
            if step.bind is not None:
                variables[step.bind] = reply
            why = step.unexpected(reply)
            if why is not None:
                unexpected += 1
                print(f"# unexpected (line {step.lineno}): {why}", file=out, flush=True)
                if stop_on_err:
                    return 1
    except ScriptError as e:
        print(f"# script error: {e}", file=out)
        return 2
    except RigError as e:
        print(f"# {e}", file=out)
        return 2
    print(f"# {len(steps)} steps, {unexpected} unexpected", file=out)
    return 1 if unexpected else 0


def run_script(session: Session, text: str, stop_on_err: bool = False,
               out: TextIO = sys.stdout) -> int:
    """Parses the script `text`, starts `session`, runs it, stops the session."""
    try:
        steps = parse_script(text)
    except ScriptError as e:
        print(f"# script error: {e}", file=out)
        return 2
    try:
        session.start()
        print(session.ready.raw, file=out, flush=True)
        return run_steps(session, steps, stop_on_err, out)
    except RigError as e:
        print(f"# {e}", file=out)
        return 2
    finally:
        session.stop()
