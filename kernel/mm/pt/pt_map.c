/*
 * pt_map.c: mapping: pt_map (a range, largest pages first), pt_map1 (one
 * page of a given size), pt_table_map (an empty L2 table).
 *
 * Check everything, reserve the L2 tables, take the frame references,
 * then write; from the first write on nothing can fail. Writing a valid
 * entry over an invalid one needs no TLB maintenance (the TLB caches no
 * faults).
 */
#include "pt_internal.h"

/* One map request, as checked. Pieces: 16M and 1M go in L1 where joint
 * alignment, length and the absence of L2 tables allow; the rest of a
 * 1M region goes in its L2 table as 64K where aligned, else 4K. */
struct map_req {
    u32    *const *l1s;    /* the L1 of every root mapped into (1 or more) */
    struct pt_root *const *roots;  /* and the roots (their counters) */
    u32     n;
    u32    *l1;            /* the one being checked or written */
    struct pt_root *root;  /* whose L1 m->l1 is (while writing) */
    u64     va, end;       /* [va, end) */
    u32     delta;         /* pa - va (0 for markers: only va aligns) */
    u32     attrs;         /* as stored (pt_norm_attrs) */
    u32     force;         /* pt_map1's size, or 0 to choose */
    u32     small, large;  /* leaf bits of 4K and 64K pages */
    u32     sect, super;   /* and of 1M and 16M ones */
};

/* True if the n L1 entries from idx are all empty. */
static inline bool l1_empty(const u32 *l1, u32 idx, u32 n)
{
    const u32 *p = &l1[idx];
    u32 any = 0;

    if (n == 16)                   /* a supersection's 16: one OR tree */
        return !((p[0] | p[1] | p[2] | p[3]) | (p[4] | p[5] | p[6] | p[7]) |
                 (p[8] | p[9] | p[10] | p[11]) | (p[12] | p[13] | p[14] | p[15]));
    for (u32 i = 0; i < n; i++)    /* no early exit: branch-free */
        any |= p[i];
    return !any;
}

/* The same in every root of the request: a piece goes in L1 only where
 * all of them can take it, so that every root gets the same pages. */
static inline bool l1_empty_all(const struct map_req *m, u32 idx, u32 n)
{
    if (m->n == 1)                        /* one root: the common case */
        return l1_empty(m->l1s[0], idx, n);
    for (u32 r = 0; r < m->n; r++)
        if (!l1_empty(m->l1s[r], idx, n))
            return false;
    return true;
}

/* Size of the L1 piece that starts at v (16M or 1M), or 0: v's region
 * is mapped through its L2 table. */
static u32 l1_piece(const struct map_req *m, u64 v)
{
    u64 rem = m->end - v;
    u32 at = (u32)v | m->delta, idx = l1_index(v);

    if (m->force)
        return m->force >= SZ_1M ? m->force : 0;
    if (!ALIGNED(at, SZ_1M) || rem < SZ_1M)    /* neither fits: the L2 */
        return 0;
    if (ALIGNED(at, SZ_16M) && rem >= SZ_16M && l1_empty_all(m, idx, 16))
        return SZ_16M;
    return l1_empty_all(m, idx, 1) ? SZ_1M : 0;
}

/* The 1M section at v (which l1_piece chose) and those after it that
 * l1_piece would choose one by one too: how many regions from v on take
 * a section (>= 1). The run stops where a supersection could start, an
 * entry of some root is in use, or the range ends. No region's choice
 * looks at a region before it, so writing the run in one go makes the
 * same choices as writing it a section at a time. */
static u32 sect_run(const struct map_req *m, u64 v)
{
    u32 first = l1_index(v), left = (u32)((m->end - v) >> 20), n = 1;
    bool can16 = ALIGNED(m->delta, SZ_16M);  /* at = v | delta: 16M-aligned
                                                only where v is, then */
    const u32 *l1 = m->l1s[0];

    if (m->force)
        return 1;
    if (m->n == 1 && !can16) {           /* one root, no 16M: empty entries */
        while (n < left && !l1[first + n])
            n++;
        return n;
    }
    for (; n < left; n++) {
        u32 idx = first + n;
        if (can16 && !(idx & 15u) && left - n >= 16 && l1_empty_all(m, idx, 16))
            break;                       /* a 16M piece goes here */
        if (m->n == 1 ? l1[idx] != 0 : !l1_empty_all(m, idx, 1))
            break;
    }
    return n;
}

/* True if the entries of the table l1d for [v, rend) are all zero. */
static bool l2_empty(u32 l1d, u64 v, u64 rend)
{
    u32 from = l2_index(v);

    if (*l2_count(l1d & L1_TABLE_ADDR) == 0)
        return true;
    L2_WALK(w, l2_of(l1d), from, from + (u32)((rend - v) >> 12))
        return false;
    return true;
}

/* The check pass over m->l1: E_ALREADY_MAPPED if anything is in the
 * way; else adds to *need the L2 tables the write pass will create. */
static int map_check(const struct map_req *m, u32 *need)
{
    L1_WALK(w, m->l1, m->va, m->end) {
        u32 sz = l1_piece(m, w.v);
        if (sz) {
            /* a chosen piece was found empty in every root, m->l1 too */
            if (m->force && !l1_empty(m->l1, w.idx, sz >> 20))
                return E_ALREADY_MAPPED;
            w.next = w.v + (sz == SZ_1M ? (u64)sect_run(m, w.v) << 20 : sz);
        } else if (w.d == 0) {
            (*need)++;
        } else if (w.k != PK_TABLE || !l2_empty(w.d, w.v, w.next)) {
            return E_ALREADY_MAPPED;
        }
    }
    return 0;
}

/* Writes [v, rend) of region idx into its L2 table, creating the table
 * (filled first, then linked: invalid -> valid) if there is none.
 * Returns the descriptors written. */
static u32 map_l2(const struct map_req *m, u32 idx, u64 v, u64 rend)
{
    u32 d = m->l1[idx], first = l2_index(v), i = first;
    paddr_t t = d ? (d & L1_TABLE_ADDR) : l2_take();
    u32 *e = arch_phys_to_ptr(t);
    bool mark = m->attrs & ATTR_INTERRUPT;

    if (!mark && (m->force == SZ_4K || (!m->force && (m->delta & 0xffffu)))) {
        /* no 64K page can start here (pa and va disagree below 64K): 4K
         * pages only, the 4K map fast path */
        for (; v < rend; v += SZ_4K)
            e[i++] = ((u32)v + m->delta) | m->small;
    }
    while (v < rend) {
        u32 pa = (u32)v + m->delta;
        if (m->force == SZ_64K || (!m->force && ALIGNED(pa | (u32)v, SZ_64K) &&
                                   rend - v >= SZ_64K)) {
            u32 x = mark ? mk_encode(SZ_64K, m->attrs) : pa | m->large;
            for (u32 k = 0; k < 16; k++)
                e[i + k] = x;
            i += 16;
            v += SZ_64K;
        } else {
            e[i++] = mark ? mk_encode(SZ_4K, m->attrs) : pa | m->small;
            v += SZ_4K;
        }
    }
    arch_pt_written(&e[first], (i - first) * 4);
    *l2_count(t) += (u16)(i - first);
    if (!d) {
        m->l1[idx] = t | L1_TYPE_TABLE;
        arch_pt_written(&m->l1[idx], 4);
        count_tables(m->root, 1);
    }
    return i - first;
}

/* Writes the L1 piece of size sz at region idx (v its base) into m->l1
 * (leaf_encode with the bits map_prepare worked out); for 1M, `run`
 * sections in a row (sect_run). The caller cleans the entries for the
 * walker (map_write: one arch_pt_written a run). */
static u32 map_l1(const struct map_req *m, u32 idx, u64 v, u32 sz, u32 run)
{
    bool mark = m->attrs & ATTR_INTERRUPT;
    u32 *p = &m->l1[idx];
    u32 x;

    if (mark)
        x = mk_encode(sz, m->attrs);
    else
        x = (((u32)v + m->delta) & ~(sz - 1)) | (sz == SZ_16M ? m->super : m->sect);
    if (sz == SZ_16M) {
        for (u32 k = 0; k < 16; k++)
            p[k] = x;
        return 16;
    }
    for (u32 k = 0; k < run; k++, x += mark ? 0 : SZ_1M)
        p[k] = x;
    return run;
}

/* Cleans L1 entries [lo, hi) of every root of the request for the walker. */
static void l1_written(const struct map_req *m, u32 lo, u32 hi)
{
    if (hi > lo)
        for (u32 r = 0; r < m->n; r++)
            arch_pt_written(&m->l1s[r][lo], (hi - lo) * 4);
}

/* The write pass, into every root; returns the descriptors written in
 * one. Each step's piece is chosen once, before any root is written, so
 * it is the choice map_check made (it looks only at the regions from the
 * step on, which no earlier step wrote). */
static u32 map_write(struct map_req *m)
{
    u32 n = 0, run = 0, run_end = 0;   /* L1 pieces written, not yet cleaned */

    L1_WALK(w, m->l1s[0], m->va, m->end) {
        u32 sz = l1_piece(m, w.v), c = 0;
        u32 secs = sz == SZ_1M ? sect_run(m, w.v) : 1;  /* before any write */
        if (sz) {
            if (run_end != w.idx) {        /* not adjacent: a new run */
                l1_written(m, run, run_end);
                run = w.idx;
            }
            run_end = w.idx + (sz == SZ_1M ? secs : 16);
        }
        for (u32 r = 0; r < m->n; r++) {
            m->l1 = m->l1s[r];
            m->root = m->roots[r];
            c = sz ? map_l1(m, w.idx, w.v, sz, secs) : map_l2(m, w.idx, w.v, w.next);
        }
        n += c;
        if (sz)
            w.next = w.v + (sz == SZ_1M ? (u64)secs << 20 : sz);
    }
    l1_written(m, run, run_end);   /* invalid -> valid: no flush, just clean */
    for (u32 r = 0; r < m->n; r++)  /* every page of the range, every root */
        count_bytes(m->roots[r], (u32)(m->end - m->va), 0);
    return n;
}

/* Argument checks common to pt_map and pt_map1, and the request. */
static int map_prepare(struct map_req *m, struct pt_root *r, vaddr_t va,
                       paddr_t pa, u32 len, u32 attrs)
{
    bool mark = attrs & ATTR_INTERRUPT;

    if (pt_attrs_valid(attrs))
        return E_BAD_ARG;
    if (len == 0 || !ALIGNED(va | len, SZ_4K) || (!mark && !ALIGNED(pa, SZ_4K)))
        return E_ALIGN;
    if (!in_span(r, va) || (u64)va + len > span_end(r) ||
        (!mark && (u64)pa + len > 0x100000000ull))
        return E_RANGE;
    m->l1 = l1_of(r);
    m->l1s = &m->l1;
    m->n = 1;
    m->va = va;
    m->end = (u64)va + len;
    m->delta = mark ? 0 : pa - va;
    m->attrs = pt_norm_attrs(r, attrs);
    m->force = 0;
    m->small = leaf_bits(SZ_4K, m->attrs & ATTR_HW_MASK);
    m->large = leaf_bits(SZ_64K, m->attrs & ATTR_HW_MASK);
    m->sect = leaf_bits(SZ_1M, m->attrs & ATTR_HW_MASK);
    m->super = leaf_bits(SZ_16M, m->attrs & ATTR_HW_MASK);
    return 0;
}

/* Takes one mapping reference per root on the request's RAM frames;
 * all or none. */
static int map_refs(const struct map_req *m)
{
    paddr_t pa = (u32)m->va + m->delta;
    u32 len = (u32)(m->end - m->va);

    if (m->attrs & ATTR_INTERRUPT)
        return 0;
    for (u32 r = 0; r < m->n; r++) {
        if (pmm_frames_get(pa, len)) {
            while (r--)
                pmm_frames_put(pa, len);
            return E_NO_MEMORY;
        }
    }
    return 0;
}

/* Check every root, reserve, reference, write. */
static int map_do(struct map_req *m, u32 *entries)
{
    u32 need = 0, n;
    int rc = 0;

    for (u32 r = 0; r < m->n && !rc; r++) {
        m->l1 = m->l1s[r];
        rc = map_check(m, &need);
    }
    if (!rc)
        rc = l2_reserve(need);
    if (!rc) {
        rc = map_refs(m);
        if (rc)
            l2_settle();           /* give back what l2_reserve took */
    }
    if (rc)
        return rc;
    n = map_write(m);
    l2_settle();
    if (entries)
        *entries = n;
    return 0;
}

/* See pagetable.h. */
int pt_map(struct pt_root *r, vaddr_t va, paddr_t pa, u32 len, u32 attrs,
           u32 *entries)
{
    return pt_map_multi(&r, 1, va, pa, len, attrs, 0, entries);
}

/* See pagetable.h. */
int pt_map1(struct pt_root *r, vaddr_t va, paddr_t pa, u32 size, u32 attrs)
{
    return pt_map_multi(&r, 1, va, pa, size, attrs, size, NULL);
}

/* See pagetable.h. */
int pt_map_multi(struct pt_root *const *roots, u32 n, vaddr_t va, paddr_t pa,
                 u32 len, u32 attrs, u32 size, u32 *entries)
{
    u32 *l1s[PT_MULTI_MAX];
    struct map_req m;
    int rc;

    KASSERT(n >= 1 && n <= PT_MULTI_MAX);
    if (size) {
        if (size != SZ_4K && size != SZ_64K && size != SZ_1M && size != SZ_16M)
            return E_BAD_ARG;
        if (pt_attrs_valid(attrs))
            return E_BAD_ARG;
        if (!ALIGNED(va, size) || len == 0 || !ALIGNED(len, size) ||
            (!(attrs & ATTR_INTERRUPT) && !ALIGNED(pa, size)))
            return E_ALIGN;
    }
    rc = map_prepare(&m, roots[0], va, pa, len, attrs);
    if (rc)
        return rc;
    for (u32 r = 0; r < n; r++) {
        KASSERT(roots[r]->lo == roots[0]->lo && roots[r]->hi == roots[0]->hi &&
                !roots[r]->is_kernel == !roots[0]->is_kernel);
        l1s[r] = l1_of(roots[r]);
    }
    m.l1s = l1s;
    m.roots = roots;
    m.n = n;
    m.force = size;
    return map_do(&m, entries);
}

/* See pagetable.h. */
int pt_table_map(struct pt_root *r, vaddr_t va, paddr_t *l2)
{
    u32 *l1 = l1_of(r), idx = l1_index(va);
    paddr_t t;

    if (!in_span(r, va))
        return E_RANGE;
    if (l1[idx])
        return E_ALREADY_MAPPED;
    if (l2_reserve(1))
        return E_NO_MEMORY;
    t = l2_take();
    arch_pt_written(arch_phys_to_ptr(t), L2_BYTES);
    l1[idx] = t | L1_TYPE_TABLE;      /* invalid -> valid: no flush */
    arch_pt_written(&l1[idx], 4);
    count_tables(r, 1);
    *l2 = t;
    return 0;
}

