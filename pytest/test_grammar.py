"""The request grammar of PROTOCOL.md ("Requests"): every grammar error on
both targets, and a sweep of random malformed lines that must neither
crash, hang nor corrupt the kernel.

These tests change no state (every request is an error, or is undone), so
they share one session per target; the last test checks `check`."""
import random
import string

import pytest

from rig.commands import ATTRS_ARG, COMMANDS, FORMS, NUM, REQUEST, Form
from rig.config import parse_size

# Well-formed stand-ins for each argument kind, for requests whose only
# error is elsewhere.
GOOD = {NUM: "0x1000", ATTRS_ARG: "read", "user": "user", "write": "write", "command": "info",
        REQUEST: "info"}
BAD_NUMBERS = ["0x", "0xg", "12Q", "1KK", "-4", "+4", "4k", "0b100", "1e3", "0x1.0",
               "K", "0xK", "1_0", "0x-1", "1M2", "0x1000,", "4KB", "0x1000h", "one"]
OVER_32_BITS = ["0x100000000", "4294967296", "4G", "5G", "4096M", "4194304K",
                "0xffffffffK", "0x0000000100000000", "99999999999999999999",
                "18446744073709551616", "0x10000000000000000"]
BAD_ATTRS = ["read,wrote", "bogus", "read,,write", ",read", "read,", "READ", "read write",
             "execute,", "readwrite", "global,glob", "r"]
FORMS_NO_EXIT = [f for f in FORMS if f.command != "exit"]


def line_of(form: Form, args: list) -> str:
    return " ".join(form.words + list(args))


def good_args(form: Form, optional: bool = False) -> list:
    kinds = form.required + (form.optional if optional else ())
    return [GOOD[k] for k in kinds]


def form_id(form: Form) -> str:
    return "_".join(form.words)


# ---------------------------------------------------------- commands, arity

@pytest.mark.parametrize("line", ["frob", "INFO", "Info", "info2", "maps", "x", "map2",
                                  "?", "-", "ok", "err", "ready", "help!", "as_new"])
def test_unknown_command_is_bad_command(shared_target, line):
    assert shared_target.request(line).code == "BAD_COMMAND"


@pytest.mark.parametrize("form", [f for f in FORMS_NO_EXIT if f.required], ids=form_id)
def test_missing_argument_is_bad_arg(shared_target, form):
    args = good_args(form)[:-1]
    assert shared_target.request(line_of(form, args)).code == "BAD_ARG"


# `cpu <n> <request...>` takes the rest of the line, so nothing is extra.
@pytest.mark.parametrize("form", [f for f in FORMS_NO_EXIT if REQUEST not in f.required],
                         ids=form_id)
def test_extra_argument_is_bad_arg(shared_target, form):
    args = good_args(form, optional=True) + ["0x1000"]
    assert shared_target.request(line_of(form, args)).code == "BAD_ARG"


@pytest.mark.parametrize("line", ["as", "pt", "flush", "cache", "pmm", "asid", "heap",
                                  "physmap", "fail", "as frob", "as NEW", "pmm stat",
                                  "cache wipe 0x1000 4K", "flush everything", "fail nomemory 1"])
def test_missing_or_unknown_subcommand_is_bad_arg(shared_target, line):
    assert shared_target.request(line).code == "BAD_ARG"


@pytest.mark.parametrize("line", ["peek 0x80000000 usr", "peek 0x80000000 USER",
                                  "hwtranslate 0x80000000 write write",
                                  "hwtranslate 0x80000000 user user",
                                  "poke 0x80000000 1 kernel", "hwtranslate 0x80000000 read"])
def test_unknown_or_repeated_flag_word_is_bad_arg(shared_target, line):
    assert shared_target.request(line).code == "BAD_ARG"


def test_more_tokens_than_any_command_takes_is_bad_arg(shared_target):
    assert shared_target.request("info" + " 1" * 40).code == "BAD_ARG"
    assert shared_target.request("peek" + " 0x80000000" * 20).code == "BAD_ARG"


# ------------------------------------------------------------------ numbers

@pytest.mark.parametrize("number", BAD_NUMBERS)
def test_malformed_number_is_bad_arg(shared_target, number):
    assert shared_target.request(f"peek {number}").code == "BAD_ARG"


@pytest.mark.parametrize("number", OVER_32_BITS)
@pytest.mark.parametrize("template", ["peek {}", "translate {}", "sum 0x80000000 {}",
                                      "poke 0x80000000 {}", "pmm alloc {}",
                                      "fill 0x80000000 4 {}"])
def test_number_over_32_bits_is_bad_arg(shared_target, template, number):
    assert shared_target.request(template.format(number)).code == "BAD_ARG"


@pytest.mark.parametrize("form", [f for f in FORMS_NO_EXIT if NUM in f.required + f.optional],
                         ids=form_id)
def test_every_number_argument_rejects_malformed_numbers(shared_target, form):
    kinds = form.required + form.optional
    for i, kind in enumerate(kinds):
        if kind != NUM:
            continue
        args = good_args(form, optional=True)
        args[i] = "0xg"
        assert shared_target.request(line_of(form, args)).code == "BAD_ARG", (form, i)


@pytest.mark.parametrize("number", ["4294967295", "0xffffffff", "3G", "4095M", "4194303K",
                                    "0x3fffffK", "0000000000004096", "0x00000000ffffffff"])
def test_largest_32_bit_numbers_are_accepted(shared_target, number):
    r = shared_target.request(f"translate {number}")
    assert r.code != "BAD_ARG", r.final.raw


def test_hex_and_decimal_name_the_same_address(shared_target):
    a = shared_target.request("translate 0x80100000")
    b = shared_target.request("translate 2148532224")
    assert a.ok and a.fields == b.fields


@pytest.mark.parametrize("spelled,value", [("2G", 0x80000000), ("2049M", 0x80100000),
                                           ("2097153K", 0x80000400), ("0x200000K", 0x80000000),
                                           ("0x800M", 0x80000000), ("0x2G", 0x80000000)])
def test_suffix_multiplies_the_number(shared_target, spelled, value):
    a = shared_target.ok(f"peek {spelled}")
    b = shared_target.ok(f"peek {value:#x}")
    assert a.int("va") == value and a["val"] == b["val"]


def test_suffix_in_a_length(shared_target):
    r = shared_target.ok("sum 0x80000000 1K")
    assert r.int("len") == 0x400
    assert r["sum"] == shared_target.ok("sum 0x80000000 1024")["sum"]


@pytest.mark.parametrize("align", ["64K", "1M", "16M"])
def test_suffix_in_an_alignment(shared_target, align):
    before = shared_target.ok("pmm stats").fields
    r = shared_target.ok(f"pmm alloc 1 {align}")
    assert r.int("pa") % parse_size(align) == 0 and r.int("count") == 1
    shared_target.ok(f"pmm free {r['pa']}")
    assert shared_target.ok("pmm stats").fields == before


# --------------------------------------------------------------- attributes

@pytest.mark.parametrize("attrs", BAD_ATTRS)
@pytest.mark.parametrize("template", ["map 0x100000 0x40000000 4K {}",
                                      "map1 0x100000 0x40000000 4K {}",
                                      "protect 0x100000 4K {}",
                                      "physmap map 0x9000000 4K {}"])
def test_unknown_attribute_is_bad_arg(shared_target, template, attrs):
    assert shared_target.request(template.format(attrs)).code == "BAD_ARG"


# --------------------------------------------------- bytes, lengths, lines

NON_PRINTABLE = [b"info\x80", b"\x80info", b"info\t", b"peek\t0x80000000", b"info\x00",
                 b"info\x7f", b"\x01", b"info \x1b[A", b"pe\xffek 0x80000000",
                 b"\x00", b"\x7f", b"info \x03", b"check\x04",
                 b"translate 0x8000\x000000", "info \u00e9".encode("utf-8")]


@pytest.mark.parametrize("data", NON_PRINTABLE, ids=lambda d: repr(d)[2:-1])
def test_non_printable_byte_is_bad_arg(shared_target, data):
    assert shared_target.request_raw(data + b"\n").code == "BAD_ARG"


def test_line_of_255_bytes_is_a_request(shared_target):
    line = "info" + " " * 251
    assert len(line) == 255
    r = shared_target.request(line)
    assert r.ok and "version" in r


def test_line_of_255_bytes_with_crlf_is_a_request(shared_target):
    r = shared_target.request_raw(b"   info" + b" " * 248 + b"\r\n")
    assert r.ok and "version" in r


def test_line_of_255_bytes_with_arguments(shared_target):
    line = "peek" + " " * 240 + "0x80000000"
    assert len(line) == 254
    assert shared_target.request(line + " ").ok


@pytest.mark.parametrize("data", [b"info" + b" " * 252, b"info" + b" " * 252 + b"\r",
                                  b"x" * 256, b"peek " + b"0" * 251, b"\x01" * 256,
                                  b"info" + b" " * 996])
def test_line_of_256_bytes_or_more_is_too_long(shared_target, data):
    assert shared_target.request_raw(data + b"\n").code == "TOO_LONG"
    assert shared_target.ok("info")["ram_base"] == "0x40000000"


def test_too_long_drains_to_the_newline(shared_target):
    shared_target.request_raw(b"help " + b"a" * 700 + b"\n")
    r = shared_target.request("translate 0x80000000")
    assert r.ok and r.int("pa") == 0x40000000


@pytest.mark.parametrize("data", [b"", b" ", b"      ", b"\r", b"   \r", b" " * 255])
def test_line_without_tokens_gets_no_reply(shared_target, data):
    shared_target.send_silent(data + b"\n")
    r = shared_target.request("info")
    assert r.ok and "version" in r, r.final.raw
    r = shared_target.request("check")
    assert r.ok and "tables" in r, r.final.raw


def test_crlf_line_ending_is_accepted(shared_target):
    plain = shared_target.ok("peek 0x80000000")
    crlf = shared_target.request_raw(b"peek 0x80000000\r\n")
    assert crlf.ok and crlf.fields == plain.fields


def test_tokens_separated_by_runs_of_spaces(shared_target):
    r = shared_target.request("   peek     0x80000000   ")
    assert r.ok and r.int("va") == 0x80000000


# ------------------------------------------------ state after the errors

STATE = ["pmm stats", "as list", "asid stats", "physmap list", "info"]


def snapshot(s):
    return [s.ok(line).lines for line in STATE]


def test_grammar_errors_change_nothing(shared_target):
    before = snapshot(shared_target)
    for line in ["as new 5", "map 0x100000 0x40000000 4K read 1", "pmm alloc 1 4K 1",
                 "heap grow 4K 1", "kmalloc 16 16", "physmap map 0x9000000 4K read,device 1",
                 "asid limit 2 2", "fail nomem 1 1", "as switch 1 1", "pmm alloc 0xg",
                 "heap grow 4X", "physmap map 0x9000000 4K devic", "asid limit 4G"]:
        assert shared_target.request(line).code == "BAD_ARG", line
    assert snapshot(shared_target) == before
    assert shared_target.request("check").ok


# ------------------------------------------------------------------- sweep

SEED = 0x5EED_0F_B1
SWEEP = 10_000
PRINTABLE = [c for c in string.printable if 0x20 <= ord(c) <= 0x7E]


def _word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(PRINTABLE) for _ in range(n)).replace(" ", "z")


def _junk_command(rng: random.Random) -> tuple[bytes, set]:
    """Printable junk whose first token is no command name."""
    head = _word(rng, rng.randint(1, 12))
    if rng.random() < 0.3:  # near misses of real names
        name = rng.choice(COMMANDS)
        head = rng.choice([name.upper(), name + rng.choice("xz1_"), name[:-1] or "q"])
    if head in COMMANDS:
        head += "_"
    rest = " ".join(_word(rng, rng.randint(0, 10)) for _ in range(rng.randint(0, 6)))
    return f"{head} {rest}".encode(), {"BAD_COMMAND"}


NOT_PRINTABLE = [b for b in range(256) if (b < 0x20 or b > 0x7E) and b not in (10, 13)]


def _non_printable(rng: random.Random) -> tuple[bytes, set]:
    """A short line with 1-4 bytes that are not printable ASCII."""
    body = bytearray(_word(rng, rng.randint(0, 120)).encode())
    for _ in range(rng.randint(1, 4)):
        body.insert(rng.randint(0, len(body)), rng.choice(NOT_PRINTABLE))
    return bytes(body), {"BAD_ARG"}


def _overlong(rng: random.Random) -> tuple[bytes, set]:
    n = rng.randint(256, 900)
    alphabet = [c.encode() for c in PRINTABLE] + [bytes([b]) for b in (0, 1, 9, 0x7F, 0xFF)]
    return b"".join(rng.choice(alphabet) for _ in range(n)), {"TOO_LONG"}


def _bad_number(rng: random.Random) -> tuple[bytes, set]:
    form = rng.choice([f for f in FORMS_NO_EXIT if NUM in f.required + f.optional])
    args = good_args(form, optional=True)
    slots = [i for i, k in enumerate(form.required + form.optional) if k == NUM]
    args[rng.choice(slots)] = rng.choice([n for n in BAD_NUMBERS if n and " " not in n]
                                         + OVER_32_BITS)
    return line_of(form, args).encode(), {"BAD_ARG"}


def _bad_attrs(rng: random.Random) -> tuple[bytes, set]:
    """A command with an attribute list holding an unknown or empty name."""
    form = rng.choice([f for f in FORMS if ATTRS_ARG in f.required + f.optional])
    args = good_args(form, optional=True)
    names = [rng.choice(["read", "write", "execute", "global", "lock", "device"])
             for _ in range(rng.randint(0, 4))]
    names.insert(rng.randint(0, len(names)), rng.choice(["", "devic", "Read", "xn", "rw",
                                                         "grow", "_", "read_"]))
    args[(form.required + form.optional).index(ATTRS_ARG)] = ",".join(names) or ","
    return line_of(form, args).encode(), {"BAD_ARG"}


def _bad_arity(rng: random.Random) -> tuple[bytes, set]:
    form = rng.choice(FORMS_NO_EXIT)
    args = good_args(form, optional=True)
    if form.required and rng.random() < 0.5:
        args = good_args(form)[:rng.randint(0, len(form.required) - 1)]
    else:
        args += ["0x1000"] * rng.randint(1, 20)
    return line_of(form, args).encode(), {"BAD_ARG"}


GENERATORS = [(_junk_command, 30), (_non_printable, 25), (_overlong, 5),
              (_bad_number, 20), (_bad_attrs, 10), (_bad_arity, 10)]


def malformed_lines(seed: int, n: int):
    """`n` (line, allowed error codes) pairs from a seeded RNG."""
    rng = random.Random(seed)
    gens = [g for g, w in GENERATORS for _ in range(w)]
    for _ in range(n):
        yield rng.choice(gens)(rng)


def test_sweep_generator_is_deterministic_and_never_valid():
    a = list(malformed_lines(SEED, 500))
    assert a == list(malformed_lines(SEED, 500))
    for line, _ in a:
        assert b"\n" not in line and not line.rstrip(b"\r").strip(b" ") == b""
        assert line.split(b" ")[0] != b"exit"  # never the exit command


@pytest.mark.slow
def test_sweep_of_random_malformed_lines_leaves_the_kernel_sound(shared_target):
    before = snapshot(shared_target)
    for i, (line, codes) in enumerate(malformed_lines(SEED, SWEEP)):
        r = shared_target.request_raw(line + b"\n")
        assert not r.ok and r.code in codes, (
            f"seed {SEED:#x} line {i}: {line!r} answered {r.final.raw!r}, "
            f"expected err {'|'.join(sorted(codes))}")
        assert r.final.text, f"seed {SEED:#x} line {i}: {line!r}: err without a reason"
    assert shared_target.request("info").ok
    assert snapshot(shared_target) == before
    assert shared_target.request("check").ok


def test_check_is_ok_after_the_grammar_tests(shared_target):
    r = shared_target.request("check")
    assert r.ok, r.final.raw
