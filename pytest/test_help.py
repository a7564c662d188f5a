"""`help` and `help <command>` (PROTOCOL.md, 1.1), and a reason after every
err (1.1: ` -- <text>` saying which argument, limit or mapping was wrong).

The reason texts are vmk's words, not PROTOCOL's: these tests hold the
kernel to naming the right thing (the argument, the VA), never to the
exact sentence."""
import re

import pytest

from scenario import check_after, ok  # noqa: F401

HELP_LINE = re.compile(r"^- cmd=([a-z0-9_]+) -- (\S.*)$")


def help_lines(s) -> dict:
    r = s.ok("help")
    lines = [line.raw for line in r.body]
    assert r.int("count") == len(lines) > 20
    out = {}
    for raw in lines:
        m = HELP_LINE.match(raw)
        assert m, raw
        name, usage = m.groups()
        assert name not in out, f"{name} twice in help"
        assert all(form.split(" ")[0] == name for form in usage.split(" | ")), raw
        out[name] = usage
    return out


def test_help_lists_each_command_once_with_its_usage(shared_target):
    h = help_lines(shared_target)
    assert h["map"] == "map <va> <pa> <len> <attrs>"
    assert h["as"] == "as new | as switch <id> | as destroy <id> | as list"
    assert h["cache"] == "cache clean|invalidate|flush|unify <va> <len>"
    assert h["hwtranslate"] == "hwtranslate <va> [user] [write]"
    assert h["help"] == "help [command]"


@pytest.mark.parametrize("name", ["map", "as", "pmm", "cache", "help", "check", "physmap"])
def test_help_command_answers_usage_and_about(shared_target, name):
    s = shared_target
    usage = help_lines(s)[name]
    r = s.ok(f"help {name}")
    assert r.int("count") == 2 and len(r.body) == 2
    assert r.body[0].raw == f"- cmd={name} -- {usage}"
    about = r.body[1]
    assert about.raw.startswith("- about -- ") and about.text and about.text.endswith(".")


def test_every_command_of_help_has_help_of_its_own(shared_target):
    s = shared_target
    for name, usage in help_lines(s).items():
        r = s.ok(f"help {name}")
        assert r.body[0].raw == f"- cmd={name} -- {usage}" and r.body[1].text, name


@pytest.mark.parametrize("line", ["help frob", "help MAP", "help as new", "help map map"])
def test_help_of_no_command_is_bad_arg_with_a_reason(shared_target, line):
    r = shared_target.request(line)
    assert r.code == "BAD_ARG" and not r.body and r.final.text, r.final.raw


# ------------------------------------------------------------------ reasons

def reason(s, line: str, code: str) -> str:
    r = s.request(line)
    assert r.code == code, f"{line!r}: {r.final.raw!r}"
    assert r.final.text, f"{line!r}: no reason: {r.final.raw!r}"
    return r.final.text


@pytest.mark.parametrize("line,code,names", [
    ("frob 1", "BAD_COMMAND", ["frob"]),
    ("map 0x1000 0x81000000 4K", "BAD_ARG", ["<attrs>"]),
    ("map 0x1000 0xg 4K read", "BAD_ARG", ["<pa>", "0xg"]),
    ("map 0x1000 0x81000000 4K read,wrote", "BAD_ARG", ["<attrs>", "wrote"]),
    ("map 0x1000 0x81000000 0 read", "BAD_ARG", ["<len>", "0"]),
    ("map 0x1000 0x81000000 4K read 7", "BAD_ARG", ["7"]),
    ("asid limit 256", "BAD_ARG", ["<n>", "2", "255"]),
    ("asid limit 1", "BAD_ARG", ["<n>", "2", "255"]),
    ("as frob", "BAD_ARG", ["frob", "new", "switch", "destroy", "list"]),
    ("pmm", "BAD_ARG", ["stats", "alloc", "free"]),
    ("peek 0x80000000 usr", "BAD_ARG", ["usr"]),
    ("hwtranslate 0x80000000 user user", "BAD_ARG", ["user"]),
    ("pmm alloc 1 3", "BAD_ARG", ["<align>"]),
    ("map 0x1001000 0x81000800 4K read", "ALIGN", ["<pa>", "0x81000800"]),
    ("map 0x1000800 0x81000000 4K read", "ALIGN", ["<va>", "0x1000800"]),
    ("map 0x1000000 0x81000000 0x1800 read", "ALIGN", ["<len>", "0x1800"]),
    ("map1 0x1010000 0x81000000 1M read", "ALIGN", ["<va>", "1M"]),
    ("map1 0x1000000 0x81000000 8K read", "BAD_ARG", ["<size>"]),
    ("map 0x90000000 0x81000000 4K read", "RANGE", ["<va>", "0x90000000"]),
    ("map 0x7ffff000 0x81000000 8K read", "RANGE", ["<len>", "0x80000000"]),
    ("map 0x1000000 0x40000000 4K read", "RANGE", ["0x40000000"]),
    ("map 0x1000000 0x81000000 4K device,execute", "BAD_ARG", ["device", "execute"]),
    ("map 0x1000000 0x81000000 4K device,nocache", "BAD_ARG", ["device", "nocache"]),
    ("unmap1 0x1234000", "NOT_MAPPED", ["0x1234000"]),
    ("protect 0x1234000 4K read", "NOT_MAPPED", ["0x1234000"]),
    ("translate 0x1234000", "NOT_MAPPED", ["0x1234000"]),
    ("pt unmap 0x1234000", "NOT_MAPPED", ["0x1200000"]),
    ("as switch 77", "BAD_AS", ["77"]),
    ("as destroy 1", "BUSY", ["1"]),
    ("flush as 77", "BAD_AS", ["77"]),
    ("kfree 0x3", "BAD_ARG", ["0x3"]),
    ("physmap unmap 0x3", "NOT_MAPPED", ["0x3"]),
    ("pmm free 0x40000000", "BAD_ARG", ["0x40000000"]),
    ("heap shrink 4K", "RANGE", ["0xc0000000"]),
    ("poke 0x80000000 1", "RANGE", ["physmap", "0x80000000"]),
    ("exec 0x80000000", "RANGE", ["0x80000000"]),
    ("peek 0x80000002", "ALIGN", ["<va>", "0x80000002", "4-byte"]),
    ("sum 0x80000000 6", "ALIGN", ["<len>", "0x6"]),
    ("peek 0x90000000", "FAULT", ["0x90000000", "translation_section"]),
    ("hwtranslate 0x90000000", "FAULT", ["0x90000000"]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_reason_names_what_was_wrong(shared_target, line, code, names):
    text = reason(shared_target, line, code)
    for name in names:
        assert name in text, f"{line!r}: {name!r} not in the reason {text!r}"


def test_already_mapped_names_the_mapped_va(target):
    s = target
    pa = ok(s, "pmm alloc 16 64K").int("pa")
    ok(s, f"map 0x405000 {pa + 0x5000:#x} 4K read")
    text = reason(s, f"map 0x400000 {pa:#x} 64K read", "ALREADY_MAPPED")
    assert "0x405000" in text and f"{pa + 0x5000:#x}" in text, text
    text = reason(s, f"map1 0x400000 {pa:#x} 64K read", "ALREADY_MAPPED")
    assert "0x405000" in text, text
    ok(s, "unmap 0x405000 4K")


def test_lock_busy_names_the_locked_page(target):
    s = target
    pa = ok(s, "pmm alloc 2").int("pa")
    ok(s, f"map 0x500000 {pa:#x} 8K read,lock")
    assert "0x500000" in reason(s, "unmap 0x4ff000 0x3000", "BUSY")
    assert "0x500000" in reason(s, "unmap1 0x500000", "BUSY")
    ok(s, "protect 0x500000 8K read")
    ok(s, "unmap 0x500000 8K")


def test_pmm_free_of_a_double_free_says_so(target):
    s = target
    pa = ok(s, "pmm alloc").int("pa")
    ok(s, f"pmm free {pa:#x}")
    assert f"{pa:#x}" in reason(s, f"pmm free {pa:#x}", "BAD_ARG")


def test_no_space_names_the_limit(target):
    s = target
    info = ok(s, "info")
    floor = info.int("mmio_floor")
    text = reason(s, f"heap grow {floor - 0xc0000000 + 0x1000:#x}", "NO_SPACE")
    assert f"{floor:#x}" in text, text


def test_reason_of_a_too_long_and_a_non_printable_line(shared_target):
    s = shared_target
    r = s.request_raw(b"x" * 300 + b"\n")
    assert r.code == "TOO_LONG" and "255" in r.final.text
    r = s.request_raw(b"info\x7f\n")
    assert r.code == "BAD_ARG" and "0x7f" in r.final.text and "5" in r.final.text


# ------------------------------------------- help tells the argument kinds

def arg_kind(name: str) -> str:
    """grammar.h's naming rule, which the rig's completion relies on."""
    if name.endswith("..."):
        return "rest"
    return {"attrs": "attrs", "user": "word", "write": "word", "command": "name"}.get(name, "num")


GOOD = {"num": "0x1000", "attrs": "read", "name": "map", "rest": "info"}
WRONG = {"num": "read", "attrs": "0x1000", "name": "0x1000", "word": "bogus"}


def help_forms(s):
    """(words, [(name, kind, optional)]) of every form help lists."""
    for usage in help_lines(s).values():
        for form in usage.split(" | "):
            words, args = [], []
            for tok in form.split(" "):
                if tok[0] in "<[":
                    args.append((tok[1:-1], arg_kind(tok[1:-1]), tok[0] == "["))
                else:
                    words.append(tok.split("|")[0])
            yield words, args


def test_each_argument_of_help_has_the_kind_its_name_says(shared_target):
    """Every argument of every form, given a token of the wrong kind, is
    BAD_ARG with a reason naming it: so the names in help tell the kinds."""
    s = shared_target
    tried = 0
    for words, args in help_forms(s):
        for i, (name, kind, _) in enumerate(args):
            if kind == "rest":      # any request: its own reply (test_smp.py)
                continue
            line = words + [name if k == "word" else GOOD[k] for _, k, _ in args[:i]]
            line.append(WRONG[kind])
            r = s.request(" ".join(line))
            assert r.code == "BAD_ARG", (line, r.final.raw)
            text = r.final.text
            assert WRONG[kind] in text and (kind == "word" or f"<{name}>" in text), \
                (line, r.final.raw)
            tried += 1
    assert tried > 50


def test_flags_conflict_names_the_mapping_in_the_way(target):
    s = target
    virt = ok(s, "physmap map 0x9000000 4K read,write,device").int("virt")
    text = reason(s, "physmap map 0x9000000 4K read,write", "FLAGS_CONFLICT")
    assert "0x9000000" in text and f"{virt:#x}" in text, text


def test_no_memory_says_pages_ran_out(target):
    s = target
    ok(s, "fail nomem 1")
    text = reason(s, "as new", "NO_MEMORY")
    assert "L1" in text and "fail nomem" in text, text
    text = reason(s, "pmm alloc 0x100000", "NO_MEMORY")
    assert "1048576" in text, text


def test_busy_pmm_free_names_where_the_frame_is_mapped(target):
    s = target
    pa = ok(s, "pmm alloc 2").int("pa")
    ok(s, f"map 0x456000 {pa + 0x1000:#x} 4K read")
    text = reason(s, f"pmm free {pa:#x} 2", "BUSY")
    assert f"{pa + 0x1000:#x}" in text and "0x456000" in text and "space 1" in text, text
    ok(s, "unmap 0x456000 4K")
    virt = ok(s, f"physmap map {pa:#x} 4K read,write").int("virt")
    text = reason(s, f"pmm free {pa:#x} 2", "BUSY")
    assert f"{virt:#x}" in text and "physmap" in text, text
