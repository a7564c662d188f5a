/*
 * test_global_check.c: `check` (vm_check) catches a VA that is global in
 * one user address space and private, or absent, in another: the TLB
 * conflict that PROTOCOL 1.1's shared global mappings rule out. No request
 * can make one now, so the conflict is planted by hand in the descriptors
 * of address space 2, and taken out again.
 */
#include <string.h>
#include "unit.h"
#include "sim.h"
#include "mm.h"
#include "pmm.h"
#include "vm.h"
#include "swattr.h"
#include "vm_check.h"

#define VA     0x00400000u
#define VA2    0x00500000u
#define L2_NG  (1u << 11)
#define RW     (ATTR_READ | ATTR_WRITE)

/* The L2 descriptor of va in user space id (its table must exist). */
static u32 *l2_entry(u32 id, vaddr_t va)
{
    const u32 *l1 = arch_phys_to_ptr(vm_root(id)->l1);
    u32 *t = arch_phys_to_ptr(l1[va >> 20] & 0xfffffc00u);
    return &t[(va >> 12) & 0xff];
}

static const char *check_what(void)
{
    struct vm_check_counts c;
    const char *what = NULL;
    return vm_check(&c, &what) ? what : "ok";
}

static paddr_t frame(void)
{
    paddr_t pa = 0;
    EXPECT_EQ(pmm_alloc(1, PAGE_SIZE, PG_FRAME, &pa), 0);
    return pa;
}

/* Spaces 1 (current) and 2; a global page at VA and a private one of
 * space 2 at VA2. */
static void setup(void)
{
    struct arch_boot b;
    u32 id, e;

    sim_reset(0, 0);
    arch_boot_info(&b);
    EXPECT_EQ(mm_init(&b), 0);
    EXPECT_EQ(vm_as_new(&id), 0);
    EXPECT_EQ(id, 2);
    EXPECT_EQ(vm_map(VA, frame(), PAGE_SIZE, RW | ATTR_GLOBAL, &e), 0);
    EXPECT_EQ(vm_map_in(2, VA2, frame(), PAGE_SIZE, RW, &e), 0);
    EXPECT(!strcmp(check_what(), "ok"));
}

TEST(global_page_is_shared_and_not_remappable)
{
    struct pt_entry e1, e2;
    u32 n;

    setup();
    EXPECT_EQ(vm_translate_in(1, VA, &e1), 0);
    EXPECT_EQ(vm_translate_in(2, VA, &e2), 0);
    EXPECT(e1.pa == e2.pa && e1.size == e2.size && e1.attrs == e2.attrs);
    EXPECT_EQ(vm_map_in(2, VA, frame(), PAGE_SIZE, RW, &n), E_ALREADY_MAPPED);
}

TEST(global_in_one_space_private_in_another)
{
    setup();
    u32 *d = l2_entry(2, VA), old = *d;
    *d = old | L2_NG;                     /* space 2's copy made private */
    EXPECT(!strcmp(check_what(), "global_mismatch"));
    *d = old;
    EXPECT(!strcmp(check_what(), "ok"));
}

TEST(global_only_in_one_space)
{
    setup();
    u32 *d = l2_entry(2, VA2), old = *d;
    *d = old & ~L2_NG;                    /* global in 2, nothing in 1 */
    EXPECT(!strcmp(check_what(), "global_mismatch"));
    *d = old;
    EXPECT(!strcmp(check_what(), "ok"));
}

TEST(global_page_of_another_frame)
{
    setup();
    u32 *d = l2_entry(2, VA), old = *d;
    paddr_t other = frame();
    u32 id, e;
    EXPECT_EQ(vm_as_new(&id), 0);                        /* copies VA */
    EXPECT_EQ(vm_map_in(id, 0x00600000u, other, PAGE_SIZE, RW, &e), 0);
    EXPECT(!strcmp(check_what(), "ok"));
    /* space 2's global VA points at a frame held by space 3's mapping */
    *d = (old & 0xfffu) | other;
    EXPECT(!strcmp(check_what(), "global_mismatch"));
    *d = old;
    EXPECT(!strcmp(check_what(), "ok"));
}

/* The tables agree up to the 41st (to 44th, or 58th) of 64 global
 * pages: a mismatch there is still found (tables before it that differ only in private pages
 * pass). */
TEST(global_mismatch_after_pages_that_agree)
{
    paddr_t pa = 0;
    u32 e;
    vaddr_t va = 0x00800000u;

    setup();
    EXPECT_EQ(pmm_alloc(64, PAGE_SIZE, PG_FRAME, &pa), 0);
    EXPECT_EQ(vm_map(va, pa, 64 * PAGE_SIZE, RW | ATTR_GLOBAL, &e), 0);
    EXPECT(!strcmp(check_what(), "ok"));
    /* each word of a 16-byte block, and one in the second half of a
     * 128-byte one */
    static const u32 pages[] = { 40, 41, 42, 43, 57 };
    for (u32 k = 0; k < 5; k++) {
        u32 *d = l2_entry(2, va + pages[k] * PAGE_SIZE), old = *d;
        *d = old | L2_NG;
        EXPECT(!strcmp(check_what(), "global_mismatch"));
        *d = old;
        EXPECT(!strcmp(check_what(), "ok"));
    }
}

/* Private pages at one VA with other frames in each space are no
 * mismatch; a global page after them in the same table still is. */
TEST(global_mismatch_after_private_pages_that_differ)
{
    vaddr_t va = 0x00900000u;
    u32 e;

    setup();
    EXPECT_EQ(vm_map(va, frame(), PAGE_SIZE, RW, &e), 0);
    EXPECT_EQ(vm_map_in(2, va, frame(), PAGE_SIZE, RW, &e), 0);
    EXPECT_EQ(vm_map(va + PAGE_SIZE, frame(), PAGE_SIZE, RW | ATTR_GLOBAL, &e), 0);
    EXPECT(!strcmp(check_what(), "ok"));
    u32 *d = l2_entry(2, va + PAGE_SIZE), old = *d;
    *d = old | L2_NG;
    EXPECT(!strcmp(check_what(), "global_mismatch"));
    *d = old;
    EXPECT(!strcmp(check_what(), "ok"));
}

/* A global 1M section is an L1 entry: made private in space 2 only. */
TEST(global_section_private_in_another)
{
    vaddr_t va = 0x01000000u;
    paddr_t pa = 0;

    setup();
    EXPECT_EQ(pmm_alloc(256, SZ_1M, PG_FRAME, &pa), 0);
    EXPECT_EQ(vm_map1(va, pa, SZ_1M, RW | ATTR_GLOBAL), 0);
    EXPECT(!strcmp(check_what(), "ok"));
    u32 *l1 = arch_phys_to_ptr(vm_root(2)->l1), old = l1[va >> 20];
    l1[va >> 20] = old | (1u << 17);      /* the section's nG */
    EXPECT(!strcmp(check_what(), "global_mismatch"));
    l1[va >> 20] = old;
    EXPECT(!strcmp(check_what(), "ok"));
}

/* A global page carries its software attributes into every space: one
 * locked in space 2 only is a mismatch. */
TEST(global_page_locked_in_one_space_only)
{
    setup();
    swattr_set(2, VA, VA + PAGE_SIZE, ATTR_LOCK);
    EXPECT(!strcmp(check_what(), "global_mismatch"));
    swattr_set(2, VA, VA + PAGE_SIZE, 0);
    EXPECT(!strcmp(check_what(), "ok"));
}

/* A new space gets every global page of the current one as it is. The
 * copy goes in runs (pages of one size and attributes, frames next to
 * each other), so here is each way a run ends: a frame not next to the
 * last one, other attributes, another software attribute, another size;
 * and markers, which have no frame. */
TEST(new_space_copies_each_global_page_as_it_is)
{
    const u32 G = RW | ATTR_GLOBAL;
    vaddr_t va = 0x00800000u;
    paddr_t pa = 0, big = 0;
    struct pt_entry a, b;
    u32 id;

    setup();
    EXPECT_EQ(pmm_alloc(8, PAGE_SIZE, PG_FRAME, &pa), 0);
    EXPECT_EQ(pmm_alloc(32, SZ_64K, PG_FRAME, &big), 0);
    EXPECT_EQ(vm_map1(va + 0x0000, pa + 0x0000, SZ_4K, G), 0);
    EXPECT_EQ(vm_map1(va + 0x1000, pa + 0x1000, SZ_4K, G), 0);   /* same run */
    EXPECT_EQ(vm_map1(va + 0x2000, pa + 0x3000, SZ_4K, G), 0);   /* a frame further */
    EXPECT_EQ(vm_map1(va + 0x3000, pa + 0x4000, SZ_4K, ATTR_READ | ATTR_GLOBAL), 0);
    EXPECT_EQ(vm_map1(va + 0x4000, pa + 0x5000, SZ_4K, ATTR_READ | ATTR_GLOBAL | ATTR_LOCK), 0);
    EXPECT_EQ(vm_map1(va + 0x10000, big, SZ_64K, G), 0);
    EXPECT_EQ(vm_map1(va + 0x20000, big + SZ_64K, SZ_4K, G), 0);  /* 4K after 64K */
    EXPECT_EQ(vm_map1(va + 0x30000, 0, SZ_4K, G | ATTR_INTERRUPT), 0);
    EXPECT_EQ(vm_map1(va + 0x31000, 0, SZ_4K, G | ATTR_INTERRUPT), 0);
    EXPECT_EQ(vm_as_new(&id), 0);
    EXPECT_EQ(id, 3);
    for (vaddr_t v = va; v < va + 0x40000; v += PAGE_SIZE) {
        int ra = vm_translate_in(1, v, &a), rb = vm_translate_in(id, v, &b);
        EXPECT_EQ(rb, ra);
        if (ra == 0 && rb == 0) {
            EXPECT_EQ(b.va, a.va);
            EXPECT_EQ(b.pa, a.pa);
            EXPECT_EQ(b.size, a.size);
            EXPECT_EQ(b.attrs, a.attrs);
        }
    }
    EXPECT_EQ(vm_translate_in(id, va + 0x2000, &b), 0);
    EXPECT_EQ(b.pa, pa + 0x3000);
    EXPECT_EQ(vm_translate_in(id, va + 0x4000, &b), 0);
    EXPECT(b.attrs & ATTR_LOCK);
    EXPECT_EQ(vm_translate_in(id, va + 0x3000, &b), 0);
    EXPECT(!(b.attrs & (ATTR_LOCK | ATTR_WRITE)));
    EXPECT_EQ(vm_translate_in(id, va + 0x10000, &b), 0);
    EXPECT_EQ(b.size, SZ_64K);
    EXPECT_EQ(vm_translate_in(id, va + 0x31000, &b), 0);
    EXPECT(b.attrs & ATTR_INTERRUPT);
    EXPECT(!strcmp(check_what(), "ok"));
}

int main(void)
{
    RUN(global_page_is_shared_and_not_remappable);
    RUN(global_in_one_space_private_in_another);
    RUN(global_only_in_one_space);
    RUN(global_page_of_another_frame);
    RUN(global_mismatch_after_pages_that_agree);
    RUN(global_mismatch_after_private_pages_that_differ);
    RUN(global_section_private_in_another);
    RUN(global_page_locked_in_one_space_only);
    RUN(new_space_copies_each_global_page_as_it_is);
    return unit_report();
}
