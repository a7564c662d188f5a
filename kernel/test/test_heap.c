/*
 * test_heap.c: the kernel heap and kmalloc/kfree: page backing of the top,
 * first fit, splitting and merging of blocks, the limits (the MMIO floor,
 * live blocks, RAM) and rollback when pages run out.
 */
#include "fixture.h"
#include "kspace.h"

#define RAM   (32u << 20)
#define HEAPA (ATTR_READ | ATTR_WRITE | ATTR_PRIVILEGED | ATTR_GLOBAL)

/* Growing by one byte maps one PG_HEAP page, privileged RW, global, XN. */
TEST(grow_maps_pages)
{
    mm_setup(RAM);
    struct pmm_stats s0, s1;
    struct pt_entry e;
    vaddr_t top = 0;

    pmm_stats(&s0);
    EXPECT_EQ(heap_grow(1, &top), 0);
    EXPECT_EQ(top, HEAP_BASE + SZ_4K);
    EXPECT_EQ(heap_top(), HEAP_BASE + SZ_4K);
    EXPECT_EQ(pt_walk(&K, HEAP_BASE, &e), 0);
    EXPECT_EQ(e.size, SZ_4K);
    EXPECT_EQ(e.attrs, HEAPA);
    EXPECT_EQ(pmm_page(e.pa)->use, PG_HEAP);
    EXPECT_EQ(pt_walk(&K, HEAP_BASE + SZ_4K, &e), E_NOT_MAPPED);
    pmm_stats(&s1);
    EXPECT_EQ(s1.heap - s0.heap, 1);
    EXPECT_EQ(heap_grow(0, &top), 0);          /* nothing to do */
    EXPECT_EQ(top, HEAP_BASE + SZ_4K);
    expect_vm_check();
}

/* kmalloc: first fit on 8-byte multiples, growing the heap when nothing
 * fits; kfree merges neighbours so the space is found again. */
TEST(kmalloc_first_fit_and_merge)
{
    mm_setup(RAM);
    vaddr_t a = 0, b = 0, c = 0, d = 0;

    EXPECT_EQ(kmalloc(10, &a), 0);
    EXPECT_EQ(a, HEAP_BASE);
    EXPECT_EQ(heap_top(), HEAP_BASE + SZ_4K);
    EXPECT_EQ(kmalloc(10, &b), 0);
    EXPECT_EQ(b, HEAP_BASE + 16);
    EXPECT_EQ(kmalloc(24, &c), 0);
    EXPECT_EQ(c, HEAP_BASE + 32);
    EXPECT_EQ(kfree(a), 0);
    EXPECT_EQ(kfree(b), 0);                    /* merges with a's block */
    EXPECT_EQ(kmalloc(32, &d), 0);
    EXPECT_EQ(d, HEAP_BASE);                   /* a+b fit exactly */
    EXPECT_EQ(kfree(b), E_BAD_ARG);            /* inside d now: not a start */
    EXPECT_EQ(kfree(d), 0);
    EXPECT_EQ(kfree(d), E_BAD_ARG);            /* double free */
    EXPECT_EQ(kmalloc(0, &d), E_BAD_ARG);
    /* [56, 4096) is free: 2 pages - 56 bytes need one more page, not two */
    EXPECT_EQ(kmalloc(2 * SZ_4K - 56, &d), 0);
    EXPECT_EQ(d, HEAP_BASE + 56);
    EXPECT_EQ(heap_top(), HEAP_BASE + 2 * SZ_4K);
    expect_vm_check();
}

/* shrink gives pages back from the top, but not over a live block and
 * not below the base. */
TEST(shrink_limits)
{
    mm_setup(RAM);
    struct pmm_stats s0, s1;
    vaddr_t top = 0, p = 0;

    EXPECT_EQ(heap_grow(3 * SZ_4K, &top), 0);
    pmm_stats(&s0);
    EXPECT_EQ(heap_shrink(SZ_4K + 1, &top), 0);   /* rounds up: 2 pages */
    EXPECT_EQ(top, HEAP_BASE + SZ_4K);
    pmm_stats(&s1);
    EXPECT_EQ(s1.free - s0.free, 2);
    EXPECT_EQ(heap_shrink(2 * SZ_4K, &top), E_RANGE);
    EXPECT_EQ(kmalloc(SZ_4K - 8, &p), 0);
    EXPECT_EQ(p, HEAP_BASE);
    EXPECT_EQ(heap_shrink(SZ_4K, &top), E_BUSY);  /* p's block is there */
    EXPECT_EQ(heap_top(), HEAP_BASE + SZ_4K);
    EXPECT_EQ(kfree(p), 0);
    EXPECT_EQ(heap_shrink(SZ_4K, &top), 0);
    EXPECT_EQ(top, HEAP_BASE);
    expect_vm_check();
}

/* The heap stops at the MMIO floor, which a physmap mapping moves down:
 * the same request fails for space only once the mapping is there (before
 * it, the whole gap passes the space check and fails for pages, before it
 * takes any: a pending injected failure is not reached). */
TEST(grow_stops_at_mmio_floor)
{
    mm_setup(RAM);
    struct physmap_result r;
    vaddr_t top = 0;
    u32 gap = MMIO_TOP - HEAP_BASE;

    pmm_fail_nomem(1);
    EXPECT_EQ(heap_grow(gap, &top), E_NO_MEMORY);
    EXPECT_EQ(pmm_fail_pending(), 1);          /* no page was asked for */
    pmm_fail_nomem(0);
    EXPECT_EQ(physmap_map(0x09000000, SZ_4K, DEV, &r), 0);
    EXPECT_EQ(physmap_floor(), MMIO_TOP - SZ_4K);
    EXPECT_EQ(heap_grow(gap, &top), E_NO_SPACE);
    EXPECT_EQ(heap_grow(gap - SZ_4K + 1, &top), E_NO_SPACE);
    EXPECT_EQ(heap_grow(0xffffffffu, &top), E_NO_SPACE);
    EXPECT_EQ(heap_top(), HEAP_BASE);
    expect_vm_check();
}

/* Pages running out half way: what was mapped is unmapped and freed (and
 * flushed: so memory is as it was, TLB counters are not). */
TEST(grow_rolls_back)
{
    mm_setup(RAM);
    vaddr_t top = 0;
    struct snap s;

    EXPECT_EQ(heap_grow(SZ_4K, &top), 0);
    snap_take(&s);
    pmm_fail_nomem(3);                          /* the third new page */
    EXPECT_EQ(heap_grow(4 * SZ_4K, &top), E_NO_MEMORY);
    EXPECT_EQ(heap_top(), HEAP_BASE + SZ_4K);
    EXPECT(snap_same_memory(&s));
    expect_vm_check();
}

int main(void)
{
    RUN(grow_maps_pages);
    RUN(kmalloc_first_fit_and_merge);
    RUN(shrink_limits);
    RUN(grow_stops_at_mmio_floor);
    RUN(grow_rolls_back);
    return unit_report();
}
