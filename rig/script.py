"""`python3 -m rig run SCRIPT`: sends a file of requests, one per line.

Script syntax:

    # a comment line; blank lines are skipped too
    info
    peek 0x80000000          # a trailing comment is dropped
    !err peek 0x80000002     # `!err ` in front: this request must fail
    peek 0x90000000          # expect err FAULT   (it must fail with FAULT)
    exit 3                   # ends the script; the exit status is printed

Each request is printed as `> request`, then its reply lines as they
arrive. An `err` that was not marked expected, or an `ok` where an error
was expected, is "unexpected": it is reported as `# unexpected: ...` and,
with --stop-on-err, ends the run with status 1. A panic, a timeout or a
dead target ends the run with status 2."""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Optional, TextIO

from .errors import RigError
from .reply import Reply
from .session import Session

ANY = "*"
_EXPECT_RE = re.compile(r"#\s*expect\s+err(?:\s+([A-Z_]+))?\s*$")


@dataclass(frozen=True)
class Step:
    """One request of a script: its line number and the error it expects
    (None: must succeed; ANY: any err; else that code)."""

    lineno: int
    request: str
    expect: Optional[str] = None

    def unexpected(self, reply: Reply) -> Optional[str]:
        """Why `reply` is not what the script says, or None if it is."""
        if self.expect is None:
            return None if reply.ok else f"{reply.final.raw}"
        if reply.ok:
            return f"ok, expected err {self.expect if self.expect != ANY else ''}".strip()
        if self.expect != ANY and reply.code != self.expect:
            return f"{reply.final.raw}, expected err {self.expect}"
        return None


def parse_step(lineno: int, raw: str) -> Optional[Step]:
    """The step on line `raw`, or None for comments and blank lines."""
    expect = None
    m = _EXPECT_RE.search(raw)
    if m:
        expect = m.group(1) or ANY
    line = raw.split("#", 1)[0].strip()
    if not line:
        return None
    if line.startswith("!err "):
        line = line[5:].strip()
        expect = expect or ANY
    return Step(lineno, line, expect)


def parse_script(text: str) -> list[Step]:
    """Every step of a script's text."""
    steps = (parse_step(n, raw) for n, raw in enumerate(text.splitlines(), 1))
    return [s for s in steps if s is not None]


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
    try:
        for step in steps:
            print(f"> {step.request}", file=out, flush=True)
            code = _exit_code(step.request)
            if code is not None:
                print(f"# exit status {session.exit(code)}", file=out)
                break
            why = step.unexpected(session.request(step.request, on_line=emit))
            if why is not None:
                unexpected += 1
                print(f"# unexpected (line {step.lineno}): {why}", file=out, flush=True)
                if stop_on_err:
                    return 1
    except RigError as e:
        print(f"# {e}", file=out)
        return 2
    print(f"# {len(steps)} steps, {unexpected} unexpected", file=out)
    return 0


def run_script(session: Session, text: str, stop_on_err: bool = False,
               out: TextIO = sys.stdout) -> int:
    """Starts `session`, runs the script `text`, stops the session."""
    try:
        session.start()
        print(session.ready.raw, file=out, flush=True)
        return run_steps(session, parse_script(text), stop_on_err, out)
    except RigError as e:
        print(f"# {e}", file=out)
        return 2
    finally:
        session.stop()
