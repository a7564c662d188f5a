/*
 * test_pagetable.c: what the pagetable module maps, against the host simulator's
 * independent walker: sizes, attributes, splits, protect, markers, the
 * sharing and freeing of L2 tables, frame references, pt_check.
 * (Rollback, fault injection, the TLB and speed: test_pt_tlb.c.)
 */
#include "fixture.h"

TEST(kernel_table)
{
    struct pt_entry e;
    struct pmm_stats s;

    setup(16u << 20);
    EXPECT_EQ(pt_walk(&K, B.ram_base + DIRECT_MAP_OFF + 0x1234, &e), 0);
    EXPECT_EQ(e.size, MB);
    EXPECT_EQ(e.pa, B.ram_base);
    EXPECT_EQ(e.attrs, RW | ATTR_PRIVILEGED | ATTR_GLOBAL);   /* W^X: vmsim has no code MB */
    EXPECT_EQ(hw(B.ram_base + DIRECT_MAP_OFF + B.ram_size - 4),
              B.ram_base + B.ram_size - 4);
    EXPECT_EQ(hw(B.ram_base + DIRECT_MAP_OFF + B.ram_size), ~0u);
    EXPECT_EQ(hw(VECTORS_VA + 8), B.vectors_pa + 8);
    EXPECT(!hw_ok(VECTORS_VA, false, true));       /* read + execute only */
    EXPECT(!hw_ok(VECTORS_VA, true, false));       /* privileged */
    EXPECT_EQ(pt_walk(&K, 0x1000, &e), E_NOT_MAPPED);   /* outside span */
    pmm_stats(&s);
    EXPECT_EQ(s.table, 1 + 2);                     /* vectors' L2, user L1 */
    EXPECT_EQ(pt_map(&K, 0x1000, DEVPA, SZ_4K, DEV, NULL), E_RANGE);
    expect_check();
}

TEST(size_choice)
{
    u32 n;
    vaddr_t va = 0x01000000;
    u32 len = 16 * MB + MB + SZ_64K + SZ_4K;

    setup(16u << 20);
    EXPECT_EQ(pt_map(&U, va, DEVPA, len, DEV, &n), 0);
    EXPECT_EQ(n, 16 + 1 + 16 + 1);
    EXPECT_EQ(walk(va + 5 * MB).size, SZ_16M);
    EXPECT_EQ(walk(va + 16 * MB).size, SZ_1M);
    EXPECT_EQ(walk(va + 17 * MB + 0x8000).size, SZ_64K);
    EXPECT_EQ(walk(va + 17 * MB + SZ_64K).size, SZ_4K);
    EXPECT_EQ(walk(va + len).size, 0);
    for (u32 off = 0; off < len; off += SZ_64K)
        EXPECT_EQ(hw(va + off + 0x10), DEVPA + off + 0x10);
    EXPECT_EQ(hw(va + len), ~0u);
    EXPECT_EQ(hw(va - 4), ~0u);
    /* raw descriptors: supersection replicas, section */
    EXPECT_EQ(l1e(va) & 0x40003u, 0x40002u);
    EXPECT_EQ(l1e(va + 15 * MB), l1e(va));
    EXPECT_EQ(l1e(va + 16 * MB) & 0x40003u, 2u);
    expect_check();

    /* joint alignment: va 1M-aligned, pa only 64K-aligned -> 64K pages */
    EXPECT_EQ(pt_map(&U, 0x10000000, DEVPA + SZ_64K, MB, DEV, &n), 0);
    EXPECT_EQ(n, 256);
    EXPECT_EQ(walk(0x10000000).size, SZ_64K);
    /* pa only 4K-aligned -> 4K pages */
    EXPECT_EQ(pt_map(&U, 0x10100000, DEVPA + SZ_4K, 2 * SZ_64K, DEV, &n), 0);
    EXPECT_EQ(n, 32);
    EXPECT_EQ(walk(0x10110000).size, SZ_4K);
    EXPECT_EQ(hw(0x10110000), DEVPA + SZ_4K + SZ_64K);
    /* interrupt markers: only va aligns */
    EXPECT_EQ(pt_map(&U, 0x20000000, 0x1234000, 17 * MB, IRQ, &n), 0);
    EXPECT_EQ(n, 17);
    expect_check();
}

TEST(map1_and_errors)
{
    vaddr_t va = 0x04000000;
    paddr_t l2;

    setup(16u << 20);
    EXPECT_EQ(pt_map1(&U, va, DEVPA, SZ_16M, DEV), 0);
    EXPECT_EQ(pt_map1(&U, va + 16 * MB, DEVPA, SZ_1M, DEV), 0);
    EXPECT_EQ(pt_map1(&U, va + 17 * MB, DEVPA, SZ_64K, DEV), 0);
    EXPECT_EQ(pt_map1(&U, va + 18 * MB, DEVPA, SZ_4K, DEV), 0);
    EXPECT_EQ(walk(va).size, SZ_16M);
    EXPECT_EQ(walk(va + 16 * MB).size, SZ_1M);
    EXPECT_EQ(walk(va + 17 * MB).size, SZ_64K);
    EXPECT_EQ(walk(va + 18 * MB).size, SZ_4K);
    EXPECT_EQ(hw(va + 17 * MB + 0xfffc), DEVPA + 0xfffc);
    EXPECT_EQ(pt_map1(&U, va, DEVPA, 0x2000, DEV), E_BAD_ARG);
    EXPECT_EQ(pt_map1(&U, va + MB / 2, DEVPA, SZ_1M, DEV), E_ALIGN);
    EXPECT_EQ(pt_map1(&U, 0x30000000, DEVPA + SZ_4K, SZ_64K, DEV), E_ALIGN);
    EXPECT_EQ(pt_map1(&U, 0x30000000, 0x1000, SZ_64K, IRQ), 0);  /* pa ignored */
    EXPECT_EQ(pt_map1(&U, va + 5 * MB, DEVPA, SZ_4K, DEV), E_ALREADY_MAPPED);
    EXPECT_EQ(pt_map1(&U, va + 17 * MB + SZ_64K, DEVPA, SZ_4K, DEV), 0);
    EXPECT_EQ(pt_map1(&U, va + 17 * MB, DEVPA, SZ_1M, DEV), E_ALREADY_MAPPED);
    EXPECT_EQ(pt_table_map(&U, 0x31000000, &l2), 0);
    EXPECT_EQ(pt_map1(&U, 0x31000000, DEVPA, SZ_1M, DEV), E_ALREADY_MAPPED);
    EXPECT_EQ(pt_map1(&U, 0x30000000, DEVPA, SZ_16M, DEV), E_ALREADY_MAPPED);
    EXPECT_EQ(pt_table_map(&U, va, &l2), E_ALREADY_MAPPED);
    /* argument errors */
    EXPECT_EQ(pt_map(&U, va, DEVPA, 0, DEV, NULL), E_ALIGN);
    EXPECT_EQ(pt_map(&U, 0x50000800, DEVPA, SZ_4K, DEV, NULL), E_ALIGN);
    EXPECT_EQ(pt_map(&U, 0x50000000, DEVPA, SZ_4K, DEV | ATTR_EXECUTE, NULL),
              E_BAD_ARG);
    EXPECT_EQ(pt_map(&U, 0x50000000, DEVPA, SZ_4K, DEV | ATTR_NOCACHE, NULL),
              E_BAD_ARG);
    EXPECT_EQ(pt_map(&U, 0x50000000, DEVPA, SZ_4K, RW | ATTR_LOCK, NULL),
              E_BAD_ARG);
    EXPECT_EQ(pt_map(&U, 0x7ffff000, DEVPA, 2 * SZ_4K, DEV, NULL), E_RANGE);
    EXPECT_EQ(pt_map(&U, 0x50000000, 0xfffff000, 2 * SZ_4K, DEV, NULL), E_RANGE);
    EXPECT_EQ(pt_map(&U, 0x80000000, DEVPA, SZ_4K, DEV, NULL), E_RANGE);
    EXPECT_EQ(pt_table_map(&U, 0x80000000, &l2), E_RANGE);
    expect_check();
}

/* pt_map_multi with a page size and a longer range: every page of that
 * size, where pt_map would choose larger ones; all or nothing. */
TEST(sized_ranges)
{
    struct pt_root *u = &U;
    struct pmm_stats s0, s1;
    u32 n = 0;
    paddr_t l2;

    setup(16u << 20);
    EXPECT_EQ(pt_map_multi(&u, 1, 0x01000000, DEVPA, 2 * SZ_64K, DEV, SZ_4K, &n), 0);
    EXPECT_EQ(n, 32);
    EXPECT_EQ(walk(0x01000000).size, SZ_4K);
    EXPECT_EQ(walk(0x0101f000).size, SZ_4K);
    EXPECT_EQ(hw(0x0101f010), DEVPA + 0x1f010);
    EXPECT_EQ(pt_map_multi(&u, 1, 0x02000000, DEVPA, 2 * MB, DEV, SZ_64K, &n), 0);
    EXPECT_EQ(n, 512);
    EXPECT_EQ(walk(0x021f0000).size, SZ_64K);
    EXPECT_EQ(pt_map_multi(&u, 1, 0x04000000, DEVPA, 2 * MB, DEV, SZ_1M, &n), 0);
    EXPECT_EQ(n, 2);
    EXPECT_EQ(walk(0x04100000).size, SZ_1M);
    EXPECT_EQ(hw(0x04100010), DEVPA + MB + 0x10);
    /* a length that is not whole pages of the size; a table in the way of
     * the second section: nothing mapped, nothing taken */
    pmm_stats(&s0);
    EXPECT_EQ(pt_map_multi(&u, 1, 0x05000000, DEVPA, SZ_64K + SZ_4K, DEV, SZ_64K, &n), E_ALIGN);
    EXPECT_EQ(pt_map_multi(&u, 1, 0x05000000, DEVPA, 0, DEV, SZ_4K, &n), E_ALIGN);
    EXPECT_EQ(pt_table_map(&U, 0x06100000, &l2), 0);
    pmm_stats(&s1);
    EXPECT_EQ(pt_map_multi(&u, 1, 0x06000000, DEVPA, 2 * MB, DEV, SZ_1M, &n), E_ALREADY_MAPPED);
    EXPECT_EQ(walk(0x06000000).size, 0);
    EXPECT_EQ(walk(0x05000000).size, 0);
    pmm_stats(&s0);
    EXPECT_EQ(s0.free, s1.free);
    expect_check();
}

TEST(existing_table_breaks_big_pages)
{
    paddr_t l2;
    u32 n;

    setup(16u << 20);
    EXPECT_EQ(pt_table_map(&U, 0x02300000, &l2), 0);
    EXPECT_EQ(pt_map(&U, 0x02000000, DEVPA, 16 * MB, DEV, &n), 0);
    EXPECT_EQ(n, 15 + 16 * 16);            /* 15 sections + 16 x 64K */
    EXPECT_EQ(walk(0x02000000).size, SZ_1M);
    EXPECT_EQ(walk(0x02300000).size, SZ_64K);
    EXPECT_EQ(l1e(0x02300000), l2 | 1);
    EXPECT_EQ(hw(0x023ffffc), DEVPA + 0x3ffffc);
    expect_check();
}

/* Access rights through the walker for each attribute set. */
TEST(attributes)
{
    static const u32 sets[] = {
        RW, ATTR_READ, RW | ATTR_PRIVILEGED, ATTR_READ | ATTR_PRIVILEGED,
        RWX, RW | ATTR_NOCACHE, DEV, RW | ATTR_GLOBAL,
    };
    static const u32 sizes[] = { SZ_4K, SZ_64K, SZ_1M, SZ_16M };
    struct arch_fault f;
    u32 r0;

    setup(16u << 20);
    for (u32 s = 0; s < ARRAY_LEN(sizes); s++) {
        for (u32 i = 0; i < ARRAY_LEN(sets); i++) {
            vaddr_t va = 0x10000000 + (s * 8 + i) * SZ_16M;
            u32 a = sets[i];
            bool w = a & ATTR_WRITE, p = a & ATTR_PRIVILEGED;
            EXPECT_EQ(pt_map1(&U, va, DEVPA, sizes[s], a), 0);
            EXPECT_EQ(walk(va).attrs, a);
            EXPECT(hw_ok(va, false, false));
            EXPECT_EQ(hw_ok(va, true, false), !p);
            EXPECT_EQ(hw_ok(va, false, true), w);
            EXPECT_EQ(hw_ok(va, true, true), w && !p);
            EXPECT_EQ(arch_exec(va, &r0, &f) == 0, !!(a & ATTR_EXECUTE));
        }
    }
    expect_check();
}

TEST(unmap_splits_and_restores)
{
    struct pmm_stats s0, s1;
    u32 n;
    vaddr_t va = 0x03000000;

    setup(16u << 20);
    use_up_quarters();
    pmm_stats(&s0);
    EXPECT_EQ(pt_map(&U, va, DEVPA, 16 * MB, DEV, NULL), 0);
    EXPECT_EQ(pt_unmap(&U, va + 5 * MB + 0x3000, 0x2000, &n), 0);
    EXPECT_EQ(n, 0x2000);
    EXPECT_EQ(walk(va).size, SZ_1M);
    EXPECT_EQ(walk(va + 5 * MB).size, SZ_4K);
    EXPECT_EQ(walk(va + 5 * MB + 0x3000).size, 0);
    EXPECT_EQ(walk(va + 5 * MB + 0x5000).size, SZ_4K);
    EXPECT_EQ(hw(va + 5 * MB + 0x3000), ~0u);
    EXPECT_EQ(hw(va + 5 * MB + 0x5000), DEVPA + 5 * MB + 0x5000);
    EXPECT_EQ(hw(va + 15 * MB), DEVPA + 15 * MB);
    pmm_stats(&s1);
    EXPECT_EQ(s1.table, s0.table + 1);
    expect_check();
    /* two ends in different sections: two tables */
    EXPECT_EQ(pt_unmap(&U, va + 7 * MB + SZ_64K, 2 * MB, &n), 0);
    EXPECT_EQ(n, 2 * MB);
    EXPECT_EQ(walk(va + 8 * MB).size, 0);
    EXPECT_EQ(walk(va + 9 * MB + SZ_64K).size, SZ_4K);
    expect_check();
    /* the rest, holes included, gives every table back */
    EXPECT_EQ(pt_unmap(&U, 0, 0x7f000000, &n), 0);
    EXPECT_EQ(n, 16 * MB - 0x2000 - 2 * MB);
    pmm_stats(&s1);
    EXPECT(!memcmp(&s0, &s1, sizeof s0));
    EXPECT_EQ(l1e(va + 5 * MB), 0);
    expect_check();
    /* 64K cut in part; unmap1 takes the page of any size */
    struct pt_entry was;
    EXPECT_EQ(pt_map(&U, 0x100000, DEVPA, SZ_64K, DEV, NULL), 0);
    EXPECT_EQ(pt_unmap(&U, 0x104000, 0x1000, &n), 0);
    EXPECT_EQ(walk(0x100000).size, SZ_4K);
    EXPECT_EQ(walk(0x104000).size, 0);
    EXPECT_EQ(pt_unmap1(&U, 0x108000, &was), 0);
    EXPECT_EQ(was.va, 0x108000);
    EXPECT_EQ(pt_unmap1(&U, 0x108000, &was), E_NOT_MAPPED);
    EXPECT_EQ(pt_map1(&U, 0x01000000, DEVPA, SZ_16M, DEV), 0);
    EXPECT_EQ(pt_unmap1(&U, 0x01234000, &was), 0);
    EXPECT_EQ(was.size, SZ_16M);
    EXPECT_EQ(pt_unmap(&U, 0, 0x7f000000, &n), 0);
    pmm_stats(&s1);
    EXPECT(!memcmp(&s0, &s1, sizeof s0));
    expect_check();
}

TEST(split_each_level)
{
    struct sim_stats s0, s1;

    setup(16u << 20);
    EXPECT_EQ(pt_map1(&U, 0x01000000, DEVPA, SZ_16M, RW | ATTR_NOCACHE), 0);
    EXPECT_EQ(load(0x01345000), 0);            /* cached: must be broken */
    sim_get_stats(&s0);
    EXPECT_EQ(pt_split(&U, 0x01345000), 0);
    sim_get_stats(&s1);
    /* break-before-make; a 16M page is flushed by its ASID (pt_tlb.c) */
    EXPECT_EQ(s1.flush_asid - s0.flush_asid, 1);
    EXPECT_EQ(walk(0x01345000).size, SZ_1M);
    EXPECT_EQ(walk(0x01345000).attrs, RW | ATTR_NOCACHE);
    EXPECT_EQ(pt_split(&U, 0x01345000), 0);
    EXPECT_EQ(walk(0x01345000).size, SZ_4K);
    EXPECT_EQ(walk(0x01345000).pa, DEVPA + 0x345000);
    EXPECT_EQ(pt_split(&U, 0x01345000), E_BAD_ARG);
    EXPECT_EQ(pt_split(&U, 0x00345000), E_NOT_MAPPED);
    EXPECT_EQ(pt_map1(&U, 0x00010000, DEVPA, SZ_64K, DEV), 0);
    EXPECT_EQ(pt_split(&U, 0x00012000), 0);
    EXPECT_EQ(walk(0x0001f000).size, SZ_4K);
    EXPECT_EQ(hw(0x0001f000), DEVPA + 0xf000);
    for (u32 off = 0; off < SZ_16M; off += SZ_64K)
        EXPECT_EQ(hw(0x01000000 + off), DEVPA + off);
    expect_check();
}

TEST(protect)
{
    setup(16u << 20);
    EXPECT_EQ(pt_map(&U, 0x100000, DEVPA, 64 * SZ_4K, RW, NULL), 0);
    EXPECT(hw_ok(0x100000, true, true));
    EXPECT_EQ(pt_protect(&U, 0x104000, 40 * SZ_4K, ATTR_READ), 0);
    EXPECT(!hw_ok(0x104000, true, true));
    EXPECT(hw_ok(0x104000, true, false));
    EXPECT(hw_ok(0x103000, true, true));
    EXPECT(hw_ok(0x12c000, true, true));
    EXPECT_EQ(walk(0x104000).size, SZ_4K);          /* the 64K pages split */
    EXPECT_EQ(walk(0x130000).size, SZ_64K);
    EXPECT_EQ(pt_protect(&U, 0x100000, 65 * SZ_4K, RW), E_NOT_MAPPED);
    EXPECT(!hw_ok(0x104000, true, true));            /* unchanged */
    EXPECT_EQ(pt_protect(&U, 0x100000, SZ_4K, DEV | ATTR_EXECUTE), E_BAD_ARG);
    /* part of a section: split to a table, the rest keeps its rights */
    EXPECT_EQ(pt_map1(&U, 0x00800000, DEVPA, SZ_1M, RWX), 0);
    EXPECT_EQ(pt_protect(&U, 0x00810000, SZ_4K, RW | ATTR_PRIVILEGED), 0);
    EXPECT(!hw_ok(0x00810000, true, false));
    EXPECT(hw_ok(0x00811000, true, true));
    EXPECT_EQ(walk(0x00811000).attrs, RWX);
    EXPECT_EQ(walk(0x00810000).attrs, RW | ATTR_PRIVILEGED);
    /* privileged 4K pages (AP = 01): each is one entry, protected alone */
    EXPECT_EQ(pt_map(&U, 0x00a01000, DEVPA + SZ_4K, 20 * SZ_4K,
                     RW | ATTR_PRIVILEGED, NULL), 0);
    EXPECT_EQ(pt_protect(&U, 0x00a02000, 3 * SZ_4K, ATTR_READ), 0);
    EXPECT_EQ(walk(0x00a01000).attrs, RW | ATTR_PRIVILEGED);
    EXPECT_EQ(walk(0x00a04000).attrs, ATTR_READ);
    EXPECT_EQ(walk(0x00a05000).attrs, RW | ATTR_PRIVILEGED);
    EXPECT(hw_ok(0x00a05000, false, true));
    EXPECT(!hw_ok(0x00a04000, false, true));
    EXPECT_EQ(pt_unmap(&U, 0x00a03000, 2 * SZ_4K, NULL), 0);
    EXPECT_EQ(walk(0x00a05000).size, SZ_4K);
    /* markers take the attributes and stay markers */
    EXPECT_EQ(pt_map(&U, 0x00900000, 0, SZ_64K, IRQ, NULL), 0);
    EXPECT_EQ(pt_protect(&U, 0x00900000, SZ_64K, ATTR_READ | ATTR_GLOBAL), 0);
    EXPECT_EQ(walk(0x00900000).attrs, ATTR_READ | ATTR_GLOBAL | ATTR_INTERRUPT);
    expect_check();
}

/* pt_all_mapped reads each page as pt_walk does: a table's 4K pages one
 * entry at a time, any other page to its end; a hole anywhere, or a
 * range leaving the span, is E_NOT_MAPPED. */
TEST(all_mapped)
{
    setup(16u << 20);
    EXPECT_EQ(pt_map1(&U, 0x01000000, DEVPA, SZ_16M, DEV), 0);
    EXPECT_EQ(pt_map1(&U, 0x02000000, DEVPA, SZ_1M, DEV), 0);
    EXPECT_EQ(pt_map1(&U, 0x02100000, DEVPA, SZ_64K, DEV), 0);
    EXPECT_EQ(pt_map1(&U, 0x02110000, 0, SZ_4K, IRQ), 0);      /* a 4K marker */
    EXPECT_EQ(pt_map(&U, 0x02111000, DEVPA, 2 * SZ_4K, DEV, NULL), 0);
    EXPECT_EQ(pt_map(&U, 0x02114000, DEVPA, SZ_4K, DEV, NULL), 0);  /* hole before */
    EXPECT_EQ(pt_all_mapped(&U, 0x01000000, 0x02113000), 0);
    EXPECT_EQ(pt_all_mapped(&U, 0x01800000, 0x02108000), 0);  /* inside pages */
    EXPECT_EQ(pt_all_mapped(&U, 0x02113000, 0x02113000), 0);  /* empty */
    EXPECT_EQ(pt_all_mapped(&U, 0x02104000, 0x02114000), E_NOT_MAPPED);  /* after the marker */
    EXPECT_EQ(pt_all_mapped(&U, 0x02112000, 0x02115000), E_NOT_MAPPED);  /* between 4K pages */
    EXPECT_EQ(pt_map1(&U, 0x03000000, DEVPA, SZ_1M, DEV), 0);
    EXPECT_EQ(pt_map1(&U, 0x03200000, DEVPA, SZ_1M, DEV), 0);
    EXPECT_EQ(pt_all_mapped(&U, 0x03000000, 0x03300000), E_NOT_MAPPED);  /* an empty MB */
    EXPECT_EQ(pt_map(&U, USER_TOP - SZ_4K, DEVPA, SZ_4K, DEV, NULL), 0);
    EXPECT_EQ(pt_all_mapped(&U, USER_TOP - SZ_4K, USER_TOP), 0);
    EXPECT_EQ(pt_all_mapped(&U, USER_TOP - SZ_4K, (u64)USER_TOP + SZ_4K), E_NOT_MAPPED);
    EXPECT_EQ(pt_all_mapped(&K, KERNEL_BASE, KERNEL_BASE + SZ_4K), 0);
    EXPECT_EQ(pt_all_mapped(&K, KERNEL_BASE - SZ_4K, KERNEL_BASE + SZ_4K), E_NOT_MAPPED);
    expect_check();
}

/* pt_hole_end: va's own entry and the zero entries after it in its
 * table; a page or a marker ends the run, so does a table's region, the
 * span's end (64 bits for the kernel's), and outside the span one page. */
TEST(hole_end)
{
    setup(16u << 20);
    EXPECT_EQ(pt_map(&U, 0x02105000, DEVPA, SZ_4K, DEV, NULL), 0);
    EXPECT_EQ(pt_map1(&U, 0x02107000, 0, SZ_4K, IRQ), 0);
    EXPECT_EQ(pt_map(&U, 0x02108000, DEVPA, SZ_4K, DEV, NULL), 0);
    EXPECT_EQ(pt_map1(&U, 0x02400000, DEVPA, SZ_1M, DEV), 0);
    EXPECT_EQ(pt_hole_end(&U, 0x02100000), 0x02105000);
    EXPECT_EQ(pt_hole_end(&U, 0x02106000), 0x02107000);        /* the marker */
    EXPECT_EQ(pt_hole_end(&U, 0x02109000), 0x02200000);        /* the table's end */
    EXPECT_EQ(pt_hole_end(&U, 0x02234000), 0x02400000);        /* empty MBs */
    EXPECT_EQ(pt_hole_end(&U, 0x02300000), 0x02400000);
    EXPECT_EQ(pt_hole_end(&U, 0x02500000), USER_TOP);
    EXPECT_EQ(pt_hole_end(&K, 0x1000), 0x2000);                /* outside span */
    EXPECT_EQ(pt_hole_end(&K, VECTORS_VA + SZ_4K), 0x100000000ull);
    expect_check();
}

/* next_nz_scan passes empty entries 64 at a time: an entry at any place
 * of a block (a 1M section at each L1 index of the first two blocks and
 * the entries around them) ends the hole there. */
TEST(hole_end_every_place_of_a_block)
{
    struct pt_entry was;
    setup(16u << 20);
    for (u32 m = 1; m < 144; m++) {
        EXPECT_EQ(pt_map1(&U, m * MB, DEVPA, SZ_1M, DEV), 0);
        EXPECT_EQ(pt_hole_end(&U, 0), (u64)m * MB);
        EXPECT_EQ(pt_unmap1(&U, m * MB, &was), 0);
    }
    expect_check();
}

/* pt_global_runs: consecutive global pages of any size (a marker too) in
 * one run, across tables and L1 entries; a private page or a hole ends
 * it; runs are clipped to the range, one that starts inside a 64K page
 * too. */
static u64 runs[8][2];
static u32 nruns;
static void run_seen(void *ctx, vaddr_t a, u64 b)
{
    (void)ctx;
    if (nruns < 8) {
        runs[nruns][0] = a;
        runs[nruns][1] = b;
    }
    nruns++;
}

static void expect_runs(vaddr_t lo, u64 hi, u32 n, const u64 (*want)[2])
{
    nruns = 0;
    pt_global_runs(&U, lo, hi, run_seen, NULL);
    EXPECT_EQ(nruns, n);
    for (u32 i = 0; i < n && i < nruns; i++) {
        EXPECT_EQ(runs[i][0], want[i][0]);
        EXPECT_EQ(runs[i][1], want[i][1]);
    }
}

TEST(global_runs)
{
    const u32 G = DEV | ATTR_GLOBAL;
    static const u64 whole[4][2] = {
        { 0x01000000, 0x01003000 }, { 0x01004000, 0x01005000 },
        { 0x01010000, 0x01022000 }, { 0x01100000, 0x01301000 } };
    static const u64 clipped[4][2] = {
        { 0x01001000, 0x01003000 }, { 0x01004000, 0x01005000 },
        { 0x01010000, 0x01022000 }, { 0x01100000, 0x01300000 } };
    static const u64 inside[1][2] = { { 0x01018000, 0x01019000 } };

    setup(16u << 20);
    EXPECT_EQ(pt_map(&U, 0x01000000, DEVPA, 3 * SZ_4K, G, NULL), 0);
    EXPECT_EQ(pt_map(&U, 0x01003000, DEVPA, SZ_4K, DEV, NULL), 0);     /* private */
    EXPECT_EQ(pt_map(&U, 0x01004000, DEVPA, SZ_4K, G, NULL), 0);
    EXPECT_EQ(pt_map1(&U, 0x01010000, DEVPA, SZ_64K, G), 0);           /* after a hole */
    EXPECT_EQ(pt_map(&U, 0x01020000, DEVPA, SZ_4K, G, NULL), 0);
    EXPECT_EQ(pt_map1(&U, 0x01021000, 0, SZ_4K, IRQ | ATTR_GLOBAL), 0);
    EXPECT_EQ(pt_map1(&U, 0x01100000, DEVPA, SZ_1M, G), 0);
    EXPECT_EQ(pt_map1(&U, 0x01200000, DEVPA, SZ_1M, G), 0);
    EXPECT_EQ(pt_map(&U, 0x01300000, DEVPA, SZ_4K, G, NULL), 0);
    expect_runs(0x01000000, 0x01400000, 4, whole);
    expect_runs(0x01001000, 0x01300000, 4, clipped);
    expect_runs(0x01018000, 0x01019000, 1, inside);
    expect_check();
}

TEST(interrupt_markers)
{
    u32 n, d;

    setup(16u << 20);
    EXPECT_EQ(pt_map(&U, 0x01000000, 0x5000, 16 * MB + SZ_64K + SZ_4K, IRQ, &n), 0);
    EXPECT_EQ(n, 16 + 16 + 1);
    d = l1e(0x01000000);
    EXPECT_EQ(d & 3, 0);
    EXPECT_EQ(d >> 28, 0xa);
    EXPECT_EQ((d >> 24) & 3, 3);
    EXPECT_EQ((d >> 2) & 0xfff, IRQ);
    EXPECT_EQ(walk(0x01800000).pa, 0);
    EXPECT_EQ(walk(0x01800000).size, SZ_16M);
    EXPECT_EQ(walk(0x02000000).size, SZ_64K);
    EXPECT_EQ(walk(0x02010000).size, SZ_4K);
    EXPECT_EQ(walk(0x02010000).attrs, IRQ);
    EXPECT_EQ(hw(0x01000000), ~0u);
    EXPECT_EQ(hw(0x02010000), ~0u);
    EXPECT_EQ(pt_map(&U, 0x02010000, DEVPA, SZ_4K, DEV, NULL), E_ALREADY_MAPPED);
    EXPECT_EQ(pt_unmap(&U, 0x01234000, SZ_4K, &n), 0);   /* split markers */
    EXPECT_EQ(n, SZ_4K);
    EXPECT_EQ(walk(0x01235000).size, SZ_4K);
    EXPECT_EQ(walk(0x01300000).size, SZ_1M);
    expect_check();
}

TEST(l2_quarters_share_pages)
{
    struct pmm_stats s0, s1;
    paddr_t l2[6];
    u32 n;

    setup(16u << 20);
    pmm_stats(&s0);
    for (u32 i = 0; i < 6; i++) {
        EXPECT_EQ(pt_map(&U, i * MB, DEVPA, SZ_4K, DEV, NULL), 0);
        l2[i] = l1e(i * MB) & ~0x3ffu;
    }
    pmm_stats(&s1);
    EXPECT_EQ(s1.table - s0.table, 1);          /* 3 fit the vectors' page */
    EXPECT_EQ(l2[1] >> 12, l2[0] >> 12);
    EXPECT_EQ(l2[5] >> 12, l2[3] >> 12);
    EXPECT_EQ(pmm_page(l2[3])->l2_used, 0x7);
    EXPECT_EQ(pt_unmap(&U, 4 * MB, 2 * MB, &n), 0);
    pmm_stats(&s1);
    EXPECT_EQ(s1.table, s0.table + 1);          /* table 3 holds it */
    EXPECT_EQ(pt_unmap(&U, 3 * MB, MB, &n), 0);
    pmm_stats(&s1);
    EXPECT_EQ(s1.table, s0.table);              /* that page went back */
    EXPECT_EQ(pt_unmap(&U, 0, MB, &n), 0);
    EXPECT_EQ(pt_map(&U, 9 * MB, DEVPA, SZ_4K, DEV, NULL), 0);
    EXPECT_EQ(l1e(9 * MB) & ~0x3ffu, l2[0]);    /* the free quarter reused */
    /* pt_table_map'd tables stay empty until pt_table_unmap */
    paddr_t t;
    EXPECT_EQ(pt_table_map(&U, 20 * MB, &t), 0);
    EXPECT_EQ(pt_unmap(&U, 20 * MB, MB, &n), 0);
    EXPECT_EQ(n, 0);
    EXPECT_EQ(l1e(20 * MB), t | 1);
    EXPECT_EQ(pt_table_unmap(&U, 20 * MB + 5, &n), 0);
    EXPECT_EQ(l1e(20 * MB), 0);
    EXPECT_EQ(pt_table_unmap(&U, 20 * MB, &n), E_NOT_MAPPED);
    EXPECT_EQ(pt_table_map(&U, 21 * MB, &t), 0);
    EXPECT_EQ(pt_map(&U, 21 * MB, DEVPA, 3 * SZ_4K, DEV, NULL), 0);
    EXPECT_EQ(pt_table_unmap(&U, 21 * MB, &n), 0);
    EXPECT_EQ(n, 3 * SZ_4K);
    EXPECT_EQ(pt_unmap(&U, 0, USER_TOP, &n), 0);
    pmm_stats(&s1);
    EXPECT(!memcmp(&s0, &s1, sizeof s0));
    expect_check();
}

/* While a reserve is held (pt_reserve .. pt_release: a change to global
 * pages in every space), a table page an unmap empties stays on the list:
 * the reserve may have counted its free quarters, and what it was taken
 * for must not fail. (A global unmap emptied the other spaces' tables,
 * their page went back, the requesting space's split found no table and,
 * under `fail nomem`, no page: vg_change panicked; the fuzz smoke found
 * it.) At pt_release the page goes back if it is still empty. */
TEST(held_reserve_keeps_an_emptied_table_page)
{
    struct pmm_stats s0, s1;
    u32 n;

    setup(16u << 20);
    for (u32 i = 0; i < 4; i++)                 /* 3 fit the vectors' page, */
        EXPECT_EQ(pt_map(&U, i * MB, DEVPA, SZ_4K, DEV, NULL), 0);
    pmm_stats(&s0);                             /* the 4th has a page alone */
    EXPECT_EQ(pt_reserve(3), 0);                /* its 3 free quarters */
    pmm_stats(&s1);
    EXPECT_EQ(s1.table, s0.table);              /* no page taken */
    EXPECT_EQ(pt_unmap(&U, 3 * MB, MB, &n), 0); /* empties that page */
    pmm_fail_nomem(1);                          /* no page from now on */
    for (u32 i = 10; i < 13; i++)
        EXPECT_EQ(pt_map(&U, i * MB, DEVPA, SZ_4K, DEV, NULL), 0);
    EXPECT_EQ(pmm_fail_pending(), 1);           /* none was asked for */
    pmm_fail_nomem(0);
    pt_release();
    pmm_stats(&s1);
    EXPECT_EQ(s1.table, s0.table);
    expect_check();
    /* emptied under a reserve and not used: back at pt_release */
    EXPECT_EQ(pt_unmap(&U, 10 * MB, 3 * MB, &n), 0);
    EXPECT_EQ(pt_map(&U, 3 * MB, DEVPA, SZ_4K, DEV, NULL), 0);
    EXPECT_EQ(pt_reserve(1), 0);
    EXPECT_EQ(pt_unmap(&U, 3 * MB, MB, &n), 0);
    pmm_stats(&s1);
    EXPECT_EQ(s1.table, s0.table);              /* kept while held */
    pt_release();
    pmm_stats(&s1);
    EXPECT_EQ(s1.table, s0.table - 1);
    expect_check();
}

TEST(frames_and_destroy)
{
    struct pmm_stats s0, s1;
    paddr_t f, g;
    u32 freed = 0, n;

    setup(16u << 20);
    use_up_quarters();
    EXPECT_EQ(pmm_alloc(32, SZ_64K, PG_FRAME, &f), 0);
    EXPECT_EQ(pmm_alloc(1, SZ_4K, PG_GROWN, &g), 0);
    pmm_stats(&s0);
    EXPECT_EQ(pt_map(&U, 0x00200000, f, 32 * SZ_4K, RW, NULL), 0);
    EXPECT_EQ(pt_map(&U, 0x00400000, f, 2 * SZ_4K, RW, NULL), 0);
    EXPECT_EQ(pt_map(&U, 0x00500000, g, SZ_4K, RW, NULL), 0);
    EXPECT_EQ(pmm_page(f)->mapcount, 2);
    EXPECT_EQ(pmm_page(f + 31 * SZ_4K)->mapcount, 1);
    EXPECT_EQ(pmm_free(f, 1, PG_FRAME), E_BUSY);
    *ram32(f + 0x10) = 0xfeed;
    EXPECT_EQ(load(0x00400010), 0xfeed);
    expect_check();
    EXPECT_EQ(pt_unmap(&U, 0x00400000, SZ_4K, &n), 0);
    EXPECT_EQ(pmm_page(f)->mapcount, 1);
    pt_destroy(&U, &freed);
    pmm_stats(&s1);
    EXPECT_EQ(pmm_page(f)->mapcount, 0);
    EXPECT_EQ(pmm_page(g)->use, PG_FREE);       /* grown: freed at unmap */
    EXPECT_EQ(s1.free, s0.free + 1 + 1);        /* use_up's page, g */
    EXPECT_EQ(freed, 2 + 1);                    /* + the page of ours */
    EXPECT_EQ(hw(0x00200000), ~0u);
    EXPECT_EQ(load(0x00400010), ~0u);
    expect_check();
}

struct visit_ctx { u32 n, sizes; vaddr_t first; };

static int visit(const struct pt_entry *e, void *ctx)
{
    struct visit_ctx *c = ctx;

    if (!c->n++)
        c->first = e->va;
    c->sizes += e->size;
    return 0;
}

TEST(usage_and_for_each)
{
    u32 tables, bytes;

    setup(16u << 20);
    EXPECT_EQ(pt_map(&U, 0x01000000, DEVPA, 16 * MB + SZ_64K + SZ_4K, DEV, NULL), 0);
    EXPECT_EQ(pt_map(&U, 0x03000000, 0, SZ_4K, IRQ, NULL), 0);
    pt_usage(&U, &tables, &bytes);
    EXPECT_EQ(tables, 2);
    EXPECT_EQ(bytes, 16 * MB + SZ_64K + 2 * SZ_4K);
    struct visit_ctx c = { 0, 0, 0 };
    EXPECT_EQ(pt_for_each(&U, 0x01800000, 0, visit, &c), 0);
    EXPECT_EQ(c.n, 4);
    EXPECT_EQ(c.first, 0x01000000);          /* overlapping page included */
    EXPECT_EQ(c.sizes, bytes);
}

/* A walk from the start of a root that keeps counts ends once they are
 * used up, and not before: a section and a supersection after the last
 * table are still pages of it. */
TEST(for_each_counted)
{
    struct pt_count n = { 0, 0 };
    struct visit_ctx c = { 0, 0, 0 };

    setup(16u << 20);
    U.count = &n;                        /* zero over a zeroed L1 */
    EXPECT_EQ(pt_map(&U, 0x01000000, DEVPA, SZ_64K + SZ_4K, DEV, NULL), 0);
    EXPECT_EQ(pt_map1(&U, 0x02000000, DEVPA, SZ_1M, DEV), 0);
    EXPECT_EQ(pt_map1(&U, 0x03000000, DEVPA, SZ_16M, DEV), 0);
    EXPECT_EQ(pt_for_each(&U, 0, 0, visit, &c), 0);
    EXPECT_EQ(c.n, 4);
    EXPECT_EQ(c.sizes, SZ_64K + SZ_4K + SZ_1M + SZ_16M);
    expect_check();
}

TEST(check_finds_corruption)
{
    u32 t = 0, m = 0, *e;
    const char *what = NULL;

    setup(16u << 20);
    EXPECT_EQ(pt_map(&U, 0x100000, DEVPA, SZ_64K, DEV, NULL), 0);
    e = ram32(l1e(0x100000) & ~0x3ffu);
    e[3] ^= 0x10;                               /* one replica differs */
    EXPECT_EQ(pt_check(&U, &t, &m, &what), E_CORRUPT);
    EXPECT(what && !strcmp(what, "replicas_differ"));
    e[3] ^= 0x10;
    e[20] = e[0];                               /* a stray entry: count */
    EXPECT_EQ(pt_check(&U, &t, &m, &what), E_CORRUPT);
    e[20] = 0;
    ram32(U.l1)[7] = 0x00000003;                /* PXN section: not ours */
    EXPECT_EQ(pt_check(&U, &t, &m, &what), E_CORRUPT);
    ram32(U.l1)[7] = l1e(0x100000);             /* one table, two refs */
    EXPECT_EQ(pt_check(&U, &t, &m, &what), E_CORRUPT);
    EXPECT(what && !strcmp(what, "l2_shared"));
    ram32(U.l1)[7] = 0;
    expect_check();                             /* marks were cleared */
}

/* A 4K page's own rules: its RAM frame held (a frame, with a mapping
 * reference; device space holds none), and global in the kernel's root.
 * Each broken in turn: the 4K page read quickly and the 64K page read in
 * full break them alike. */
TEST(check_finds_a_frame_not_held_and_a_private_kernel_page)
{
    u32 t = 0, m = 0, *e;
    const char *what = NULL;
    paddr_t f;

    setup(16u << 20);
    EXPECT_EQ(pmm_alloc(32, SZ_64K, PG_FRAME, &f), 0);
    EXPECT_EQ(pt_map(&U, 0x00200000, f + 0x10000, SZ_4K, RW, NULL), 0);
    EXPECT_EQ(pt_map(&U, 0x00300000, f, SZ_64K, RW, NULL), 0);
    expect_check();
    pmm_page(f + 0x10000)->mapcount = 0;       /* mapped, no reference */
    EXPECT_EQ(pt_check(&U, &t, &m, &what), E_CORRUPT);
    EXPECT(what && !strcmp(what, "frame_not_held"));
    pmm_page(f + 0x10000)->mapcount = 1;
    pmm_page(f + 0x10000)->use = PG_TABLE;     /* mapped, not a frame */
    EXPECT_EQ(pt_check(&U, &t, &m, &what), E_CORRUPT);
    EXPECT(what && !strcmp(what, "frame_not_held"));
    pmm_page(f + 0x10000)->use = PG_FRAME;
    pmm_page(f + SZ_4K)->mapcount = 0;         /* the 64K page's second */
    EXPECT_EQ(pt_check(&U, &t, &m, &what), E_CORRUPT);
    EXPECT(what && !strcmp(what, "frame_not_held"));
    pmm_page(f + SZ_4K)->mapcount = 1;
    expect_check();
    /* the kernel's vector page made private */
    e = ram32(ram32(K.l1)[VECTORS_VA >> 20] & ~0x3ffu) + ((VECTORS_VA >> 12) & 0xff);
    *e |= 1u << 11;
    EXPECT_EQ(pt_check(&K, &t, &m, &what), E_CORRUPT);
    EXPECT(what && !strcmp(what, "kernel_not_global"));
    *e &= ~(1u << 11);
    expect_check();
}

int main(void)
{
    RUN(kernel_table);
    RUN(size_choice);
    RUN(map1_and_errors);
    RUN(sized_ranges);
    RUN(existing_table_breaks_big_pages);
    RUN(attributes);
    RUN(unmap_splits_and_restores);
    RUN(split_each_level);
    RUN(protect);
    RUN(all_mapped);
    RUN(hole_end);
    RUN(hole_end_every_place_of_a_block);
    RUN(global_runs);
    RUN(interrupt_markers);
    RUN(l2_quarters_share_pages);
    RUN(held_reserve_keeps_an_emptied_table_page);
    RUN(frames_and_destroy);
    RUN(usage_and_for_each);
    RUN(for_each_counted);
    RUN(check_finds_corruption);
    RUN(check_finds_a_frame_not_held_and_a_private_kernel_page);
    return unit_report();
}
