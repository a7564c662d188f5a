/*
 * pt_protect.c: pt_protect, new attributes over a range in two passes:
 * break every valid page whose descriptor changes (noting it for one
 * flush), flush, then make the broken pages anew (break-before-make for
 * the whole range at once). Markers change in place.
 */
#include "pt_internal.h"

/* The n entries at p of a page of kind k at va: true if fn wrote them. */
typedef bool (*page_fn)(u32 *p, u32 n, enum pt_kind k, vaddr_t va,
                        void *ctx);

/* Calls fn on every page in [va, end) (no page may be cut). What a table's
 * pages wrote reaches the walker with one arch_pt_written over the span
 * of them, an L1 page's with one of its own. */
static void each_page(struct pt_root *r, u64 va, u64 end, page_fn fn,
                      void *ctx)
{
    L1_WALK(w, l1_of(r), va, end) {
        if (w.k == PK_TABLE) {
            u32 *e = l2_of(w.d), from = l2_index(w.v), lo = L2_ENTRIES, hi = 0;
            L2_WALK(p, e, from, from + (u32)((w.next - w.v) >> 12)) {
                if (!fn(&e[p.i], p.n, p.k, (w.idx << 20) | (p.i << 12), ctx))
                    continue;
                lo = lo < p.i ? lo : p.i;
                hi = p.i + p.n;
            }
            if (hi > lo)
                arch_pt_written(&e[lo], (hi - lo) * 4);
        } else if (w.k != PK_NONE) {
            u32 n = page_entries(w.d, w.k);
            if (fn(&w.l1[w.idx], n, w.k, (vaddr_t)w.v, ctx))
                arch_pt_written(&w.l1[w.idx], n * 4);
            w.next = w.v + ((u64)n << 20);
        }
    }
}

/* bits: leaf_bits of the new attributes by size class (szc_of), worked
 * out once per request instead of once per page. */
struct prot_ctx { struct tlb_batch *b; u32 attrs; u32 bits[4]; };

/* leaf_encode(size, pa, c->attrs) for a valid page. */
static u32 prot_encode(const struct prot_ctx *c, u32 size, paddr_t pa)
{
    return (pa & ~(size - 1)) | c->bits[szc_of(size)];
}

/* Pass 1: markers take the new attributes at once; valid pages whose
 * descriptor changes are broken (pending) and noted for the flush. A 4K
 * page (most of them) is read with one table lookup, as leaf_decode
 * reads it. */
static bool prot_break(u32 *p, u32 n, enum pt_kind k, vaddr_t va, void *ctx)
{
    struct prot_ctx *c = ctx;
    u32 d = *p, size, attrs, x;
    paddr_t pa;

    if (k == PK_SMALL && small_attrs(d)) {
        if (prot_encode(c, SZ_4K, d) == d)
            return false;
        *p = pend_encode(d, SZ_4K);
        tlb_note(c->b, va, leaf_global(d, k));
        return true;
    }
    KASSERT(leaf_decode(d, k, &size, &pa, &attrs));
    if (k == PK_MARK)
        x = mk_encode(size, c->attrs | ATTR_INTERRUPT);
    else if (prot_encode(c, size, pa) == d)
        return false;
    else
        x = pend_encode(pa, size);
    for (u32 i = 0; i < n; i++)
        p[i] = x;
    if (k != PK_MARK)
        tlb_note_large(c->b, va, size, leaf_global(d, k));
    return true;
}

/* Pass 2: the broken pages made anew. */
static bool prot_make(u32 *p, u32 n, enum pt_kind k, vaddr_t va, void *ctx)
{
    struct prot_ctx *c = ctx;
    u32 size = soft_size(*p, k), x;

    (void)va;
    if (k != PK_PEND)
        return false;
    x = prot_encode(c, size, *p & 0xfffff000u);
    for (u32 i = 0; i < n; i++)
        p[i] = x;
    return true;
}

/* See pagetable.h. */
int pt_protect(struct pt_root *r, vaddr_t va, u32 len, u32 attrs)
{
    struct tlb_batch b;
    struct prot_ctx c = { &b, 0, { 0 } };
    u64 end = (u64)va + len;
    int rc = pt_attrs_valid(attrs & ~ATTR_INTERRUPT);

    if (!rc) rc = pt_range_check(r, va, len);
    if (!rc) rc = pt_all_mapped(r, va, end);
    if (!rc) rc = pt_cut_range(r, va, end);
    if (rc)
        return rc;
    c.attrs = pt_norm_attrs(r, attrs & ATTR_HW_MASK);
    for (u32 k = 0; k < 4; k++)
        c.bits[k] = leaf_bits(size_of_szc(k), c.attrs);
    tlb_begin(&b, r);
    each_page(r, va, end, prot_break, &c);
    tlb_run(&b);
    each_page(r, va, end, prot_make, &c);
    l2_settle();
    return 0;
}
