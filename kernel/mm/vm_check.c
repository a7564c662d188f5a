/*
 * vm_check.c: `check`, every invariant of the core in one pass.
 *
 * Structure first (allocator, each root's tables, software attributes,
 * ASIDs), then the hardware's opinion: the MMU's own translation
 * (arch_hw_translate) must agree with the software walk on every mapped
 * page of the current address space and the kernel's half, on the
 * permissions the attributes promise, and on the pages next to each
 * mapping being unmapped. The MMU is asked on pt_check's walk of those
 * two roots (pt_check_each), about a run of 4K pages of one table at
 * once (arch_hw_access_run), and its verdict is kept until the structure
 * has passed, so a broken rule of the structure is still the one named.
 */
#include "vm_check.h"
#include "asid.h"
#include "kspace.h"
#include "pmm.h"
#include "swattr.h"
#include "vm_global.h"
#include "vm.h"

/* 4K pages the MMU is asked about at once (arch_hw_access_run). */
#define HW_RUN 64u

struct hw_ctx {
    const struct pt_root *root;
    const char *what;   /* the MMU's first disagreement, or NULL */
    bool seen;          /* a page was visited: */
    u64  end;           /* where the last one ended */
    /* Pages whose check waits (hw_run_check), the n 4K pages from run_va
     * (one 1 MiB region), each going on from the page before it, so that
     * no neighbour of theirs needs a look: what the MMU must say of each
     * (want, pa), then what it said (m, got). */
    vaddr_t run_va;
    u32 n;
    u32 want[HW_RUN], m[HW_RUN];
    paddr_t pa[HW_RUN], got[HW_RUN];
};

/* The MMU's verdict on one access to va: true if it translates, *pa set. */
static bool hw_ok(vaddr_t va, bool user, bool write, paddr_t *pa, u32 *fsr)
{
    return arch_hw_translate(va, user, write, pa, fsr) == 0;
}

/* The MMU must refuse va with a translation fault (nothing mapped). */
static bool hw_unmapped(vaddr_t va)
{
    paddr_t pa;
    u32 fsr;
    if (hw_ok(va, false, false, &pa, &fsr))
        return false;
    return arch_fault_is_translation(fsr);
}

/* The accesses (HW_*) a valid page of attrs allows. */
static u32 hw_want(u32 attrs)
{
    bool priv = attrs & ATTR_PRIVILEGED, wr = attrs & ATTR_WRITE;
    return HW_PRIV_R | (wr ? HW_PRIV_W : 0) | (priv ? 0 : HW_USER_R) |
           (wr && !priv ? HW_USER_W : 0);
}

/* One 4K page of entry e at va agrees with the MMU in all four ways. */
static bool hw_agrees(const struct pt_entry *e, vaddr_t va)
{
    paddr_t pa = 0;
    u32 fsr;
    if (e->attrs & ATTR_INTERRUPT)
        return hw_unmapped(va);
    return arch_hw_access(va, &pa, &fsr) == hw_want(e->attrs) &&
           pa == e->pa + (va - e->va);
}

/* The waiting pages agree with the MMU (hw_agrees on each, in order):
 * else E_CORRUPT, the first disagreement named. */
static int hw_run_check(struct hw_ctx *c)
{
    u32 n = c->n;
    c->n = 0;
    if (n == 0)
        return 0;
    arch_hw_access_run(c->run_va, n, c->m, c->got);
    for (u32 i = 0; i < n; i++)
        if (c->m[i] != c->want[i] || c->got[i] != c->pa[i]) {
            c->what = "hw_walk_mismatch";
            return E_CORRUPT;
        }
    return 0;
}

/* A valid 4K page that goes on from the last one visited, in the region
 * of the waiting pages, waits to be checked with them. */
static bool hw_run_add(struct hw_ctx *c, const struct pt_entry *e)
{
    if (!c->seen || c->end != e->va || e->size != SZ_4K ||
        (e->attrs & ATTR_INTERRUPT) || c->n == HW_RUN ||
        (c->n && (e->va ^ c->run_va) >= SZ_1M))
        return false;
    if (c->n == 0)
        c->run_va = e->va;
    c->want[c->n] = hw_want(e->attrs);
    c->pa[c->n++] = e->pa;
    c->end += SZ_4K;
    return true;
}

/* A page next to a mapping that software leaves unmapped (in the span,
 * in a gap between the pages pt_for_each visits): so must the MMU. */
static bool gap_ok(const struct pt_root *r, u64 va)
{
    if (va < r->lo || va >= (r->hi ? r->hi : 0x100000000ull))
        return true;
    return hw_unmapped((vaddr_t)va);
}

/* The walk shows every mapped page in order, so the neighbours of
 * each are known without a walk: the page before e is mapped if the last
 * visit ended at e, else it lies in a gap; the page after the last visit
 * is looked at here too when there is a gap, and after the walk. Most
 * pages are 4K pages going on from the last: they wait (hw_run_add), and
 * the MMU is asked about them at once before any other page. */
static int visit_hw(const struct pt_entry *e, void *p)
{
    struct hw_ctx *c = p;
    vaddr_t last = e->va + e->size - PAGE_SIZE;
    if (hw_run_add(c, e))
        return 0;
    if (hw_run_check(c))
        return E_CORRUPT;
    /* Both ends of the page; a 4K page has one (the same four walks). */
    if (!hw_agrees(e, e->va) || (last != e->va && !hw_agrees(e, last))) {
        c->what = "hw_walk_mismatch";
        return E_CORRUPT;
    }
    bool ok = true;
    if (!c->seen || c->end != e->va) {
        if (c->seen)
            ok = gap_ok(c->root, c->end);             /* after the last */
        if (e->va != 0 && (!c->seen || c->end != (u64)e->va - PAGE_SIZE))
            ok = ok && gap_ok(c->root, (u64)e->va - PAGE_SIZE);   /* before e */
    }
    c->seen = true;
    c->end = (u64)e->va + e->size;
    if (!ok) {
        c->what = "hw_neighbour_mapped";
        return E_CORRUPT;
    }
    return 0;
}

/* The MMU's verdict on a root whose walk showed it every page: the first
 * disagreement, else the page after the last one. */
static int hw_verdict(struct hw_ctx *c, const char **what)
{
    if (!c->what)
        hw_run_check(c);
    if (!c->what && c->seen && !gap_ok(c->root, c->end))   /* after the last */
        c->what = "hw_neighbour_mapped";
    if (c->what)
        *what = c->what;
    return c->what ? E_CORRUPT : 0;
}

/* Every software attribute range lies on mapped pages of its space. */
struct sw_ctx { const struct pt_root *root; };

static int visit_sw(vaddr_t lo, vaddr_t hi, u32 attrs, void *p)
{
    const struct sw_ctx *c = p;
    struct pt_entry e;
    for (vaddr_t va = lo; va < hi; va = e.va + e.size) {
        if (pt_walk(c->root, va, &e) != 0)
            return E_CORRUPT;
        if (e.va + e.size == 0)
            break;
    }
    return 0;
}

/* Table pages in pmm match the tables the roots hold. */
static int check_table_pages(u32 l2_tables, u32 spaces, const char **what)
{
    u32 l1_pages, quarters;
    if (pmm_check_tables(&l1_pages, &quarters, what))
        return E_CORRUPT;
    if (l1_pages != 2 * spaces) {
        *what = "l1_pages";
        return E_CORRUPT;
    }
    if (quarters != l2_tables) {
        *what = "l2_tables_leaked";
        return E_CORRUPT;
    }
    return 0;
}

/* Structure of one user address space: its tables, its attributes; the
 * MMU's pages too if it is the current one (hw). */
static int check_space(u32 id, u32 *l2, struct vm_check_counts *c,
                       struct hw_ctx *hw, const char **what)
{
    const struct pt_root *r = vm_root(id);
    bool cur = id == vm_as_current();
    int rc = pt_check_each(r, l2, &c->mappings, cur ? visit_hw : NULL, hw, what);
    struct sw_ctx sc = { r };
    if (!rc && swattr_for_each(id, visit_sw, &sc)) {
        *what = "swattr_unmapped";
        rc = E_CORRUPT;
    }
    return rc;
}

/* Global user pages are the same pages in every user space (vm_global.h):
 * a VA global in one space and private in another would be a TLB
 * conflict. */
static int check_globals(const char **what)
{
    static struct vg_set all;

    all.n = 0;
    for (u32 id = vm_as_next(0); id; id = vm_as_next(id)) {
        all.id[all.n] = id;
        all.root[all.n++] = (struct pt_root *)vm_root(id);
    }
    return vg_check(&all, what);
}

/* Structure of every root, the ASIDs they hold, the table pages; the
 * MMU's pages of the kernel's root (hw[0]) and the current space (hw[1]). */
static int check_roots(struct vm_check_counts *c, struct hw_ctx hw[2],
                       const char **what)
{
    u32 l2 = 0, spaces = 0, live_asids = 0;
    int rc = pt_check_each(hw[0].root, &l2, &c->mappings, visit_hw, &hw[0], what);
    for (u32 id = vm_as_next(0); !rc && id; id = vm_as_next(id)) {
        rc = check_space(id, &l2, c, &hw[1], what);
        spaces++;
        live_asids += vm_root(id)->asid != 0;
    }
    c->tables = l2 + spaces;
    if (!rc) rc = asid_check(live_asids, what);
    if (!rc) rc = vm_check_cpus(what);
    if (!rc) rc = check_table_pages(l2, spaces, what);
    if (!rc) rc = check_globals(what);
    return rc;
}

/* The current space was among those check_roots walked: vm_check_cpus
 * passed, so it is a live user space. */
int vm_check(struct vm_check_counts *c, const char **what)
{
    static struct hw_ctx hw[2];   /* 1 KiB each: not on a kernel stack */
    struct pmm_stats s;
    for (u32 i = 0; i < 2; i++) {
        hw[i].root = vm_root(i ? vm_as_current() : 0);
        hw[i].what = NULL;
        hw[i].seen = false;
        hw[i].n = 0;
    }
    c->tables = c->mappings = 0;
    int rc = pmm_check(what);
    if (!rc) rc = swattr_check(what);
    if (!rc) rc = check_roots(c, hw, what);
    if (!rc) rc = kspace_check(what);
    for (u32 i = 0; !rc && i < 2; i++)
        rc = hw_verdict(&hw[i], what);
    pmm_stats(&s);
    c->pages = s.total - s.free;
    return rc;
}
