/*
 * test_check_hw.c: `check` (vm_check) catches the MMU disagreeing with the
 * software walk: a page software maps that the MMU does not
 * (hw_walk_mismatch), and a page the MMU maps next to a mapping where
 * software maps nothing (hw_neighbour_mapped), before the first mapping,
 * after the last, and on either side of a gap. No request can make the
 * two disagree, so the MMU is pointed at the L1 of another address space
 * (TTBR0 of the simulated CPU) that maps a little more or less, and put
 * back.
 */
#include <string.h>
#include "unit.h"
#include "sim.h"
#include "sim_priv.h"
#include "mm.h"
#include "pmm.h"
#include "vm.h"
#include "vm_check.h"

#define VA  0x00400000u
#define SEC 0x00600000u
#define RW  (ATTR_READ | ATTR_WRITE)
#define PG  PAGE_SIZE

static const char *check_what(void)
{
    struct vm_check_counts c;
    const char *what = NULL;
    return vm_check(&c, &what) ? what : "ok";
}

static paddr_t frames(u32 n, u32 align)
{
    paddr_t pa = 0;
    EXPECT_EQ(pmm_alloc(n, align, PG_FRAME, &pa), 0);
    return pa;
}

/* Space 1 (current) and space 2, both empty. */
static void setup(void)
{
    struct arch_boot b;
    u32 id;

    sim_reset(0, 0);
    arch_boot_info(&b);
    EXPECT_EQ(mm_init(&b), 0);
    EXPECT_EQ(vm_as_new(&id), 0);
    EXPECT_EQ(id, 2);
}

static void map_in(u32 id, vaddr_t va, paddr_t pa, u32 len, u32 attrs)
{
    u32 e;
    EXPECT_EQ(vm_map_in(id, va, pa, len, attrs, &e), 0);
}

static void map_both(vaddr_t va, paddr_t pa, u32 len)
{
    map_in(1, va, pa, len, RW);
    map_in(2, va, pa, len, RW);
}

/* check's verdict with the MMU walking space 2's tables for space 1. */
static const char *check_through_2(void)
{
    paddr_t own = sim_cur()->ttbr0;
    const char *what;
    EXPECT(!strcmp(check_what(), "ok"));          /* the MMU agrees */
    sim_cur()->ttbr0 = vm_root(2)->l1;
    what = check_what();
    sim_cur()->ttbr0 = own;
    EXPECT(!strcmp(check_what(), "ok"));
    return what;
}

TEST(same_tables_agree)
{
    setup();
    paddr_t pa = frames(2, PG);
    map_both(VA, pa, 2 * PG);
    EXPECT_STR(check_through_2(), "ok");
}

TEST(mmu_misses_a_page)
{
    setup();
    map_in(1, VA, frames(1, PG), PG, RW);
    EXPECT_STR(check_through_2(), "hw_walk_mismatch");
}

/* Two pages of one table: the walk reaches the second. */
TEST(mmu_misses_the_second_page_of_a_table)
{
    setup();
    paddr_t pa = frames(2, PG);
    map_both(VA, pa, PG);
    map_in(1, VA + 4 * PG, pa + PG, PG, RW);
    EXPECT_STR(check_through_2(), "hw_walk_mismatch");
}

/* The MMU maps the page to another frame, or with other permissions.
 * (Another frame: the MMU also maps the page before a later one, where
 * software maps nothing; the first disagreement is the one named.) */
TEST(mmu_maps_another_frame)
{
    setup();
    paddr_t pa = frames(3, PG);
    map_in(1, VA, pa, PG, RW);
    map_in(2, VA, pa + PG, PG, RW);
    map_both(VA + 8 * PG, pa + 2 * PG, PG);
    map_in(2, VA + 7 * PG, pa, PG, RW);
    EXPECT_STR(check_through_2(), "hw_walk_mismatch");
}

TEST(mmu_maps_read_only)
{
    setup();
    paddr_t pa = frames(1, PG);
    map_in(1, VA, pa, PG, RW);
    map_in(2, VA, pa, PG, ATTR_READ);
    EXPECT_STR(check_through_2(), "hw_walk_mismatch");
}

/* A 64K page of a table: the L2 walk shows it as one page. */
TEST(mmu_misses_a_64K_page)
{
    setup();
    map_in(1, VA, frames(16, SZ_64K), SZ_64K, RW);
    EXPECT_STR(check_through_2(), "hw_walk_mismatch");
}

/* The walk passes a table's pages and then a section: both are looked at
 * (the section is after the last table). */
TEST(mmu_misses_a_section_after_a_table)
{
    setup();
    map_both(VA, frames(1, PG), PG);
    map_in(1, SEC, frames(256, SZ_1M), SZ_1M, RW);
    EXPECT_STR(check_through_2(), "hw_walk_mismatch");
}

/* Pages after the first of a run are asked about together
 * (arch_hw_access_run): n pages from VA mapped alike in both spaces but
 * page k, which space 2 maps read-only (ro) or to another frame. */
static const char *run_with_page_k(u32 n, u32 k, bool ro)
{
    setup();
    paddr_t pa = frames(n + 1, PG);
    map_both(VA, pa, k * PG);
    map_in(1, VA + k * PG, pa + k * PG, PG, RW);
    map_in(2, VA + k * PG, pa + (ro ? k : n) * PG, PG,
           ro ? ATTR_READ : RW);
    if (k + 1 < n)
        map_both(VA + (k + 1) * PG, pa + (k + 1) * PG, (n - k - 1) * PG);
    return check_through_2();
}

TEST(mmu_maps_a_page_of_a_run_read_only)
{
    EXPECT_STR(run_with_page_k(8, 3, true), "hw_walk_mismatch");
}

TEST(mmu_maps_a_page_of_a_run_to_another_frame)
{
    EXPECT_STR(run_with_page_k(8, 3, false), "hw_walk_mismatch");
}

/* The last page of the walk: its run is asked about after the walk. */
TEST(mmu_maps_the_last_page_of_a_run_read_only)
{
    EXPECT_STR(run_with_page_k(8, 7, true), "hw_walk_mismatch");
}

/* Longer than one question: the page is in the second. */
TEST(mmu_maps_a_page_of_a_long_run_read_only)
{
    EXPECT_STR(run_with_page_k(100, 90, true), "hw_walk_mismatch");
}

/* A run of pages over a 1 MiB boundary: one question per region. */
TEST(run_over_a_region_boundary_agrees)
{
    setup();
    map_both(SEC - 4 * PG, frames(8, PG), 8 * PG);
    EXPECT_STR(check_through_2(), "ok");
}

/* A run, a gap, a run: the first is asked about before the gap's pages
 * are looked at, and the second on its own. */
TEST(mmu_maps_a_page_of_a_run_before_a_gap)
{
    setup();
    paddr_t pa = frames(9, PG);
    map_in(1, VA, pa, 4 * PG, RW);
    map_in(2, VA, pa, 2 * PG, RW);
    map_in(2, VA + 2 * PG, pa + 2 * PG, PG, ATTR_READ);
    map_in(2, VA + 3 * PG, pa + 3 * PG, PG, RW);
    map_both(VA + 6 * PG, pa + 4 * PG, 4 * PG);
    EXPECT_STR(check_through_2(), "hw_walk_mismatch");
}

TEST(runs_on_either_side_of_a_gap_agree)
{
    setup();
    paddr_t pa = frames(8, PG);
    map_both(VA, pa, 4 * PG);
    map_both(VA + 6 * PG, pa + 4 * PG, 4 * PG);
    EXPECT_STR(check_through_2(), "ok");
}

TEST(mmu_maps_the_page_before_the_first)
{
    setup();
    paddr_t pa = frames(2, PG);
    map_both(VA, pa + PG, PG);
    map_in(2, VA - PG, pa, PG, RW);
    EXPECT_STR(check_through_2(), "hw_neighbour_mapped");
}

TEST(mmu_maps_the_page_after_the_last)
{
    setup();
    paddr_t pa = frames(2, PG);
    map_both(VA, pa, PG);
    map_in(2, VA + PG, pa + PG, PG, RW);
    EXPECT_STR(check_through_2(), "hw_neighbour_mapped");
}

/* Pages at VA and VA + 4 pages, a gap of three between; the MMU maps
 * one more, page k of the gap (1..3). */
static const char *gap_with_mmu_page(u32 k)
{
    setup();
    paddr_t pa = frames(3, PG);
    map_both(VA, pa, PG);
    map_both(VA + 4 * PG, pa + PG, PG);
    map_in(2, VA + k * PG, pa + 2 * PG, PG, RW);
    return check_through_2();
}

TEST(mmu_maps_the_page_after_one_before_a_gap)
{
    EXPECT_STR(gap_with_mmu_page(1), "hw_neighbour_mapped");
}

TEST(mmu_maps_the_page_before_one_after_a_gap)
{
    EXPECT_STR(gap_with_mmu_page(3), "hw_neighbour_mapped");
}

/* A page in the middle of the gap is no neighbour: not looked at. */
TEST(mmu_maps_a_page_inside_a_gap)
{
    EXPECT_STR(gap_with_mmu_page(2), "ok");
}

int main(void)
{
    RUN(same_tables_agree);
    RUN(mmu_misses_a_page);
    RUN(mmu_misses_the_second_page_of_a_table);
    RUN(mmu_maps_another_frame);
    RUN(mmu_maps_read_only);
    RUN(mmu_misses_a_64K_page);
    RUN(mmu_misses_a_section_after_a_table);
    RUN(mmu_maps_a_page_of_a_run_read_only);
    RUN(mmu_maps_a_page_of_a_run_to_another_frame);
    RUN(mmu_maps_the_last_page_of_a_run_read_only);
    RUN(mmu_maps_a_page_of_a_long_run_read_only);
    RUN(run_over_a_region_boundary_agrees);
    RUN(mmu_maps_a_page_of_a_run_before_a_gap);
    RUN(runs_on_either_side_of_a_gap_agree);
    RUN(mmu_maps_the_page_before_the_first);
    RUN(mmu_maps_the_page_after_the_last);
    RUN(mmu_maps_the_page_after_one_before_a_gap);
    RUN(mmu_maps_the_page_before_one_after_a_gap);
    RUN(mmu_maps_a_page_inside_a_gap);
    return unit_report();
}
