/*
 * pt_walk.c: reading the tables: pt_walk (one address), pt_hole_end (how
 * far nothing is mapped from there), pt_all_mapped (a range without
 * holes), pt_for_each (every page of a range, in order), pt_global_runs
 * (a range's runs of global pages), pt_usage (tables and bytes of a root,
 * as counted), pt_usage_scan (the same by a scan, for pt_check and boot),
 * pt_globals_differ (two roots' global pages, table against table).
 */
#include "pt_internal.h"

/* Fills *e from the leaf or marker d of kind k that holds va. */
static bool entry_of(u32 d, enum pt_kind k, vaddr_t va, struct pt_entry *e)
{
    if (k == PK_NONE || !leaf_decode(d, k, &e->size, &e->pa, &e->attrs))
        return false;
    e->va = va & ~(e->size - 1);
    return true;
}

/* See pagetable.h. A 4K page (the common case) is read with two loads
 * and one table lookup (small_attrs); anything else is fully decoded. */
int pt_walk(const struct pt_root *r, vaddr_t va, struct pt_entry *e)
{
    u32 d;

    if (!in_span(r, va))
        return E_NOT_MAPPED;
    d = l1_of(r)[l1_index(va)];
    if ((d & 3u) == L1_TYPE_TABLE) {
        u32 a;
        d = l2_of(d)[l2_index(va)];
        if ((d & 2u) && (a = small_attrs(d)) != 0) {
            e->va = va & ~(SZ_4K - 1);
            e->pa = d & ~(SZ_4K - 1);
            e->size = SZ_4K;
            e->attrs = a;
            return 0;
        }
        return entry_of(d, l2_kind(d), va, e) ? 0 : E_NOT_MAPPED;
    }
    return entry_of(d, l1_kind(d), va, e) ? 0 : E_NOT_MAPPED;
}

/* See pagetable.h. Past va's own entry only zero entries are taken:
 * anything else (a page, a marker, a broken or foreign descriptor) is
 * left to the caller's next pt_walk. */
u64 pt_hole_end(const struct pt_root *r, vaddr_t va)
{
    const u32 *l1 = l1_of(r);
    u32 i = l1_index(va), d;

    if (!in_span(r, va))
        return ((u64)va | (SZ_4K - 1)) + 1;
    d = l1[i];
    if ((d & 3u) == L1_TYPE_TABLE)
        return ((u64)i << 20) + ((u64)next_nz(l2_of(d), l2_index(va) + 1, L2_ENTRIES) << 12);
    return (u64)next_nz(l1, i + 1, (u32)(span_end(r) >> 20)) << 20;
}

/* See pagetable.h. Every page as pt_walk reads it, a table's 4K pages
 * (most of a range) by one lookup each, without its L1 lookup. */
int pt_all_mapped(const struct pt_root *r, u64 va, u64 end)
{
    struct pt_entry e;

    if (va < end && (!in_span(r, va) || end > span_end(r)))
        return E_NOT_MAPPED;
    L1_WALK(w, l1_of(r), va, end) {
        if (w.k != PK_TABLE) {
            if (!entry_of(w.d, w.k, (vaddr_t)w.v, &e))
                return E_NOT_MAPPED;
            w.next = (u64)e.va + e.size;
            continue;
        }
        const u32 *t = l2_of(w.d);
        for (u32 i = l2_index(w.v), to = i + (u32)((w.next - w.v) >> 12); i < to; ) {
            if ((t[i] & 2u) && small_attrs(t[i])) {
                i++;
                continue;
            }
            if (!entry_of(t[i], l2_kind(t[i]), (w.idx << 20) | (i << 12), &e))
                return E_NOT_MAPPED;
            i = l2_index(e.va) + (e.size >> 12);
        }
    }
    return 0;
}

/* See pt_internal.h. Empty entries, most of every L1 and L2, are passed
 * 64 at a time (a 256-byte block: one OR of 32 words; half the steps of
 * 32 over a user L1's 2016 empty entries past the fuzz's 32 MiB), then
 * eight at a time (tables are 1K-aligned, so t + i is 8-byte aligned when
 * i is even; a zero entry is PK_NONE, nothing to check). */
typedef u64 __attribute__((may_alias)) u64a;
/* Two words of 64 bits as one value (GCC's vector extension: one 128-bit
 * OR where the target has it, two 64-bit ones where it does not); t + i
 * is 32-byte aligned in the block loop. */
typedef u64 __attribute__((vector_size(16), may_alias)) u64x2;
u32 next_nz_scan(const u32 *t, u32 i, u32 lim)
{
    for (; i < lim && (i & 7); i++)
        if (t[i])
            return i;
    for (; i + 64 <= lim; i += 64) {
        const u64x2 *q = (const u64x2 *)(t + i);
        u64x2 o = ((q[0] | q[1]) | (q[2] | q[3])) | ((q[4] | q[5]) | (q[6] | q[7]))
                | ((q[8] | q[9]) | (q[10] | q[11])) | ((q[12] | q[13]) | (q[14] | q[15]));
        if (o[0] | o[1])
            break;
    }
    while (i + 8 <= lim) {
        const u64a *q = (const u64a *)(t + i);
        if (q[0] | q[1] | q[2] | q[3])
            break;
        i += 8;
    }
    for (; i < lim; i++)
        if (t[i])
            return i;
    return lim;
}

/* See pt_internal.h. */
u64 l1_skip(const struct l1_walk *w)
{
    u32 lim = (u32)((w->end + SZ_1M - 1) >> 20);
    u64 v = (u64)next_nz(w->l1, w->idx + 1, lim) << 20;
    return v < w->end ? v : w->end;
}

/* See pagetable.h. A page that starts below lo but reaches into
 * [lo, hi) is visited too; hi == 0 means the top of the address space.
 * Runs of empty L1 and L2 entries are passed by word compares. */
int pt_for_each(const struct pt_root *r, vaddr_t lo, vaddr_t hi,
                  pt_visit_fn fn, void *ctx)
{
    u64 v = lo > r->lo ? lo : r->lo;
    u64 end = hi ? hi : 0x100000000ull;
    struct pt_entry e;
    /* What the counts say is still ahead (from the root's start only). */
    bool counted = r->count && v == r->lo;
    u32 tables = counted ? r->count->l2_tables : 0;
    u32 bytes = counted ? r->count->mapped : 0;

    end = end < span_end(r) ? end : span_end(r);
    L1_WALK(w, l1_of(r), v, end) {
        if (counted && !tables && !bytes)
            break;                       /* nothing non-zero is left */
        if (w.d == 0) {
            w.next = l1_skip(&w);
        } else if (w.k == PK_TABLE) {
            const u32 *t = l2_of(w.d);
            u32 from = l2_index(w.v);
            u32 to = from + (u32)((w.next - w.v) >> 12);
            u32 left = *l2_count(w.d & L1_TABLE_ADDR);   /* non-zero entries */
            bool whole = from == 0;
            if (counted && (tables == 0 || bytes < left * SZ_4K))
                counted = false;         /* counts short: scan on */
            tables -= counted;
            bytes -= counted ? left * SZ_4K : 0;
            for (u32 i = next_nz(t, from, to), n; i < to; i = next_nz(t, i + n, to)) {
                enum pt_kind k = l2_kind(t[i]);
                vaddr_t va = (w.idx << 20) | (i << 12);
                n = page_entries(t[i], k);
                if (whole && left <= n) {
                    to = i + n;          /* the last non-zero run */
                    whole = false;
                }
                left -= whole ? n : 0;
                u32 a;
                if (k == PK_SMALL && (a = small_attrs(t[i])) != 0) {
                    e = (struct pt_entry){ .va = va, .pa = t[i] & ~(SZ_4K - 1),
                                          .size = SZ_4K, .attrs = a };
                    int rc = fn(&e, ctx);   /* a 4K page: as pt_walk reads it */
                    if (rc)
                        return rc;
                    continue;
                }
                if (!entry_of(t[i], k, va, &e))
                    continue;
                int rc = fn(&e, ctx);
                if (rc)
                    return rc;
                n = (u32)(((u64)e.va + e.size - va) >> 12);  /* to its end */
            }
        } else {
            if (entry_of(w.d, w.k, (vaddr_t)w.v, &e)) {
                int rc = fn(&e, ctx);
                if (rc)
                    return rc;
                w.next = (u64)e.va + e.size;
            }
            u32 share = (u32)(w.next - w.v);     /* 1M per L1 entry */
            if (counted && bytes < share)
                counted = false;
            bytes -= counted ? share : 0;
        }
    }
    return 0;
}

/* ---- runs of global pages (pt_global_runs) -------------------------- */

struct grun {
    u64 lo, hi;                 /* pages are clipped to [lo, hi) */
    u64 a, b;                   /* the run being built, if open */
    bool open;
    pt_run_fn fn;
    void *ctx;
};

static void grun_flush(struct grun *g)
{
    if (g->open)
        g->fn(g->ctx, (vaddr_t)g->a, g->b);
    g->open = false;
}

/* Pages [s, t), global or not: a global piece that starts where the open
 * run ends extends it; anything else ends it, and a global piece opens
 * the next. */
static void grun_add(struct grun *g, u64 s, u64 t, bool global)
{
    s = s > g->lo ? s : g->lo;
    t = t < g->hi ? t : g->hi;
    if (global && g->open && g->b == s) {
        g->b = t;
        return;
    }
    grun_flush(g);
    g->open = global;
    g->a = s;
    g->b = t;
}

/* A 4K page's class as pt_walk reads it (small_attrs): 0 none (decode
 * the entry in full), 1 private, 2 global. */
static inline u32 small_class(u32 d)
{
    u32 a = (d & 2u) ? small_attrs(d) : 0;
    return a ? 1 + !!(a & ATTR_GLOBAL) : 0;
}

/* Entries [i, to) of the L2 table t of region idx: a stretch of 4K pages
 * of one class is one grun_add; anything else is decoded as pt_walk does. */
static void grun_table(struct grun *g, const u32 *t, u32 idx, u32 i, u32 to)
{
    struct pt_entry e;

    for (i = next_nz(t, i, to); i < to; ) {
        u64 va = (u64)idx << 20 | i << 12;
        u32 c = small_class(t[i]), j = i + 1;
        if (c) {
            while (j < to && small_class(t[j]) == c)
                j++;
            grun_add(g, va, va + ((u64)(j - i) << 12), c == 2);
        } else if (entry_of(t[i], l2_kind(t[i]), (vaddr_t)va, &e)) {
            grun_add(g, e.va, (u64)e.va + e.size, e.attrs & ATTR_GLOBAL);
            j = l2_index(e.va) + (e.size >> 12);
        }
        i = next_nz(t, j, to);
    }
}

/* See pagetable.h. */
void pt_global_runs(const struct pt_root *r, vaddr_t lo, u64 hi,
                    pt_run_fn fn, void *ctx)
{
    struct grun g = { .lo = lo, .hi = hi, .fn = fn, .ctx = ctx };
    u64 v = lo > r->lo ? lo : r->lo;
    u64 end = hi < span_end(r) ? hi : span_end(r);
    struct pt_entry e;

    L1_WALK(w, l1_of(r), v, end) {
        if (w.d == 0) {
            w.next = l1_skip(&w);
        } else if (w.k == PK_TABLE) {
            grun_table(&g, l2_of(w.d), w.idx, l2_index(w.v),
                       l2_index(w.v) + (u32)((w.next - w.v) >> 12));
        } else if (entry_of(w.d, w.k, (vaddr_t)w.v, &e)) {
            grun_add(&g, e.va, (u64)e.va + e.size, e.attrs & ATTR_GLOBAL);
            w.next = (u64)e.va + e.size;
        }
    }
    grun_flush(&g);
}

/* See pt_internal.h. Every non-zero entry stands for its share: 1M in L1
 * (a supersection is 16 of them), 4K in L2 (a large page is 16). */
void pt_usage_scan(const struct pt_root *r, u32 *l2_tables, u32 *mapped_bytes)
{
    u32 tables = 0, bytes = 0;

    L1_WALK(w, l1_of(r), r->lo, span_end(r)) {
        if (w.d == 0) {
            w.next = l1_skip(&w);
        } else if (w.k == PK_TABLE) {
            const u32 *e = l2_of(w.d);
            tables++;
            for (u32 i = next_nz(e, 0, L2_ENTRIES); i < L2_ENTRIES;
                 i = next_nz(e, i + 1, L2_ENTRIES))
                bytes += SZ_4K;
        } else {
            bytes += SZ_1M;
        }
    }
    *l2_tables = tables;
    *mapped_bytes = bytes;
}

/* See pagetable.h. */
void pt_usage(const struct pt_root *r, u32 *l2_tables, u32 *mapped_bytes)
{
    if (!r->count) {
        pt_usage_scan(r, l2_tables, mapped_bytes);
        return;
    }
    *l2_tables = r->count->l2_tables;
    *mapped_bytes = r->count->mapped;
}

/* See pagetable.h. */
bool pt_has_table(const struct pt_root *r, vaddr_t va)
{
    return in_span(r, va) && l1_kind(l1_of(r)[l1_index(va)]) == PK_TABLE;
}

/* ---- the global pages of two roots ------------------------------------------ */

/* First index in [i, lim) where x and y differ, or lim: runs of equal
 * entries (most of two user L1s: empty, or the same global pages) are
 * passed 32 at a time, then eight (tables are 1K-aligned, as in next_nz). */
static u32 next_ne_scan(const u32 *x, const u32 *y, u32 i, u32 lim)
{
    for (; i < lim && (i & 7); i++)
        if (x[i] != y[i])
            return i;
    for (; i + 32 <= lim; i += 32) {
        const u64x2 *p = (const u64x2 *)(x + i), *q = (const u64x2 *)(y + i);
        u64x2 o = ((p[0] ^ q[0]) | (p[1] ^ q[1]) | (p[2] ^ q[2]) | (p[3] ^ q[3])) |
                  ((p[4] ^ q[4]) | (p[5] ^ q[5]) | (p[6] ^ q[6]) | (p[7] ^ q[7]));
        if (o[0] | o[1])
            break;
    }
    while (i + 8 <= lim) {
        const u64a *p = (const u64a *)(x + i), *q = (const u64a *)(y + i);
        if ((p[0] ^ q[0]) | (p[1] ^ q[1]) | (p[2] ^ q[2]) | (p[3] ^ q[3]))
            break;
        i += 8;
    }
    for (; i < lim; i++)
        if (x[i] != y[i])
            return i;
    return lim;
}

/* next_ne_scan, the entry at i itself (the next of a run of private
 * pages, which differ) looked at first without a call. */
static inline u32 next_ne(const u32 *x, const u32 *y, u32 i, u32 lim)
{
    return i < lim && x[i] != y[i] ? i : next_ne_scan(x, y, i, lim);
}

/* True if entry d of kind k is a well-formed global leaf (a marker too:
 * what pt_for_each would visit with ATTR_GLOBAL). */
static bool global_leaf(u32 d, enum pt_kind k)
{
    u32 size, attrs;
    paddr_t pa;

    if (k == PK_SMALL)
        return small_attrs(d) & ATTR_GLOBAL;
    return k != PK_NONE && k != PK_TABLE &&
           leaf_decode(d, k, &size, &pa, &attrs) && (attrs & ATTR_GLOBAL);
}

/* global_leaf of an L2 entry of a table pt_check passed: a 4K or 64K
 * page is global by its nG bit alone. */
static bool l2_global(u32 d)
{
    if (d & 3u)
        return !(d & L2_NG);
    return d && global_leaf(d, l2_kind(d));
}

/* The first index of two L2 tables where a global leaf of one is not the
 * same word in the other, or L2_ENTRIES. */
static u32 l2_global_diff(const u32 *x, const u32 *y)
{
    for (u32 i = next_ne(x, y, 0, L2_ENTRIES); i < L2_ENTRIES;
         i = next_ne(x, y, i + 1, L2_ENTRIES))
        if (l2_global(x[i]) || l2_global(y[i]))
            return i;
    return L2_ENTRIES;
}

/* See pagetable.h. A descriptor holds a page's frame, size and attributes
 * and nothing else (leaf_decode accepts only what re-encodes to it), so
 * the same page is the same word: the roots are compared entry by entry,
 * an L1 entry that is a table in one of them against the other's table
 * (or an empty one). */
bool pt_globals_differ(const struct pt_root *a, const struct pt_root *b,
                       vaddr_t *va)
{
    static const u32 no_table[L2_ENTRIES];
    const u32 *x = l1_of(a), *y = l1_of(b);
    u32 lo = (u32)(a->lo >> 20), lim = (u32)(span_end(a) >> 20);

    for (u32 i = next_ne(x, y, lo, lim); i < lim; i = next_ne(x, y, i + 1, lim)) {
        enum pt_kind kx = l1_kind(x[i]), ky = l1_kind(y[i]);
        u32 j = L2_ENTRIES;
        if (global_leaf(x[i], kx) || global_leaf(y[i], ky))
            j = 0;                       /* a global section, not in both */
        else if (kx == PK_TABLE || ky == PK_TABLE)
            j = l2_global_diff(kx == PK_TABLE ? l2_of(x[i]) : no_table,
                               ky == PK_TABLE ? l2_of(y[i]) : no_table);
        if (j < L2_ENTRIES) {
            *va = (vaddr_t)(i << 20 | j << 12);
            return true;
        }
    }
    return false;
}
