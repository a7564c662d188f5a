"""`python3 -m rig shell`: an interactive session with a target.

Readline history lives in ~/.vmk_history; Tab completes command names,
subcommands (`as new|switch|destroy|list`, ...), attribute names after
commas and the `user`/`write` words, from the grammar the kernel itself
answers to `help` at the start (rig/grammar.py). Reply lines are printed
as they arrive; after `err BAD_ARG` the command's usage follows, after
`err BAD_COMMAND` the commands it may have meant. `help <command>` goes to
the kernel (PROTOCOL 1.1); a kernel without it gets the usage from its
`help` list instead.

Ctrl-C while a request is in flight stops waiting: the shell says what
the target is doing and stays; the late reply is shown before the next
one. Ctrl-C at the prompt clears the line. Ctrl-D sends `exit 0`; `exit
[code]` ends the target and leaves the shell with the target's exit
status (`exit 7`: status 7)."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional, TextIO

from .errors import KernelPanic, RigError
from .grammar import Grammar
from .session import Session

HISTORY = Path(os.path.expanduser("~/.vmk_history"))
PROMPT = "vmk> "


class Completer:
    """readline completer over Grammar.complete()."""

    def __init__(self, readline, grammar: Grammar) -> None:
        self.readline = readline
        self.grammar = grammar
        self.matches: list[str] = []

    def __call__(self, text: str, state: int) -> Optional[str]:
        if state == 0:
            buf = self.readline.get_line_buffer()[:self.readline.get_endidx()]
            self.matches = self.grammar.complete(buf)
        return self.matches[state] if state < len(self.matches) else None


def _setup_readline(history: Path, grammar: Grammar):
    """Loads history and installs completion; the readline module or None."""
    try:
        import readline
    except ImportError:
        return None
    readline.set_completer_delims(" ")
    readline.set_completer(Completer(readline, grammar))
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


def target_grammar(session: Session) -> Grammar:
    """The grammar the target answers to `help`, or the recorded one."""
    try:
        reply = session.request("help")
    except RigError:
        raise
    grammar = Grammar.from_help(reply) if reply.ok else None
    if grammar is None or not grammar.commands:
        return Grammar.recorded()
    return grammar


def usage_hint(grammar: Grammar, line: str) -> Optional[str]:
    """The usage of the command `line` calls (its subcommand's if known)."""
    tokens = line.split()
    if not tokens:
        return None
    form = grammar.form_for(tokens)
    if form is not None and form.sub is not None:
        return form.usage()
    return grammar.usage(tokens[0])


def advise(grammar: Grammar, line: str, reply, out: TextIO) -> None:
    """What to print after an error reply: usage, or likely commands."""
    if reply.ok:
        return
    tokens = line.split()
    if reply.code == "BAD_ARG":
        usage = usage_hint(grammar, line)
        if usage:
            print(f"# usage: {usage}", file=out)
    elif reply.code == "BAD_COMMAND" and tokens:
        close = grammar.suggest(tokens[0])
        if close:
            print(f"# did you mean: {', '.join(close)}?", file=out)


def _help(session: Session, grammar: Grammar, line: str, emit, out: TextIO):
    """`help <command>`: the kernel's answer, or the usage from its list."""
    tokens = line.split()
    reply = session.request(line, on_line=emit)
    if not reply.ok and reply.code == "BAD_ARG" and len(tokens) == 2:
        usage = grammar.usage(tokens[1])
        if usage:
            print(f"# this kernel has no `help <command>`; from its `help` list:", file=out)
            print(f"- cmd={tokens[1]} -- {usage}", file=out)
            return reply
    advise(grammar, line, reply, out)
    return reply


def repl(session: Session, out: TextIO = sys.stdout, history: Path = HISTORY,
         grammar: Optional[Grammar] = None) -> int:
    """Reads requests until Ctrl-D or `exit`; the target's exit status, or
    1 if the target failed."""
    if grammar is None:
        grammar = target_grammar(session)
    readline = _setup_readline(history, grammar)
    emit = lambda raw: print(raw, file=out, flush=True)  # noqa: E731
    try:
        while True:
            try:
                line = input(PROMPT)
            except EOFError:
                print(file=out)
                status = session.exit(0)
                print(f"# exit status {status}", file=out)
                return status
            except KeyboardInterrupt:
                print(file=out)
                continue
            if not line.strip():
                continue
            code = _exit_code(line)
            if code is not None:
                status = session.exit(None if code < 0 else code)
                print(f"# exit status {status}", file=out)
                return status
            try:
                if line.split()[0] == "help" and len(line.split()) > 1:
                    _help(session, grammar, line, emit, out)
                else:
                    advise(grammar, line, session.request(line, on_line=emit), out)
            except KeyboardInterrupt:
                print(f"\n# interrupted: no longer waiting; target {session.state()}",
                      file=out, flush=True)
                if session.pending is not None:
                    print("# (its reply, when it comes, is shown before the next one)",
                          file=out, flush=True)
            except ValueError as e:
                print(f"# {e}", file=out)
    except KernelPanic as e:
        print(f"# kernel panic, exit status {e.exit_status}", file=out)
        for line in getattr(e, "symbolized", ()):
            print(f"# {line}", file=out)
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
        grammar = target_grammar(session)
    except RigError as e:
        print(f"# {e}", file=out)
        session.stop()
        return 1
    for raw in session.boot_lines:
        print(raw, file=out)
    print(session.ready.raw, file=out, flush=True)
    return repl(session, out, grammar=grammar)
