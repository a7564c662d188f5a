/*
 * fixture.h: the machine every core unit test runs on, and what the tests
 * look at it with. Two ways up:
 *   setup(ram)     the page-table level (test_pagetable.c, test_pt_tlb.c):
 *                  the host simulator with pmm, the kernel table, and one
 *                  user root U current as ASID 1, nothing else;
 *   mm_setup(ram)  the whole core (test_vm.c, test_asid.c, test_swattr.c,
 *                  test_heap.c, test_physmap.c, test_seed_api.c): mm_init,
 *                  address space 1 current; K is the kernel's root.
 * and the probes: the simulator's own walker (hw, hw_ok), loads through its
 * TLB (load), the software walk (walk), the invariants (expect_check,
 * expect_vm_check), and snapshots of all of RAM, pmm, TLB counters,
 * software attributes and ASIDs for rollback checks (snap_take/snap_same).
 */
#ifndef VMK_FIXTURE_H
#define VMK_FIXTURE_H

#include <string.h>
#include <time.h>
#include "unit.h"
#include "sim.h"
#include "asid.h"
#include "mm.h"
#include "pmm.h"
#include "pagetable.h"
#include "swattr.h"
#include "vm.h"
#include "vm_check.h"

#define RW    (ATTR_READ | ATTR_WRITE)
#define DEV   (RW | ATTR_DEVICE)
#define RWX   (RW | ATTR_EXECUTE)
#define IRQ   (RW | ATTR_INTERRUPT)
#define MB    SZ_1M
#define DEVPA 0x80000000u        /* device space: no frame references */

static struct arch_boot B __attribute__((unused));
static struct pt_root K __attribute__((unused)), U __attribute__((unused));

/* A fresh machine: pmm, kernel table, one user root current as ASID 1. */
static inline void setup(u32 ram)
{
    paddr_t l1;

    sim_reset(ram, 0);
    arch_boot_info(&B);
    pmm_init(B.ram_base, B.ram_size, B.kernel_end);
    pt_init();
    K.l1 = B.kernel_l1;
    EXPECT_EQ(pt_kernel_init(&K, B.ram_base, B.ram_size, B.vectors_pa), 0);
    EXPECT_EQ(pmm_alloc(2, 2 * PAGE_SIZE, PG_TABLE, &l1), 0);
    memset(arch_phys_to_ptr(l1), 0, 2 * PAGE_SIZE);
    pmm_page(l1)->is_l1 = pmm_page(l1 + PAGE_SIZE)->is_l1 = 1;
    U = (struct pt_root){ .l1 = l1, .lo = 0, .hi = USER_TOP, .asid = 1 };
    arch_switch_ttbr0(l1, 1);
}

/* The whole core over a fresh machine of ram bytes: mm_init; address
 * space 1 current (ASID 1); K = the kernel's root, U = space 1's. */
static inline void mm_setup(u32 ram)
{
    sim_reset(ram, 0);
    arch_boot_info(&B);
    EXPECT_EQ(mm_init(&B), 0);
    EXPECT_EQ(vm_as_current(), 1);
    K = *vm_root(0);
    U = *vm_root(1);
}

/* `check` holds (vm_check: every invariant of the core). */
static inline void expect_vm_check(void)
{
    struct vm_check_counts c;
    const char *what = "";
    int rc = vm_check(&c, &what);

    if (rc)
        printf("  vm_check: %s\n", what);
    EXPECT_EQ(rc, 0);
}

/* n fresh PG_FRAME pages (as `pmm alloc` hands them out), aligned to align. */
static inline paddr_t frames(u32 n, u32 align)
{
    paddr_t pa = 0;

    EXPECT_EQ(pmm_alloc(n, align, PG_FRAME, &pa), 0);
    return pa;
}

static inline void expect_check(void)
{
    u32 t = 0, m = 0;
    const char *what = "";
    int rc = pt_check(&U, &t, &m, &what);

    if (!rc)
        rc = pt_check(&K, &t, &m, &what);
    if (!rc)
        rc = pmm_check(&what);
    if (rc)
        printf("  check: %s\n", what);
    EXPECT_EQ(rc, 0);
}

/* The MMU's translation of va (privileged read), or ~0 if it faults. */
static inline paddr_t hw(vaddr_t va)
{
    paddr_t pa;
    u32 fsr;

    return arch_hw_translate(va, false, false, &pa, &fsr) ? ~0u : pa;
}

static inline bool hw_ok(vaddr_t va, bool user, bool write)
{
    paddr_t pa;
    u32 fsr;

    return arch_hw_translate(va, user, write, &pa, &fsr) == 0;
}

/* A load through the TLB; ~0 on a fault. */
static inline u32 load(vaddr_t va)
{
    struct arch_fault f;
    u32 v;

    return arch_load32(va, false, &v, &f) ? ~0u : v;
}

static inline u32 *ram32(paddr_t pa) { return arch_phys_to_ptr(pa); }

static inline u32 l1e(vaddr_t va) { return ram32(U.l1)[va >> 20]; }

static inline struct pt_entry walk(vaddr_t va)
{
    struct pt_entry e = { 0, 0, 0, 0 };

    if (pt_walk(&U, va, &e))
        e.size = 0;
    return e;
}

/* Uses up the free L2 quarters (at first, the vector table's page has
 * three), so that the next table needs a page from pmm: maps 4K pages in
 * 1M regions from 0x7f000000 until a new table page came and is full. */
static inline void use_up_quarters(void)
{
    struct pmm_stats s0, s1;
    u32 i = 0;

    pmm_stats(&s0);
    do {
        EXPECT_EQ(pt_map(&U, 0x7f000000 + i++ * MB, DEVPA, SZ_4K, DEV, NULL), 0);
        pmm_stats(&s1);
    } while (s1.table == s0.table);
    for (u32 k = 0; k < 3; k++)
        EXPECT_EQ(pt_map(&U, 0x7f000000 + i++ * MB, DEVPA, SZ_4K, DEV, NULL), 0);
}

/* ---- snapshots: all of RAM, pmm stats, TLB counters, software
 * attributes of spaces 1..SNAP_AS, ASID state ---------------------------- */

#define SNAP_AS  8u
#define SNAP_SW  64u

struct snap_sw { u32 as, lo, hi, attrs; };
struct snap_sw_list { u32 n; struct snap_sw r[SNAP_SW]; };

struct snap {
    u8 *ram;
    struct pmm_stats ps;
    struct sim_stats ss;
    struct asid_stats as;
    struct snap_sw_list sw;
    u32 current;
};

static inline int snap_sw_visit(vaddr_t lo, vaddr_t hi, u32 attrs, void *ctx)
{
    struct snap_sw_list *l = ctx;

    if (l->n < SNAP_SW)
        l->r[l->n] = (struct snap_sw){ 0, lo, hi, attrs };
    l->n++;
    return 0;
}

static inline void snap_sw(struct snap_sw_list *l)
{
    memset(l, 0, sizeof *l);
    for (u32 as = 1; as <= SNAP_AS; as++) {
        u32 from = l->n;
        swattr_for_each(as, snap_sw_visit, l);
        for (u32 i = from; i < l->n && i < SNAP_SW; i++)
            l->r[i].as = as;
    }
}

static inline void snap_take(struct snap *s)
{
    s->ram = malloc(B.ram_size);
    memcpy(s->ram, arch_phys_to_ptr(B.ram_base), B.ram_size);
    pmm_stats(&s->ps);
    sim_get_stats(&s->ss);
    asid_get_stats(&s->as);
    snap_sw(&s->sw);
    s->current = vm_as_current();
}

/* Everything as it was, but TLB hits/misses/walks (reads, not changes). */
static inline bool snap_same(struct snap *s)
{
    struct pmm_stats ps;
    struct sim_stats ss;
    struct asid_stats as;
    struct snap_sw_list sw;
    bool same;

    pmm_stats(&ps);
    sim_get_stats(&ss);
    asid_get_stats(&as);
    snap_sw(&sw);
    same = !memcmp(s->ram, arch_phys_to_ptr(B.ram_base), B.ram_size) &&
           !memcmp(&ps, &s->ps, sizeof ps) &&
           !memcmp(&as, &s->as, sizeof as) &&
           !memcmp(&sw, &s->sw, sizeof sw) &&
           vm_as_current() == s->current &&
           ss.flush_all == s->ss.flush_all &&
           ss.flush_asid == s->ss.flush_asid &&
           ss.flush_va == s->ss.flush_va &&
           ss.flush_va_all_asids == s->ss.flush_va_all_asids &&
           ss.pt_written == s->ss.pt_written;
    free(s->ram);
    return same;
}

/* RAM, pmm, software attributes and ASIDs as they were; TLB maintenance
 * may have happened (an operation that mapped, then undid it, flushed). */
static inline bool snap_same_memory(struct snap *s)
{
    struct pmm_stats ps;
    struct asid_stats as;
    struct snap_sw_list sw;
    bool same;

    pmm_stats(&ps);
    asid_get_stats(&as);
    snap_sw(&sw);
    same = !memcmp(s->ram, arch_phys_to_ptr(B.ram_base), B.ram_size) &&
           !memcmp(&ps, &s->ps, sizeof ps) &&
           !memcmp(&as, &s->as, sizeof as) &&
           !memcmp(&sw, &s->sw, sizeof sw) &&
           vm_as_current() == s->current;
    free(s->ram);
    return same;
}

static inline double now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

#endif
