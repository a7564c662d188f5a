/*
 * pt_query.c: reading the tables (pt_walk, pt_for_each, pt_usage), their
 * invariants (pt_check), and the kernel table at boot (pt_kernel_init).
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

/* See pagetable.h. */
int pt_walk(const struct pt_root *r, vaddr_t va, struct pt_entry *e)
{
    u32 d;
    enum pt_kind k;

    if (!in_span(r, va))
        return E_NOT_MAPPED;
    d = l1_of(r)[va >> 20];
    k = l1_kind(d);
    if (k == PK_TABLE) {
        d = l2_of(d)[(va >> 12) & 0xff];
        k = l2_kind(d);
    }
    return entry_of(d, k, va, e) ? 0 : E_NOT_MAPPED;
}

/* See pagetable.h. A page that starts below lo but reaches into
 * [lo, hi) is visited too; hi == 0 means the top of the address space. */
int pt_for_each(const struct pt_root *r, vaddr_t lo, vaddr_t hi,
                pt_visit_fn fn, void *ctx)
{
    u64 v = lo > r->lo ? lo : r->lo;
    u64 end = hi ? hi : 0x100000000ull;
    const u32 *l1 = l1_of(r);
    struct pt_entry e;

    end = end < span_end(r) ? end : span_end(r);
    while (v < end) {
        u32 d = l1[v >> 20];
        enum pt_kind k = l1_kind(d);
        u64 next = region_end(v);
        if (k == PK_TABLE) {
            d = l2_of(d)[(v >> 12) & 0xff];
            k = l2_kind(d);
            next = v + SZ_4K;
        }
        if (entry_of(d, k, (vaddr_t)v, &e)) {
            int rc = fn(&e, ctx);
            if (rc)
                return rc;
            next = (u64)e.va + e.size;
        }
        v = next;
    }
    return 0;
}

/* See pagetable.h. Every non-zero entry stands for its share: 1M in L1
 * (a supersection is 16 of them), 4K in L2 (a large page is 16). */
void pt_usage(const struct pt_root *r, u32 *l2_tables, u32 *mapped_bytes)
{
    const u32 *l1 = l1_of(r);
    u32 tables = 0, bytes = 0;

    for (u64 v = r->lo; v < span_end(r); v += SZ_1M) {
        u32 d = l1[v >> 20];
        if (l1_kind(d) == PK_TABLE) {
            const u32 *e = l2_of(d);
            tables++;
            for (u32 i = 0; i < L2_ENTRIES; i++)
                bytes += e[i] ? SZ_4K : 0;
        } else if (d) {
            bytes += SZ_1M;
        }
    }
    *l2_tables = tables;
    *mapped_bytes = bytes;
}

/* ---- pt_check ------------------------------------------------------------ */

/* Marks a table as seen by the check in progress (cleared at its end). */
#define SEEN 0x8000u

/* RAM frames of a user root's valid page must be PG_FRAME/PG_GROWN with
 * a mapping reference. RAM is one interval of at least 1M, so a 1M chunk
 * with neither end in RAM has no RAM page at all. */
static bool frames_ok(paddr_t pa, u32 size)
{
    for (u64 c = pa; c < (u64)pa + size; c += SZ_1M) {
        u32 n = size < SZ_1M ? size : SZ_1M;
        if (!pmm_in_ram((u32)c) && !pmm_in_ram((u32)c + n - SZ_4K))
            continue;
        for (u32 off = 0; off < n; off += SZ_4K) {
            const struct page_info *p = pmm_page((u32)c + off);
            if (p && ((p->use != PG_FRAME && p->use != PG_GROWN) ||
                      p->mapcount == 0))
                return false;
        }
    }
    return true;
}

/* The rules every leaf obeys: well formed, of a size its level holds,
 * replicas (n entries at p, index idx of its table, avail entries left)
 * aligned and equal, global in a kernel root, frames held. */
static const char *check_leaf(const struct pt_root *r, const u32 *p,
                              enum pt_kind k, bool l2, u32 idx, u32 avail,
                              u32 *n)
{
    u32 size, attrs;
    paddr_t pa;

    if (!leaf_decode(*p, k, &size, &pa, &attrs))
        return l2 ? "l2_descriptor" : "l1_descriptor";
    if (l2 != (size <= SZ_64K))
        return "page_size_level";
    *n = (size == SZ_64K || size == SZ_16M) ? 16 : 1;
    if (!ALIGNED(idx, *n) || *n > avail)
        return "replicas_misaligned";
    for (u32 i = 1; i < *n; i++)
        if (p[i] != p[0])
            return "replicas_differ";
    if (r->is_kernel && !(attrs & ATTR_GLOBAL))
        return "kernel_not_global";
    if (!r->is_kernel && !(attrs & ATTR_INTERRUPT) && !frames_ok(pa, size))
        return "frame_not_held";
    return NULL;
}

/* One L2 table under L1 entry d. */
static const char *check_table(const struct pt_root *r, u32 d, u32 *maps)
{
    paddr_t t = d & L1_TABLE_ADDR;
    const struct page_info *p = pmm_page(t);
    const u32 *e;
    u32 nz = 0, n;
    u16 *cnt;

    if (d != (t | L1_TYPE_TABLE))
        return "l1_table_descriptor";
    if (!p || p->use != PG_TABLE || p->is_l1 || !(p->l2_used >> ((t >> 10) & 3) & 1))
        return "l2_not_a_table";
    cnt = l2_count(t);
    if (*cnt & SEEN)
        return "l2_shared";
    e = arch_phys_to_ptr(t);
    for (u32 i = 0; i < L2_ENTRIES; i += n) {
        enum pt_kind k = l2_kind(e[i]);
        const char *bad;
        n = 1;
        if (k == PK_NONE)
            continue;
        bad = check_leaf(r, &e[i], k, true, i, L2_ENTRIES - i, &n);
        if (bad)
            return bad;
        nz += n;
        (*maps)++;
    }
    if (nz != *cnt)
        return "l2_count";
    *cnt |= SEEN;
    return NULL;
}

/* Walks the root's L1; the first broken rule, or NULL. */
static const char *check_l1(const struct pt_root *r, u32 *tables, u32 *maps)
{
    const u32 *l1 = l1_of(r);
    u32 n;

    for (u64 v = r->lo; v < span_end(r); v += (u64)n << 20) {
        u32 idx = (u32)(v >> 20), d = l1[idx];
        enum pt_kind k = l1_kind(d);
        const char *bad = NULL;
        n = 1;
        if (k == PK_TABLE) {
            bad = check_table(r, d, maps);
            (*tables)++;
        } else if (k != PK_NONE) {
            bad = check_leaf(r, &l1[idx], k, false, idx,
                             (u32)((span_end(r) - v) >> 20), &n);
            (*maps)++;
        }
        if (bad)
            return bad;
    }
    return NULL;
}

/* See pagetable.h. */
int pt_check(const struct pt_root *r, u32 *tables, u32 *mappings,
             const char **what)
{
    const u32 *l1 = l1_of(r);
    const char *bad = NULL;

    if (l2_check_list(what))
        return E_CORRUPT;
    if (!r->is_kernel && (r->lo != 0 || r->hi != USER_TOP))
        bad = "root_span";
    if (!bad)
        bad = check_l1(r, tables, mappings);
    for (u64 v = r->lo; v < span_end(r); v += SZ_1M) {   /* unmark */
        u32 d = l1[v >> 20];
        if (l1_kind(d) == PK_TABLE && pmm_page(d & L1_TABLE_ADDR))
            *l2_count(d & L1_TABLE_ADDR) &= (u16)~SEEN;
    }
    if (bad)
        *what = bad;
    return bad ? E_CORRUPT : 0;
}

/* ---- the kernel's table ---------------------------------------------------- */

/* Boot value of kernel L1 entry idx; vt = the vector page's L2 table. */
static u32 kernel_entry(u32 idx, paddr_t ram_base, u32 ram_size, paddr_t vt)
{
    u64 va = (u64)idx << 20, pa = va - DIRECT_MAP_OFF;
    const u32 dm = ATTR_READ | ATTR_WRITE | ATTR_EXECUTE | ATTR_PRIVILEGED |
                   ATTR_GLOBAL;

    if (idx == VECTORS_VA >> 20)
        return vt | L1_TYPE_TABLE;
    if (va >= KERNEL_BASE && va < HEAP_BASE && pa >= ram_base &&
        pa + SZ_1M <= (u64)ram_base + ram_size)
        return leaf_encode(SZ_1M, (paddr_t)pa, dm);
    return 0;
}

/* See pagetable.h. Boot-only (and fuzz reset). k->l1 must be set; the
 * rest of *k is filled in. Every entry is written once, with its final
 * value: the direct map the CPU runs through keeps its value throughout. */
int pt_kernel_init(struct pt_root *k, paddr_t ram_base, u32 ram_size,
                   paddr_t vectors_pa)
{
    const u32 va_attrs = ATTR_READ | ATTR_EXECUTE | ATTR_PRIVILEGED |
                         ATTR_GLOBAL;
    u32 *l1 = l1_of(k), *e;
    paddr_t vt;

    k->lo = KERNEL_BASE;
    k->hi = 0;
    k->asid = 0;
    k->is_kernel = true;
    if (l2_reserve(1))
        return E_NO_MEMORY;
    vt = l2_take();
    e = arch_phys_to_ptr(vt);
    e[(VECTORS_VA >> 12) & 0xff] = leaf_encode(SZ_4K, vectors_pa, va_attrs);
    *l2_count(vt) = 1;
    arch_pt_written(e, L2_BYTES);
    for (u32 idx = 0; idx < KERN_L1_ENTRIES; idx++)
        l1[idx] = kernel_entry(idx, ram_base, ram_size, vt);
    arch_pt_written(l1, KERN_L1_ENTRIES * 4);
    arch_tlb_flush_all();    /* whatever boot or an earlier run cached */
    l2_settle();
    return 0;
}
