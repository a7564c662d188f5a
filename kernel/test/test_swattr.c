/*
 * test_swattr.c: software attribute ranges: set, split at the ends of a
 * change, merge of equal neighbours, per-space isolation, the pool's
 * reserve rule (swattr_can_set) and its check.
 */
#include "fixture.h"

#define LOCK ATTR_LOCK
#define GUP  ATTR_GROW_UP

/* The ranges of space as, in a fixed form: "lo-hi:attrs lo-hi:attrs". */
static int fmt_visit(vaddr_t lo, vaddr_t hi, u32 attrs, void *ctx)
{
    char *s = ctx;

    sprintf(s + strlen(s), "%s%x-%x:%x", *s ? " " : "", lo, hi, attrs);
    return 0;
}

static const char *ranges(u32 as)
{
    static char buf[512];

    buf[0] = 0;
    swattr_for_each(as, fmt_visit, buf);
    return buf;
}

static void expect_ranges(u32 as, const char *want)
{
    const char *got = ranges(as), *what = "";

    if (strcmp(got, want)) {
        printf("  ranges(%u): \"%s\", want \"%s\"\n", as, got, want);
        EXPECT(0);
    }
    EXPECT_EQ(swattr_check(&what), 0);
}

/* Clearing the middle of a range splits it in two; the hardware bits of
 * attrs are not kept. */
TEST(clear_middle_splits)
{
    swattr_init();
    swattr_set(1, 0x1000, 0x5000, LOCK | ATTR_WRITE);
    expect_ranges(1, "1000-5000:80");
    swattr_set(1, 0x2000, 0x3000, 0);
    expect_ranges(1, "1000-2000:80 3000-5000:80");
    EXPECT_EQ(swattr_get(1, 0x1fff), LOCK);
    EXPECT_EQ(swattr_get(1, 0x2000), 0);
    EXPECT_EQ(swattr_get(1, 0x3000), LOCK);
    EXPECT_EQ(swattr_get(1, 0x5000), 0);
}

/* Setting equal attributes next to a range (either side) merges. */
TEST(neighbours_merge)
{
    swattr_init();
    swattr_set(1, 0x2000, 0x3000, LOCK);
    swattr_set(1, 0x3000, 0x4000, LOCK);
    expect_ranges(1, "2000-4000:80");
    swattr_set(1, 0x1000, 0x2000, LOCK);
    expect_ranges(1, "1000-4000:80");
    swattr_set(1, 0x4000, 0x5000, GUP);       /* other attrs: no merge */
    expect_ranges(1, "1000-4000:80 4000-5000:200");
}

/* Changing part of a range to other attributes cuts, then sets. */
TEST(overwrite_part)
{
    swattr_init();
    swattr_set(1, 0x1000, 0x4000, LOCK);
    swattr_set(1, 0x3000, 0x6000, GUP | LOCK);
    expect_ranges(1, "1000-3000:80 3000-6000:280");
    EXPECT(swattr_any(1, 0x3000, 0x4000, GUP));
    EXPECT(!swattr_any(1, 0x1000, 0x3000, GUP));
    EXPECT(!swattr_any(1, 0x6000, 0x7000, LOCK));
}

/* Spaces are separate; drop forgets one space only. */
TEST(spaces_separate)
{
    swattr_init();
    swattr_set(1, 0x1000, 0x2000, LOCK);
    swattr_set(2, 0x1000, 0x2000, GUP);
    EXPECT_EQ(swattr_get(1, 0x1000), LOCK);
    EXPECT_EQ(swattr_get(2, 0x1000), GUP);
    swattr_drop(2);
    expect_ranges(2, "");
    expect_ranges(1, "1000-2000:80");
}

/* can_set promises the two slots one change may need (a split at both
 * ends): with SWATTR_MAX - 2 ranges used it is true, one more and false. */
TEST(pool_reserve)
{
    swattr_init();
    for (u32 i = 0; i < SWATTR_MAX - 2; i++)   /* apart: no merging */
        swattr_set(1, (2 * i) << 12, (2 * i + 1) << 12, LOCK);
    EXPECT(swattr_can_set());
    swattr_set(1, 0x7f000000, 0x7f001000, LOCK);
    EXPECT(!swattr_can_set());
    swattr_set(1, 0x7f000000, 0x7f001000, 0);
    EXPECT(swattr_can_set());
    swattr_drop(1);
    expect_ranges(1, "");
}

/* for_each stops at the first non-zero return and passes it back. */
static int stop_at_second(vaddr_t lo, vaddr_t hi, u32 attrs, void *ctx)
{
    u32 *n = ctx;

    return ++*n == 2 ? 42 : 0;
}

TEST(for_each_stops)
{
    u32 n = 0;

    swattr_init();
    swattr_set(1, 0x1000, 0x2000, LOCK);
    swattr_set(1, 0x3000, 0x4000, LOCK);
    swattr_set(1, 0x5000, 0x6000, LOCK);
    EXPECT_EQ(swattr_for_each(1, stop_at_second, &n), 42);
    EXPECT_EQ(n, 2);
}

/* The span a lookup answers for: to the end of the range holding va, to
 * the start of the next range of the space, or to the top; other spaces'
 * ranges do not cut it. */
TEST(get_span)
{
    static const struct { u32 as; vaddr_t va; u32 attrs; u64 end; } want[] = {
        { 1, 0x0000, 0,    0x3000 },          /* up to the first range */
        { 1, 0x3000, LOCK, 0x5000 },          /* to the end of its range */
        { 1, 0x4fff, LOCK, 0x5000 },
        { 1, 0x5000, 0,    0x8000 },          /* to the next range */
        { 1, 0x8000, GUP,  0x9000 },
        { 1, 0x9000, 0,    0x100000000ull },  /* none left: the top */
        { 3, 0x1000, 0,    0x100000000ull },  /* space 2's range: not 3's */
    };

    swattr_init();
    swattr_set(1, 0x3000, 0x5000, LOCK);
    swattr_set(1, 0x8000, 0x9000, GUP);
    swattr_set(2, 0x1000, 0x2000, LOCK);
    for (u32 k = 0; k < sizeof want / sizeof want[0]; k++) {
        u64 end = 0;
        EXPECT_EQ(swattr_get_span(want[k].as, want[k].va, &end), want[k].attrs);
        EXPECT_EQ(end, want[k].end);
    }
}

int main(void)
{
    RUN(clear_middle_splits);
    RUN(neighbours_merge);
    RUN(overwrite_part);
    RUN(spaces_separate);
    RUN(pool_reserve);
    RUN(for_each_stops);
    RUN(get_span);
    return unit_report();
}
