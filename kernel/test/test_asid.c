/*
 * test_asid.c: 8-bit ASIDs with generations: hand-out order, reuse,
 * rollover (new generation, whole-TLB flush, every old pair stale), the
 * limit, and the bitmap check.
 */
#include "fixture.h"

static u32 flushes_all(void)
{
    struct sim_stats s;

    sim_get_stats(&s);
    return (u32)s.flush_all;
}

static void fresh(void)
{
    sim_reset(16u << 20, 0);
    asid_init();
}

/* ASIDs come out 1, 2, 3 in generation 1; a live pair is kept as it is. */
TEST(hand_out_in_order)
{
    u32 a[3] = { 0 }, g[3] = { 0 };
    struct asid_stats st;

    fresh();
    for (u32 i = 0; i < 3; i++) {
        asid_acquire(&a[i], &g[i]);
        EXPECT_EQ(a[i], i + 1);
        EXPECT_EQ(g[i], 1);
        EXPECT(asid_live(a[i], g[i]));
    }
    asid_acquire(&a[1], &g[1]);                /* live: unchanged */
    EXPECT_EQ(a[1], 2);
    asid_get_stats(&st);
    EXPECT_EQ(st.in_use, 3);
    EXPECT_EQ(st.limit, ASID_MAX);
    EXPECT_EQ(st.bits, 8);
    EXPECT(!asid_live(0, 1));                  /* 0 is never an ASID */
}

/* A released ASID is handed out again once the hint comes round. */
TEST(release_then_reuse)
{
    u32 a = 0, ga = 0, b = 0, gb = 0, c = 0, gc = 0;
    const char *what = "";

    fresh();
    EXPECT_EQ(asid_set_limit(2), 0);
    asid_acquire(&a, &ga);
    asid_acquire(&b, &gb);
    asid_release(a, ga);
    EXPECT_EQ(asid_check(1, &what), 0);
    asid_acquire(&c, &gc);
    EXPECT_EQ(c, 1);                           /* reused, no rollover */
    EXPECT_EQ(gc, 1);
    EXPECT_EQ(flushes_all(), 0);
    EXPECT_EQ(asid_check(2, &what), 0);
}

/* With every ASID in 1..limit taken, the next acquire rolls over: a new
 * generation, one whole-TLB flush, all old pairs stale, ASID 1 again. */
TEST(rollover_when_full)
{
    u32 a = 0, ga = 0, b = 0, gb = 0, c = 0, gc = 0;
    struct asid_stats st;
    const char *what = "";

    fresh();
    EXPECT_EQ(asid_set_limit(2), 0);
    asid_acquire(&a, &ga);
    asid_acquire(&b, &gb);
    EXPECT_EQ(flushes_all(), 0);
    asid_acquire(&c, &gc);
    EXPECT_EQ(c, 1);
    EXPECT_EQ(gc, 2);
    EXPECT_EQ(flushes_all(), 1);
    EXPECT(!asid_live(a, ga));
    EXPECT(!asid_live(b, gb));
    asid_release(b, gb);                       /* stale: a no-op */
    asid_get_stats(&st);
    EXPECT_EQ(st.generation, 2);
    EXPECT_EQ(st.rollovers, 1);
    EXPECT_EQ(st.in_use, 1);
    EXPECT_EQ(asid_check(1, &what), 0);
    asid_acquire(&a, &ga);                     /* stale: re-acquired */
    EXPECT_EQ(a, 2);
    EXPECT_EQ(ga, 2);
}

/* Narrowing below a live ASID retires it at once (rollover); narrowing
 * above every live one does not; 1 and 256 are refused. */
TEST(limit_retires_asids_above)
{
    u32 a[5] = { 0 }, g[5] = { 0 };

    fresh();
    for (u32 i = 0; i < 5; i++)
        asid_acquire(&a[i], &g[i]);
    EXPECT_EQ(asid_set_limit(5), 0);
    EXPECT_EQ(asid_generation(), 1);
    EXPECT_EQ(asid_set_limit(3), 0);
    EXPECT_EQ(asid_generation(), 2);
    EXPECT_EQ(flushes_all(), 1);
    EXPECT(!asid_live(a[4], g[4]));
    EXPECT_EQ(asid_set_limit(1), E_BAD_ARG);
    EXPECT_EQ(asid_set_limit(ASID_MAX + 1), E_BAD_ARG);
    asid_acquire(&a[0], &g[0]);
    asid_acquire(&a[1], &g[1]);
    asid_acquire(&a[2], &g[2]);
    asid_acquire(&a[3], &g[3]);                /* 1..3 taken: rollover */
    EXPECT_EQ(a[3], 1);
    EXPECT_EQ(asid_generation(), 3);
}

/* asid_check compares the bitmap with the caller's count of live spaces. */
TEST(check_counts)
{
    u32 a = 0, g = 0;
    const char *what = "";

    fresh();
    asid_acquire(&a, &g);
    EXPECT_EQ(asid_check(1, &what), 0);
    EXPECT_EQ(asid_check(0, &what), E_CORRUPT);
    EXPECT(strcmp(what, "asid_count") == 0);
}

int main(void)
{
    RUN(hand_out_in_order);
    RUN(release_then_reuse);
    RUN(rollover_when_full);
    RUN(limit_retires_asids_above);
    RUN(check_counts);
    return unit_report();
}
