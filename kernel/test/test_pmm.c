/*
 * test_pmm.c: the physical page allocator on the host simulator's RAM.
 */
#include <string.h>
#include <time.h>
#include "unit.h"
#include "sim.h"
#include "mm.h"
#include "pmm.h"
#include "vm_check.h"

static struct arch_boot B;
static paddr_t first_free;

static void setup(u32 ram)
{
    sim_reset(ram, 0);
    arch_boot_info(&B);
    first_free = pmm_init(B.ram_base, B.ram_size, B.kernel_end);
}

static void expect_check(void)
{
    const char *what = "";
    int rc = pmm_check(&what);
    if (rc)
        printf("  pmm_check: %s\n", what);
    EXPECT_EQ(rc, 0);
}

static bool stats_eq(const struct pmm_stats *a, const struct pmm_stats *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

TEST(init_layout)
{
    struct pmm_stats s;
    u32 kpages;

    setup(16u << 20);
    pmm_stats(&s);
    kpages = (first_free - B.ram_base) >> PAGE_SHIFT;
    EXPECT_EQ(s.total, (16u << 20) >> PAGE_SHIFT);
    EXPECT_EQ(s.kernel, kpages);
    EXPECT_EQ(s.free, s.total - kpages);
    EXPECT_EQ(s.table + s.heap + s.frame, 0);
    /* page_info sits right after kernel_end, inside the kernel's pages */
    EXPECT((void *)pmm_page(B.ram_base) == arch_phys_to_ptr(B.kernel_end));
    EXPECT(first_free > B.kernel_end);
    EXPECT_EQ(pmm_page(B.kernel_end)->use, PG_KERNEL);
    EXPECT_EQ(pmm_page(first_free)->use, PG_FREE);
    EXPECT(pmm_page(B.ram_base - 1) == NULL);
    EXPECT(pmm_page(B.ram_base + B.ram_size) == NULL);
    EXPECT(!pmm_in_ram(0));
    EXPECT(pmm_in_ram(B.ram_base + B.ram_size - 1));
    expect_check();
}

TEST(alloc_lowest_first_and_free)
{
    paddr_t a, b, c;
    struct pmm_stats s0, s1;

    setup(16u << 20);
    pmm_stats(&s0);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_FRAME, &a), 0);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_HEAP, &b), 0);
    EXPECT_EQ(a, first_free);
    EXPECT_EQ(b, first_free + PAGE_SIZE);
    EXPECT_EQ(pmm_free(a, 1, PG_FRAME), 0);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_TABLE, &c), 0);
    EXPECT_EQ(c, a);                            /* reused, lowest first */
    pmm_stats(&s1);
    EXPECT_EQ(s1.heap, 1);
    EXPECT_EQ(s1.table, 1);
    EXPECT_EQ(s1.free, s0.free - 2);
    expect_check();
    /* double, foreign and wrong-use frees change nothing */
    EXPECT_EQ(pmm_free(b, 1, PG_FRAME), E_BAD_ARG);
    EXPECT_EQ(pmm_free(c, 1, PG_HEAP), E_BAD_ARG);
    EXPECT_EQ(pmm_free(B.kernel_end, 1, PG_KERNEL), E_BAD_ARG);
    EXPECT_EQ(pmm_free(0x10000000, 1, PG_FRAME), E_BAD_ARG);
    EXPECT_EQ(pmm_free(b + 1, 1, PG_HEAP), E_BAD_ARG);
    EXPECT_EQ(pmm_free(b, 2, PG_HEAP), E_BAD_ARG);   /* 2nd page is free */
    EXPECT_EQ(pmm_free(B.ram_base + B.ram_size - PAGE_SIZE, 2, PG_FRAME),
              E_BAD_ARG);
    pmm_stats(&s0);
    EXPECT(stats_eq(&s0, &s1));
    EXPECT_EQ(pmm_free(b, 1, PG_HEAP), 0);
    EXPECT_EQ(pmm_free(b, 1, PG_HEAP), E_BAD_ARG);   /* double */
    EXPECT_EQ(pmm_free(c, 1, PG_TABLE), 0);
    EXPECT_EQ(pmm_alloc(0, PAGE_SIZE, PG_FRAME, &a), E_BAD_ARG);
    EXPECT_EQ(pmm_alloc(1, 0x1800, PG_FRAME, &a), E_BAD_ARG);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_FREE, &a), E_BAD_ARG);
    expect_check();
}

TEST(aligned_runs)
{
    paddr_t a, b, c;

    setup(16u << 20);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_FRAME, &a), 0);
    EXPECT_EQ(pmm_alloc(16, SZ_64K, PG_FRAME, &b), 0);
    EXPECT(ALIGNED(b, SZ_64K));
    EXPECT(b > a);
    EXPECT_EQ(pmm_alloc(2, 2 * PAGE_SIZE, PG_TABLE, &c), 0);
    EXPECT(ALIGNED(c, 2 * PAGE_SIZE));
    /* lowest fit: the hole before the 64K run if it has room */
    paddr_t want = ALIGN_UP(a + PAGE_SIZE, 2 * PAGE_SIZE);
    EXPECT_EQ(c, want + 2 * PAGE_SIZE <= b ? want : b + SZ_64K);
    EXPECT_EQ(pmm_alloc(256, SZ_1M, PG_FRAME, &c), 0);
    EXPECT(ALIGNED(c, SZ_1M));
    EXPECT_EQ(pmm_page(b)->run_head, 1);
    EXPECT_EQ(pmm_page(b)->run_len, 16);
    /* too big or too aligned for RAM */
    EXPECT_EQ(pmm_alloc(5000, PAGE_SIZE, PG_FRAME, &c), E_NO_MEMORY);
    EXPECT_EQ(pmm_alloc(1, 0x80000000u, PG_FRAME, &c), E_NO_MEMORY);
    expect_check();
}

TEST(partial_run_free)
{
    paddr_t a, b;
    struct pmm_stats s0, s1;

    setup(16u << 20);
    pmm_stats(&s0);
    EXPECT_EQ(pmm_alloc(8, PAGE_SIZE, PG_FRAME, &a), 0);
    EXPECT_EQ(pmm_alloc(4, PAGE_SIZE, PG_FRAME, &b), 0);
    EXPECT_EQ(b, a + 8 * PAGE_SIZE);
    EXPECT_EQ(pmm_free(a + 6 * PAGE_SIZE, 4, PG_FRAME), E_BAD_ARG); /* 2 runs */
    EXPECT_EQ(pmm_free(a + 2 * PAGE_SIZE, 3, PG_FRAME), 0);          /* middle */
    expect_check();
    EXPECT_EQ(pmm_page(a)->run_len, 2);
    EXPECT_EQ(pmm_page(a + 5 * PAGE_SIZE)->run_head, 1);
    EXPECT_EQ(pmm_page(a + 5 * PAGE_SIZE)->run_len, 3);
    EXPECT_EQ(pmm_free(a + 4 * PAGE_SIZE, 2, PG_FRAME), E_BAD_ARG); /* hole */
    EXPECT_EQ(pmm_free(a + 7 * PAGE_SIZE, 1, PG_FRAME), 0);          /* tail */
    EXPECT_EQ(pmm_free(a + 5 * PAGE_SIZE, 2, PG_FRAME), 0);
    EXPECT_EQ(pmm_free(a, 2, PG_FRAME), 0);
    EXPECT_EQ(pmm_free(b, 4, PG_FRAME), 0);
    pmm_stats(&s1);
    EXPECT(stats_eq(&s0, &s1));
    expect_check();
}

TEST(fail_nomem)
{
    paddr_t a;
    struct pmm_stats s0, s1;

    setup(16u << 20);
    EXPECT_EQ(pmm_fail_nomem(3), 3);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_FRAME, &a), 0);
    EXPECT_EQ(pmm_fail_pending(), 2);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_FRAME, &a), 0);
    pmm_stats(&s0);
    a = 0x1234;
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_FRAME, &a), E_NO_MEMORY);
    EXPECT_EQ(a, 0x1234);
    pmm_stats(&s1);
    EXPECT(stats_eq(&s0, &s1));
    EXPECT_EQ(pmm_fail_pending(), 0);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_FRAME, &a), 0);   /* once only */

    pmm_fail_nomem(3);                 /* inside a run: whole run fails */
    EXPECT_EQ(pmm_alloc(5, PAGE_SIZE, PG_FRAME, &a), E_NO_MEMORY);
    EXPECT_EQ(pmm_fail_pending(), 0);
    pmm_fail_nomem(6);                 /* just after a run of 5 */
    EXPECT_EQ(pmm_alloc(5, PAGE_SIZE, PG_FRAME, &a), 0);
    EXPECT_EQ(pmm_fail_pending(), 1);
    EXPECT_EQ(pmm_alloc(9999, PAGE_SIZE, PG_FRAME, &a), E_NO_MEMORY);
    EXPECT_EQ(pmm_fail_pending(), 0);  /* it fell inside: spent */
    pmm_fail_nomem(2);                 /* a failure for want of pages */
    EXPECT_EQ(pmm_alloc(1, 0x80000000u, PG_FRAME, &a), E_NO_MEMORY);
    EXPECT_EQ(pmm_fail_pending(), 2);  /* handed nothing out: no count */
    EXPECT_EQ(pmm_fail_nomem(0), 0);   /* cancel */
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_FRAME, &a), 0);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_FRAME, &a), 0);
    expect_check();
}

TEST(frames_refs)
{
    paddr_t f, g;
    u32 i;

    setup(16u << 20);
    EXPECT_EQ(pmm_alloc(2, PAGE_SIZE, PG_FRAME, &f), 0);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_GROWN, &g), 0);
    EXPECT(pmm_mappable(f, 2 * PAGE_SIZE));
    EXPECT(!pmm_mappable(g, PAGE_SIZE));                     /* the kernel's (1.1) */
    EXPECT_EQ(pmm_free(g, 1, PG_FRAME), E_RANGE);
    EXPECT(pmm_mappable(0x08000000, 0x10000000));            /* device */
    EXPECT(!pmm_mappable(f, 4 * PAGE_SIZE));                 /* free page */
    EXPECT(!pmm_mappable(B.kernel_end, PAGE_SIZE));
    EXPECT(!pmm_mappable(B.ram_base - PAGE_SIZE, 2 * PAGE_SIZE));
    EXPECT(pmm_mappable(B.ram_base - PAGE_SIZE, PAGE_SIZE));
    /* device space and non-frame pages are ignored */
    EXPECT_EQ(pmm_frames_get(0x09000000, SZ_1M), 0);
    EXPECT_EQ(pmm_frames_get(B.kernel_end, PAGE_SIZE), 0);
    EXPECT_EQ(pmm_page(B.kernel_end)->mapcount, 0);
    EXPECT_EQ(pmm_frames_get(f, 2 * PAGE_SIZE), 0);
    EXPECT_EQ(pmm_frames_get(f, PAGE_SIZE), 0);
    EXPECT_EQ(pmm_page(f)->mapcount, 2);
    EXPECT_EQ(pmm_page(f + PAGE_SIZE)->mapcount, 1);
    EXPECT_EQ(pmm_free(f + PAGE_SIZE, 1, PG_FRAME), E_BUSY);
    pmm_frames_put(f, 2 * PAGE_SIZE);
    EXPECT_EQ(pmm_free(f + PAGE_SIZE, 1, PG_FRAME), 0);
    /* overflow: nothing changes */
    for (i = 1; i < 0xffff; i++)
        pmm_frames_get(f, PAGE_SIZE);
    EXPECT_EQ(pmm_page(f)->mapcount, 0xffff);
    EXPECT_EQ(pmm_frames_get(g, PAGE_SIZE), 0);
    EXPECT_EQ(pmm_frames_get(f - PAGE_SIZE, 3 * PAGE_SIZE), E_NO_MEMORY);
    EXPECT_EQ(pmm_page(g)->mapcount, 1);
    expect_check();
    /* a grown page goes back when its last mapping does */
    EXPECT_EQ(pmm_free(g, 1, PG_GROWN), E_BUSY);
    pmm_frames_put(g, PAGE_SIZE);
    EXPECT_EQ(pmm_page(g)->use, PG_FREE);
    expect_check();
}

TEST(exhaust_and_restore)
{
    struct pmm_stats s0, s1;
    paddr_t pa, last = 0;
    u32 n = 0;

    setup(16u << 20);
    pmm_stats(&s0);
    while (pmm_alloc(1, PAGE_SIZE, PG_FRAME, &pa) == 0) {
        EXPECT(pa > last);
        last = pa;
        n++;
    }
    EXPECT_EQ(n, s0.free);
    pmm_stats(&s1);
    EXPECT_EQ(s1.free, 0);
    expect_check();
    for (pa = first_free; n; n--, pa += PAGE_SIZE)
        EXPECT_EQ(pmm_free(pa, 1, PG_FRAME), 0);
    pmm_stats(&s1);
    EXPECT(stats_eq(&s0, &s1));
    expect_check();
}

TEST(check_finds_corruption)
{
    const char *what = NULL;
    paddr_t a;

    setup(16u << 20);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_HEAP, &a), 0);
    pmm_page(a)->use = PG_FREE;
    EXPECT_EQ(pmm_check(&what), E_CORRUPT);
    EXPECT(what != NULL);
    pmm_page(a)->use = PG_HEAP;
    pmm_page(a)->mapcount = 1;
    EXPECT_EQ(pmm_check(&what), E_CORRUPT);
    pmm_page(a)->mapcount = 0;
    expect_check();
    /* pmm_init forgets everything */
    pmm_init(B.ram_base, B.ram_size, B.kernel_end);
    EXPECT_EQ(pmm_page(a)->use, PG_FREE);
    expect_check();
}

/* check looks at every field of every page, also inside the 32-page
 * blocks it passes whole (all free above the hint, or all the kernel's). */
static void expect_field_caught(struct page_info *p, const char *field)
{
    const char *what = NULL;
    int rc = pmm_check(&what);
    if (rc != E_CORRUPT)
        printf("  %s of page %p not caught\n", field, (void *)p);
    EXPECT_EQ(rc, E_CORRUPT);
}

TEST(check_finds_corruption_in_whole_blocks)
{
    setup(16u << 20);
    paddr_t blocks[2] = {
        B.ram_base + B.ram_size - 64 * PAGE_SIZE,   /* a free block */
        B.ram_base,                                 /* the kernel's first */
    };
    EXPECT(first_free > B.ram_base + 64 * PAGE_SIZE);        /* a whole block */
    for (u32 k = 0; k < 2; k++) {
        for (u32 j = 0; j < 32; j++) {           /* every page of the block */
            struct page_info *p = pmm_page(blocks[k] + j * PAGE_SIZE), keep = *p;
            p->mapcount = 1;  expect_field_caught(p, "mapcount");  *p = keep;
            p->run_head = 1;  expect_field_caught(p, "run_head");  *p = keep;
            p->is_l1 = 1;     expect_field_caught(p, "is_l1");     *p = keep;
            p->l2_used = 1;   expect_field_caught(p, "l2_used");   *p = keep;
            p->use = k ? PG_FREE : PG_KERNEL;
            expect_field_caught(p, "use");
            *p = keep;
        }
        expect_check();
    }
}

/* pmm_check_tables looks only at the runs of allocated pages after the
 * kernel's: it still counts a table page at the start of a run (the first
 * page after the kernel's) and one at the end of a run (a free page next). */
TEST(check_tables_sees_every_run)
{
    const char *what = NULL;
    u32 l1 = 0, q = 0;
    paddr_t t1, f, t2;

    setup(16u << 20);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_TABLE, &t1), 0);
    EXPECT_EQ(t1, first_free);                      /* the kernel's pages, then t1 */
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_FRAME, &f), 0);
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_TABLE, &t2), 0);
    EXPECT_EQ(pmm_page(t2 + PAGE_SIZE)->use, PG_FREE);  /* t2 ends the run */
    pmm_page(t1)->is_l1 = 1;
    pmm_page(t2)->l2_used = 0x5;
    EXPECT_EQ(pmm_check_tables(&l1, &q, &what), 0);
    EXPECT_EQ(l1, 1);
    EXPECT_EQ(q, 2);
    pmm_page(t2)->l2_used = 0;
    EXPECT_EQ(pmm_check_tables(&l1, &q, &what), E_CORRUPT);
    pmm_page(t2)->l2_used = 0x5;
    pmm_page(t1)->is_l1 = 0;
    EXPECT_EQ(pmm_check_tables(&l1, &q, &what), E_CORRUPT);
}

TEST(speed)
{
    struct timespec t0, t1;
    paddr_t pa;
    u32 rounds = 200, per = 1000;
    double ns;

    setup(256u << 20);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (u32 r = 0; r < rounds; r++) {
        pmm_init(B.ram_base, B.ram_size, B.kernel_end);
        for (u32 i = 0; i < per; i++)
            pmm_alloc(1, PAGE_SIZE, PG_TABLE, &pa);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
    printf("  pmm_init(256M) + %u allocs: %.1f us\n", per, ns / rounds / 1e3);
    expect_check();
}

int main(void)
{
    RUN(init_layout);
    RUN(alloc_lowest_first_and_free);
    RUN(aligned_runs);
    RUN(partial_run_free);
    RUN(fail_nomem);
    RUN(frames_refs);
    RUN(exhaust_and_restore);
    RUN(check_finds_corruption);
    RUN(check_finds_corruption_in_whole_blocks);
    RUN(check_tables_sees_every_run);
    RUN(speed);
    return unit_report();
}
