"""Global user mappings (PROTOCOL 1.1, the `global` row): one mapping shared
by every user address space, those that exist and those made later, at the
same VA with the same PA and attributes. Seen from each (translate, peek,
poke, the MMU); map over it from any space is ALREADY_MAPPED; unmap,
unmap1 and protect from any space act in all; `as destroy` leaves it in
the others. So no VA is ever global in one space and not global in
another (a TLB conflict on ARMv7; vmsim's TLB flags it)."""
import pytest

from scenario import (DEV, DIRECT, K, M, PAGE, alloc, as_list, attrs, check, check_after,  # noqa: F401
                      err, expect_tr, fault, free, hx, not_mapped, ok, peek, poke, stats)

VA = 0x00400000


def spaces(s, n):
    """Makes address spaces until ids 1..n exist; returns [1..n]."""
    for want in range(2, n + 1):
        assert ok(s, "as new").int("as") == want
    return list(range(1, n + 1))


def switch(s, id_):
    ok(s, f"as switch {id_}")


def test_global_page_is_seen_from_every_space_existing_and_later(target):
    s = target
    a = alloc(s)
    spaces(s, 2)
    ok(s, f"map {hx(VA)} {hx(a)} 4K read,write,global")
    poke(s, VA, 0x1111)
    switch(s, 2)
    expect_tr(s, VA, a, PAGE, attrs("write", "global"))
    assert peek(s, VA) == 0x1111
    poke(s, VA + 4, 0x2222, user=True)
    assert ok(s, "as new").int("as") == 3          # made after the mapping
    switch(s, 3)
    expect_tr(s, VA, a, PAGE, attrs("write", "global"))
    assert peek(s, VA + 4, user=True) == 0x2222
    switch(s, 1)
    assert peek(s, VA + 4) == 0x2222
    assert peek(s, a + 4 + DIRECT) == 0x2222


def test_mapping_over_a_global_page_from_another_space_is_already_mapped(target):
    """The leak of issue 6: space 2 mapped its own frame over space 1's
    global VA and its stores went into space 1's frame."""
    s = target
    a, b = alloc(s), alloc(s)
    spaces(s, 2)
    ok(s, f"map {hx(VA)} {hx(a)} 4K read,write,global")
    poke(s, VA, 0x1111)
    switch(s, 2)
    before = stats(s)
    err(s, f"map {hx(VA)} {hx(b)} 4K read,write", "ALREADY_MAPPED")
    err(s, f"map1 {hx(VA)} {hx(b)} 4K read,write", "ALREADY_MAPPED")
    err(s, f"map {hx(VA - PAGE)} {hx(DEV)} 8K read,write", "ALREADY_MAPPED")
    err(s, f"map1 {hx(VA)} {hx(DEV)} 1M read,write", "ALREADY_MAPPED")
    assert stats(s) == before
    switch(s, 1)
    assert peek(s, VA) == 0x1111
    expect_tr(s, VA, a, PAGE, attrs("write", "global"))


def test_global_map_over_another_spaces_private_page_is_already_mapped(target):
    s = target
    a, b = alloc(s), alloc(s)
    spaces(s, 3)
    switch(s, 3)
    ok(s, f"map {hx(VA + PAGE)} {hx(b)} 4K read,write")
    switch(s, 1)
    before = stats(s)
    err(s, f"map {hx(VA)} {hx(DEV)} 8K read,write,global", "ALREADY_MAPPED")
    err(s, f"map1 {hx(VA)} {hx(DEV)} 1M read,write,global", "ALREADY_MAPPED")
    assert stats(s) == before
    for id_ in (1, 2):
        switch(s, id_)
        not_mapped(s, VA)
    ok(s, f"map {hx(VA)} {hx(a)} 4K read,write,global")   # the free page is fine
    switch(s, 3)
    expect_tr(s, VA, a, PAGE, attrs("write", "global"))
    expect_tr(s, VA + PAGE, b, PAGE, attrs("write"))


@pytest.mark.parametrize("how", ["unmap", "unmap1"])
def test_unmapping_a_global_page_from_any_space_unmaps_it_in_all(target, how):
    s = target
    spaces(s, 3)
    before = stats(s)
    a = alloc(s)
    ok(s, f"map {hx(VA)} {hx(a)} 4K read,write,global")
    for id_ in (1, 2, 3):                    # every space caches the entry
        switch(s, id_)
        peek(s, VA)
    switch(s, 2)
    line = f"unmap {hx(VA)} 4K" if how == "unmap" else f"unmap1 {hx(VA)}"
    ok(s, line)
    for id_ in (1, 2, 3):
        switch(s, id_)
        not_mapped(s, VA)
        fault(s, f"peek {hx(VA)}", VA, "translation_section", "read")
    free(s, a)
    assert stats(s) == before


def test_protecting_a_global_page_from_any_space_changes_it_in_all(target):
    s = target
    spaces(s, 2)
    a = alloc(s)
    ok(s, f"map {hx(VA)} {hx(a)} 4K read,write,global")
    poke(s, VA, 0x5151)
    switch(s, 2)
    poke(s, VA, 0x5252)                       # cached writable in ASID 2
    ok(s, f"protect {hx(VA)} 4K read,global")
    switch(s, 1)
    expect_tr(s, VA, a, PAGE, attrs("global"))
    fault(s, f"poke {hx(VA)} 1", VA, "permission_page", "write")
    switch(s, 2)
    fault(s, f"poke {hx(VA)} 1", VA, "permission_page", "write")
    assert peek(s, VA) == 0x5252
    ok(s, f"unmap {hx(VA)} 4K")


def test_dropping_global_with_protect_leaves_each_space_a_private_copy(target):
    """protect without `global` makes the page non-global in every space
    at once (no space keeps a global entry beside the others' private
    ones); each space then unmaps its own."""
    s = target
    spaces(s, 2)
    a = alloc(s)
    ok(s, f"map {hx(VA)} {hx(a)} 4K read,write,global")
    ok(s, f"protect {hx(VA)} 4K read,write")
    for id_ in (1, 2):
        switch(s, id_)
        expect_tr(s, VA, a, PAGE, attrs("write"))
    switch(s, 2)
    ok(s, f"unmap {hx(VA)} 4K")
    not_mapped(s, VA)
    switch(s, 1)
    expect_tr(s, VA, a, PAGE, attrs("write"))
    ok(s, f"unmap {hx(VA)} 4K")


def test_destroying_a_space_leaves_its_global_mappings_in_the_others(target):
    s = target
    spaces(s, 2)
    a = alloc(s)
    switch(s, 2)
    ok(s, f"map {hx(VA)} {hx(a)} 4K read,write,global")
    poke(s, VA, 0xaaaa)
    switch(s, 1)
    free_before = stats(s)["free"]
    r = ok(s, "as destroy 2")                 # its copy goes, not the frame
    assert stats(s)["free"] == free_before + r.int("freed")
    expect_tr(s, VA, a, PAGE, attrs("write", "global"))
    assert peek(s, VA) == 0xaaaa
    err(s, f"pmm free {hx(a)}", "BUSY")
    ok(s, f"unmap {hx(VA)} 4K")
    free(s, a)


def test_locked_global_page_is_busy_to_unmap_from_any_space(target):
    s = target
    spaces(s, 2)
    a = alloc(s)
    ok(s, f"map {hx(VA)} {hx(a)} 4K read,write,global,lock")
    switch(s, 2)
    expect_tr(s, VA, a, PAGE, attrs("write", "lock", "global"))
    err(s, f"unmap {hx(VA)} 4K", "BUSY")
    err(s, f"unmap1 {hx(VA)}", "BUSY")
    switch(s, 1)
    err(s, f"unmap {hx(VA)} 4K", "BUSY")
    ok(s, "as destroy 2")                     # the space goes; the page stays
    expect_tr(s, VA, a, PAGE, attrs("write", "lock", "global"))
    ok(s, f"protect {hx(VA)} 4K read,write,global")
    ok(s, f"unmap {hx(VA)} 4K")


@pytest.mark.parametrize("size", [64 * K, M, 16 * M], ids=["64K", "1M", "16M"])
def test_unmapping_part_of_a_global_large_page_splits_it_in_every_space(target, size):
    s = target
    spaces(s, 3)
    va = 0x01000000
    before = stats(s)
    a = alloc(s, size // PAGE, size)
    ok(s, f"map1 {hx(va)} {hx(a)} {hx(size)} read,write,global")
    for id_ in (1, 2, 3):
        switch(s, id_)
        peek(s, va + size - 4)
    switch(s, 3)
    ok(s, f"unmap {hx(va + size - PAGE)} 4K")
    for id_ in (1, 2, 3):
        switch(s, id_)
        not_mapped(s, va + size - PAGE)
        fault(s, f"peek {hx(va + size - 4)}", va + size - 4, "translation_page", "read")
        expect_tr(s, va, a, size // 16 if size == 16 * M else PAGE, attrs("write", "global"))
    switch(s, 1)
    ok(s, f"unmap {hx(va)} {hx(size)}")
    free(s, a, size // PAGE)
    assert stats(s) == before


def test_global_map_then_unmap_restores_pmm_stats_exactly(target):
    """A range that needs an L2 table in every space (a 64K page and a 4K
    one in a fresh 1M region, plus a section): unmapping gives back every
    table page of every space."""
    s = target
    ids = spaces(s, 4)
    a = alloc(s, 256 + 32, M)
    before, lists = stats(s), as_list(s)
    r = ok(s, f"map 0x00f00000 {hx(a)} 0x111000 read,write,global")
    assert r.int("entries") == 1 + 16 + 1     # one space's descriptors
    after = stats(s)
    assert after["tables"] > before["tables"]
    for id_ in ids:
        rec = as_list(s)[id_]
        assert rec.int("mapped") == lists[id_].int("mapped") + 0x111000
    check(s)
    ok(s, "unmap 0x00f00000 0x111000")
    assert stats(s) == before
    assert {i: (f.int("mapped"), f.int("tables")) for i, f in as_list(s).items()} == \
        {i: (f.int("mapped"), f.int("tables")) for i, f in lists.items()}
    free(s, a, 256 + 32)


def test_fault_injection_during_a_global_map_into_many_spaces_rolls_back(target):
    """`fail nomem n` for every n until the map goes through: each failed
    map leaves every space, the allocator and `check` as they were. The
    map needs two L2 tables in each of 5 spaces (several table pages)."""
    s = target
    ids = spaces(s, 5)
    a = alloc(s, 32, 64 * K)
    base = stats(s)
    for n in range(1, 40):
        ok(s, f"fail nomem {n}")
        r = s.request(f"map 0x020f0000 {hx(a)} 0x20000 read,write,global")
        if r.ok:
            break
        assert r.code == "NO_MEMORY", r.final.raw
        assert stats(s) == base, f"fail nomem {n}: pages leaked"
        for id_ in ids:
            switch(s, id_)
            not_mapped(s, 0x020f0000)
            not_mapped(s, 0x02100000)
        switch(s, 1)
        check(s)
    else:
        pytest.fail("the map never went through")
    assert n >= 3, f"10 L2 tables took {n - 1} page allocations"
    ok(s, "fail nomem 0")
    for id_ in ids:
        switch(s, id_)
        expect_tr(s, 0x02100000, a + 0x10000, 64 * K, attrs("write", "global"))
    ok(s, "unmap 0x020f0000 0x20000")
    assert stats(s) == base


def test_a_new_space_gets_every_global_page_or_fails_cleanly(target):
    """`as new` copies the global pages into the new space's tables; a page
    allocation failing on the way leaves no space, table or frame behind."""
    s = target
    a = alloc(s, 17, 64 * K)
    ok(s, f"map 0x00300000 {hx(a)} 0x11000 read,write,global,lock")
    base, spaces_before = stats(s), as_list(s)
    for n in range(1, 10):
        ok(s, f"fail nomem {n}")
        r = s.request("as new")
        if r.ok:
            break
        assert r.code == "NO_MEMORY", r.final.raw
        assert stats(s) == base and as_list(s).keys() == spaces_before.keys()
        check(s)
    assert n >= 3, "the L1 (2 pages) and a table page must each fail once"
    ok(s, "fail nomem 0")
    new = r.int("as")
    switch(s, new)
    expect_tr(s, 0x00300000, a, 64 * K, attrs("write", "lock", "global"))
    expect_tr(s, 0x00310000, a + 0x10000, PAGE, attrs("write", "lock", "global"))


def test_a_global_grow_mapping_grows_in_every_space(target):
    s = target
    spaces(s, 2)
    before = stats(s)
    a = alloc(s)
    ok(s, f"map {hx(VA)} {hx(a)} 4K read,write,global,grow_up")
    switch(s, 2)
    r = ok(s, f"poke {hx(VA + PAGE + 8)} 0x7777")
    g = r.events_named("grow")
    assert len(g) == 1 and g[0].int("va") == VA + PAGE, str(r)
    g = g[0].int("pa")
    switch(s, 1)
    expect_tr(s, VA + PAGE, g, PAGE, attrs("write", "grow_up", "global"))
    assert peek(s, VA + PAGE + 8) == 0x7777
    ok(s, f"unmap {hx(VA)} 8K")                 # from every space: the grown
    switch(s, 2)                                # frame goes back
    not_mapped(s, VA + PAGE)
    free(s, a)
    assert stats(s) == before


def test_protect_to_global_enters_a_private_page_in_every_space(target):
    """protect with `global` shares the page: it is entered in every other
    space (which must have nothing there: ALREADY_MAPPED), and unmapping
    it from any space then unmaps it in all."""
    s = target
    spaces(s, 3)
    before = stats(s)
    a = alloc(s, 16, 64 * K)
    ok(s, f"map {hx(VA)} {hx(a)} 64K read,write")
    poke(s, VA + 0x8000, 0x4242)
    switch(s, 3)
    ok(s, f"map {hx(VA + 0x20000)} {hx(DEV)} 4K read")       # beside: fine
    switch(s, 1)
    ok(s, f"protect {hx(VA + 0x8000)} 4K read,global,lock")   # splits the 64K
    for id_ in (1, 2, 3):
        switch(s, id_)
        expect_tr(s, VA + 0x8000, a + 0x8000, PAGE, attrs("lock", "global"))
        assert peek(s, VA + 0x8000) == 0x4242
    not_mapped(s, VA)                                          # in 3: only the
    switch(s, 1)                                               # page made global
    expect_tr(s, VA, a, PAGE, attrs("write"))
    check(s)
    switch(s, 2)
    err(s, f"unmap {hx(VA + 0x8000)} 4K", "BUSY")
    ok(s, f"protect {hx(VA + 0x8000)} 4K read,global")
    ok(s, f"unmap {hx(VA + 0x8000)} 4K")
    switch(s, 1)
    not_mapped(s, VA + 0x8000)
    ok(s, f"unmap {hx(VA)} 64K")
    switch(s, 3)
    ok(s, f"unmap {hx(VA + 0x20000)} 4K")
    free(s, a, 16)
    assert stats(s) == before


def test_protect_to_global_over_another_spaces_page_is_already_mapped(target):
    s = target
    a, b = alloc(s), alloc(s)
    spaces(s, 2)
    ok(s, f"map {hx(VA)} {hx(a)} 4K read,write")
    switch(s, 2)
    ok(s, f"map {hx(VA)} {hx(b)} 4K read,write")
    switch(s, 1)
    before = stats(s)
    err(s, f"protect {hx(VA)} 4K read,write,global", "ALREADY_MAPPED")
    assert stats(s) == before
    expect_tr(s, VA, a, PAGE, attrs("write"))
    switch(s, 2)
    expect_tr(s, VA, b, PAGE, attrs("write"))


def test_fault_injection_during_protect_to_global_rolls_back(target):
    s = target
    ids = spaces(s, 4)
    a = alloc(s, 2)
    ok(s, f"map 0x02300000 {hx(a)} 8K read,write")
    base = stats(s)
    for n in range(1, 20):
        ok(s, f"fail nomem {n}")
        r = s.request("protect 0x02300000 8K read,write,global")
        if r.ok:
            break
        assert r.code == "NO_MEMORY", r.final.raw
        assert stats(s) == base
        expect_tr(s, 0x02300000, a, PAGE, attrs("write"))
        for id_ in ids[1:]:
            switch(s, id_)
            not_mapped(s, 0x02300000)
        switch(s, 1)
    assert n >= 2
    ok(s, "fail nomem 0")
    for id_ in ids:
        switch(s, id_)
        expect_tr(s, 0x02301000, a + PAGE, PAGE, attrs("write", "global"))


def test_pt_unmap_takes_the_regions_global_pages_from_every_space(target):
    s = target
    spaces(s, 2)
    before = stats(s)
    a = alloc(s, 2)
    switch(s, 2)
    ok(s, f"map {hx(VA + 8 * PAGE)} {hx(DEV)} 4K read")       # 2's own page
    ok(s, f"map {hx(VA)} {hx(a)} 4K read,write,global")
    switch(s, 1)
    assert ok(s, f"pt unmap {hx(VA)}").int("unmapped") == PAGE
    switch(s, 2)
    not_mapped(s, VA)
    expect_tr(s, VA + 8 * PAGE, DEV, PAGE, attrs())
    ok(s, f"unmap {hx(VA + 8 * PAGE)} 4K")
    free(s, a, 2)
    assert stats(s) == before
