"""TLB maintenance: an entry the TLB holds must never outlive the mapping
it came from. vmsim's TLB is a real ASID-tagged cache emptied only by the
invalidations the kernel asks for, so a missing one reads stale data."""
import pytest

from scenario import (DIRECT, K, M, PAGE, alloc, attrs, check_after, err, expect_tr,  # noqa: F401
                      fault, free, hwfault, hx, ok, peek, poke, stats)

VA = 0x00600000
SIZES = [4 * K, 64 * K, M]
IDS = ["4K", "64K", "1M"]


def frames_with(s, size, word, align=None):
    """A fresh run of `size` bytes of frames (aligned to `size`, or
    `align`) whose words all hold `word` (written through a scratch mapping
    at 0x10000000, then unmapped)."""
    n = size // PAGE
    pa = alloc(s, n, align or size)
    ok(s, f"map 0x10000000 {hx(pa)} {hx(size)} read,write")
    ok(s, f"fill 0x10000000 {hx(size)} {hx(word)}")
    ok(s, f"unmap 0x10000000 {hx(size)}")
    return pa, n


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_remapping_a_va_reads_the_new_frame_not_a_stale_tlb_entry(target, size):
    s = target
    before = stats(s)
    a, na = frames_with(s, size, 0x1111)
    b, nb = frames_with(s, size, 0x2222)
    ok(s, f"map1 {hx(VA)} {hx(a)} {hx(size)} read,write,uninit")
    probes = sorted({0, size // 2, size - 4})
    for off in probes:                 # loads the TLB
        assert peek(s, VA + off) == 0x1111
    ok(s, f"unmap {hx(VA)} {hx(size)}")
    ok(s, f"map1 {hx(VA)} {hx(b)} {hx(size)} read,write,uninit")
    for off in probes:
        assert peek(s, VA + off) == 0x2222, f"stale TLB entry at {hx(VA + off)}"
        assert ok(s, f"hwtranslate {hx(VA + off)}").int("pa") == b + off
    ok(s, f"unmap {hx(VA)} {hx(size)}")
    free(s, a, na)
    free(s, b, nb)
    assert stats(s) == before


def test_unmapped_page_faults_after_it_was_cached(target):
    s = target
    a, n = frames_with(s, PAGE, 0x1111)
    ok(s, f"map {hx(VA)} {hx(a)} 0x1000 read,write,uninit")
    assert peek(s, VA) == 0x1111
    ok(s, f"unmap1 {hx(VA)}")
    fault(s, f"peek {hx(VA)}", VA, "translation_section", "read")
    hwfault(s, f"hwtranslate {hx(VA)}", VA, "translation_section")
    free(s, a, n)


def test_remapping_after_a_split_reads_the_new_frame(target):
    """Split a cached section, remap its hole to another frame."""
    s = target
    a, na = frames_with(s, M, 0x1111)
    b, nb = frames_with(s, PAGE, 0x2222)
    ok(s, f"map1 {hx(VA)} {hx(a)} 1M read,write,uninit")
    assert peek(s, VA + 0x40000) == 0x1111
    ok(s, f"unmap {hx(VA + 0x40000)} 0x1000")
    ok(s, f"map {hx(VA + 0x40000)} {hx(b)} 0x1000 read,write,uninit")
    assert peek(s, VA + 0x40000) == 0x2222
    assert peek(s, VA + 0x41000) == 0x1111
    ok(s, f"unmap {hx(VA)} 1M")
    free(s, a, na)
    free(s, b, nb)


def test_unmapping_many_pages_flushes_them_all(target):
    """More pages than the kernel flushes one by one (it flushes the whole
    ASID then): every one must read its new frame."""
    s = target
    pages, va = 40, VA + PAGE
    a, na = frames_with(s, pages * PAGE, 0x1111, 0x10000)
    b, nb = frames_with(s, pages * PAGE, 0x2222, 0x10000)
    # va is 4K off a 64K boundary and the frames are 64K aligned: 4K pages.
    r = ok(s, f"map {hx(va)} {hx(a)} {hx(pages * PAGE)} read,write,uninit")
    assert r.int("entries") == pages
    assert ok(s, f"sum {hx(va)} {hx(pages * PAGE)}").int("sum") == \
        (0x1111 * pages * 1024) & 0xffffffff
    ok(s, f"unmap {hx(va)} {hx(pages * PAGE)}")
    ok(s, f"map {hx(va)} {hx(b)} {hx(pages * PAGE)} read,write,uninit")
    for i in range(pages):
        assert peek(s, va + i * PAGE) == 0x2222, f"stale TLB entry for page {i}"
    ok(s, f"unmap {hx(va)} {hx(pages * PAGE)}")
    free(s, a, na)
    free(s, b, nb)


def test_two_vas_aliasing_one_frame_see_each_others_stores(target):
    s = target
    pa = alloc(s, 1)
    ok(s, f"map 0x00100000 {hx(pa)} 0x1000 read,write")
    ok(s, f"map 0x00200000 {hx(pa)} 0x1000 read,write,uninit")
    poke(s, 0x00100010, 0xabc)
    assert peek(s, 0x00200010) == 0xabc
    poke(s, 0x00200010, 0xdef)
    assert peek(s, 0x00100010) == 0xdef
    assert peek(s, pa + 0x10 + DIRECT) == 0xdef
    err(s, f"pmm free {hx(pa)}", "BUSY")
    ok(s, "unmap 0x00100000 0x1000")
    err(s, f"pmm free {hx(pa)}", "BUSY")     # still mapped once
    ok(s, "unmap 0x00200000 0x1000")
    free(s, pa)


def test_aliases_across_address_spaces_share_the_frame(target):
    s = target
    pa = alloc(s, 1)
    ok(s, f"map {hx(VA)} {hx(pa)} 0x1000 read,write")
    assert ok(s, "as new").int("as") == 2
    ok(s, "as switch 2")
    ok(s, f"map 0x00700000 {hx(pa)} 0x1000 read,write,uninit")
    poke(s, 0x00700004, 0x4242)
    ok(s, "as switch 1")
    assert peek(s, VA + 4) == 0x4242
    poke(s, VA + 4, 0x4343)
    ok(s, "as switch 2")
    assert peek(s, 0x00700004) == 0x4343
    ok(s, "as switch 1")
    ok(s, "as destroy 2")
    ok(s, f"unmap {hx(VA)} 0x1000")
    free(s, pa)


def test_same_va_in_two_address_spaces_reads_each_its_own_frame(target):
    s = target
    a, na = frames_with(s, PAGE, 0x1111)
    b, nb = frames_with(s, PAGE, 0x2222)
    ok(s, f"map {hx(VA)} {hx(a)} 0x1000 read,write,uninit")
    assert peek(s, VA) == 0x1111
    ok(s, "as new")
    ok(s, "as switch 2")
    fault(s, f"peek {hx(VA)}", VA, "translation_section", "read")
    ok(s, f"map {hx(VA)} {hx(b)} 0x1000 read,write,uninit")
    for _ in range(3):
        assert peek(s, VA) == 0x2222
        ok(s, "as switch 1")
        assert peek(s, VA) == 0x1111
        ok(s, "as switch 2")
    ok(s, "as switch 1")
    ok(s, "as destroy 2")
    ok(s, f"unmap {hx(VA)} 0x1000")
    free(s, a, na)
    free(s, b, nb)


def test_a_reused_asid_does_not_see_the_destroyed_spaces_entries(target):
    s = target
    a, na = frames_with(s, PAGE, 0x1111)
    b, nb = frames_with(s, PAGE, 0x2222)
    ok(s, "asid limit 2")              # so that the freed ASID comes back
    ok(s, "as new")
    r = ok(s, "as switch 2")
    asid, gen = r.int("asid"), r.int("gen")
    ok(s, f"map {hx(VA)} {hx(a)} 0x1000 read,write,uninit")
    assert peek(s, VA) == 0x1111
    ok(s, "as switch 1")
    ok(s, "as destroy 2")
    n = ok(s, "as new").int("as")
    r = ok(s, f"as switch {n}")
    assert (r.int("asid"), r.int("gen")) == (asid, gen), "the freed ASID comes back"
    ok(s, f"map {hx(VA)} {hx(b)} 0x1000 read,write,uninit")
    assert peek(s, VA) == 0x2222
    ok(s, "as switch 1")
    ok(s, f"as destroy {n}")
    free(s, a, na)
    free(s, b, nb)


def test_protect_dropping_write_makes_stores_fault(target):
    s = target
    pa = alloc(s, 16, 0x10000)
    ok(s, f"map1 {hx(VA)} {hx(pa)} 64K read,write")
    poke(s, VA + 0x8000, 1)                  # a writable entry in the TLB
    assert ok(s, f"hwtranslate {hx(VA + 0x8000)} write").int("pa") == pa + 0x8000
    r = ok(s, f"protect {hx(VA)} 0x10000 read")
    assert (r.int("va"), r.int("len")) == (VA, 0x10000)
    expect_tr(s, VA + 0x8000, pa + 0x8000, 0x10000, attrs())
    fault(s, f"poke {hx(VA + 0x8000)} 2", VA + 0x8000, "permission_page", "write")
    hwfault(s, f"hwtranslate {hx(VA + 0x8000)} write", VA + 0x8000, "permission_page")
    assert peek(s, VA + 0x8000) == 1
    ok(s, f"protect {hx(VA)} 0x10000 read,write")
    poke(s, VA + 0x8000, 3)
    assert peek(s, VA + 0x8000) == 3
    ok(s, f"unmap {hx(VA)} 64K")
    free(s, pa, 16)


def test_protect_adding_privileged_makes_user_loads_fault(target):
    s = target
    pa = alloc(s, 256, M)
    ok(s, f"map1 {hx(VA)} {hx(pa)} 1M read,write")
    assert peek(s, VA + 0x100, user=True) == 0
    ok(s, f"protect {hx(VA)} 1M read,write,privileged")
    fault(s, f"peek {hx(VA + 0x100)} user", VA + 0x100, "permission_section", "read", "user")
    assert peek(s, VA + 0x100) == 0
    ok(s, f"unmap {hx(VA)} 1M")
    free(s, pa, 256)


def test_protect_of_part_of_a_large_page_splits_it(target):
    s = target
    pa = alloc(s, 16, 0x10000)
    ok(s, f"map1 {hx(VA)} {hx(pa)} 64K read,write")
    poke(s, VA + 0x3000, 7)
    ok(s, f"protect {hx(VA + 0x3000)} 0x1000 read")
    expect_tr(s, VA + 0x3000, pa + 0x3000, PAGE, attrs())
    expect_tr(s, VA + 0x2000, pa + 0x2000, PAGE, attrs("write"))
    expect_tr(s, VA + 0x4000, pa + 0x4000, PAGE, attrs("write"))
    fault(s, f"poke {hx(VA + 0x3000)} 8", VA + 0x3000, "permission_page", "write")
    poke(s, VA + 0x2000, 9)
    assert peek(s, VA + 0x3000) == 7
    ok(s, f"unmap {hx(VA)} 64K")
    free(s, pa, 16)


def test_flush_requests(target):
    s = target
    pa = alloc(s, 1)
    ok(s, f"map {hx(VA)} {hx(pa)} 0x1000 read,write")
    poke(s, VA, 5)
    for line in ("flush all", "flush as", "flush as 1", f"flush page {hx(VA)}",
                 "flush page 0x80000000"):
        r = ok(s, line)
        assert r.final.raw == "ok", line
        assert peek(s, VA) == 5
    err(s, "flush as 3", "BAD_AS")
    err(s, "flush page", "BAD_ARG")
    err(s, "flush everything", "BAD_ARG")
    ok(s, f"unmap {hx(VA)} 0x1000")
    free(s, pa)
