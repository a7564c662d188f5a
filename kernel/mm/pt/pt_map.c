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
    u32    *l1;
    u64     va, end;       /* [va, end) */
    u32     delta;         /* pa - va (0 for markers: only va aligns) */
    u32     attrs;         /* as stored (pt_norm_attrs) */
    u32     force;         /* pt_map1's size, or 0 to choose */
    u32     small, large;  /* leaf bits of 4K and 64K pages */
};

/* True if the n L1 entries from idx are all empty. */
static bool l1_empty(const u32 *l1, u32 idx, u32 n)
{
    for (u32 i = 0; i < n; i++)
        if (l1[idx + i])
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
    if (ALIGNED(at, SZ_16M) && rem >= SZ_16M && l1_empty(m->l1, idx, 16))
        return SZ_16M;
    if (ALIGNED(at, SZ_1M) && rem >= SZ_1M && m->l1[idx] == 0)
        return SZ_1M;
    return 0;
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

/* The check pass: E_ALREADY_MAPPED if anything is in the way; else
 * *need = L2 tables the write pass will create. */
static int map_check(const struct map_req *m, u32 *need)
{
    *need = 0;
    L1_WALK(w, m->l1, m->va, m->end) {
        u32 sz = l1_piece(m, w.v);
        if (sz) {
            if (!l1_empty(m->l1, w.idx, sz >> 20))
                return E_ALREADY_MAPPED;
            w.next = w.v + sz;
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
    }
    return i - first;
}

/* The write pass; it makes the same choices as map_check did, since it
 * only writes regions below the one it is deciding about. */
static u32 map_write(const struct map_req *m)
{
    u32 n = 0;

    L1_WALK(w, m->l1, m->va, m->end) {
        u32 sz = l1_piece(m, w.v);
        if (sz) {
            u32 x = leaf_encode(sz, (u32)w.v + m->delta, m->attrs);
            for (u32 k = 0; k < (sz >> 20); k++)
                m->l1[w.idx + k] = x;
            arch_pt_written(&m->l1[w.idx], (sz >> 20) * 4);
            n += sz >> 20;
            w.next = w.v + sz;
        } else {
            n += map_l2(m, w.idx, w.v, w.next);
        }
    }
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
    m->va = va;
    m->end = (u64)va + len;
    m->delta = mark ? 0 : pa - va;
    m->attrs = pt_norm_attrs(r, attrs);
    m->force = 0;
    m->small = leaf_bits(SZ_4K, m->attrs & ATTR_HW_MASK);
    m->large = leaf_bits(SZ_64K, m->attrs & ATTR_HW_MASK);
    return 0;
}

/* Check, reserve, reference, write. */
static int map_do(const struct map_req *m, u32 *entries)
{
    u32 need, n;
    int rc = map_check(m, &need);

    if (!rc)
        rc = l2_reserve(need);
    if (!rc && !(m->attrs & ATTR_INTERRUPT)) {
        rc = pmm_frames_get((u32)m->va + m->delta, (u32)(m->end - m->va));
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
    struct map_req m;
    int rc = map_prepare(&m, r, va, pa, len, attrs);

    return rc ? rc : map_do(&m, entries);
}

/* See pagetable.h. */
int pt_map1(struct pt_root *r, vaddr_t va, paddr_t pa, u32 size, u32 attrs)
{
    struct map_req m;
    int rc;

    if (size != SZ_4K && size != SZ_64K && size != SZ_1M && size != SZ_16M)
        return E_BAD_ARG;
    if (pt_attrs_valid(attrs))
        return E_BAD_ARG;
    if (!ALIGNED(va, size) || (!(attrs & ATTR_INTERRUPT) && !ALIGNED(pa, size)))
        return E_ALIGN;
    rc = map_prepare(&m, r, va, pa, size, attrs);
    if (rc)
        return rc;
    m.force = size;
    return map_do(&m, NULL);
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
    *l2 = t;
    return 0;
}

