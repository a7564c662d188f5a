"""PROTOCOL.md's command tables, held to the kernel's `help` on both targets.

The grammar has one source, the table in kernel/cmd, and `help` prints it.
Here every request form in PROTOCOL.md's tables ("Commands", and the
"Multiple CPUs" table) must be in `help` with the same usage, form by
form and in the same order, and `help` may list no command that PROTOCOL
does not have except the ones vmk adds (VMK_ADDS, named here on purpose).

PROTOCOL.md is ../shared/PROTOCOL.md beside the checkout (CI has it
there), else /work/shared/PROTOCOL.md."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CANDIDATES = [REPO.parent / "shared" / "PROTOCOL.md", Path("/work/shared/PROTOCOL.md")]

#: Commands vmk has beyond PROTOCOL.md (none today; a new one goes here,
#: with a line in the README).
VMK_ADDS: dict[str, str] = {}
#: Where a 1.1 pinned choice widens a table row: PROTOCOL's table lists
#: `help`, its "Choices pinned in version 1.1" add `help <command>`.
PINNED_FORMS = {"help": ["help [command]"]}


def protocol_text() -> str:
    for path in CANDIDATES:
        if path.is_file():
            return path.read_text()
    pytest.fail("PROTOCOL.md not found at " + " or ".join(map(str, CANDIDATES)), pytrace=False)


def section(text: str, title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m, f"no section {title!r} in PROTOCOL.md"
    return m.group(1)


def table_forms(sec: str) -> dict[str, list[str]]:
    """command -> its request forms, in the table's order, from the first
    column of every row (`a` / `b` spellings; `\\|` is a literal bar)."""
    forms: dict[str, list[str]] = {}
    for line in sec.splitlines():
        if not line.startswith("| `"):
            continue
        cell = line.replace("\\|", "\x00").split("|")[1].replace("\x00", "|")
        for form in re.findall(r"`([^`]+)`", cell):
            # `<request …>` (the rest of the line) is `<request...>` in
            # help: the channel is ASCII and a usage token has no space.
            form = form.replace(" …>", "...>")
            forms.setdefault(form.split(" ")[0], []).append(form)
    return forms


def protocol_forms(title: str) -> dict[str, list[str]]:
    text = protocol_text()
    forms = table_forms(section(text, title))
    if title == "Commands":
        pinned = section(text, "Choices pinned in version 1.1")
        assert "`help <command>`" in pinned
        forms.update(PINNED_FORMS)
    return forms


def help_forms(s) -> dict[str, list[str]]:
    r = s.ok("help")
    out = {}
    for line in r.body:
        m = re.match(r"^- cmd=(\S+) -- (.+)$", line.raw)
        assert m, line.raw
        out[m.group(1)] = m.group(2).split(" | ")
    assert r.int("count") == len(out)
    return out


def test_protocol_tables_parse():
    """The parser above reads what PROTOCOL.md says (so the tie can fail)."""
    forms = protocol_forms("Commands")
    assert forms["as"] == ["as new", "as switch <id>", "as destroy <id>", "as list"]
    assert forms["cache"] == ["cache clean|invalidate|flush|unify <va> <len>"]
    assert forms["kfree"] == ["kfree <ptr>"] and forms["exit"] == ["exit [code]"]
    assert len(forms) >= 27
    assert set(protocol_forms("Multiple CPUs (version 1.1)")) == {"cpu", "cpus"}


def test_every_command_of_protocol_is_in_help_with_the_same_usage(shared_target):
    have = help_forms(shared_target)
    for name, forms in protocol_forms("Commands").items():
        assert name in have, f"PROTOCOL's {name!r} is not in help"
        assert have[name] == forms, f"{name}: help says {have[name]}, PROTOCOL {forms}"


def test_multi_cpu_commands_are_in_help_with_the_same_usage(shared_target):
    have = help_forms(shared_target)
    for name, forms in protocol_forms("Multiple CPUs (version 1.1)").items():
        assert have.get(name) == forms, f"{name}: help says {have.get(name)}, PROTOCOL {forms}"


def test_help_lists_nothing_protocol_lacks_but_what_vmk_adds(shared_target):
    have = help_forms(shared_target)
    known = set(protocol_forms("Commands")) | set(protocol_forms("Multiple CPUs (version 1.1)"))
    assert set(have) - known == set(VMK_ADDS), sorted(set(have) - known)
    for name, usage in VMK_ADDS.items():
        assert " | ".join(have[name]) == usage
