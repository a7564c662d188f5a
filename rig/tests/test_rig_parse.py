"""The reply parser (rig/reply.py) on single lines, and recorded
transcripts read back (rig/transcript.py)."""
from pathlib import Path

import pytest

from rig.reply import (ATTRS, ERR, EVENT, OK, READY, RECORD, Fields, HexInt, ReplyBuilder,
                       parse_line, to_int)
from rig.transcript import Transcript, escape, parse_transcript, unescape

TRANSCRIPTS = Path(__file__).parent / "transcripts"


def load(name: str):
    return parse_transcript((TRANSCRIPTS / name).read_text())


# ------------------------------------------------------------ single lines

def test_ok_line_keeps_raw_values_and_converts_numbers():
    line = parse_line("ok va=0x80000000 pa=0x40000000 size=0x100000 count=12")
    assert line.kind == OK
    assert line["va"] == "0x80000000"
    assert line.int("va") == 0x80000000
    assert line.fields.ints() == {"va": 0x80000000, "pa": 0x40000000,
                                  "size": 0x100000, "count": 12}
    assert line.text is None and line.words == ()


def test_bare_ok_has_no_fields():
    line = parse_line("ok")
    assert line.kind == OK and len(line.fields) == 0 and line.raw == "ok"


def test_err_line_has_code_keys_and_text():
    line = parse_line("err FAULT va=0x90000000 status=translation_section -- data abort, a -- b")
    assert line.kind == ERR and line.name == "FAULT"
    assert dict(line.fields) == {"va": "0x90000000", "status": "translation_section"}
    assert line.text == "data abort, a -- b"


def test_err_without_keys_or_text():
    line = parse_line("err TOO_LONG")
    assert (line.kind, line.name, len(line.fields), line.text) == (ERR, "TOO_LONG", 0, None)


def test_err_with_lowercase_code_is_no_reply_line():
    assert parse_line("err bad_arg") is None


def test_record_with_text():
    line = parse_line("- cmd=map -- map <va> <pa> <len> <attrs>")
    assert line.kind == RECORD and line["cmd"] == "map"
    assert line.text == "map <va> <pa> <len> <attrs>"


def test_event_name_and_fields():
    line = parse_line("! fault kind=data va=0x90000000 fsr=0x5 status=translation_section "
                      "access=read mode=kernel")
    assert line.kind == EVENT and line.name == "fault"
    assert line.int("fsr") == 5 and line["access"] == "read"


def test_ready_line():
    line = parse_line("ready version=abc-dirty ram_base=0x40000000 ram_size=0x10000000 cpus=1")
    assert line.kind == READY and line["version"] == "abc-dirty"
    assert line.int("ram_size") == 256 << 20 and line.int("cpus") == 1


@pytest.mark.parametrize("raw", ["", "okay", "ok2", "error FAULT", "-x=1", "!fault",
                                 "ready2 x=1", "  ok", "vmk: booting", "! Fault x=1"])
def test_lines_that_are_no_reply_lines(raw):
    assert parse_line(raw) is None


def test_words_that_are_not_key_value_are_kept_in_order():
    line = parse_line("! panic data abort at pc=0x10000 X=1")
    assert line.words == ("data", "abort", "at", "X=1")
    assert dict(line.fields) == {"pc": "0x10000"}


def test_attrs_helper_splits_the_comma_list():
    f = Fields([("attrs", "read,write,global"), ("none", "")])
    assert f.attrs() == ("read", "write", "global")
    assert f.attrs("none") == ()


@pytest.mark.parametrize("value,expect", [("0x0", 0), ("0xffffffff", 0xffffffff),
                                          ("42", 42), ("0", 0)])
def test_to_int(value, expect):
    assert to_int(value) == expect


@pytest.mark.parametrize("value", ["0xFF", "0x", "-1", "4K", "read", ""])
def test_to_int_rejects_what_replies_never_print(value):
    with pytest.raises(ValueError):
        to_int(value)


def test_builder_is_crashed_until_the_final_line():
    b = ReplyBuilder("as list")
    assert b.feed("- as=1 asid=0 gen=0 mapped=0 tables=0") is None
    assert b.exchange.crashed and b.exchange.status == "crashed"
    reply = b.feed("ok count=1")
    assert reply is not None and reply.ok and reply.records[0].int("as") == 1
    assert b.exchange.status == "ok"


def test_builder_rejects_a_line_that_is_no_reply_line():
    with pytest.raises(ValueError):
        ReplyBuilder("info").feed("hello")


def test_attribute_order_is_protocol_order():
    assert ATTRS[0] == "read" and ATTRS[-1] == "global" and len(ATTRS) == 12


# ------------------------------------------------------------ transcripts

def test_qemu_boot_transcript_boot_lines_and_ready():
    t = load("qemu_boot_256m.txt")
    assert t.boot == ["vmk: early console up, mmu on"]
    assert t.ready.int("ram_size") == 0x10000000 and t.ready["version"] == "2e2f1b1-dirty"


def test_qemu_boot_transcript_empty_lines_and_exit_expect_no_reply():
    t = load("qemu_boot_256m.txt")
    requests = [ex.request for ex in t.exchanges]
    assert requests == ["info", "help", "as list", "translate 0x80000000",
                        "hwtranslate 0x80123454", "peek 0x90000000", "info",
                        "frobnicate 1 2", "pmm alloc 4 64K", "check"]
    assert not any(ex.crashed for ex in t.exchanges)


def test_qemu_boot_transcript_info_keys():
    info = load("qemu_boot_256m.txt").replies[0]
    assert list(info.fields) == ["version", "ram_base", "ram_size", "pages_total",
                                 "pages_free", "as", "asid", "asid_gen", "heap_base",
                                 "heap_top", "mmio_floor", "mmio_top"]
    assert info.int("pages_total") == 65536 and info.int("mmio_top") == 0xfff00000


def test_qemu_boot_transcript_list_reply():
    help_ = load("qemu_boot_256m.txt").replies[1]
    assert [r["cmd"] for r in help_.records] == ["help", "info", "exit", "map", "peek"]
    assert help_.int("count") == 5 == len(help_.records)
    assert help_.record_lines[3].text == "map <va> <pa> <len> <attrs>"


def test_qemu_boot_transcript_fault_event_then_err():
    peek = load("qemu_boot_256m.txt").replies[5]
    assert not peek.ok and peek.code == "FAULT"
    (fault,) = peek.events
    assert fault.name == "fault" and fault["status"] == "translation_section"
    assert fault.int("va") == peek.int("va") == 0x90000000
    assert peek.events_named("panic") == []


def test_qemu_boot_transcript_err_text():
    r = load("qemu_boot_256m.txt").replies[7]
    assert r.code == "BAD_COMMAND" and r.text == "unknown command: frobnicate"
    assert len(r.fields) == 0


def test_grammar_transcript_escaped_bytes_are_restored():
    t = load("grammar_errors.txt")
    requests = [ex.request for ex in t.exchanges]
    assert "info\x80" in requests and "peek\t0x80000000" in requests
    assert "info\r" in requests
    assert len(requests[6]) == 256


def test_grammar_transcript_codes():
    codes = [r.code for r in load("grammar_errors.txt").replies]
    assert codes == ["BAD_ARG"] * 6 + ["TOO_LONG", None, "ALIGN", "RANGE", None]


def test_panic_transcript_leaves_the_request_crashed():
    t = load("panic_exec.txt")
    last = t.exchanges[-1]
    assert last.request == "exec 0x10000" and last.crashed
    assert last.body[0].name == "panic" and last.body[0].int("pc") == 0x10000
    assert t.trailing == ["r4=0x0 r5=0x1 r6=0x80020000 r7=0x0 r8=0x0 r9=0x0 r10=0x0 "
                          "r11=0x0 r12=0x0"]
    assert [ex.status for ex in t.exchanges] == ["ok", "ok", "ok", "crashed"]


def test_host_transcript_lists_events_and_errors():
    r = load("host_lists.txt").replies
    assert r[2].records[0].attrs() == ("read", "write", "device")
    assert r[3].code == "FLAGS_CONFLICT" and r[3].int("phys") == 0x9000000
    assert r[7].events[0].name == "interrupt" and r[7].int("val") == 0
    assert [a.int("as") for a in r[9].records] == [1, 2]
    assert r[10].code == "CORRUPT" and r[10]["what"] == "pmm"


def test_every_transcript_parses_and_every_reply_is_final():
    for path in sorted(TRANSCRIPTS.glob("*.txt")):
        t = parse_transcript(path.read_text())
        assert t.ready is not None, path.name
        for reply in t.replies:
            assert reply.final.kind in (OK, ERR)
            assert all(line.kind in (RECORD, EVENT) for line in reply.body)


# ----------------------------------------------- transcript writer <-> reader

def test_escape_round_trips_every_byte():
    data = bytes(range(256)).replace(b"\n", b"")
    assert unescape(escape(data)) == data
    assert escape(b"a\\b") == "a\\\\b" and escape(b"info") == "info"


def test_transcript_renders_lines_both_ways_and_reads_back(tmp_path):
    t = Transcript()
    t.record("<", b"ready version=x ram_base=0x40000000 ram_size=0x10000000 cpus=1\r\n")
    t.record(">", b"info\x01\n")
    t.record("<", b"err BAD_")
    t.record("<", b"ARG\r\n> not a request\n")
    t.record(">", b"check\n")
    t.record("<", b"ok tables=1")
    lines = t.rendered()
    assert lines[1] == "> info\\x01"
    assert lines[2] == "< err BAD_ARG"
    assert lines[-1] == "< ok tables=1 [no newline]"
    path = t.write(tmp_path / "t.txt")
    back = parse_transcript(path.read_text())
    assert back.exchanges[0].request == "info\x01"
    assert back.exchanges[0].reply.code == "BAD_ARG"
    assert back.trailing == ["> not a request"]  # received: no request of ours
    assert back.exchanges[1].reply.final.words == ("[no", "newline]")
    assert t.raw(">") == b"info\x01\ncheck\n"
