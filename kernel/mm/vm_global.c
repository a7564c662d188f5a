/*
 * vm_global.c: global user mappings shared by every user address space
 * (see vm_global.h for the rule). Each operation finds the global pages
 * of a range in the requesting space as runs of consecutive global pages
 * (clipped to the range), counts what every space will need, reserves it,
 * and only then changes the others and the requesting space.
 */
#include "vm_global.h"
#include "kassert.h"
#include "swattr.h"

/* A change's runs of global pages (pt_global_runs over the requesting
 * space) go to run_count, then to run_apply. */
struct runs {
    const struct vg_set *others;
    enum vg_op op;
    u32 attrs;
    u32 tables, count;            /* counting pass: splits, runs */
};

/* ---- map ----------------------------------------------------------------- */

/* See vm_global.h. */
int vg_map(const struct vg_set *all, vaddr_t va, paddr_t pa, u32 len,
           u32 attrs, u32 size, u32 *entries)
{
    u32 sw = attrs & ATTR_SW_MASK;
    int rc;

    if (sw && !swattr_can_set_n(all->n))
        return E_NO_MEMORY;
    rc = pt_map_multi(all->root, all->n, va, pa, len,
                      attrs & (ATTR_HW_MASK | ATTR_INTERRUPT), size, entries);
    if (rc)
        return rc;
    len = size ? size : len;
    for (u32 i = 0; sw && i < all->n; i++)
        swattr_set(all->id[i], va, va + len, sw);
    return 0;
}

/* ---- unmap and protect ----------------------------------------------------- */

/* Counting pass: the splits each other space needs for the run. */
static void run_count(void *p, vaddr_t a, u64 b)
{
    struct runs *c = p;
    for (u32 i = 0; i < c->others->n; i++)
        c->tables += pt_cut_tables(c->others->root[i], a, b - a);
    c->count++;
}

/* Apply pass: the run in every other space (cannot fail: reserved). */
static void run_apply(void *p, vaddr_t a, u64 b)
{
    struct runs *c = p;
    for (u32 i = 0; i < c->others->n; i++) {
        struct pt_root *y = c->others->root[i];
        int rc;
        if (c->op == VG_PROTECT)
            rc = pt_protect(y, a, b - a, c->attrs & ATTR_HW_MASK);
        else
            rc = pt_unmap(y, a, b - a, NULL);
        KASSERT(rc == 0);
        swattr_set(c->others->id[i], a, b, c->op == VG_PROTECT ? c->attrs : 0);
    }
}

/* ---- protect making private pages global ---------------------------------- */

struct share {
    const struct vg_set *others;
    u64 lo, hi;
    u32 tables;           /* L2 tables the others will need */
    u64 next_region;      /* regions below this one are counted */
    bool any;             /* a private page is in the range */
    int rc;
};

static int any_visit(const struct pt_entry *e, void *p)
{
    (void)e; (void)p;
    return 1;
}

/* Check pass over x's pages before the protect: every private piece of
 * [lo, hi) must be free in every other space (E_ALREADY_MAPPED). Each
 * space will need an L2 table for each 1M region that the piece does not
 * fill with one section or supersection (x's splits leave 4K or 64K pages
 * there) and where it has none. */
static int share_visit(const struct pt_entry *e, void *p)
{
    struct share *c = p;
    u64 s = e->va > c->lo ? e->va : c->lo;
    u64 t = (u64)e->va + e->size < c->hi ? (u64)e->va + e->size : c->hi;

    if (e->attrs & ATTR_GLOBAL)
        return 0;
    c->any = true;
    for (u32 i = 0; i < c->others->n; i++)
        if (pt_for_each(c->others->root[i], (vaddr_t)s, (vaddr_t)t, any_visit, NULL))
            return c->rc = E_ALREADY_MAPPED;
    for (u64 r = ALIGN_DOWN(s, SZ_1M); r < t; r += SZ_1M) {
        bool whole = e->size >= SZ_1M && s <= r && t >= r + SZ_1M;
        for (u32 i = 0; i < c->others->n; i++) {
            bool table = pt_has_table(c->others->root[i], (vaddr_t)r);
            if (whole && table)
                return c->rc = E_ALREADY_MAPPED;  /* a section cannot go */
            c->tables += !whole && !table && r >= c->next_region;
        }
        c->next_region = r + SZ_1M;
    }
    return 0;
}

/* Write pass, after x's protect: each page of x in [lo, hi) that the
 * others lack was private and is global now: the same page into all. */
static int share_write(const struct pt_entry *e, void *p)
{
    struct share *c = p;
    struct pt_entry o;
    int rc;

    if (pt_walk(c->others->root[0], e->va, &o) == 0)
        return 0;                       /* global before: done by the runs */
    rc = pt_map_multi(c->others->root, c->others->n, e->va, e->pa, e->size,
                      e->attrs & (ATTR_HW_MASK | ATTR_INTERRUPT), e->size, NULL);
    KASSERT(rc == 0);                   /* checked and reserved */
    return 0;
}

/* See vm_global.h. */
int vg_change(struct pt_root *x, const struct vg_set *others, enum vg_op op,
              vaddr_t va, u32 len, u32 attrs, u32 *unmapped)
{
    struct runs c = { .others = others, .op = op, .attrs = attrs };
    struct share sh = { .others = others, .lo = va, .hi = (u64)va + len };
    bool share = op == VG_PROTECT && (attrs & ATTR_GLOBAL) && others->n;
    int rc = 0;

    if (op == VG_PROTECT && pt_all_mapped(x, va, (u64)va + len))
        return E_NOT_MAPPED;
    if (share && pt_for_each(x, va, va + len, share_visit, &sh))
        return sh.rc;
    if (others->n)
        pt_global_runs(x, va, (u64)va + len, run_count, &c);
    if ((c.count || sh.any) &&
        !swattr_can_set_n((c.count + sh.any) * others->n))
        return E_NO_MEMORY;
    if (pt_reserve(c.tables + sh.tables +
                   (op == VG_OTHERS ? 0 : pt_cut_tables(x, va, len))))
        return E_NO_MEMORY;
    if (c.count)
        pt_global_runs(x, va, (u64)va + len, run_apply, &c);
    if (op == VG_UNMAP)
        rc = pt_unmap(x, va, len, unmapped);
    else if (op == VG_PROTECT)
        rc = pt_protect(x, va, len, attrs & ATTR_HW_MASK);
    if (!rc && sh.any) {
        pt_for_each(x, va, va + len, share_write, &sh);
        for (u32 i = 0; i < others->n; i++)     /* merges with the runs' */
            swattr_set(others->id[i], va, va + len, attrs);
    }
    pt_release();
    KASSERT(rc == 0);              /* checked and reserved above */
    return 0;
}

/* ---- a new space ----------------------------------------------------------- */

/* The global pages of src are entered in runs: pages of one size, one
 * set of attributes (hardware and software), consecutive in VA and in PA
 * (markers: in VA), each run one request of that page size, so that dst
 * gets exactly src's pages. */
struct copy_ctx {
    struct pt_root *dst;
    u32 dst_id, src_id;
    bool open;
    vaddr_t va;
    paddr_t pa;
    u32 len, size, attrs, sw;
    u32 sw_at;                 /* src's software attributes up to sw_end */
    u64 sw_end;                /* (pages come in VA order) */
};

static int copy_flush(struct copy_ctx *c)
{
    int rc;

    if (!c->open)
        return 0;
    c->open = false;
    if (c->sw && !swattr_can_set())
        return E_NO_MEMORY;
    rc = pt_map_multi(&c->dst, 1, c->va, c->pa, c->len, c->attrs, c->size, NULL);
    if (rc)
        return rc;
    if (c->sw)
        swattr_set(c->dst_id, c->va, c->va + c->len, c->sw);
    return 0;
}

static int copy_visit(const struct pt_entry *e, void *p)
{
    struct copy_ctx *c = p;
    u32 attrs = e->attrs & (ATTR_HW_MASK | ATTR_INTERRUPT), sw;
    int rc;

    if (!(e->attrs & ATTR_GLOBAL))
        return 0;
    if (e->va >= c->sw_end)
        c->sw_at = swattr_get_span(c->src_id, e->va, &c->sw_end);
    sw = c->sw_at;
    if (c->open && e->va == c->va + c->len && e->size == c->size &&
        attrs == c->attrs && sw == c->sw &&
        ((attrs & ATTR_INTERRUPT) || e->pa == c->pa + c->len)) {
        c->len += e->size;
        return 0;
    }
    rc = copy_flush(c);
    if (rc)
        return rc;
    c->open = true;                      /* a new run: this page */
    c->va = e->va;
    c->pa = e->pa;
    c->len = c->size = e->size;
    c->attrs = attrs;
    c->sw = sw;
    return 0;
}

/* See vm_global.h. */
int vg_copy(struct pt_root *dst, u32 dst_id, const struct pt_root *src,
            u32 src_id)
{
    struct copy_ctx c = { .dst = dst, .dst_id = dst_id, .src_id = src_id };
    int rc = pt_for_each(src, src->lo, src->hi, copy_visit, &c);

    return rc ? rc : copy_flush(&c);
}

/* ---- check ----------------------------------------------------------------- */

/* The tables first: every other space against the first, descriptor for
 * descriptor (pt_globals_differ). Then, if any space has software
 * attributes, each global page's in every space: those of the first. */
struct swcmp {
    const struct vg_set *all;
    u32 sw[VM_AS_MAX];    /* each space's answer, good below end */
    u64 end[VM_AS_MAX];   /* (pages come in VA order) */
};

static u32 sw_at(struct swcmp *c, u32 i, vaddr_t va)
{
    if (va >= c->end[i])
        c->sw[i] = swattr_get_span(c->all->id[i], va, &c->end[i]);
    return c->sw[i];
}

static int sw_visit(const struct pt_entry *e, void *p)
{
    struct swcmp *c = p;
    u32 sw;

    if (!(e->attrs & ATTR_GLOBAL))
        return 0;
    sw = sw_at(c, 0, e->va);
    for (u32 i = 1; i < c->all->n; i++)
        if (sw_at(c, i, e->va) != sw)
            return E_CORRUPT;
    return 0;
}

/* See vm_global.h. */
int vg_check(const struct vg_set *all, const char **what)
{
    const struct pt_root *t = all->root[0];
    static struct swcmp c;
    bool sw = false;
    vaddr_t va;

    for (u32 i = 1; i < all->n; i++)
        if (pt_globals_differ(t, all->root[i], &va)) {
            *what = "global_mismatch";
            return E_CORRUPT;
        }
    for (u32 i = 0; all->n > 1 && i < all->n; i++)
        sw = sw || swattr_any(all->id[i], 0, USER_TOP, ~0u);
    c.all = all;
    for (u32 i = 0; i < all->n; i++)
        c.end[i] = 0;
    if (sw && pt_for_each(t, t->lo, t->hi, sw_visit, &c)) {
        *what = "global_mismatch";
        return E_CORRUPT;
    }
    return 0;
}
