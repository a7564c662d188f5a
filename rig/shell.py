"""`python3 -m rig shell`: an interactive session with a target.

Readline history lives in ~/.vmk_history; Tab completes command names,
subcommands (`as new|switch|destroy|list`, ...), attribute names after
commas and the `user`/`write` words. Reply lines are printed as they
arrive. Ctrl-D sends `exit 0` and ends the shell cleanly; `exit [code]`
typed at the prompt ends it with the target's status printed."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional, TextIO

from . import commands
from .errors import KernelPanic, RigError
from .session import Session

HISTORY = Path(os.path.expanduser("~/.vmk_history"))
PROMPT = "vmk> "


class Completer:
    """readline completer over rig.commands.complete()."""

    def __init__(self, readline) -> None:
        self.readline = readline
        self.matches: list[str] = []

    def __call__(self, text: str, state: int) -> Optional[str]:
        if state == 0:
            buf = self.readline.get_line_buffer()[:self.readline.get_endidx()]
            self.matches = commands.complete(buf)
        return self.matches[state] if state < len(self.matches) else None


def _setup_readline(history: Path):
    """Loads history and installs completion; the readline module or None."""
    try:
        import readline
    except ImportError:
        return None
    readline.set_completer_delims(" ")
    readline.set_completer(Completer(readline))
    readline.parse_and_bind("tab: complete")
    try:
        readline.read_history_file(history)
    except OSError:
        pass
    readline.set_history_length(5000)
    return readline


def _save_history(readline, history: Path) -> None:
    if readline is None:
        return
    try:
        readline.write_history_file(history)
    except OSError:
        pass


def _exit_code(line: str) -> Optional[int]:
    """The code of an `exit [code]` line typed at the prompt (-1 if no code)."""
    tokens = line.split()
    if not tokens or tokens[0] != "exit" or len(tokens) > 2:
        return None
    if len(tokens) == 1:
        return -1
    try:
        return int(tokens[1], 0)
    except ValueError:
        return None  # let the target answer BAD_ARG


def repl(session: Session, out: TextIO = sys.stdout, history: Path = HISTORY) -> int:
    """Reads requests until Ctrl-D or `exit`; 0, or 1 if the target failed."""
    readline = _setup_readline(history)
    emit = lambda raw: print(raw, file=out, flush=True)  # noqa: E731
    try:
        while True:
            try:
                line = input(PROMPT)
            except EOFError:
                print(file=out)
                status = session.exit(0)
                print(f"# exit status {status}", file=out)
                return 0
            except KeyboardInterrupt:
                print(file=out)
                continue
            if not line.strip():
                continue
            code = _exit_code(line)
            if code is not None:
                status = session.exit(None if code < 0 else code)
                print(f"# exit status {status}", file=out)
                return 0
            try:
                session.request(line, on_line=emit)
            except ValueError as e:
                print(f"# {e}", file=out)
    except KernelPanic as e:
        print(f"# kernel panic, exit status {e.exit_status}", file=out)
        return 1
    except RigError as e:
        print(f"# {e}", file=out)
        return 1
    finally:
        _save_history(readline, history)
        session.stop()


def run_shell(session: Session, out: TextIO = sys.stdout) -> int:
    """Starts `session`, prints its command line and ready line, runs the REPL."""
    print(f"# {session.config}", file=out)
    try:
        session.start()
    except RigError as e:
        print(f"# {e}", file=out)
        return 1
    for raw in session.boot_lines:
        print(raw, file=out)
    print(session.ready.raw, file=out, flush=True)
    return repl(session, out)
