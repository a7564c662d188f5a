"""The kernel's gigabyte above the direct map: the heap from 0xc0000000 up
(heap grow/shrink, kmalloc/kfree) and the physmap window from 0xfff00000
down; neither may pass the other."""
from scenario import (DIRECT, M, PAGE, alloc, check, check_after, err, free, hx,  # noqa: F401
                      info, ok, peek, ram, stats)

HEAP = 0xc0000000
MMIO_TOP = 0xfff00000
HEAP_ATTRS = ("read", "write", "privileged", "global")
DEVPA = 0x10000000      # device space below RAM (never accessed here)


def top(s):
    return info(s).int("heap_top")


def floor(s):
    return info(s).int("mmio_floor")


def physmap(s, line):
    r = ok(s, f"physmap map {line}")
    return {k: r.int(k) for k in ("virt", "page_base", "size", "refs", "new", "grown")}


def plist(s):
    r = ok(s, "physmap list")
    assert r.int("count") == len(r.records)
    return [dict(f) for f in r.records]


# ---------------------------------------------------------------- heap

def test_boot_layout_of_the_kernel_gigabyte(target):
    s = target
    i = info(s)
    assert (i.int("heap_base"), i.int("heap_top"), i.int("mmio_floor"), i.int("mmio_top")) \
        == (HEAP, HEAP, MMIO_TOP, MMIO_TOP)
    assert plist(s) == []


def test_heap_grow_and_shrink_round_up_to_pages(target):
    s = target
    before = stats(s)
    assert ok(s, "heap grow 1").int("top") == HEAP + PAGE
    assert ok(s, "heap grow 4K").int("top") == HEAP + 2 * PAGE
    assert ok(s, "heap grow 0x1001").int("top") == HEAP + 4 * PAGE
    err(s, "heap grow 0", "BAD_ARG")   # PROTOCOL 1.1 pins a length of 0
    assert top(s) == HEAP + 4 * PAGE
    st = stats(s)
    assert st["heap"] == before["heap"] + 4 and st["free"] == before["free"] - 4
    # Each heap page is a privileged global 4K page of a heap frame.
    base, size = ram(s)
    pas = []
    for n in range(4):
        r = ok(s, f"translate {hx(HEAP + n * PAGE + 0x10)}")
        assert r.int("size") == PAGE and r.attrs() == HEAP_ATTRS
        pa = r.int("pa") - 0x10
        assert base <= pa < base + size
        pas.append(pa)
        assert ok(s, f"hwtranslate {hx(HEAP + n * PAGE)}").int("pa") == pa
    assert len(set(pas)) == 4
    assert peek(s, HEAP + 0x20) == peek(s, pas[0] + 0x20 + DIRECT)
    # Loads may read the heap; stores outside physmap are refused.
    ok(s, f"peek {hx(HEAP + 8)}")
    err(s, f"poke {hx(HEAP + 8)} 1", "RANGE")
    # The page above the top is not mapped.
    err(s, f"translate {hx(HEAP + 4 * PAGE)}", "NOT_MAPPED")
    assert ok(s, "heap shrink 1").int("top") == HEAP + 3 * PAGE
    assert ok(s, "heap shrink 0x2000").int("top") == HEAP + PAGE
    err(s, f"translate {hx(HEAP + PAGE)}", "NOT_MAPPED")
    err(s, "heap shrink 0x2000", "RANGE")
    assert top(s) == HEAP + PAGE
    assert ok(s, "heap shrink 4K").int("top") == HEAP
    assert stats(s) == before


def test_heap_grow_out_of_memory_changes_nothing(target):
    s = target
    ok(s, "heap grow 4K")
    before = stats(s)
    ok(s, "fail nomem 3")
    err(s, "heap grow 16K", "NO_MEMORY")
    assert top(s) == HEAP + PAGE and stats(s) == before
    err(s, f"translate {hx(HEAP + PAGE)}", "NOT_MAPPED")
    assert ok(s, "heap grow 16K").int("top") == HEAP + 5 * PAGE
    ok(s, "heap shrink 20K")


def test_kmalloc_is_first_fit_8_byte_aligned_and_grows_the_heap(target):
    s = target
    before = stats(s)
    ptr = lambda n: ok(s, f"kmalloc {n}").int("ptr")   # noqa: E731
    a = ptr(24)
    assert a == HEAP and top(s) == HEAP + PAGE
    b = ptr(1)
    assert b == HEAP + 24
    c = ptr(8)
    assert c == HEAP + 32
    d = ptr(13)
    assert d == HEAP + 40
    assert all(p % 8 == 0 for p in (a, b, c, d))
    ok(s, f"kfree {hx(b)}")
    assert ptr(4) == b                     # first fit: the freed hole
    ok(s, f"kfree {hx(c)}")
    assert ptr(16) == HEAP + 56            # the 8-byte hole is too small
    # A block larger than what is left grows the heap by whole pages.
    big = ptr(5000)
    assert big == HEAP + 72 and top(s) == HEAP + 2 * PAGE
    assert stats(s)["heap"] == before["heap"] + 2
    # Shrinking over a live block is refused.
    err(s, "heap shrink 4K", "BUSY")
    for p in (a, b, d, HEAP + 56, big):
        ok(s, f"kfree {hx(p)}")
    # All free again: one block, and the heap shrinks back.
    assert ptr(8) == HEAP
    ok(s, f"kfree {hx(HEAP)}")
    assert ok(s, "heap shrink 8K").int("top") == HEAP
    assert stats(s) == before


def test_kfree_of_a_non_block_is_bad_arg(target):
    s = target
    a = ok(s, "kmalloc 64").int("ptr")
    err(s, f"kfree {hx(a + 8)}", "BAD_ARG")
    err(s, "kfree 0xc0100000", "BAD_ARG")
    err(s, "kfree 0", "BAD_ARG")
    ok(s, f"kfree {hx(a)}")
    err(s, f"kfree {hx(a)}", "BAD_ARG")        # double free
    err(s, "kmalloc 0", "BAD_ARG")
    check(s)


# ---------------------------------------------------------------- physmap

def test_physmap_reuse_second_map_and_list(target):
    s = target
    before = stats(s)
    r = physmap(s, f"{hx(DEVPA)} 0x100")
    assert r == dict(virt=0xffeff000, page_base=0xffeff000, size=0x100, refs=1, new=1,
                     grown=0)
    assert floor(s) == 0xffeff000
    # Inside the mapping: the same mapping, one more reference.
    r = physmap(s, f"{hx(DEVPA + 0x10)} 0x10")
    assert r == dict(virt=0xffeff010, page_base=0xffeff000, size=0x100, refs=2, new=0,
                     grown=0)
    # Starts inside, ends past it, nothing free above (0xfff00000 is the
    # top): a second mapping below, the first as it was.
    r = physmap(s, f"{hx(DEVPA + 0x800)} 0x1000")
    assert r == dict(virt=0xffefd800, page_base=0xffefd000, size=0x1000, refs=1, new=1,
                     grown=0)
    assert floor(s) == 0xffefd000
    assert plist(s) == [
        dict(phys=hx(DEVPA), size="0x100", virt="0xffeff000", page_base="0xffeff000",
             attrs="read,write,device", refs="2"),
        dict(phys=hx(DEVPA + 0x800), size="0x1000", virt="0xffefd800",
             page_base="0xffefd000", attrs="read,write,device", refs="1"),
    ]
    r = ok(s, "translate 0xffefe004")
    assert r.int("pa") == DEVPA + 0x1004 and r.int("size") == PAGE
    assert r.attrs() == ("read", "write", "privileged", "device", "global")
    # Unmap by any VA inside; at zero references the space goes back.
    assert ok(s, "physmap unmap 0xffeff0f0").int("refs") == 1
    assert ok(s, "physmap unmap 0xffeffffc").int("refs") == 0
    err(s, "physmap unmap 0xffeff000", "NOT_MAPPED")
    err(s, "translate 0xffeff000", "NOT_MAPPED")
    assert floor(s) == 0xffefd000
    assert ok(s, "physmap unmap 0xffefe800").int("refs") == 0
    assert floor(s) == MMIO_TOP and plist(s) == []
    assert stats(s) == before


def test_physmap_grows_in_place_when_the_space_above_is_free(target):
    s = target
    a = physmap(s, f"{hx(DEVPA)} 0x1000")                 # 0xffeff000
    b = physmap(s, f"{hx(DEVPA + 0x100000)} 0x1000")      # 0xffefe000
    assert (a["page_base"], b["page_base"]) == (0xffeff000, 0xffefe000)
    ok(s, "physmap unmap 0xffeff000")                      # frees the page above b
    r = physmap(s, f"{hx(DEVPA + 0x100800)} 0x1000")
    assert r == dict(virt=0xffefe800, page_base=0xffefe000, size=0x1800, refs=2, new=0,
                     grown=1)
    assert ok(s, "translate 0xffeff000").int("pa") == DEVPA + 0x101000
    assert plist(s)[0]["size"] == "0x1800"
    assert ok(s, "physmap unmap 0xffeff800").int("refs") == 1
    assert ok(s, "physmap unmap 0xffefe000").int("refs") == 0
    assert floor(s) == MMIO_TOP


def test_physmap_takes_the_highest_free_range(target):
    s = target
    a = physmap(s, f"{hx(DEVPA)} 0x1000")
    b = physmap(s, f"{hx(DEVPA + 0x10000)} 0x2000")
    assert (a["page_base"], b["page_base"]) == (0xffeff000, 0xffefd000)
    ok(s, "physmap unmap 0xffeff000")
    # A 2-page mapping does not fit the 1-page hole at the top: below b.
    c = physmap(s, f"{hx(DEVPA + 0x20000)} 0x2000")
    assert c["page_base"] == 0xffefb000
    # A 1-page one does.
    d = physmap(s, f"{hx(DEVPA + 0x30000)} 0x1000")
    assert d["page_base"] == 0xffeff000
    assert floor(s) == 0xffefb000
    for va in (0xffefd000, 0xffefb000, 0xffeff000):
        assert ok(s, f"physmap unmap {hx(va)}").int("refs") == 0
    assert floor(s) == MMIO_TOP


def test_physmap_flags_conflict_changes_nothing(target):
    s = target
    physmap(s, f"{hx(DEVPA)} 0x2000")
    before = (plist(s), stats(s), floor(s))
    for line in (f"{hx(DEVPA)} 0x1000 read,write", f"{hx(DEVPA + 0x1000)} 4 read,device",
                 f"{hx(DEVPA - 0x1000)} 0x2000 read,write,nocache"):
        err(s, f"physmap map {line}", "FLAGS_CONFLICT")
        assert (plist(s), stats(s), floor(s)) == before
    # Same attributes spelled in another order: the same mapping.
    r = physmap(s, f"{hx(DEVPA + 0x1000)} 0x10 device,write")
    assert (r["page_base"], r["new"], r["refs"]) == (0xffefe000, 0, 2)
    ok(s, "physmap unmap 0xffefe000")
    ok(s, "physmap unmap 0xffefe000")
    assert floor(s) == MMIO_TOP


def test_physmap_bad_requests(target):
    s = target
    base, size = ram(s)
    err(s, f"physmap map {hx(DEVPA)} 0x1000 read,device,execute", "BAD_ARG")
    err(s, f"physmap map {hx(DEVPA)} 0", "BAD_ARG")
    err(s, f"physmap map {hx(base)} 0x1000", "RANGE")          # the kernel's RAM
    err(s, f"physmap map {hx(base + size - PAGE)} 0x1000 read,write", "RANGE")
    err(s, "physmap map 0xfffff000 0x2000", "RANGE")            # wraps
    err(s, "physmap unmap 0xffeff000", "NOT_MAPPED")
    assert plist(s) == [] and floor(s) == MMIO_TOP


def test_physmap_of_ram_frames_is_writable_through_the_window(target):
    s = target
    before = stats(s)
    pa = alloc(s, 2)
    r = physmap(s, f"{hx(pa + 0x10)} 0x1ff0 read,write")
    virt = r["virt"]
    assert virt == r["page_base"] + 0x10
    ok(s, f"poke {hx(virt)} 0x5a5a5a5a")
    ok(s, f"fill {hx(r['page_base'] + 0x1000)} 0x1000 0x77")
    assert peek(s, pa + 0x10 + DIRECT) == 0x5a5a5a5a
    assert peek(s, pa + 0x1ffc + DIRECT) == 0x77
    # Stores may go only inside the mapping.
    err(s, f"poke {hx(r['page_base'] - 4)} 1", "RANGE")
    err(s, f"fill {hx(r['page_base'] + 0x1ffc)} 8 1", "RANGE")
    err(s, f"pmm free {hx(pa)} 2", "BUSY")
    ok(s, f"physmap unmap {hx(virt)}")
    err(s, f"poke {hx(virt)} 1", "RANGE")
    free(s, pa, 2)
    assert stats(s) == before


def test_heap_meets_the_mmio_floor(target):
    """A physmap mapping that leaves 2 pages above the heap: the heap grows
    to the floor and no further, and the window cannot go below the top."""
    s = target
    before = stats(s)
    span = MMIO_TOP - HEAP - 2 * PAGE
    # pa congruent to the VA it gets (0xc0002000) mod 1G: mostly 16M pages.
    r = physmap(s, f"0x80002000 {hx(span)} read,write,device")
    assert (r["page_base"], r["new"]) == (HEAP + 2 * PAGE, 1)
    assert floor(s) == HEAP + 2 * PAGE
    r = ok(s, "translate 0xd0000004")
    assert (r.int("pa"), r.int("size")) == (0x90000004, 16 * M)
    r = ok(s, "translate 0xc0002000")
    assert (r.int("pa"), r.int("size")) == (0x80002000, PAGE)
    err(s, "heap grow 0x2001", "NO_SPACE")
    assert ok(s, "heap grow 0x2000").int("top") == HEAP + 2 * PAGE
    err(s, "heap grow 1", "NO_SPACE")
    err(s, f"physmap map {hx(DEVPA)} 0x1000", "NO_SPACE")
    assert top(s) == floor(s) == HEAP + 2 * PAGE
    # kmalloc uses what is there, and cannot grow.
    assert ok(s, "kmalloc 0x1800").int("ptr") == HEAP
    err(s, "kmalloc 0x1000", "NO_SPACE")
    ok(s, "kmalloc 0x800")
    check(s)
    for p in (HEAP, HEAP + 0x1800):
        ok(s, f"kfree {hx(p)}")
    # Give a page back: the window takes it.
    assert ok(s, "heap shrink 4K").int("top") == HEAP + PAGE
    r = physmap(s, f"{hx(DEVPA)} 0x1000")
    assert r["page_base"] == HEAP + PAGE
    err(s, "heap grow 1", "NO_SPACE")
    err(s, f"physmap map {hx(DEVPA + 0x100000)} 0x1000", "NO_SPACE")
    check(s)
    ok(s, f"physmap unmap {hx(HEAP + PAGE)}")
    ok(s, "physmap unmap 0xd0000000")
    assert floor(s) == MMIO_TOP
    assert ok(s, "heap shrink 4K").int("top") == HEAP
    assert stats(s) == before


def test_physmap_of_the_last_physical_page(target):
    """The page at 0xfffff000 ends at 2^32: the request's page count must
    not wrap (one page, not 0xfff00001)."""
    s = target
    r = physmap(s, "0xfffff800 0x800")
    assert r == dict(virt=0xffeff800, page_base=0xffeff000, size=0x800, refs=1, new=1,
                     grown=0)
    check(s)
    r = ok(s, "translate 0xffeffffc")
    assert (r.int("pa"), r.int("size")) == (0xfffffffc, PAGE)
    r = physmap(s, "0xfffff000 0x1000")
    assert (r["virt"], r["page_base"], r["refs"], r["new"]) == (0xffeff000, 0xffeff000, 2, 0)
    assert floor(s) == 0xffeff000
    check(s)
    assert ok(s, "physmap unmap 0xffeff000").int("refs") == 1
    assert ok(s, "physmap unmap 0xffeff000").int("refs") == 0
    assert floor(s) == MMIO_TOP and plist(s) == []


def test_physmap_of_all_of_physical_space_is_range(target):
    """[0, 0xffffffff) holds the kernel's RAM: RANGE, whatever the size."""
    s = target
    before = stats(s)
    err(s, "physmap map 0x0 0xffffffff", "RANGE")
    err(s, "physmap map 0x1000 0xfffff000", "RANGE")
    # All device space, but more than the window: NO_SPACE.
    err(s, "physmap map 0x80000000 0x80000000", "NO_SPACE")
    assert stats(s) == before and plist(s) == [] and floor(s) == MMIO_TOP


def test_physmap_remap_of_a_window_page_reads_the_new_frame(target):
    """Window entries are global: unmapping one must flush it in every
    ASID, or the next mapping at the same VA reads the old frame."""
    s = target
    a, b = alloc(s), alloc(s)
    for pa, word in ((a, 0x1111), (b, 0x2222)):
        ok(s, f"map 0x00400000 {hx(pa)} 0x1000 read,write")
        ok(s, f"fill 0x00400000 0x1000 {hx(word)}")
        ok(s, "unmap 0x00400000 0x1000")
    r = physmap(s, f"{hx(a)} 0x1000 read,write")
    assert peek(s, r["virt"] + 0x40) == 0x1111
    ok(s, f"physmap unmap {hx(r['virt'])}")
    err(s, f"peek {hx(r['virt'] + 0x40)}", "FAULT")
    r2 = physmap(s, f"{hx(b)} 0x1000 read,write")
    assert r2["virt"] == r["virt"]
    assert peek(s, r["virt"] + 0x40) == 0x2222, "stale TLB entry in the window"
    ok(s, f"physmap unmap {hx(r['virt'])}")
    free(s, a)
    free(s, b)
