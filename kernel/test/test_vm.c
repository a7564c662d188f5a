/*
 * test_vm.c: vm, the mapping API of address spaces: what it checks before
 * pagetable does (ranges, frames, software attributes, lock), what it
 * commits after (zeroed frames, software attributes), address spaces and
 * their ASIDs, growth, and the kernel's half.
 */
#include "fixture.h"

#define RAM (32u << 20)

/* A 64K-aligned run of 16 frames is mapped as one 64K page: 16 entries,
 * the MMU and vm_translate agree on every byte. */
TEST(map_64k_translate)
{
    mm_setup(RAM);
    paddr_t pa = frames(16, SZ_64K);
    u32 entries = 0;
    struct pt_entry e;

    EXPECT_EQ(vm_map(0x00410000, pa, SZ_64K, RW, &entries), 0);
    EXPECT_EQ(entries, 16);
    EXPECT_EQ(vm_translate(0x00415678, &e), 0);
    EXPECT_EQ(e.va, 0x00410000);
    EXPECT_EQ(e.pa, pa);
    EXPECT_EQ(e.size, SZ_64K);
    EXPECT_EQ(e.attrs, RW);
    EXPECT_EQ(hw(0x00415678), pa + 0x5678);
    expect_vm_check();
}

/* vm_translate_hole: a page is translated as by vm_translate (hole end
 * untouched); a hole's end is the next page of its table, the next entry
 * of the current space's L1, or, in the kernel's half, its root's. */
TEST(translate_hole)
{
    mm_setup(RAM);
    paddr_t pa = frames(1, SZ_4K);
    struct pt_entry e;
    u64 end = 1;

    EXPECT_EQ(vm_map(0x00403000, pa, SZ_4K, RW | ATTR_LOCK, NULL), 0);
    EXPECT_EQ(vm_translate_hole(0x00403000, &e, &end), 0);
    EXPECT_EQ(e.pa, pa);
    EXPECT_EQ(e.attrs, RW | ATTR_LOCK);
    EXPECT_EQ(end, 1);
    EXPECT_EQ(vm_translate_hole(0x00400000, &e, &end), E_NOT_MAPPED);
    EXPECT_EQ(end, 0x00403000);
    EXPECT_EQ(vm_translate_hole(0x00100000, &e, &end), E_NOT_MAPPED);
    EXPECT_EQ(end, 0x00400000);
    EXPECT_EQ(vm_translate_hole(VECTORS_VA + SZ_4K, &e, &end), E_NOT_MAPPED);
    EXPECT_EQ(end, 0x100000000ull);
}

/* map zeroes the frames it maps, unless uninit. */
TEST(map_zeroes_unless_uninit)
{
    mm_setup(RAM);
    paddr_t a = frames(1, SZ_4K), b = frames(1, SZ_4K);

    ram32(a)[7] = 0xdeadbeef;
    ram32(b)[7] = 0xfeedface;
    EXPECT_EQ(vm_map(0x1000, a, SZ_4K, RW, NULL), 0);
    EXPECT_EQ(vm_map(0x2000, b, SZ_4K, RW | ATTR_UNINIT, NULL), 0);
    EXPECT_EQ(ram32(a)[7], 0);
    EXPECT_EQ(ram32(b)[7], 0xfeedface);
    EXPECT_EQ(load(0x2000 + 28), 0xfeedface);
    expect_vm_check();
}

/* The errors vm decides itself, each changing nothing. */
TEST(map_errors_change_nothing)
{
    mm_setup(RAM);
    paddr_t pa = frames(2, SZ_4K);
    struct pmm_stats ps;
    paddr_t kernel_page;
    struct snap s;

    pmm_ram(&kernel_page, &ps.total);     /* RAM's first page: PG_KERNEL */
    snap_take(&s);
    EXPECT_EQ(vm_map(USER_TOP, pa, SZ_4K, RW, NULL), E_RANGE);
    EXPECT_EQ(vm_map(USER_TOP - SZ_4K, pa, 2 * SZ_4K, RW, NULL), E_RANGE);
    EXPECT_EQ(vm_map(0x1000, pa, 0, RW, NULL), E_BAD_ARG);
    EXPECT_EQ(vm_map(0x1800, pa, SZ_4K, RW, NULL), E_ALIGN);
    EXPECT_EQ(vm_map(0x1000, pa + 0x800, SZ_4K, RW, NULL), E_ALIGN);
    EXPECT_EQ(vm_map(0x1000, pa, SZ_4K, DEV | ATTR_EXECUTE, NULL), E_BAD_ARG);
    EXPECT_EQ(vm_map(0x1000, pa, SZ_4K, DEV | ATTR_NOCACHE, NULL), E_BAD_ARG);
    EXPECT_EQ(vm_map(0x1000, kernel_page, SZ_4K, RW, NULL), E_RANGE);
    EXPECT_EQ(vm_map(0x1000, pa, 3 * SZ_4K, RW, NULL), E_RANGE);  /* 3rd free */
    EXPECT_EQ(vm_map_in(2, 0x1000, pa, SZ_4K, RW, NULL), E_BAD_AS);
    EXPECT_EQ(vm_map1(0x1000, pa, 0x2000, RW), E_BAD_ARG);
    EXPECT_EQ(vm_map1(0x10000 + SZ_4K, pa, SZ_64K, RW), E_ALIGN);
    EXPECT(snap_same(&s));
    expect_vm_check();
}

/* A map that fails in pagetable (E_ALREADY_MAPPED, or no memory for its
 * L2 table) leaves the software attributes of its range unset. */
TEST(map_failure_commits_no_swattr)
{
    mm_setup(RAM);
    paddr_t pa = frames(2, SZ_4K);
    struct snap s;

    EXPECT_EQ(vm_map(0x3000, pa, SZ_4K, RW, NULL), 0);
    use_up_quarters();              /* the next L2 table needs a new page */
    snap_take(&s);
    EXPECT_EQ(vm_map(0x2000, pa, 2 * SZ_4K, RW | ATTR_LOCK, NULL),
              E_ALREADY_MAPPED);
    EXPECT_EQ(swattr_get(1, 0x2000), 0);
    EXPECT(snap_same(&s));
    snap_take(&s);
    pmm_fail_nomem(1);              /* the L2 table for 0x00500000 */
    EXPECT_EQ(vm_map(0x00500000, pa + SZ_4K, SZ_4K, RW | ATTR_LOCK, NULL),
              E_NO_MEMORY);
    EXPECT_EQ(swattr_get(1, 0x00500000), 0);
    EXPECT(snap_same(&s));
    expect_vm_check();
}

/* lock: unmap (range, one page, table) refuses with E_BUSY and changes
 * nothing; protect without lock lifts it. */
TEST(lock_refuses_unmap)
{
    mm_setup(RAM);
    paddr_t pa = frames(4, SZ_4K);
    u32 unmapped = 0;
    struct pt_entry was;
    struct snap s;

    EXPECT_EQ(vm_map(0x00100000, pa, 4 * SZ_4K, RW | ATTR_LOCK, NULL), 0);
    EXPECT_EQ(swattr_get(1, 0x00103000), ATTR_LOCK);
    snap_take(&s);
    EXPECT_EQ(vm_unmap(0x00103000, SZ_4K, &unmapped), E_BUSY);
    EXPECT_EQ(vm_unmap1(0x00100000, &was), E_BUSY);
    EXPECT_EQ(vm_pt_unmap(0x00100000, &unmapped), E_BUSY);
    EXPECT(snap_same(&s));
    EXPECT_EQ(vm_protect(0x00102000, 2 * SZ_4K, RW), 0);
    EXPECT_EQ(swattr_get(1, 0x00102000), 0);
    EXPECT_EQ(swattr_get(1, 0x00101000), ATTR_LOCK);
    EXPECT_EQ(vm_unmap(0x00102000, 2 * SZ_4K, &unmapped), 0);
    EXPECT_EQ(unmapped, 2 * SZ_4K);
    expect_vm_check();
}

/* protect changes hardware and software attributes together. */
TEST(protect_sets_both_halves)
{
    mm_setup(RAM);
    paddr_t pa = frames(1, SZ_4K);
    struct pt_entry e;

    EXPECT_EQ(vm_map(0x5000, pa, SZ_4K, RW, NULL), 0);
    EXPECT(hw_ok(0x5000, true, true));
    EXPECT_EQ(vm_protect(0x5000, SZ_4K, ATTR_READ | ATTR_GROW_UP), 0);
    EXPECT_EQ(vm_translate(0x5000, &e), 0);
    EXPECT_EQ(e.attrs, ATTR_READ | ATTR_GROW_UP);
    EXPECT(hw_ok(0x5000, true, false));
    EXPECT(!hw_ok(0x5000, true, true));
    EXPECT_EQ(vm_protect(0x6000, SZ_4K, RW), E_NOT_MAPPED);
    EXPECT_EQ(vm_protect(0x5000, SZ_4K, DEV | ATTR_EXECUTE), E_BAD_ARG);
    expect_vm_check();
}

/* An address space's lifetime: new, switch (ASID handed out at the
 * switch), destroy (refused while current), the pages it gives back. */
TEST(as_lifetime)
{
    mm_setup(RAM);
    paddr_t pa = frames(1, SZ_4K);
    struct vm_as_info info;
    struct pmm_stats before, after;
    u32 id = 0, freed = 0;

    use_up_quarters();              /* space 2's L2 table: a page of its own */
    pmm_stats(&before);
    EXPECT_EQ(vm_as_new(&id), 0);
    EXPECT_EQ(id, 2);
    EXPECT_EQ(vm_as_info(2, &info), 0);
    EXPECT_EQ(info.asid, 0);                   /* none until switched to */
    EXPECT_EQ(info.tables, 2);                 /* the 8 KiB L1 */
    EXPECT_EQ(vm_as_switch(2), 0);
    EXPECT_EQ(vm_as_info(2, &info), 0);
    EXPECT_EQ(info.asid, 2);
    EXPECT_EQ(vm_map(0x00300000, pa, SZ_4K, RW, NULL), 0);
    EXPECT_EQ(vm_as_info(2, &info), 0);
    EXPECT_EQ(info.mapped, SZ_4K);
    EXPECT_EQ(info.tables, 3);                 /* L1 + one table page */
    EXPECT_EQ(vm_as_destroy(2, &freed), E_BUSY);
    EXPECT_EQ(vm_as_next(0), 1);
    EXPECT_EQ(vm_as_next(1), 2);
    EXPECT_EQ(vm_as_next(2), 0);
    EXPECT_EQ(vm_as_switch(1), 0);
    EXPECT_EQ(vm_as_destroy(2, &freed), 0);
    EXPECT_EQ(freed, 3);                       /* L1 (2) + table page (1) */
    EXPECT_EQ(vm_as_destroy(2, &freed), E_BAD_AS);
    EXPECT_EQ(vm_as_destroy(0, &freed), E_BAD_AS);
    EXPECT_EQ(vm_as_switch(VM_AS_MAX), E_BAD_AS);
    EXPECT_EQ(vm_root(2), NULL);
    pmm_stats(&after);
    EXPECT_EQ(after.free, before.free);        /* all of it came back */
    EXPECT_EQ(pmm_page(pa)->mapcount, 0);
    expect_vm_check();
}

/* A rollover (asid limit) leaves other spaces stale: their root tags
 * nothing until they are switched to again. */
TEST(asid_limit_retags_current)
{
    mm_setup(RAM);
    u32 a = 0, b = 0;
    struct vm_as_info info;

    EXPECT_EQ(vm_as_new(&a), 0);
    EXPECT_EQ(vm_as_new(&b), 0);
    EXPECT_EQ(vm_as_switch(a), 0);
    EXPECT_EQ(vm_as_switch(b), 0);             /* ASIDs 1, 2, 3 */
    EXPECT_EQ(vm_root(b)->asid, 3);
    EXPECT_EQ(vm_asid_limit(2), 0);            /* 3 above the limit: rollover */
    EXPECT_EQ(vm_root(b)->asid, 1);            /* re-tagged, new generation */
    EXPECT_EQ(vm_root(a)->asid, 0);            /* stale: tags nothing */
    EXPECT_EQ(vm_root(1)->asid, 0);
    EXPECT_EQ(vm_as_info(a, &info), 0);
    EXPECT_EQ(info.gen, 1);
    EXPECT_EQ(asid_generation(), 2);
    EXPECT_EQ(vm_asid_limit(1), E_BAD_ARG);
    expect_vm_check();
}

/* Growth: an access below a grow_down page or above a grow_up one maps a
 * fresh zeroed PG_GROWN frame with the neighbour's attributes; unmapping
 * it frees the frame. */
TEST(grow_up_and_down)
{
    mm_setup(RAM);
    paddr_t pa = frames(2, SZ_4K), g = 0;
    struct pmm_stats before, after;
    struct pt_entry e;
    u32 unmapped;

    EXPECT_EQ(vm_map(0x00200000, pa, SZ_4K, RW | ATTR_GROW_UP, NULL), 0);
    EXPECT_EQ(vm_map(0x00208000, pa + SZ_4K, SZ_4K, RW | ATTR_GROW_DOWN, NULL), 0);
    pmm_stats(&before);
    EXPECT_EQ(vm_grow(0x00201ffc, &g), 0);
    EXPECT_EQ(pmm_page(g)->use, PG_GROWN);
    EXPECT_EQ(vm_translate(0x00201000, &e), 0);
    EXPECT_EQ(e.pa, g);
    EXPECT_EQ(e.attrs, RW | ATTR_GROW_UP);
    EXPECT_EQ(ram32(g)[1023], 0);
    EXPECT_EQ(vm_grow(0x00207000, &g), 0);
    EXPECT_EQ(vm_translate(0x00207000, &e), 0);
    EXPECT_EQ(e.attrs, RW | ATTR_GROW_DOWN);
    pmm_stats(&after);
    EXPECT_EQ(after.free, before.free - 2);
    expect_vm_check();
    EXPECT_EQ(vm_unmap(0x00201000, SZ_4K, &unmapped), 0);
    EXPECT_EQ(vm_unmap(0x00207000, SZ_4K, &unmapped), 0);
    pmm_stats(&after);
    EXPECT_EQ(after.free, before.free);
    expect_vm_check();
}

/* No growth without a neighbour that asks, or into a mapped page, or out
 * of memory; nothing changes. */
TEST(grow_refusals_change_nothing)
{
    mm_setup(RAM);
    paddr_t pa = frames(2, SZ_4K), g = 0;
    struct snap s;

    EXPECT_EQ(vm_map(0x00200000, pa, SZ_4K, RW | ATTR_GROW_UP, NULL), 0);
    EXPECT_EQ(vm_map(0x00300000, pa + SZ_4K, SZ_4K, RW, NULL), 0);
    EXPECT_EQ(vm_map(0x00400000, 0, SZ_4K, IRQ | ATTR_GROW_UP, NULL), 0);
    snap_take(&s);
    EXPECT_EQ(vm_grow(0x00301000, &g), E_NOT_MAPPED);    /* plain neighbour */
    EXPECT_EQ(vm_grow(0x00401000, &g), E_NOT_MAPPED);    /* interrupt page */
    EXPECT_EQ(vm_grow(0x00202000, &g), E_NOT_MAPPED);    /* two pages away */
    EXPECT_EQ(vm_grow(0x001ff000, &g), E_NOT_MAPPED);    /* below grow_up */
    EXPECT_EQ(vm_grow(USER_TOP, &g), E_RANGE);
    pmm_fail_nomem(1);
    EXPECT_EQ(vm_grow(0x00201000, &g), E_NO_MEMORY);
    EXPECT(snap_same(&s));
    expect_vm_check();
}

/* Growth across a 1M boundary needs an L2 table: when none can be had the
 * frame already taken goes back, and nothing else changed. */
TEST(grow_rolls_back_frame)
{
    mm_setup(RAM);
    paddr_t pa = frames(1, SZ_4K), g = 0;
    struct snap s;

    EXPECT_EQ(vm_map(0x002ff000, pa, SZ_4K, RW | ATTR_GROW_UP, NULL), 0);
    use_up_quarters();                  /* 0x00300000's table: a new page */
    snap_take(&s);
    pmm_fail_nomem(2);                  /* the frame comes, the table not */
    EXPECT_EQ(vm_grow(0x00300000, &g), E_NO_MEMORY);
    EXPECT(snap_same(&s));
    EXPECT_EQ(pmm_fail_pending(), 0);
    EXPECT_EQ(vm_grow(0x00300000, &g), 0);
    EXPECT_EQ(pmm_page(g)->use, PG_GROWN);
    expect_vm_check();
}

/* The kernel's half answers translations (direct map, vectors) but takes
 * no user requests. */
TEST(kernel_half)
{
    mm_setup(RAM);
    struct pt_entry e;
    u32 unmapped;
    paddr_t l2;

    EXPECT_EQ(vm_translate(KERNEL_BASE + 0x00123456, &e), 0);
    EXPECT_EQ(e.pa, KERNEL_BASE - DIRECT_MAP_OFF + 0x00100000);
    EXPECT_EQ(e.size, SZ_1M);
    EXPECT_EQ(e.attrs, RW | ATTR_PRIVILEGED | ATTR_GLOBAL);   /* W^X */
    EXPECT_EQ(vm_translate(VECTORS_VA, &e), 0);
    EXPECT_EQ(e.pa, B.vectors_pa);
    EXPECT_EQ(vm_root(0)->is_kernel, true);
    EXPECT_EQ(vm_unmap(KERNEL_BASE, SZ_4K, &unmapped), E_RANGE);
    EXPECT_EQ(vm_pt_map(KERNEL_BASE, &l2), E_RANGE);
    EXPECT_EQ(vm_protect(KERNEL_BASE, SZ_4K, RW), E_RANGE);
}

/* Flushes on request: by VA+ASID for a user page, in all ASIDs for a
 * kernel one, by ASID for a space; a space never switched to tags nothing. */
TEST(flush_requests)
{
    mm_setup(RAM);
    struct sim_stats s0, s1;
    u32 id = 0;

    sim_get_stats(&s0);
    vm_flush_page(0x1000);
    vm_flush_page(KERNEL_BASE);
    EXPECT_EQ(vm_flush_as(1), 0);
    EXPECT_EQ(vm_as_new(&id), 0);
    EXPECT_EQ(vm_flush_as(id), 0);
    EXPECT_EQ(vm_flush_as(0), E_BAD_AS);
    sim_get_stats(&s1);
    EXPECT_EQ(s1.flush_va - s0.flush_va, 1);
    EXPECT_EQ(s1.flush_va_all_asids - s0.flush_va_all_asids, 1);
    EXPECT_EQ(s1.flush_asid - s0.flush_asid, 1);
    vm_flush_all();
    sim_get_stats(&s0);
    EXPECT_EQ(s0.flush_all - s1.flush_all, 1);
}

/* check's counts on a fresh machine: tables = the vector page's L2 table
 * + space 1's L1; mappings = the direct map's sections + the vectors. */
TEST(check_counts_fresh)
{
    mm_setup(RAM);
    struct vm_check_counts c;
    const char *what = "";

    EXPECT_EQ(vm_check(&c, &what), 0);
    EXPECT_EQ(c.tables, 2);
    EXPECT_EQ(c.mappings, RAM / SZ_1M + 1);
}

int main(void)
{
    RUN(map_64k_translate);
    RUN(translate_hole);
    RUN(map_zeroes_unless_uninit);
    RUN(map_errors_change_nothing);
    RUN(map_failure_commits_no_swattr);
    RUN(lock_refuses_unmap);
    RUN(protect_sets_both_halves);
    RUN(as_lifetime);
    RUN(asid_limit_retags_current);
    RUN(grow_up_and_down);
    RUN(grow_refusals_change_nothing);
    RUN(grow_rolls_back_frame);
    RUN(kernel_half);
    RUN(flush_requests);
    RUN(check_counts_fresh);
    return unit_report();
}
