/*
 * test_physmap.c: dynamic physical mappings in the MMIO window (seed 000):
 * placement from the top down, the offset within the page, reuse, growth
 * in place, the second mapping, conflicts, the floor, and the limits.
 */
#include "fixture.h"
#include "kspace.h"

#define RAM   (32u << 20)
#define UART  0x09000000u
#define RTC   0x09010000u
#define KDEV  (DEV | ATTR_PRIVILEGED | ATTR_GLOBAL)

/* The first mapping takes the window's top page; virt keeps the offset. */
TEST(first_mapping_at_top)
{
    mm_setup(RAM);
    struct physmap_result r;
    struct pt_entry e;

    EXPECT_EQ(physmap_map(UART + 0x18, 0x10, DEV, &r), 0);
    EXPECT_EQ(r.page_base, MMIO_TOP - SZ_4K);
    EXPECT_EQ(r.virt, MMIO_TOP - SZ_4K + 0x18);
    EXPECT_EQ(r.size, 0x10);
    EXPECT_EQ(r.refs, 1);
    EXPECT(r.is_new);
    EXPECT(!r.grown);
    EXPECT_EQ(physmap_floor(), MMIO_TOP - SZ_4K);
    EXPECT_EQ(pt_walk(&K, r.virt, &e), 0);
    EXPECT_EQ(e.pa, UART);
    EXPECT_EQ(e.attrs, KDEV);
    EXPECT(physmap_covers(r.virt, SZ_4K - 0x18));
    EXPECT(!physmap_covers(r.virt, SZ_4K - 0x17));
    expect_vm_check();
}

/* The same pages with the same attributes: one mapping, refs counted;
 * the last unmap removes it and the floor goes back up. */
TEST(reuse_and_refs)
{
    mm_setup(RAM);
    struct physmap_result a, b;
    struct pt_entry e;
    u32 refs = 0;

    EXPECT_EQ(physmap_map(UART, 0x100, DEV, &a), 0);
    EXPECT_EQ(physmap_map(UART + 0x40, 0x10, DEV, &b), 0);
    EXPECT_EQ(b.page_base, a.page_base);
    EXPECT_EQ(b.virt, a.page_base + 0x40);
    EXPECT_EQ(b.refs, 2);
    EXPECT(!b.is_new);
    EXPECT_EQ(physmap_unmap(b.virt, &refs), 0);
    EXPECT_EQ(refs, 1);
    EXPECT_EQ(pt_walk(&K, a.page_base, &e), 0);
    EXPECT_EQ(physmap_unmap(a.virt, &refs), 0);
    EXPECT_EQ(refs, 0);
    EXPECT_EQ(pt_walk(&K, a.page_base, &e), E_NOT_MAPPED);
    EXPECT_EQ(physmap_floor(), MMIO_TOP);
    EXPECT_EQ(physmap_unmap(a.virt, &refs), E_NOT_MAPPED);
    expect_vm_check();
}

/* Other attributes over the same pages conflict; a second device below
 * the first gets the next page down. */
TEST(conflict_and_second_device)
{
    mm_setup(RAM);
    struct physmap_result a, b;
    struct physmap_info info;
    struct snap s;

    EXPECT_EQ(physmap_map(UART, SZ_4K, DEV, &a), 0);
    snap_take(&s);
    EXPECT_EQ(physmap_map(UART + 0x800, 4, RW | ATTR_NOCACHE, &b),
              E_FLAGS_CONFLICT);
    EXPECT_EQ(physmap_map(UART + 0x800, 4, DEV | ATTR_EXECUTE, &b),
              E_BAD_ARG);                /* bad attributes before conflicts */
    EXPECT(snap_same(&s));
    EXPECT_EQ(physmap_map(RTC, 0x20, DEV, &b), 0);
    EXPECT_EQ(b.page_base, MMIO_TOP - 2 * SZ_4K);
    EXPECT_EQ(physmap_floor(), MMIO_TOP - 2 * SZ_4K);
    EXPECT(physmap_get(1, &info));
    EXPECT_EQ(info.phys, RTC);
    EXPECT_EQ(info.virt, MMIO_TOP - 2 * SZ_4K);
    EXPECT_EQ(info.size, 0x20);
    EXPECT(!physmap_get(2, &info));
    expect_vm_check();
}

/* The records in use end at the last live one: an unmap of it gives the
 * ones below back to every scan's end, a new mapping takes the lowest
 * free record (check: the last record is live). */
TEST(records_end_at_the_last_live)
{
    mm_setup(RAM);
    struct physmap_result a, b;
    struct physmap_info info;
    u32 refs;

    EXPECT_EQ(physmap_map(UART, SZ_4K, DEV, &a), 0);
    EXPECT_EQ(physmap_map(RTC, SZ_4K, DEV, &b), 0);
    EXPECT_EQ(physmap_unmap(b.virt, &refs), 0);
    EXPECT(!physmap_get(1, &info));
    expect_vm_check();
    EXPECT_EQ(physmap_map(RTC, SZ_4K, DEV, &b), 0);
    EXPECT_EQ(physmap_unmap(a.virt, &refs), 0);
    EXPECT(physmap_get(0, &info));
    EXPECT_EQ(info.phys, RTC);
    EXPECT(!physmap_get(1, &info));
    expect_vm_check();
    EXPECT_EQ(physmap_map(UART, SZ_4K, DEV, &a), 0);   /* record 0 again */
    EXPECT(physmap_get(1, &info));
    EXPECT_EQ(info.phys, RTC);
    EXPECT_EQ(physmap_unmap(b.virt, &refs), 0);
    EXPECT_EQ(physmap_unmap(a.virt, &refs), 0);
    EXPECT(!physmap_get(0, &info));
    EXPECT_EQ(physmap_floor(), MMIO_TOP);
    expect_vm_check();
}

/* A mapping with free window above it grows in place to cover a longer
 * request; at the top of the window it cannot, and a second mapping is
 * made instead. */
TEST(grow_in_place_or_second)
{
    mm_setup(RAM);
    struct physmap_result top, low, g, second;
    struct pt_entry e;
    u32 refs;

    EXPECT_EQ(physmap_map(UART, SZ_4K, DEV, &top), 0);
    EXPECT_EQ(physmap_map(RTC, SZ_4K, DEV, &low), 0);     /* below it */
    EXPECT_EQ(physmap_map(RTC + 0x800, SZ_4K, DEV, &second), 0);
    EXPECT(second.is_new);           /* low cannot grow: top is above */
    EXPECT_EQ(second.page_base, MMIO_TOP - 4 * SZ_4K);
    EXPECT_EQ(physmap_unmap(second.virt, &refs), 0);
    EXPECT_EQ(physmap_unmap(top.virt, &refs), 0);          /* room above */
    EXPECT_EQ(physmap_map(RTC + 0x800, SZ_4K, DEV, &g), 0);
    EXPECT(g.grown);
    EXPECT(!g.is_new);
    EXPECT_EQ(g.page_base, low.page_base);
    EXPECT_EQ(g.virt, low.page_base + 0x800);
    EXPECT_EQ(g.size, 0x1800);
    EXPECT_EQ(g.refs, 2);
    EXPECT_EQ(pt_walk(&K, low.page_base + SZ_4K, &e), 0);
    EXPECT_EQ(e.pa, RTC + SZ_4K);
    EXPECT_EQ(physmap_floor(), low.page_base);
    expect_vm_check();
}

/* Bad requests: nothing mapped, nothing changed. */
TEST(bad_requests)
{
    mm_setup(RAM);
    struct physmap_result r;
    paddr_t ram_base;
    u32 ram_size;
    struct snap s;

    pmm_ram(&ram_base, &ram_size);
    snap_take(&s);
    EXPECT_EQ(physmap_map(UART, 0, DEV, &r), E_BAD_ARG);
    EXPECT_EQ(physmap_map(UART, 4, DEV | ATTR_EXECUTE, &r), E_BAD_ARG);
    EXPECT_EQ(physmap_map(UART, 4, RW | ATTR_LOCK, &r), E_BAD_ARG);
    EXPECT_EQ(physmap_map(0xfffff000u, 0x2000, DEV, &r), E_RANGE);
    EXPECT_EQ(physmap_map(ram_base, SZ_4K, RW, &r), E_RANGE);   /* kernel's */
    EXPECT_EQ(physmap_map(0, 0xffffffffu, DEV, &r), E_RANGE);
    EXPECT(snap_same(&s));
}

/* The window meets the heap: a mapping of the whole gap fits exactly
 * (one page less once the heap has a page); then neither the heap nor the
 * window can move. */
TEST(window_meets_heap)
{
    mm_setup(RAM);
    struct physmap_result r;
    vaddr_t top;
    u32 refs;

    EXPECT_EQ(heap_grow(1, &top), 0);
    EXPECT_EQ(physmap_map(0, MMIO_TOP - HEAP_BASE, DEV, &r), E_NO_SPACE);
    EXPECT_EQ(physmap_map(0, MMIO_TOP - HEAP_BASE - SZ_4K, DEV, &r), 0);
    EXPECT_EQ(r.page_base, HEAP_BASE + SZ_4K);
    EXPECT_EQ(physmap_unmap(r.virt, &refs), 0);
    EXPECT_EQ(heap_shrink(1, &top), 0);
    EXPECT_EQ(physmap_map(0, MMIO_TOP - HEAP_BASE, DEV, &r), 0);
    EXPECT_EQ(r.page_base, HEAP_BASE);
    EXPECT_EQ(physmap_floor(), HEAP_BASE);
    EXPECT_EQ(heap_grow(1, &top), E_NO_SPACE);
    EXPECT_EQ(physmap_map(0x50000000u, 4, DEV, &r), E_NO_SPACE);
    expect_vm_check();
}

int main(void)
{
    RUN(first_mapping_at_top);
    RUN(reuse_and_refs);
    RUN(conflict_and_second_device);
    RUN(records_end_at_the_last_live);
    RUN(grow_in_place_or_second);
    RUN(bad_requests);
    RUN(window_meets_heap);
    return unit_report();
}
