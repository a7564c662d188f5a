"""`pt map` / `pt unmap`: an L2 table under a 1M region on request."""
from scenario import (DEV, DIRECT, K, M, PAGE, alloc, check, check_after, err,  # noqa: F401
                      expect_tr, fill_table_page, free, hx, not_mapped, ok, peek, ram, stats,
                      unfill_table_page)

VA = 0x00300000


def l2_entry(s, l2, va):
    """The descriptor of va in the L2 table at physical l2 (read through
    the direct map)."""
    return peek(s, l2 + ((va >> 12) & 0xff) * 4 + DIRECT)


def test_pt_map_puts_an_empty_table_that_pt_unmap_frees(target):
    s = target
    before, c0 = stats(s), check(s)
    r = ok(s, f"pt map {hx(VA + 0x12345)}")
    l2 = r.int("pa")
    base, size = ram(s)
    assert base <= l2 < base + size and l2 % 1024 == 0
    assert check(s)["tables"] == c0["tables"] + 1
    assert all(l2_entry(s, l2, VA + i * PAGE) == 0 for i in (0, 1, 128, 255))
    # An empty table maps nothing: faults are page-level now.
    not_mapped(s, VA, "translation_page")
    mid = stats(s)
    assert mid["tables"] - before["tables"] in (0, 1)
    assert before["free"] - mid["free"] == mid["tables"] - before["tables"]
    r = ok(s, f"pt unmap {hx(VA + 0xfff00)}")
    assert r.int("unmapped") == 0
    not_mapped(s, VA, "translation_section")
    assert stats(s) == before and check(s) == c0


def test_pt_map_twice_or_over_a_section_is_already_mapped(target):
    s = target
    ok(s, f"pt map {hx(VA)}")
    err(s, f"pt map {hx(VA + 0x80000)}", "ALREADY_MAPPED")
    ok(s, f"map1 0x00500000 {hx(DEV)} 1M read")
    err(s, "pt map 0x00500000", "ALREADY_MAPPED")
    ok(s, f"map1 0x02000000 {hx(DEV)} 16M read")
    err(s, "pt map 0x02700000", "ALREADY_MAPPED")
    ok(s, "map 0x00600000 0 1M read,interrupt")
    err(s, "pt map 0x00600000", "ALREADY_MAPPED")
    ok(s, f"map 0x00700000 {hx(DEV)} 0x1000 read")    # a table from map
    err(s, "pt map 0x00780000", "ALREADY_MAPPED")
    expect_tr(s, 0x00500000, DEV, M)
    expect_tr(s, 0x02700000, DEV + 7 * M, 16 * M)
    for va in (VA, 0x00500000, 0x02000000, 0x00600000, 0x00700000):
        ok(s, f"unmap {hx(va)} {hx(16 * M if va == 0x02000000 else M)}")
    ok(s, f"pt unmap {hx(VA)}")


def test_pt_unmap_without_a_table_is_not_mapped(target):
    s = target
    err(s, f"pt unmap {hx(VA)}", "NOT_MAPPED")
    ok(s, f"map1 {hx(VA)} {hx(DEV)} 1M read")
    err(s, f"pt unmap {hx(VA)}", "NOT_MAPPED")       # a section is not a table
    expect_tr(s, VA, DEV, M)
    ok(s, f"unmap1 {hx(VA)}")


def test_map_into_a_pt_mapped_region_uses_small_pages(target):
    s = target
    before = stats(s)
    l2 = ok(s, f"pt map {hx(VA)}").int("pa")
    err(s, f"map1 {hx(VA)} {hx(DEV)} 1M read", "ALREADY_MAPPED")
    r = ok(s, f"map {hx(VA)} {hx(DEV)} 1M read,write")
    assert r.int("entries") == 256           # 16 large pages of 16 entries
    expect_tr(s, VA + 0x12340, DEV + 0x12340, 64 * K)
    expect_tr(s, VA + 0xffffc, DEV + 0xffffc, 64 * K)
    # The L2 table pt map reported holds the large-page descriptors.
    d = l2_entry(s, l2, VA + 0x10000)
    assert d & 0x3 == 0x1 and d & 0xffff0000 == DEV + 0x10000, hx(d)
    r = ok(s, f"pt unmap {hx(VA)}")
    assert r.int("unmapped") == M
    not_mapped(s, VA, "translation_section")
    assert stats(s) == before


def test_small_page_descriptors_land_in_the_reported_table(target):
    s = target
    l2 = ok(s, f"pt map {hx(VA)}").int("pa")
    pa = alloc(s, 1)
    ok(s, f"map {hx(VA + 0x5000)} {hx(pa)} 0x1000 read,write")
    d = l2_entry(s, l2, VA + 0x5000)
    assert d & 0x2 == 0x2 and d & 0xfffff000 == pa, hx(d)
    assert l2_entry(s, l2, VA + 0x4000) == 0
    assert l2_entry(s, l2, VA + 0x6000) == 0
    r = ok(s, f"pt unmap {hx(VA)}")
    assert r.int("unmapped") == PAGE
    free(s, pa)


def test_a_16m_map_over_a_pt_mapped_region_breaks_down(target):
    s = target
    before = stats(s)
    ok(s, "pt map 0x02300000")
    r = ok(s, f"map 0x02000000 {hx(DEV)} 16M read")
    assert r.int("entries") == 15 + 16 * 16
    expect_tr(s, 0x02000000, DEV, M)
    expect_tr(s, 0x02f00000, DEV + 15 * M, M)
    expect_tr(s, 0x02312344, DEV + 0x312344, 64 * K)
    assert ok(s, "unmap 0x02000000 16M").int("unmapped") == 16 * M
    # The unmap emptied the table: it is gone (PROTOCOL: freed at once).
    err(s, "pt unmap 0x02300000", "NOT_MAPPED")
    assert stats(s) == before


def test_pt_unmap_returns_the_bytes_it_unmapped_and_every_page(target):
    s = target
    before = stats(s)
    pa = alloc(s, 16, 0x10000)
    ok(s, f"pt map {hx(VA)}")
    ok(s, f"map {hx(VA + 0x10000)} {hx(pa)} 0x10000 read,write")
    ok(s, f"map {hx(VA + 0x80000)} {hx(DEV)} 0x3000 read")
    ok(s, f"map {hx(VA + 0xff000)} 0 0x1000 read,interrupt")
    r = ok(s, f"pt unmap {hx(VA + 0x80000)}")
    assert r.int("unmapped") == 0x10000 + 0x3000 + 0x1000
    for off in (0x10000, 0x80000, 0xff000):
        not_mapped(s, VA + off, "translation_section")
    free(s, pa, 16)
    assert stats(s) == before


def test_pt_unmap_refuses_a_region_with_a_locked_page(target):
    s = target
    ok(s, f"pt map {hx(VA)}")
    ok(s, f"map {hx(VA + 0x40000)} {hx(DEV)} 0x1000 read,lock")
    err(s, f"pt unmap {hx(VA)}", "BUSY")
    expect_tr(s, VA + 0x40000, DEV, PAGE, ("read", "lock"))
    ok(s, f"protect {hx(VA + 0x40000)} 0x1000 read")
    assert ok(s, f"pt unmap {hx(VA)}").int("unmapped") == PAGE


def test_four_l2_tables_share_one_page(target):
    s = target
    before, c0 = stats(s), check(s)
    vas = [0x01000000 + i * M for i in range(8)]
    pas = [ok(s, f"pt map {hx(va)}").int("pa") for va in vas]
    assert check(s)["tables"] == c0["tables"] + 8
    assert len(set(pas)) == 8 and all(pa % 1024 == 0 for pa in pas)
    pages = {pa >> 12 for pa in pas}
    # 8 quarters take 2 pages, or 3 when they start in a shared page.
    assert len(pages) in (2, 3)
    grown = stats(s)["tables"] - before["tables"]
    assert grown in (2, 3) and grown <= len(pages)
    for va in vas:
        err(s, f"pt map {hx(va)}", "ALREADY_MAPPED")
    for va in vas:
        ok(s, f"pt unmap {hx(va)}")
    assert stats(s) == before and check(s) == c0


def test_pt_map_out_of_range_and_out_of_memory(target):
    s = target
    err(s, "pt map 0x80000000", "RANGE")
    err(s, "pt map 0xfff00000", "RANGE")
    err(s, "pt unmap 0x90000000", "RANGE")
    filled = fill_table_page(s)
    before = stats(s)
    ok(s, "fail nomem 1")
    err(s, f"pt map {hx(VA)}", "NO_MEMORY")
    assert stats(s) == before
    err(s, f"pt unmap {hx(VA)}", "NOT_MAPPED")
    unfill_table_page(s, filled)
