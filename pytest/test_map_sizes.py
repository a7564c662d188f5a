"""Page sizes: map1 of each size, `map` choosing sizes from alignment, and
the software walk (translate) agreeing with the MMU (hwtranslate)."""
import pytest

from scenario import (DEV, DIRECT, K, M, PAGE, alloc, attrs, check, check_after,  # noqa: F401
                      expect_tr, free, hx, not_mapped, ok, peek, poke, stats)

ENTRIES = {4 * K: 1, 64 * K: 16, M: 1, 16 * M: 16}
SIZE_IDS = {4 * K: "4K", 64 * K: "64K", M: "1M", 16 * M: "16M"}


@pytest.mark.parametrize("size", list(ENTRIES), ids=list(SIZE_IDS.values()))
def test_map1_each_size_translates_like_the_mmu(target, size):
    s = target
    va, pa = 0x02000000, DEV
    before = stats(s)
    r = ok(s, f"map1 {hx(va)} {hx(pa)} {hx(size)} read,write")
    assert (r.int("va"), r.int("pa"), r.int("size"), r.int("entries")) == \
        (va, pa, size, ENTRIES[size])
    for off in sorted({0, 4, PAGE % size, size // 2 + 0x124, size - 4}):
        expect_tr(s, va + off, pa + off, size, attrs("write"))
        h = ok(s, f"hwtranslate {hx(va + off)} user write")
        assert h.int("pa") == pa + off
    # The pages just outside are not mapped.
    not_mapped(s, va - PAGE)
    not_mapped(s, va + size)
    r = ok(s, f"unmap1 {hx(va + size - 4)}")
    assert (r.int("va"), r.int("pa"), r.int("size")) == (va, pa, size)
    not_mapped(s, va)
    assert stats(s) == before


@pytest.mark.parametrize("size", [4 * K, 64 * K, M], ids=["4K", "64K", "1M"])
def test_map1_of_ram_frames_reaches_the_frames(target, size):
    """A store through the user mapping lands in the frame the direct map
    shows, at the same offset."""
    s = target
    before = stats(s)
    n = size // PAGE
    pa = alloc(s, n, size)
    va = 0x03000000
    ok(s, f"map1 {hx(va)} {hx(pa)} {hx(size)} read,write")
    after_map = stats(s)
    assert after_map["frames"] == before["frames"] + n
    for off in (0, size - 4, size // 2 + 8):
        expect_tr(s, va + off, pa + off, size)
        poke(s, va + off, 0xc0de0000 + off // 4)
        assert peek(s, pa + off + DIRECT) == 0xc0de0000 + off // 4
    ok(s, f"unmap {hx(va)} {hx(size)}")
    free(s, pa, n)
    assert stats(s) == before


def test_map_chooses_the_largest_sizes_alignment_allows(target):
    s = target
    va, pa = 0x01000000, DEV
    length = 16 * M + M + 64 * K + 4 * K
    before = stats(s)
    c0 = check(s)
    r = ok(s, f"map {hx(va)} {hx(pa)} {hx(length)} read,write")
    assert (r.int("va"), r.int("pa"), r.int("len"), r.int("entries")) == \
        (va, pa, length, 16 + 1 + 16 + 1)
    pieces = [(0, 16 * M), (16 * M, M), (17 * M, 64 * K), (17 * M + 64 * K, 4 * K)]
    for off, size in pieces:
        expect_tr(s, va + off, pa + off, size, attrs("write"))
        expect_tr(s, va + off + size - 4, pa + off + size - 4, size)
    not_mapped(s, va + length)
    assert check(s)["mappings"] == c0["mappings"] + 4
    r = ok(s, f"unmap {hx(va)} {hx(length)}")
    assert r.int("unmapped") == length
    assert stats(s) == before
    assert check(s) == c0


def test_map_uses_joint_alignment_of_va_and_pa(target):
    """va 16M aligned but pa only 1M aligned: sections, not a supersection;
    va 64K aligned but pa only 4K aligned: small pages."""
    s = target
    before = stats(s)
    r = ok(s, f"map 0x01000000 {hx(DEV + M)} 0x1000000 read")
    assert r.int("entries") == 16
    for off in (0, 15 * M):
        expect_tr(s, 0x01000000 + off, DEV + M + off, M, attrs())
    r = ok(s, f"map 0x00010000 {hx(DEV + 0x1000)} 0x10000 read")
    assert r.int("entries") == 16
    for off in (0, 0xf000):
        expect_tr(s, 0x10000 + off, DEV + 0x1000 + off, PAGE)
    ok(s, "unmap 0x01000000 0x1000000")
    ok(s, "unmap 0x00010000 0x10000")
    assert stats(s) == before


def test_map_starts_small_until_aligned(target):
    """4K pages up to a 64K boundary, 64K pages up to 1M, a section, then
    the tail in 64K and 4K pieces."""
    s = target
    va = 0x004fe000              # 2 x 4K, then 1M at 0x00500000, then 64K + 4K
    pa = DEV + va
    length = 0x2000 + M + 0x10000 + 0x1000
    before = stats(s)
    r = ok(s, f"map {hx(va)} {hx(pa)} {hx(length)} read,write")
    assert r.int("entries") == 2 + 1 + 16 + 1
    for off, size in ((0, PAGE), (0x1000, PAGE), (0x2000, M), (0x2000 + M, 64 * K),
                      (0x2000 + M + 64 * K, PAGE)):
        expect_tr(s, va + off, pa + off, size)
    assert ok(s, f"unmap {hx(va)} {hx(length)}").int("unmapped") == length
    assert stats(s) == before


def test_map1_rejects_sizes_that_are_not_page_sizes(target):
    s = target
    for size in ("8K", "2M", "32M", "0", "0x1001"):
        r = s.request(f"map1 0x02000000 {hx(DEV)} {size} read")
        assert r.code == "BAD_ARG", r.final.raw
    not_mapped(s, 0x02000000)


def test_translate_reports_the_exact_offset_and_attrs(target):
    s = target
    ok(s, f"map1 0x00400000 {hx(DEV)} 1M read,write,execute,nocache,global")
    expect_tr(s, 0x004abcd8, DEV + 0xabcd8, M,
              ("read", "write", "execute", "nocache", "global"))
    ok(s, "unmap1 0x00400000")
