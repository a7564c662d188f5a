"""Software attributes: uninit, lock, interrupt, grow_up/grow_down, global."""
from scenario import (DEV, DIRECT, M, PAGE, alloc, attrs, check, check_after,  # noqa: F401
                      err, expect_tr, fault, fill_table_page, free, hwfault, hx, is_qemu,
                      not_mapped, ok, peek, poke, stats, unfill_table_page)

VA = 0x00400000


# ---------------------------------------------------------------- uninit

def test_map_zeroes_frames_unless_uninit(target):
    s = target
    before = stats(s)
    pa = alloc(s, 2)
    ok(s, f"map {hx(VA)} {hx(pa)} 0x2000 read,write")
    ok(s, f"fill {hx(VA)} 0x2000 0xa5a5a5a5")
    poke(s, VA + 0x1ffc, 0x1234)
    ok(s, f"unmap {hx(VA)} 0x2000")
    # uninit: the frames keep what they held.
    ok(s, f"map {hx(VA)} {hx(pa)} 0x2000 read,write,uninit")
    expect_tr(s, VA, pa, PAGE, attrs("write", "uninit"))
    assert peek(s, VA) == 0xa5a5a5a5
    assert peek(s, VA + 0x1ffc) == 0x1234
    r = ok(s, f"sum {hx(VA)} 0x2000")
    assert r.int("sum") == (0xa5a5a5a5 * 2047 + 0x1234) & 0xffffffff
    ok(s, f"unmap {hx(VA)} 0x2000")
    # Without it: every word of both frames is zero.
    ok(s, f"map {hx(VA)} {hx(pa)} 0x2000 read,write")
    expect_tr(s, VA, pa, PAGE, attrs("write"))
    assert ok(s, f"sum {hx(VA)} 0x2000").int("sum") == 0
    assert peek(s, VA + 0x1ffc) == 0
    assert peek(s, pa + DIRECT) == 0
    ok(s, f"unmap {hx(VA)} 0x2000")
    free(s, pa, 2)
    assert stats(s) == before


def test_uninit_alias_sees_the_first_mapping_data(target):
    """A second mapping of a frame that is still mapped must not wipe it
    when asked uninit."""
    s = target
    pa = alloc(s, 1)
    ok(s, f"map {hx(VA)} {hx(pa)} 0x1000 read,write")
    poke(s, VA + 8, 0xbeef)
    ok(s, f"map {hx(VA + M)} {hx(pa)} 0x1000 read,uninit")
    assert peek(s, VA + M + 8) == 0xbeef
    assert peek(s, VA + 8) == 0xbeef
    ok(s, f"unmap {hx(VA)} 0x101000")
    free(s, pa)


def test_map_of_a_section_zeroes_the_whole_section(target):
    s = target
    pa = alloc(s, 256, M)
    ok(s, f"map1 {hx(VA)} {hx(pa)} 1M read,write")
    ok(s, f"fill {hx(VA)} 1M 0x01010101")
    ok(s, f"unmap1 {hx(VA)}")
    ok(s, f"map1 {hx(VA)} {hx(pa)} 1M read")
    assert ok(s, f"sum {hx(VA)} 1M").int("sum") == 0
    ok(s, f"unmap1 {hx(VA)}")
    ok(s, f"map1 {hx(VA)} {hx(pa)} 1M read,uninit")
    assert ok(s, f"sum {hx(VA)} 1M").int("sum") == 0
    ok(s, f"unmap1 {hx(VA)}")
    free(s, pa, 256)


# ---------------------------------------------------------------- lock

def test_locked_pages_refuse_unmap_until_protect_drops_lock(target):
    s = target
    before = stats(s)
    pa = alloc(s, 16, 0x10000)
    ok(s, f"map1 {hx(VA)} {hx(pa)} 64K read,write,lock")
    expect_tr(s, VA + 0x4000, pa + 0x4000, 0x10000, attrs("write", "lock"))
    c0 = check(s)
    mapped = stats(s)
    for line in (f"unmap {hx(VA)} 0x10000", f"unmap {hx(VA + 0x4000)} 0x1000",
                 f"unmap {hx(VA - PAGE)} 0x2000", f"unmap1 {hx(VA + 0x8000)}",
                 f"pt unmap {hx(VA)}"):
        err(s, line, "BUSY")
        # Nothing changed: not even a split of the 64K page.
        expect_tr(s, VA + 0x4000, pa + 0x4000, 0x10000, attrs("write", "lock"))
        assert stats(s) == mapped and check(s) == c0
    err(s, f"pmm free {hx(pa)} 16", "BUSY")
    # protect keeping lock: still pinned.
    ok(s, f"protect {hx(VA)} 0x10000 read,lock")
    expect_tr(s, VA, pa, 0x10000, attrs("lock"))
    err(s, f"unmap1 {hx(VA)}", "BUSY")
    # protect dropping lock: unmap goes through.
    r = ok(s, f"protect {hx(VA)} 0x10000 read,write")
    assert (r.int("va"), r.int("len")) == (VA, 0x10000)
    expect_tr(s, VA, pa, 0x10000, attrs("write"))
    assert ok(s, f"unmap {hx(VA)} 0x10000").int("unmapped") == 0x10000
    free(s, pa, 16)
    assert stats(s) == before


def test_lock_on_part_of_a_range_pins_only_that_part(target):
    s = target
    ok(s, f"map {hx(VA)} {hx(DEV)} 0x3000 read")
    ok(s, f"protect {hx(VA + PAGE)} 0x1000 read,lock")
    err(s, f"unmap {hx(VA)} 0x3000", "BUSY")
    expect_tr(s, VA, DEV, PAGE, attrs())
    expect_tr(s, VA + PAGE, DEV + PAGE, PAGE, attrs("lock"))
    assert ok(s, f"unmap {hx(VA)} 0x1000").int("unmapped") == PAGE
    assert ok(s, f"unmap1 {hx(VA + 2 * PAGE)}").int("va") == VA + 2 * PAGE
    err(s, f"unmap1 {hx(VA + PAGE)}", "BUSY")
    ok(s, f"protect {hx(VA + PAGE)} 0x1000 read")
    ok(s, f"unmap1 {hx(VA + PAGE)}")


# ---------------------------------------------------------------- interrupt

def test_interrupt_page_traps_every_access(target):
    s = target
    before = stats(s)
    r = ok(s, f"map {hx(VA)} 0 4K read,write,interrupt")
    assert (r.int("va"), r.int("pa"), r.int("len"), r.int("entries")) == (VA, 0, PAGE, 1)
    r = ok(s, f"translate {hx(VA + 0x10)}")
    assert (r.int("pa"), r.int("size"), r.attrs()) == \
        (0, PAGE, attrs("write", "interrupt"))
    r = ok(s, f"peek {hx(VA + 0x10)}")
    assert [e.raw for e in r.events] == [f"! interrupt va={hx(VA + 0x10)} access=read"]
    assert r.int("val") == 0
    r = ok(s, f"poke {hx(VA + 0x20)} 0x55")
    assert [e.raw for e in r.events] == [f"! interrupt va={hx(VA + 0x20)} access=write"]
    r = ok(s, f"peek {hx(VA + 0x20)}")          # the store was dropped
    assert r.int("val") == 0 and len(r.events) == 1
    r = ok(s, f"sum {hx(VA)} 12")
    assert r.int("sum") == 0
    assert [(e.name, e.int("va"), e["access"]) for e in r.events] == \
        [("interrupt", VA + i, "read") for i in (0, 4, 8)]
    r = ok(s, f"exec {hx(VA + 0x40)}")
    assert [e.raw for e in r.events] == [f"! interrupt va={hx(VA + 0x40)} access=exec"]
    if is_qemu(s):
        assert r.int("r0") == 0
    # Nothing backs it: the MMU has no translation.
    hwfault(s, f"hwtranslate {hx(VA)}", VA, "translation_page")
    assert stats(s)["frames"] == before["frames"]     # no frame backs it
    assert ok(s, f"unmap {hx(VA)} 0x1000").int("unmapped") == PAGE
    not_mapped(s, VA)
    assert stats(s) == before


def test_interrupt_pa_is_ignored_and_large_sizes_work(target):
    s = target
    before = stats(s)
    base = s.ready.int("ram_base")
    r = ok(s, f"map1 {hx(VA)} {hx(base)} 1M read,interrupt")   # kernel RAM: ignored
    assert (r.int("pa"), r.int("size"), r.int("entries")) == (0, M, 1)
    r = ok(s, f"translate {hx(VA + 0x12344)}")
    assert (r.int("pa"), r.int("size")) == (0, M)
    hwfault(s, f"hwtranslate {hx(VA + 0x12344)}", VA + 0x12344, "translation_section")
    r = ok(s, f"poke {hx(VA + 0xffffc)} 1 user")
    assert [e.raw for e in r.events] == [f"! interrupt va={hx(VA + 0xffffc)} access=write"]
    ok(s, f"unmap1 {hx(VA)}")
    assert stats(s) == before


def test_fill_and_sum_through_an_interrupt_page_between_ram_pages(target):
    """Every word of the interrupt page is one event, in order, and the
    words on both sides, in RAM, are stored and loaded: the emulation
    stops where the page ends and where the request ends."""
    s = target
    before = stats(s)
    pa = alloc(s, 2)
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read,write")
    ok(s, f"map {hx(VA + PAGE)} 0 4K read,write,interrupt")
    ok(s, f"map {hx(VA + 2 * PAGE)} {hx(pa + PAGE)} 4K read,write")
    val = 0x01020304
    r = ok(s, f"fill {hx(VA + PAGE - 8)} 0x10 {hx(val)}")   # ends inside it
    assert [e.raw for e in r.events] == \
        [f"! interrupt va={hx(VA + PAGE + i)} access=write" for i in (0, 4)]
    r = ok(s, f"fill {hx(VA + 2 * PAGE - 8)} 0x10 {hx(val)}")   # leaves it
    assert [e.raw for e in r.events] == \
        [f"! interrupt va={hx(VA + 2 * PAGE - 8 + i)} access=write" for i in (0, 4)]
    got = [ok(s, f"peek {hx(VA + off)}").int("val")
           for off in (PAGE - 12, PAGE - 8, PAGE - 4, 2 * PAGE, 2 * PAGE + 4, 2 * PAGE + 8)]
    assert got == [0, val, val, val, val, 0]
    r = ok(s, f"sum {hx(VA + PAGE - 8)} {hx(PAGE + 16)}")
    assert r.int("sum") == 4 * val
    assert [(e.name, e.int("va"), e["access"]) for e in r.events] == \
        [("interrupt", VA + PAGE + 4 * i, "read") for i in range(PAGE // 4)]
    ok(s, f"unmap {hx(VA)} {hx(3 * PAGE)}")
    free(s, pa, 2)
    assert stats(s) == before


# ---------------------------------------------------------------- growth

def grow_event(r, va):
    evs = r.events_named("grow")
    assert len(evs) == 1 and evs[0].int("va") == va and len(r.events) == 1, str(r)
    return evs[0].int("pa")


def test_grow_up_maps_the_page_above_on_access(target):
    s = target
    before = stats(s)
    pa = alloc(s, 1)
    ok(s, f"map {hx(VA)} {hx(pa)} 0x1000 read,write,grow_up")
    base = stats(s)
    r = ok(s, f"peek {hx(VA + 0x1008)}")
    g1 = grow_event(r, VA + PAGE)
    assert r.int("val") == 0
    assert stats(s)["frames"] == base["frames"] + 1
    expect_tr(s, VA + 0x1008, g1 + 8, PAGE, attrs("write", "grow_up"))
    # The grown page grows again, and a store completes into the new page.
    r = ok(s, f"poke {hx(VA + 0x2010)} 0x2222")
    g2 = grow_event(r, VA + 2 * PAGE)
    assert g2 != g1 and peek(s, VA + 0x2010) == 0x2222
    assert peek(s, g2 + 0x10 + DIRECT) == 0x2222
    assert stats(s)["frames"] == base["frames"] + 2
    # Not growing: two pages up, or below a grow_up mapping.
    fault(s, f"peek {hx(VA + 4 * PAGE)}", VA + 4 * PAGE, "translation_page", "read")
    fault(s, f"peek {hx(VA - 4)}", VA - 4, "translation_section", "read")
    assert stats(s)["frames"] == base["frames"] + 2
    # Unmapping gives the grown frames back; the pmm frame stays ours.
    assert ok(s, f"unmap {hx(VA)} 0x3000").int("unmapped") == 0x3000
    assert stats(s) == base
    free(s, pa)
    assert stats(s) == before


def test_grow_down_maps_the_page_below_on_access(target):
    s = target
    before = stats(s)
    pa = alloc(s, 1)
    va = VA + 0x10000
    ok(s, f"map {hx(va)} {hx(pa)} 0x1000 read,write,grow_down")
    r = ok(s, f"poke {hx(va - 4)} 0x77 user")
    g = grow_event(r, va - PAGE)
    expect_tr(s, va - 4, g + PAGE - 4, PAGE, attrs("write", "grow_down"))
    assert peek(s, va - 4) == 0x77
    assert peek(s, va - 8) == 0
    r = ok(s, f"peek {hx(va - PAGE - 4)}")
    grow_event(r, va - 2 * PAGE)
    fault(s, f"peek {hx(va + PAGE)}", va + PAGE, "translation_page", "read")
    ok(s, f"unmap {hx(va - 2 * PAGE)} 0x3000")
    free(s, pa)
    assert stats(s) == before


def test_grow_down_across_a_1m_boundary_takes_a_table(target):
    s = target
    before = stats(s)
    pa = alloc(s, 1)
    ok(s, f"map 0x00300000 {hx(pa)} 0x1000 read,write,grow_down")
    c0 = check(s)
    r = ok(s, "peek 0x002ffffc")
    g = grow_event(r, 0x002ff000)
    expect_tr(s, 0x002ff000, g, PAGE, attrs("write", "grow_down"))
    assert check(s)["tables"] == c0["tables"] + 1
    ok(s, "unmap 0x002ff000 0x2000")
    free(s, pa)
    assert stats(s) == before


def test_growth_never_grows_into_another_mapping(target):
    s = target
    a, b = alloc(s), alloc(s)
    ok(s, f"map {hx(VA)} {hx(a)} 0x1000 read,write,grow_up")
    ok(s, f"map {hx(VA + PAGE)} {hx(b)} 0x1000 read,write")
    poke(s, VA + PAGE, 0xb0b0)
    base = stats(s)
    r = ok(s, f"peek {hx(VA + PAGE)}")
    assert r.int("val") == 0xb0b0 and not r.events
    expect_tr(s, VA + PAGE, b, PAGE, attrs("write"))
    assert stats(s) == base
    # Nor into a page a grow_down mapping just above... the page between
    # two growing mappings goes to the one below (grow_up), once.
    ok(s, f"unmap {hx(VA + PAGE)} 0x1000")
    ok(s, f"map {hx(VA + 2 * PAGE)} {hx(b)} 0x1000 read,grow_down")
    r = ok(s, f"peek {hx(VA + PAGE)}")
    g = grow_event(r, VA + PAGE)
    grown = expect_tr(s, VA + PAGE, g, PAGE)
    assert grown.attrs() in (attrs("write", "grow_up"), attrs("grow_down"))
    expect_tr(s, VA + 2 * PAGE, b, PAGE, attrs("grow_down"))
    assert stats(s)["frames"] == base["frames"] + 1
    ok(s, f"unmap {hx(VA)} 0x3000")
    free(s, a)
    free(s, b)


def test_growth_faults_when_frames_run_out(target):
    s = target
    pa = alloc(s, 1)
    ok(s, f"map {hx(VA)} {hx(pa)} 0x1000 read,write,grow_up")
    base = stats(s)
    ok(s, "fail nomem 1")
    fault(s, f"peek {hx(VA + PAGE)}", VA + PAGE, "translation_page", "read")
    not_mapped(s, VA + PAGE)
    assert stats(s) == base
    # The failure was spent: now it grows.
    r = ok(s, f"poke {hx(VA + PAGE)} 9")
    grow_event(r, VA + PAGE)
    ok(s, f"unmap {hx(VA)} 0x2000")
    free(s, pa)


def test_growth_that_cannot_get_a_table_gives_the_frame_back(target):
    s = target
    pa = alloc(s, 1)
    ok(s, f"map 0x00300000 {hx(pa)} 0x1000 read,write,grow_down")
    filled = fill_table_page(s)
    base = stats(s)
    ok(s, "fail nomem 2")             # the frame is the 1st, the table page the 2nd
    fault(s, "poke 0x002ffffc 1", 0x002ffffc, "translation_section", "write")
    not_mapped(s, 0x002ff000)
    assert stats(s) == base
    unfill_table_page(s, filled)
    ok(s, "unmap 0x00300000 0x1000")
    free(s, pa)


# ---------------------------------------------------------------- global

def test_global_attribute_is_reported_and_mapped(target):
    s = target
    pa = alloc(s, 1)
    ok(s, f"map {hx(VA)} {hx(pa)} 0x1000 read,write,global")
    expect_tr(s, VA, pa, PAGE, attrs("write", "global"))
    poke(s, VA, 0x6161)
    assert peek(s, VA, user=True) == 0x6161
    ok(s, f"protect {hx(VA)} 0x1000 read,write")
    expect_tr(s, VA, pa, PAGE, attrs("write"))
    ok(s, f"unmap {hx(VA)} 0x1000")
    free(s, pa)


def test_unmapping_a_global_page_leaves_no_stale_entry(target):
    """A global entry is cached for every ASID: unmapping it must flush it
    everywhere, or the next mapping of the VA reads the old frame."""
    s = target
    a, b = alloc(s), alloc(s)
    # A neighbour keeps the L2 table alive (freeing it would flush the VA).
    ok(s, f"map {hx(VA + 0x10000)} {hx(DEV)} 0x1000 read")
    ok(s, f"map {hx(VA)} {hx(a)} 0x1000 read,write,global")
    poke(s, VA, 0xaaaa)
    assert peek(s, VA) == 0xaaaa
    ok(s, f"unmap {hx(VA)} 0x1000")
    fault(s, f"peek {hx(VA)}", VA, "translation_page", "read")
    ok(s, f"map {hx(VA)} {hx(b)} 0x1000 read,write")
    assert peek(s, VA) == 0
    poke(s, VA, 0xbbbb)
    assert peek(s, a + DIRECT) == 0xaaaa
    ok(s, f"unmap {hx(VA)} 0x11000")
    free(s, a)
    free(s, b)


def test_destroying_a_space_flushes_its_global_entries(target):
    """PROTOCOL 1.1: a global mapping made in space 2 is shared with space
    1, and destroying 2 leaves it there; once 1 unmaps it, no stale global
    entry may read the old frame."""
    s = target
    a, b = alloc(s), alloc(s)
    assert ok(s, "as new").int("as") == 2
    ok(s, "as switch 2")
    ok(s, f"map {hx(VA)} {hx(a)} 0x1000 read,write,global")
    poke(s, VA, 0xaaaa)
    assert peek(s, VA) == 0xaaaa
    ok(s, "as switch 1")
    ok(s, "as destroy 2")
    assert peek(s, VA) == 0xaaaa
    ok(s, f"unmap {hx(VA)} 0x1000")
    ok(s, f"map {hx(VA)} {hx(b)} 0x1000 read,write")
    assert peek(s, VA) == 0
    ok(s, f"unmap {hx(VA)} 0x1000")
    free(s, a)
    free(s, b)
