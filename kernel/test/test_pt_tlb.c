/*
 * test_pt_tlb.c: the pagetable module's promises about what it leaves behind: an
 * error changes nothing (all of RAM compared), an allocation failing at
 * every step of a sequence is harmless, the simulator's TLB never serves
 * a stale translation, flushes are as narrow as pagetable.h says; and how
 * fast 4K map+unmap and a 1 GiB map are.
 */
#include "fixture.h"

/* ---- rollback ---------------------------------------------------------- */

TEST(errors_change_nothing)
{
    struct snap s;
    u32 n;

    setup(16u << 20);
    EXPECT_EQ(pt_map(&U, 0x00500000, DEVPA, 3 * SZ_4K, DEV, NULL), 0);
    EXPECT_EQ(pt_map1(&U, 0x02000000, DEVPA, SZ_16M, DEV), 0);
    EXPECT_EQ(load(0x00500000), load(0x00500000));   /* fill the TLB */
    use_up_quarters();
    snap_take(&s);                              /* last page in the way */
    EXPECT_EQ(pt_map(&U, 0x00101000, DEVPA, 0x402000, DEV, NULL), E_ALREADY_MAPPED);
    EXPECT(snap_same(&s));
    for (u32 k = 1; k <= 3; k++) {              /* each table allocation */
        snap_take(&s);
        pmm_fail_nomem(k);
        EXPECT_EQ(pt_map(&U, 0x10001000, DEVPA, 12 * MB, DEV, NULL), E_NO_MEMORY);
        EXPECT(snap_same(&s));
    }
    snap_take(&s);
    pmm_fail_nomem(1);
    EXPECT_EQ(pt_unmap(&U, 0x02345000, SZ_4K, &n), E_NO_MEMORY);
    EXPECT(snap_same(&s));
    snap_take(&s);
    pmm_fail_nomem(1);
    EXPECT_EQ(pt_protect(&U, 0x02345000, SZ_4K, ATTR_READ), E_NO_MEMORY);
    EXPECT(snap_same(&s));
    snap_take(&s);
    EXPECT_EQ(pt_protect(&U, 0x02fff000, 2 * SZ_4K, ATTR_READ), E_NOT_MAPPED);
    EXPECT(snap_same(&s));
    /* a frame reference that would overflow, after the table was had */
    paddr_t f;
    EXPECT_EQ(pmm_alloc(1, SZ_4K, PG_FRAME, &f), 0);
    for (u32 i = 0; i < 0xffff; i++)
        pmm_frames_get(f, SZ_4K);
    snap_take(&s);
    EXPECT_EQ(pt_map(&U, 0x05000000, f, SZ_4K, RW, NULL), E_NO_MEMORY);
    EXPECT(snap_same(&s));
    pmm_frames_put(f, SZ_4K);
    EXPECT_EQ(pt_map(&U, 0x05000000, f, SZ_4K, RW, NULL), 0);
    pmm_fail_nomem(0);
    expect_check();
}

/* A sequence of steps with a table allocation failing at every n: each
 * failing step changes nothing, and retried it succeeds. */
static int seq_step(int i)
{
    u32 n;
    paddr_t l2;

    switch (i) {
    case 0: return pt_map(&U, 0x00101000, DEVPA + 0x1000, 5 * MB, DEV, NULL);
    case 1: return pt_map1(&U, 0x02000000, DEVPA, SZ_16M, RW);
    case 2: return pt_unmap(&U, 0x02345000, 0x3000, &n);
    case 3: return pt_protect(&U, 0x02810000, 0x20000, ATTR_READ);
    case 4: return pt_map(&U, 0x03000000, 0, 3 * MB + SZ_4K, IRQ, NULL);
    case 5: return pt_table_map(&U, 0x04000000, &l2);
    case 6: return pt_split(&U, 0x03100000);
    case 7: return pt_unmap(&U, 0x02a10000, 6 * MB, &n);
    default: return -100;
    }
}

TEST(fail_nomem_every_n)
{
    struct pmm_stats ref, got;
    u32 ref_tables, ref_bytes, tables, bytes, fails, allocs;

    setup(16u << 20);
    pmm_fail_nomem(1000);
    for (int i = 0; seq_step(i) != -100; i++)
        ;
    allocs = 1000 - pmm_fail_pending();
    EXPECT(allocs >= 2);
    pmm_fail_nomem(0);
    pmm_stats(&ref);
    pt_usage(&U, &ref_tables, &ref_bytes);
    for (u32 n = 1; n <= allocs + 1; n++) {
        setup(16u << 20);
        pmm_fail_nomem(n);
        fails = 0;
        for (int i = 0; i < 8; i++) {
            struct snap s;
            snap_take(&s);
            int rc = seq_step(i);
            if (rc) {
                fails++;
                EXPECT_EQ(rc, E_NO_MEMORY);
                EXPECT(snap_same(&s));
                rc = seq_step(i);
            }
            EXPECT_EQ(rc, 0);
        }
        EXPECT_EQ(fails, n <= allocs ? 1 : 0);
        pmm_fail_nomem(0);
        pmm_stats(&got);
        pt_usage(&U, &tables, &bytes);
        EXPECT(!memcmp(&ref, &got, sizeof ref));
        EXPECT_EQ(tables, ref_tables);
        EXPECT_EQ(bytes, ref_bytes);
        expect_check();
    }
}

/* ---- the TLB ---------------------------------------------------------------- */

TEST(stale_tlb)
{
    paddr_t a, b, m;
    u32 n;
    struct arch_fault f;

    setup(16u << 20);
    EXPECT_EQ(pmm_alloc(1, SZ_4K, PG_FRAME, &a), 0);
    EXPECT_EQ(pmm_alloc(1, SZ_4K, PG_FRAME, &b), 0);
    *ram32(a) = 0xaaaa;
    *ram32(b) = 0xbbbb;
    /* map A, load, unmap, map B at the same VA: B's data */
    EXPECT_EQ(pt_map(&U, 0x00400000, a, SZ_4K, RW, NULL), 0);
    EXPECT_EQ(load(0x00400000), 0xaaaa);
    EXPECT_EQ(pt_unmap(&U, 0x00400000, SZ_4K, &n), 0);
    EXPECT_EQ(load(0x00400000), ~0u);
    EXPECT_EQ(pt_map(&U, 0x00400000, b, SZ_4K, RW, NULL), 0);
    EXPECT_EQ(load(0x00400000), 0xbbbb);
    /* the same, global: flushed in every ASID */
    EXPECT_EQ(pt_map(&U, 0x00500000, a, SZ_4K, RW | ATTR_GLOBAL, NULL), 0);
    EXPECT_EQ(load(0x00500000), 0xaaaa);
    EXPECT_EQ(pt_unmap1(&U, 0x00500000, NULL), 0);
    EXPECT_EQ(pt_map(&U, 0x00500000, b, SZ_4K, RW | ATTR_GLOBAL, NULL), 0);
    EXPECT_EQ(load(0x00500000), 0xbbbb);
    struct sim_stats s0, s1;
    sim_get_stats(&s0);
    EXPECT_EQ(pt_unmap(&U, 0x00500000, SZ_4K, &n), 0);
    sim_get_stats(&s1);
    EXPECT_EQ(s1.flush_va_all_asids - s0.flush_va_all_asids, 1);
    EXPECT_EQ(pt_map(&U, 0x00500000, b, SZ_4K, RW | ATTR_GLOBAL, NULL), 0);
    /* protect: a cached writable entry must not survive */
    EXPECT_EQ(arch_store32(0x00400000, 1, true, &f), 0);
    EXPECT_EQ(pt_protect(&U, 0x00400000, SZ_4K, ATTR_READ), 0);
    EXPECT_EQ(arch_store32(0x00400000, 2, true, &f), E_FAULT);
    /* a section split under a cached entry; a page cut out of it */
    EXPECT_EQ(pmm_alloc(256, SZ_1M, PG_FRAME, &m), 0);
    *ram32(m + 0x5000) = 0x5555;
    *ram32(m + 0x6000) = 0x6666;
    EXPECT_EQ(pt_map1(&U, 0x00800000, m, SZ_1M, RW), E_OK);
    EXPECT_EQ(load(0x00805000), 0x5555);
    EXPECT_EQ(pt_unmap(&U, 0x00805000, SZ_4K, &n), 0);
    EXPECT_EQ(load(0x00805000), ~0u);
    EXPECT_EQ(load(0x00806000), 0x6666);
    /* a freed table whose walk is cached, then a section over it */
    EXPECT_EQ(pt_map(&U, 0x00c00000, a, SZ_4K, RW, NULL), 0);
    EXPECT_EQ(load(0x00c00000), 0xaaaa);
    EXPECT_EQ(pt_unmap(&U, 0x00c00000, SZ_4K, &n), 0);
    EXPECT_EQ(pt_map1(&U, 0x00c00000, m, SZ_1M, RW), 0);
    EXPECT_EQ(load(0x00c06000), 0x6666);
    /* an empty table: only the walk cache knows it; freed, then a section */
    paddr_t t;
    EXPECT_EQ(pt_table_map(&U, 0x00d00000, &t), 0);
    EXPECT_EQ(load(0x00d06000), ~0u);          /* walks (and caches) it */
    EXPECT_EQ(pt_table_unmap(&U, 0x00d00000, &n), 0);
    EXPECT_EQ(pt_map1(&U, 0x00d00000, m, SZ_1M, RW), 0);
    EXPECT_EQ(load(0x00d06000), 0x6666);
    expect_check();
}

TEST(stale_tlb_many_pages)
{
    paddr_t f;
    u32 n, pages = 64;
    struct sim_stats s0, s1;

    setup(16u << 20);
    EXPECT_EQ(pmm_alloc(2 * pages, SZ_4K, PG_FRAME, &f), 0);
    for (u32 i = 0; i < 2 * pages; i++)
        *ram32(f + i * SZ_4K) = i;
    /* 4K pages of run 1, all loaded (TLB of 64) */
    EXPECT_EQ(pt_map(&U, 0x01001000, f + SZ_4K, (pages - 1) * SZ_4K, RW, NULL), 0);
    for (u32 i = 1; i < pages; i++)
        EXPECT_EQ(load(0x01000000 + i * SZ_4K), i);
    sim_get_stats(&s0);
    EXPECT_EQ(pt_unmap(&U, 0x01000000, pages * SZ_4K, &n), 0);
    sim_get_stats(&s1);
    EXPECT_EQ(s1.flush_asid - s0.flush_asid, 1);   /* > PT_TLB_VA_MAX */
    EXPECT_EQ(s1.flush_va - s0.flush_va, 0);       /* table: ASID-wide too */
    EXPECT_EQ(pt_map(&U, 0x01000000, f + pages * SZ_4K, pages * SZ_4K, RW, NULL), 0);
    for (u32 i = 1; i < pages; i++)
        EXPECT_EQ(load(0x01000000 + i * SZ_4K), pages + i);
    /* few pages: by VA; invalid -> valid: nothing */
    sim_get_stats(&s0);
    EXPECT_EQ(pt_unmap(&U, 0x01000000, 3 * SZ_4K, &n), 0);
    EXPECT_EQ(pt_map(&U, 0x01000000, f, 3 * SZ_4K, RW, NULL), 0);
    sim_get_stats(&s1);
    EXPECT_EQ(s1.flush_va - s0.flush_va, 3);
    EXPECT_EQ(s1.flush_asid + s1.flush_all - s0.flush_asid - s0.flush_all, 0);
    /* a root with no ASID is never flushed */
    U.asid = 0;
    sim_get_stats(&s0);
    EXPECT_EQ(pt_unmap(&U, 0x01000000, 3 * SZ_4K, &n), 0);
    sim_get_stats(&s1);
    EXPECT_EQ(s1.flush_va, s0.flush_va);
    U.asid = 1;
    expect_check();
}

/* ---- speed --------------------------------------------------------------- */

TEST(speed)
{
    u32 n, rounds = 20, len = 256 * MB;
    double t0, t;
    struct pmm_stats s0, s1;

    setup(256u << 20);
    pmm_stats(&s0);
    t0 = now_ns();
    for (u32 r = 0; r < rounds; r++) {        /* pa off by 4K: all 4K pages */
        EXPECT_EQ(pt_map(&U, 0x10000000, DEVPA + SZ_4K, len, DEV, &n), 0);
        EXPECT_EQ(pt_unmap(&U, 0x10000000, len, &n), 0);
    }
    t = (now_ns() - t0) / rounds / (len / SZ_4K);
    printf("  4K map+unmap: %.2f ns/page\n", t);
    pmm_stats(&s1);
    EXPECT(!memcmp(&s0, &s1, sizeof s0));
    rounds = 1000;
    t0 = now_ns();
    for (u32 r = 0; r < rounds; r++) {
        EXPECT_EQ(pt_map(&U, 0x40000000, DEVPA, 0x40000000, DEV, &n), 0);
        EXPECT_EQ(pt_unmap(&U, 0x40000000, 0x40000000, &n), 0);
    }
    t = (now_ns() - t0) / rounds;
    printf("  1 GiB map+unmap (64 supersections): %.2f us\n", t / 1e3);
    t0 = now_ns();
    EXPECT_EQ(pt_map(&U, 0x40000000, DEVPA, 0x40000000, DEV, &n), 0);
    printf("  1 GiB map alone: %.2f us (%u entries)\n", (now_ns() - t0) / 1e3, n);
    expect_check();
}

int main(void)
{
    RUN(errors_change_nothing);
    RUN(fail_nomem_every_n);
    RUN(stale_tlb);
    RUN(stale_tlb_many_pages);
    RUN(speed);
    return unit_report();
}
