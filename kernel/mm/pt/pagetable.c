/*
 * pagetable.c: mapping: pt_map, pt_map1, pt_table_map, and the whole-page
 * and whole-table removals (pt_unmap1, pt_table_unmap, pt_destroy).
 *
 * Every entry point checks everything, reserves the L2 tables it will
 * need, takes its frame references, and only then writes; from the first
 * write on nothing can fail. Writing a valid entry over an invalid one
 * needs no TLB maintenance (the TLB caches no faults); every other change
 * goes through a tlb_batch (pt_l2.c).
 */
#include "pt_internal.h"

/* See pagetable.h. */
int pt_attrs_valid(u32 attrs)
{
    if (attrs & ~(ATTR_HW_MASK | ATTR_INTERRUPT))
        return E_BAD_ARG;
    if ((attrs & ATTR_DEVICE) && (attrs & (ATTR_EXECUTE | ATTR_NOCACHE)))
        return E_BAD_ARG;
    return 0;
}

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
    u32 at = (u32)v | m->delta, idx = (u32)(v >> 20);

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
    const u32 *t = l2_of(l1d);

    if (*l2_count(l1d & L1_TABLE_ADDR) == 0)
        return true;
    for (u32 i = (v >> 12) & 0xff; v < rend; v += SZ_4K, i++)
        if (t[i])
            return false;
    return true;
}

/* The check pass: E_ALREADY_MAPPED if anything is in the way; else
 * *need = L2 tables the write pass will create. */
static int map_check(const struct map_req *m, u32 *need)
{
    u64 v = m->va;

    *need = 0;
    while (v < m->end) {
        u32 idx = (u32)(v >> 20), sz = l1_piece(m, v);
        if (sz) {
            if (!l1_empty(m->l1, idx, sz >> 20))
                return E_ALREADY_MAPPED;
            v += sz;
            continue;
        }
        u64 rend = region_end(v) < m->end ? region_end(v) : m->end;
        u32 d = m->l1[idx];
        if (d == 0)
            (*need)++;
        else if (l1_kind(d) != PK_TABLE || !l2_empty(d, v, rend))
            return E_ALREADY_MAPPED;
        v = rend;
    }
    return 0;
}

/* Writes [v, rend) of region idx into its L2 table, creating the table
 * (filled first, then linked: invalid -> valid) if there is none.
 * Returns the descriptors written. */
static u32 map_l2(const struct map_req *m, u32 idx, u64 v, u64 rend)
{
    u32 d = m->l1[idx], first = (v >> 12) & 0xff, i = first;
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
    u64 v = m->va;
    u32 n = 0;

    while (v < m->end) {
        u32 idx = (u32)(v >> 20), sz = l1_piece(m, v);
        if (sz) {
            u32 x = leaf_encode(sz, (u32)v + m->delta, m->attrs);
            for (u32 k = 0; k < (sz >> 20); k++)
                m->l1[idx + k] = x;
            arch_pt_written(&m->l1[idx], (sz >> 20) * 4);
            n += sz >> 20;
            v += sz;
            continue;
        }
        u64 rend = region_end(v) < m->end ? region_end(v) : m->end;
        n += map_l2(m, idx, v, rend);
        v = rend;
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
    u32 *l1 = l1_of(r), idx = va >> 20;
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

/* Unlinks and frees every table left in [va, end) (empty ones). */
static void drop_tables(struct pt_root *r, u64 va, u64 end,
                        struct tlb_batch *b)
{
    u32 *l1 = l1_of(r);

    for (u64 v = va; v < end; v += SZ_1M) {
        u32 idx = (u32)(v >> 20), d = l1[idx];
        if (l1_kind(d) != PK_TABLE)
            continue;
        MM_ASSERT(*l2_count(d & L1_TABLE_ADDR) == 0);
        l1[idx] = 0;
        arch_pt_written(&l1[idx], 4);
        tlb_note_table(b, (vaddr_t)v, d & L1_TABLE_ADDR);
    }
}

/* See pagetable.h. */
int pt_table_unmap(struct pt_root *r, vaddr_t va, u32 *unmapped)
{
    u64 base = ALIGN_DOWN(va, SZ_1M);
    struct tlb_batch b;
    struct frame_run fr = { 0, 0 };
    u32 bytes = 0;

    if (!in_span(r, va) || l1_kind(l1_of(r)[va >> 20]) != PK_TABLE)
        return E_NOT_MAPPED;
    tlb_begin(&b, r);
    pt_clear(r, base, base + SZ_1M, &b, &fr, &bytes);
    drop_tables(r, base, base + SZ_1M, &b);   /* if it was empty already */
    tlb_run(&b);
    frames_done(&fr);
    *unmapped = bytes;
    return 0;
}

/* See pagetable.h. */
int pt_unmap1(struct pt_root *r, vaddr_t va, struct pt_entry *was)
{
    struct pt_entry e;
    struct tlb_batch b;
    struct frame_run fr = { 0, 0 };
    u32 bytes = 0;
    int rc = pt_walk(r, va, &e);

    if (rc)
        return rc;
    tlb_begin(&b, r);
    pt_clear(r, e.va, (u64)e.va + e.size, &b, &fr, &bytes);
    tlb_run(&b);
    frames_done(&fr);
    if (was)
        *was = e;
    return 0;
}

/* See pagetable.h. What came back is what pmm's free count gained. */
void pt_destroy(struct pt_root *r, u32 *freed_pages)
{
    struct pmm_stats before, after;
    struct tlb_batch b;
    struct frame_run fr = { 0, 0 };
    u32 bytes = 0;

    pmm_stats(&before);
    tlb_begin(&b, r);
    pt_clear(r, r->lo, span_end(r), &b, &fr, &bytes);
    drop_tables(r, r->lo, span_end(r), &b);
    tlb_run(&b);
    frames_done(&fr);
    pmm_stats(&after);
    *freed_pages += after.free - before.free;
}

/* See pagetable.h. */
int pt_split(struct pt_root *r, vaddr_t va)
{
    struct pt_entry e;
    int rc = pt_walk(r, va, &e);

    if (rc)
        return rc;
    if (e.size == SZ_4K)
        return E_BAD_ARG;
    if (l2_reserve(e.size == SZ_1M ? 1 : 0))
        return E_NO_MEMORY;
    pt_split_one(r, va);
    l2_settle();
    return 0;
}
