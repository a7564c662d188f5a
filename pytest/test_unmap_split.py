"""A large page that an unmap covers only in part is split first: the rest
keeps its frames (same pa offsets), contents and attributes."""
from scenario import (DEV, DIRECT, K, M, PAGE, alloc, attrs, check, check_after,  # noqa: F401
                      err, expect_tr, fill_table_page, free, hx, not_mapped, ok, peek,
                      poke, stats, unfill_table_page)


def test_unmapping_4k_from_a_section_splits_it_into_small_pages(target):
    s = target
    before = stats(s)
    pa = alloc(s, 256, M)
    va = 0x00500000
    ok(s, f"map1 {hx(va)} {hx(pa)} 1M read,write")
    marks = {0: 0x11, 0x7f000: 0x22, 0x7fffc: 0x33, 0x81000: 0x44, 0xffffc: 0x55}
    for off, v in marks.items():
        poke(s, va + off, v)
    mapped, c0 = stats(s), check(s)
    r = ok(s, f"unmap {hx(va + 0x80000)} 0x1000")
    assert r.int("unmapped") == PAGE
    # The hole, and its neighbours now 4K pages of the same frames.
    not_mapped(s, va + 0x80000, "translation_page")
    err(s, f"peek {hx(va + 0x80000)}", "FAULT")
    for off in (0, 0x7f000, 0x7fffc, 0x81000, 0xffffc):
        expect_tr(s, va + off, pa + off, PAGE, attrs("write"))
    for off, v in marks.items():
        assert peek(s, va + off) == v
    # The split took one L2 table (at most a page), nothing else.
    split = stats(s)
    assert check(s)["tables"] == c0["tables"] + 1
    assert split["tables"] - mapped["tables"] in (0, 1)
    assert mapped["free"] - split["free"] == split["tables"] - mapped["tables"]
    assert split["frames"] == mapped["frames"]
    r = ok(s, f"unmap {hx(va)} 1M")
    assert r.int("unmapped") == M - PAGE
    not_mapped(s, va, "translation_section")
    free(s, pa, 256)
    assert stats(s) == before


def test_unmapping_1m_from_a_supersection_leaves_sections(target):
    s = target
    before = stats(s)
    va, pa = 0x02000000, DEV
    ok(s, f"map1 {hx(va)} {hx(pa)} 16M read,write,execute")
    r = ok(s, f"unmap {hx(va + 5 * M)} 1M")
    assert r.int("unmapped") == M
    not_mapped(s, va + 5 * M, "translation_section")
    for n in (0, 4, 6, 15):
        expect_tr(s, va + n * M + 0x1234, pa + n * M + 0x1234, M,
                  attrs("write", "execute"))
    assert stats(s) == before          # sections need no table
    r = ok(s, f"unmap {hx(va)} 16M")
    assert r.int("unmapped") == 15 * M
    assert stats(s) == before


def test_unmapping_4k_from_a_supersection_splits_twice(target):
    s = target
    before = stats(s)
    va, pa = 0x02000000, DEV
    ok(s, f"map1 {hx(va)} {hx(pa)} 16M read")
    c0 = check(s)
    r = ok(s, f"unmap {hx(va + 3 * M + 0x5000)} 0x1000")
    assert r.int("unmapped") == PAGE
    not_mapped(s, va + 3 * M + 0x5000, "translation_page")
    for off in (0x4000, 0x6000, 0, 0xff000):
        expect_tr(s, va + 3 * M + off, pa + 3 * M + off, PAGE)
    for n in (0, 2, 4, 15):
        expect_tr(s, va + n * M, pa + n * M, M)
    assert check(s)["tables"] == c0["tables"] + 1
    ok(s, f"unmap {hx(va)} 16M")
    assert stats(s) == before


def test_unmapping_4k_from_a_64k_page_leaves_small_pages(target):
    s = target
    before = stats(s)
    pa = alloc(s, 16, 64 * K)
    va = 0x00710000
    ok(s, f"map1 {hx(va)} {hx(pa)} 64K read,write")
    for off in range(0, 64 * K, PAGE):
        poke(s, va + off, 0x6400 + off // PAGE)
    r = ok(s, f"unmap {hx(va + 0x4000)} 0x1000")
    assert r.int("unmapped") == PAGE
    not_mapped(s, va + 0x4000, "translation_page")
    for off in range(0, 64 * K, PAGE):
        if off == 0x4000:
            continue
        expect_tr(s, va + off, pa + off, PAGE, attrs("write"))
        assert peek(s, va + off) == 0x6400 + off // PAGE
    # The hole's frame kept its contents (no one wrote it).
    assert peek(s, pa + 0x4000 + DIRECT) == 0x6404
    ok(s, f"unmap {hx(va)} 64K")
    free(s, pa, 16)
    assert stats(s) == before


def test_unmap_straddling_two_sections_splits_both(target):
    s = target
    before = stats(s)
    pa = alloc(s, 512, M)
    va = 0x00800000
    r = ok(s, f"map {hx(va)} {hx(pa)} 2M read,write")
    assert r.int("entries") == 2
    c0 = check(s)
    r = ok(s, f"unmap {hx(va + 0xff000)} 0x2000")
    assert r.int("unmapped") == 0x2000
    not_mapped(s, va + 0xff000)
    not_mapped(s, va + 0x100000)
    for off in (0, 0xfe000, 0x101000, 0x1ff000):
        expect_tr(s, va + off, pa + off, PAGE)
    # Two L2 tables of 1 KiB (four share a page).
    assert check(s)["tables"] == c0["tables"] + 2
    assert stats(s)["tables"] - before["tables"] in (0, 1)
    ok(s, f"unmap {hx(va)} 2M")
    free(s, pa, 512)
    assert stats(s) == before


def test_unmap1_inside_a_large_page_removes_the_whole_page(target):
    s = target
    before = stats(s)
    ok(s, f"map1 0x00710000 {hx(DEV)} 64K read")
    r = ok(s, "unmap1 0x0071c004")
    assert (r.int("va"), r.int("pa"), r.int("size")) == (0x00710000, DEV, 64 * K)
    not_mapped(s, 0x00710000)
    not_mapped(s, 0x0071f000)
    ok(s, f"map1 0x00700000 {hx(DEV)} 1M read")
    r = ok(s, "unmap1 0x007fff00")
    assert (r.int("va"), r.int("pa"), r.int("size")) == (0x00700000, DEV, M)
    assert stats(s) == before


def test_split_that_cannot_get_a_table_changes_nothing(target):
    s = target
    ok(s, f"map1 0x00500000 {hx(DEV)} 1M read,write")
    filled = fill_table_page(s)
    before = stats(s)
    ok(s, "fail nomem 1")
    err(s, "unmap 0x00580000 0x1000", "NO_MEMORY")
    expect_tr(s, 0x00580000, DEV + 0x80000, M, attrs("write"))
    assert stats(s) == before
    # The injected failure is spent: now the split works.
    assert ok(s, "unmap 0x00580000 0x1000").int("unmapped") == PAGE
    expect_tr(s, 0x00581000, DEV + 0x81000, PAGE)
    assert stats(s)["tables"] == before["tables"] + 1
    ok(s, "unmap 0x00500000 1M")
    assert stats(s) == before
    unfill_table_page(s, filled)


def test_mapping_the_hole_again_fills_it(target):
    s = target
    before = stats(s)
    ok(s, f"map1 0x00500000 {hx(DEV)} 1M read,write")
    ok(s, "unmap 0x00540000 0x10000")
    r = ok(s, f"map 0x00540000 {hx(DEV + 0x40000)} 0x10000 read,write")
    assert r.int("entries") == 16
    expect_tr(s, 0x00540000, DEV + 0x40000, 64 * K)
    expect_tr(s, 0x0053f000, DEV + 0x3f000, PAGE)
    assert ok(s, "unmap 0x00500000 1M").int("unmapped") == M
    assert stats(s) == before
