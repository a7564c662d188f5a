"""PROTOCOL 1.1 "Choices pinned in version 1.1": one scenario per choice, on
both targets. Those the command layer decides (lengths of 0, device with
execute or nocache, the `asid limit` bounds, reasons after err, `help
<command>` in test_help.py) and those the core decides (growth frames,
`pmm free` of a mapped frame, splits, locks, cache faults) hold here."""
import pytest

from scenario import (DEV, M, PAGE, alloc, check, check_after, err, expect_tr,  # noqa: F401
                      hx, not_mapped, ok, stats, tr)

VA = 0x00400000


def state(s):
    """What a refused request must leave as it was."""
    return (stats(s), check(s), ok(s, "physmap list").lines, ok(s, "as list").lines,
            ok(s, "asid stats").lines, ok(s, "info").lines)


# ------------------------------------------------- device with execute/nocache

@pytest.mark.parametrize("attrs", ["device,execute", "read,write,device,execute",
                                   "device,nocache", "device,nocache,global"])
def test_map_and_map1_of_device_with_execute_or_nocache_are_bad_arg(target, attrs):
    s = target
    before = state(s)
    err(s, f"map {hx(VA)} {hx(DEV)} 4K {attrs}", "BAD_ARG")
    err(s, f"map1 {hx(VA)} {hx(DEV)} 4K {attrs}", "BAD_ARG")
    err(s, f"map1 {hx(0x1000000)} {hx(DEV)} 1M {attrs}", "BAD_ARG")
    not_mapped(s, VA)
    assert state(s) == before
    ok(s, f"map {hx(VA)} {hx(DEV)} 4K device")   # device alone is fine


# ------------------------------------------------------------ length 0

ZERO_LENGTH = ["map 0x400000 0x81000000 0 read", "unmap 0x400000 0",
               "protect 0x400000 0 read", "fill 0x400000 0 0x55", "sum 0x400000 0",
               "cache clean 0x400000 0", "cache invalidate 0x400000 0",
               "cache flush 0x400000 0", "cache unify 0x400000 0",
               "heap grow 0", "heap shrink 0", "physmap map 0x9000000 0",
               "physmap map 0x9000000 0 read,write,device",
               # 0 is BAD_ARG before anything else is looked at
               "map 0x90000000 0x81000000 0 read", "unmap 0x400001 0",
               "fill 0x400002 0 1", "sum 0x90000000 0"]


@pytest.mark.parametrize("line", ZERO_LENGTH, ids=lambda l: l.replace(" ", "_"))
def test_length_0_is_bad_arg_and_changes_nothing(target, line):
    s = target
    pa = alloc(s)
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read,write")
    ok(s, f"fill {hx(VA)} 4K 0x11")
    before = state(s), ok(s, f"sum {hx(VA)} 4K")["sum"], tr(s, VA)
    r = err(s, line, "BAD_ARG")
    assert r.final.text and "0" in r.final.text
    assert (state(s), ok(s, f"sum {hx(VA)} 4K")["sum"], tr(s, VA)) == before


def test_fill_and_sum_of_one_word_still_work(target):
    s = target
    pa = alloc(s)
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read,write")
    ok(s, f"fill {hx(VA)} 4 0x1234")
    assert ok(s, f"sum {hx(VA)} 4").int("sum") == 0x1234


# ------------------------------------------------------------ asid limit

@pytest.mark.parametrize("n", ["0", "1", "256", "0x100", "0xffffffff", "1K"])
def test_asid_limit_outside_2_to_255_is_bad_arg(target, n):
    s = target
    before = state(s)
    err(s, f"asid limit {n}", "BAD_ARG")
    assert state(s) == before


@pytest.mark.parametrize("n", [2, 255])
def test_asid_limit_at_its_bounds_is_ok(target, n):
    s = target
    assert ok(s, f"asid limit {n}").int("limit") == n
    assert ok(s, "asid stats").int("limit") == n


# ------------------------------------------------- pmm free of a mapped frame

def test_pmm_free_of_a_frame_mapped_in_a_user_space_is_busy(target):
    s = target
    pa = alloc(s, 2)
    ok(s, f"map {hx(VA)} {hx(pa + PAGE)} 4K read,write")
    before = state(s)
    err(s, f"pmm free {hx(pa)} 2", "BUSY")
    err(s, f"pmm free {hx(pa + PAGE)}", "BUSY")
    assert state(s) == before
    ok(s, f"unmap {hx(VA)} 4K")
    ok(s, f"pmm free {hx(pa)} 2")


def test_pmm_free_of_a_frame_mapped_in_another_space_is_busy(target):
    s = target
    pa = alloc(s)
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read")
    two = ok(s, "as new").int("as")
    ok(s, f"as switch {two}")
    err(s, f"pmm free {hx(pa)}", "BUSY")
    ok(s, "as switch 1")


def test_pmm_free_of_a_frame_in_a_physmap_mapping_is_busy(target):
    s = target
    pa = alloc(s)
    virt = ok(s, f"physmap map {hx(pa)} 4K read,write").int("virt")
    before = state(s)
    err(s, f"pmm free {hx(pa)}", "BUSY")
    assert state(s) == before
    assert ok(s, f"physmap unmap {hx(virt)}").int("refs") == 0
    ok(s, f"pmm free {hx(pa)}")


# ------------------------------------------------ cache over an unmapped page

@pytest.mark.parametrize("op", ["clean", "invalidate", "flush", "unify"])
def test_cache_over_an_unmapped_page_is_fault_with_the_event(target, op):
    s = target
    pa = alloc(s)
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read,write")
    before = state(s)
    r = s.request(f"cache {op} {hx(VA)} 8K")   # second page unmapped
    assert r.code == "FAULT" and r.int("va") == VA + PAGE, r.final.raw
    faults = r.events_named("fault")
    assert len(faults) == 1 and faults[0].int("va") == VA + PAGE
    assert faults[0]["status"] == r["status"] == "translation_page"
    assert state(s) == before
    r = s.request(f"cache {op} {hx(VA + M)} 64")  # no L2 table there: a section fault
    assert r.code == "FAULT" and r.int("va") == VA + M and r["status"] == "translation_section"
    ok(s, f"cache {op} {hx(VA)} 4K")


# ------------------------------------------- frames that growth allocated

def grown_frame(s) -> int:
    pa = alloc(s)
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read,write,grow_up")
    r = ok(s, f"poke {hx(VA + PAGE)} 0x5a5a")
    grows = r.events_named("grow")
    assert len(grows) == 1 and grows[0].int("va") == VA + PAGE
    return grows[0].int("pa")


@pytest.mark.parametrize("line", ["map 0x10000000 {g} 4K read", "map1 0x10000000 {g} 4K read",
                                  "physmap map {g} 4K read,write", "pmm free {g}"],
                         ids=["map", "map1", "physmap_map", "pmm_free"])
def test_a_frame_that_growth_allocated_is_range(target, line):
    s = target
    g = grown_frame(s)
    before = state(s)
    err(s, line.format(g=hx(g)), "RANGE")
    assert state(s) == before
    not_mapped(s, 0x10000000)
    assert ok(s, f"peek {hx(VA + PAGE)}").int("val") == 0x5a5a


# ------------------------------------------- protect over part of a large page

@pytest.mark.parametrize("size,part", [(64 * 1024, PAGE), (M, PAGE), (M, 64 * 1024),
                                       (16 * M, M)])
def test_protect_over_part_of_a_large_page_splits_it(target, size, part):
    s = target
    va = 0x10000000
    pa = alloc(s, max(size // PAGE, 1), size) if size < 16 * M else DEV
    ok(s, f"map1 {hx(va)} {hx(pa)} {hx(size)} read,write")
    ok(s, f"protect {hx(va + part)} {hx(part)} read")
    # The part is read-only now (in pages no larger than it), the rest of
    # the large page still writable.
    for off in (part, 2 * part - PAGE):
        t = tr(s, va + off)
        assert t.int("pa") == pa + off and t.int("size") <= part, t
        assert t.attrs() == ("read",), t
    t = tr(s, va)
    assert t is not None and t.int("pa") == pa and t.attrs() == ("read", "write")
    assert t.int("size") < size
    t = tr(s, va + size - PAGE)
    assert t.int("pa") == pa + size - PAGE and t.attrs() == ("read", "write")
    ok(s, f"unmap {hx(va)} {hx(size)}")


# --------------------------------------------------------------------- lock

def test_pt_unmap_over_a_locked_page_is_busy(target):
    s = target
    pa = alloc(s, 2)
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read")
    ok(s, f"map {hx(VA + 0x80000)} {hx(pa + PAGE)} 4K read,lock")
    before = state(s)
    err(s, f"pt unmap {hx(VA)}", "BUSY")
    assert state(s) == before
    expect_tr(s, VA, pa, PAGE, ("read",))
    expect_tr(s, VA + 0x80000, pa + PAGE, PAGE, ("read", "lock"))
    ok(s, f"protect {hx(VA + 0x80000)} 4K read")
    assert ok(s, f"pt unmap {hx(VA)}").int("unmapped") == 2 * PAGE


def test_as_destroy_removes_locked_pages(target):
    s = target
    before = stats(s)
    two = ok(s, "as new").int("as")
    ok(s, f"as switch {two}")
    pa = alloc(s)
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read,write,lock")
    ok(s, "as switch 1")
    r = ok(s, f"as destroy {two}")
    assert r.int("freed") >= 2
    ok(s, f"pmm free {hx(pa)}")   # no mapping of the frame is left
    assert stats(s) == before
