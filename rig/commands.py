"""The request grammar of PROTOCOL.md as data: command names, subcommands
and the kind of each argument. The shell completes from it, the grammar
tests derive malformed requests from it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .parse import ATTRS

NUM, ATTRS_ARG, USER, WRITE = "num", "attrs", "user", "write"
#: Argument kinds that are a literal word.
LITERALS = (USER, WRITE)


@dataclass(frozen=True)
class Form:
    """One way to call a command: `command [sub] required... [optional...]`."""

    command: str
    sub: Optional[str]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    @property
    def words(self) -> list[str]:
        return [self.command] + ([self.sub] if self.sub else [])

    def usage(self) -> str:
        args = [f"<{k}>" for k in self.required] + [f"[{k}]" for k in self.optional]
        return " ".join(self.words + args)

    def kind_at(self, index: int) -> Optional[str]:
        """Kind of the argument at `index` (0 = first after the words)."""
        kinds = self.required + self.optional
        return kinds[index] if index < len(kinds) else None


def _f(command: str, sub: Optional[str] = None, required: tuple = (),
       optional: tuple = ()) -> Form:
    return Form(command, sub, tuple(required), tuple(optional))


FORMS: tuple[Form, ...] = (
    _f("help"), _f("info"), _f("exit", optional=(NUM,)),
    _f("as", "new"), _f("as", "switch", (NUM,)), _f("as", "destroy", (NUM,)),
    _f("as", "list"),
    _f("map", None, (NUM, NUM, NUM, ATTRS_ARG)), _f("map1", None, (NUM, NUM, NUM, ATTRS_ARG)),
    _f("unmap", None, (NUM, NUM)), _f("unmap1", None, (NUM,)),
    _f("protect", None, (NUM, NUM, ATTRS_ARG)), _f("translate", None, (NUM,)),
    _f("hwtranslate", None, (NUM,), (USER, WRITE)),
    _f("peek", None, (NUM,), (USER,)), _f("poke", None, (NUM, NUM), (USER,)),
    _f("fill", None, (NUM, NUM, NUM)), _f("sum", None, (NUM, NUM)),
    _f("exec", None, (NUM,)),
    _f("pt", "map", (NUM,)), _f("pt", "unmap", (NUM,)),
    _f("flush", "all"), _f("flush", "as", (), (NUM,)), _f("flush", "page", (NUM,)),
    *(_f("cache", op, (NUM, NUM)) for op in ("clean", "invalidate", "flush", "unify")),
    _f("pmm", "stats"), _f("pmm", "alloc", (), (NUM, NUM)), _f("pmm", "free", (NUM,), (NUM,)),
    _f("asid", "stats"), _f("asid", "limit", (NUM,)),
    _f("heap", "grow", (NUM,)), _f("heap", "shrink", (NUM,)),
    _f("kmalloc", None, (NUM,)), _f("kfree", None, (NUM,)),
    _f("physmap", "map", (NUM, NUM), (ATTRS_ARG,)), _f("physmap", "unmap", (NUM,)),
    _f("physmap", "list"),
    _f("fail", "nomem", (NUM,)),
    _f("check"),
)

#: Command names in PROTOCOL.md's order.
COMMANDS: tuple[str, ...] = tuple(dict.fromkeys(f.command for f in FORMS))


def subcommands(command: str) -> list[str]:
    """Subcommand names of `command` (empty if it takes none)."""
    return [f.sub for f in FORMS if f.command == command and f.sub]


def form_for(tokens: list[str]) -> Optional[Form]:
    """The form whose command (and subcommand) start `tokens`."""
    if not tokens:
        return None
    for f in FORMS:
        if f.command == tokens[0] and (f.sub is None or
                                       (len(tokens) > 1 and tokens[1] == f.sub)):
            return f
    return None


def complete(line: str) -> list[str]:
    """Completions of the last (possibly empty) token of `line`.

    Whole tokens are returned; for an attribute list, the list so far with
    each attribute name that fits appended."""
    tokens = line.split(" ")
    prefix, done = tokens[-1], [t for t in tokens[:-1] if t]
    if not done:
        return [c for c in COMMANDS if c.startswith(prefix)]
    subs = subcommands(done[0])
    if subs and len(done) == 1:
        return [s for s in subs if s.startswith(prefix)]
    form = form_for(done)
    if form is None:
        return []
    kind = form.kind_at(len(done) - len(form.words))
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
