/*
 * pt_change.c: changing what is mapped: pt_unmap and pt_protect over
 * ranges, and the splits that make a range's ends page boundaries.
 *
 * A range's interior is whole pages; only the page holding its start and
 * the one holding its end can be cut, so an operation first counts the
 * L2 tables those two cuts need (0, 1 or 2), reserves them, cuts, and
 * then works on whole pages. Valid entries are replaced break-before-make:
 * made invalid, the TLB invalidated for them, then written anew.
 */
#include "pt_internal.h"

/* Writes n entries at p, the k-th being first + k * step, over the old
 * ones of a page at va. Break-before-make if the old entries were valid:
 * invalid first, the TLB flushed for va, then the new ones. */
static void bbm_write(struct pt_root *r, u32 *p, u32 n, u32 first, u32 step,
                      vaddr_t va, bool valid, bool global)
{
    struct tlb_batch b;
    u32 k;

    if (valid) {
        for (k = 0; k < n; k++)
            p[k] = 0;
        arch_pt_written(p, n * 4);
        tlb_begin(&b, r);
        tlb_note(&b, va, global);    /* the old page may be cached */
        tlb_run(&b);
    }
    for (k = 0; k < n; k++)
        p[k] = first + k * step;
    arch_pt_written(p, n * 4);
}

/* A 1M page (section or marker) at pa with attrs as a new table of 256
 * 4K entries. */
static paddr_t table_of_section(paddr_t pa, u32 attrs)
{
    paddr_t t = l2_take();
    u32 *e = arch_phys_to_ptr(t);
    u32 x = leaf_encode(SZ_4K, pa, attrs);
    u32 step = (attrs & ATTR_INTERRUPT) ? 0 : SZ_4K;

    for (u32 i = 0; i < L2_ENTRIES; i++)
        e[i] = x + i * step;
    arch_pt_written(e, L2_BYTES);
    *l2_count(t) = L2_ENTRIES;
    return t;
}

/* See pt_internal.h. */
void pt_split_one(struct pt_root *r, vaddr_t va)
{
    u32 *l1 = l1_of(r), idx = va >> 20, d = l1[idx], size, attrs;
    enum pt_kind k = l1_kind(d);
    bool mark = k == PK_MARK;
    paddr_t pa;
    u32 *p;

    if (k == PK_TABLE) {                 /* 64K -> 16 x 4K, same table */
        p = l2_of(d) + (((va >> 12) & 0xff) & ~15u);
        k = l2_kind(*p);
        MM_ASSERT(leaf_decode(*p, k, &size, &pa, &attrs) && size == SZ_64K);
        bbm_write(r, p, 16, leaf_encode(SZ_4K, pa, attrs),
                  (attrs & ATTR_INTERRUPT) ? 0 : SZ_4K,
                  ALIGN_DOWN(va, SZ_64K), k != PK_MARK, leaf_global(*p, k));
        return;
    }
    MM_ASSERT(leaf_decode(d, k, &size, &pa, &attrs) && size >= SZ_1M);
    if (size == SZ_16M) {                /* 16M -> 16 x 1M sections */
        p = &l1[idx & ~15u];
        bbm_write(r, p, 16, leaf_encode(SZ_1M, pa, attrs), mark ? 0 : SZ_1M,
                  ALIGN_DOWN(va, SZ_16M), !mark, leaf_global(d, k));
    } else {                             /* 1M -> a table of 256 x 4K */
        paddr_t t = table_of_section(pa, attrs);
        bbm_write(r, &l1[idx], 1, t | L1_TYPE_TABLE, 0,
                  ALIGN_DOWN(va, SZ_1M), !mark, leaf_global(d, k));
    }
}

/* ---- clearing whole pages ------------------------------------------------ */

struct clear_ctx {
    struct pt_root   *r;
    struct tlb_batch *b;
    struct frame_run *fr;
    u32              *bytes;
};

/* Clears the n entries at p of one page of kind k at va. */
static void clear_leaf(struct clear_ctx *c, u32 *p, u32 n, enum pt_kind k,
                       vaddr_t va)
{
    u32 d = *p, size, attrs;
    paddr_t pa;

    MM_ASSERT(leaf_decode(d, k, &size, &pa, &attrs));
    if (k != PK_MARK) {
        frames_drop(c->fr, pa, size);
        tlb_note(c->b, va, leaf_global(d, k));
    }
    for (u32 i = 0; i < n; i++)
        p[i] = 0;
    *c->bytes += size;
}

/* Clears the pages of region idx's table in [v, rend); unlinks the table
 * if that empties it. The loop is the 4K unmap fast path. */
static void clear_l2(struct clear_ctx *c, u32 idx, u64 v, u64 rend)
{
    u32 *l1 = l1_of(c->r), d = l1[idx];
    paddr_t t = d & L1_TABLE_ADDR;
    u32 *e = arch_phys_to_ptr(t);
    u16 *cnt = l2_count(t);
    u32 i = (v >> 12) & 0xff, first = i, lim = i + (u32)((rend - v) >> 12);
    u32 removed = 0;

    for (; i < lim && removed < *cnt; i++) {
        u32 x = e[i];
        enum pt_kind k = l2_kind(x);
        vaddr_t va = (idx << 20) | (i << 12);
        if (k == PK_NONE)
            continue;
        if (k == PK_SMALL) {             /* inline: most common by far */
            frames_drop(c->fr, x & 0xfffff000u, SZ_4K);
            tlb_note(c->b, va, !(x & L2_NG));
            e[i] = 0;
            *c->bytes += SZ_4K;
            removed++;
            continue;
        }
        u32 n = page_entries(x, k);
        MM_ASSERT(ALIGNED(i, n) && i + n <= lim);
        clear_leaf(c, &e[i], n, k, va);
        removed += n;
        i += n - 1;
    }
    if (!removed)
        return;
    arch_pt_written(&e[first], (i - first) * 4);
    *cnt -= (u16)removed;
    if (*cnt == 0) {                     /* emptied: unlink, then free */
        l1[idx] = 0;
        arch_pt_written(&l1[idx], 4);
        tlb_note_table(c->b, idx << 20, t);
    }
}

/* See pt_internal.h. */
void pt_clear(struct pt_root *r, u64 va, u64 end, struct tlb_batch *b,
              struct frame_run *fr, u32 *bytes)
{
    struct clear_ctx c = { r, b, fr, bytes };
    u32 *l1 = l1_of(r);
    u64 v = va;

    while (v < end) {
        u32 idx = (u32)(v >> 20), d = l1[idx];
        enum pt_kind k = l1_kind(d);
        u64 rend = region_end(v) < end ? region_end(v) : end;
        if (k == PK_TABLE) {
            clear_l2(&c, idx, v, rend);
        } else if (k != PK_NONE) {
            u32 n = page_entries(d, k);
            MM_ASSERT(ALIGNED(idx, n) && v == (u64)idx << 20 &&
                      end - v >= (u64)n << 20);
            clear_leaf(&c, &l1[idx], n, k, (vaddr_t)v);
            arch_pt_written(&l1[idx], n * 4);
            rend = v + ((u64)n << 20);
        }
        v = rend;
    }
}

/* ---- cutting at the ends of a range -------------------------------------- */

/* Tables that making va a page boundary needs: 1 if a section or
 * supersection holds va off a 1M boundary. */
static u32 cut_needs(const struct pt_root *r, u64 va)
{
    struct pt_entry e;

    if (!in_span(r, va) || pt_walk(r, (vaddr_t)va, &e) || e.va == va)
        return 0;
    return e.size >= SZ_1M && !ALIGNED(va, SZ_1M);
}

/* Splits until a page starts at va (if anything holds it). */
static void cut_at(struct pt_root *r, u64 va)
{
    struct pt_entry e;

    while (in_span(r, va) && pt_walk(r, (vaddr_t)va, &e) == 0 && e.va != va)
        pt_split_one(r, (vaddr_t)va);
}

/* Reserves the tables for cutting at va and end, then cuts. */
static int cut_range(struct pt_root *r, u64 va, u64 end)
{
    u32 a = cut_needs(r, va), b = cut_needs(r, end);

    if (a && b && (va >> 20) == (end >> 20))
        b = 0;                           /* the same section: one table */
    if (l2_reserve(a + b))
        return E_NO_MEMORY;
    cut_at(r, va);
    cut_at(r, end);
    return 0;
}

/* Common argument checks of unmap and protect. */
static int range_check(const struct pt_root *r, vaddr_t va, u32 len)
{
    if (len == 0 || !ALIGNED(va | len, SZ_4K))
        return E_ALIGN;
    if (!in_span(r, va) || (u64)va + len > span_end(r))
        return E_RANGE;
    return 0;
}

/* See pagetable.h. */
int pt_unmap(struct pt_root *r, vaddr_t va, u32 len, u32 *unmapped)
{
    struct tlb_batch b;
    struct frame_run fr = { 0, 0 };
    u32 bytes = 0;
    u64 end = (u64)va + len;
    int rc = range_check(r, va, len);

    if (!rc)
        rc = cut_range(r, va, end);
    if (rc)
        return rc;
    tlb_begin(&b, r);
    pt_clear(r, va, end, &b, &fr, &bytes);
    tlb_run(&b);
    frames_done(&fr);
    l2_settle();
    if (unmapped)
        *unmapped = bytes;
    return 0;
}

/* ---- protect ------------------------------------------------------------- */

/* Calls fn on every page in [va, end) (no page may be cut): p its first
 * entry, n its entry count, k its kind, size, va its base. */
typedef void (*page_fn)(u32 *p, u32 n, enum pt_kind k, vaddr_t va,
                        void *ctx);

static void each_page(struct pt_root *r, u64 va, u64 end, page_fn fn,
                      void *ctx)
{
    u32 *l1 = l1_of(r);

    for (u64 v = va; v < end;) {
        u32 idx = (u32)(v >> 20), d = l1[idx];
        enum pt_kind k = l1_kind(d);
        u64 rend = region_end(v) < end ? region_end(v) : end;
        if (k == PK_TABLE) {
            u32 *e = l2_of(d);
            for (; v < rend; v += SZ_4K) {
                u32 i = (v >> 12) & 0xff, x = e[i];
                enum pt_kind k2 = l2_kind(x);
                if (k2 == PK_NONE)
                    continue;
                u32 n = page_entries(x, k2);
                fn(&e[i], n, k2, (vaddr_t)v, ctx);
                v += (n - 1) * SZ_4K;
            }
        } else if (k != PK_NONE) {
            u32 n = page_entries(d, k);
            fn(&l1[idx], n, k, (vaddr_t)v, ctx);
            rend = v + ((u64)n << 20);
        }
        v = rend;
    }
}

struct prot_ctx { struct tlb_batch *b; u32 attrs; };

/* Pass 1: markers take the new attributes at once; valid pages whose
 * descriptor changes are broken (pending) and noted for the flush. */
static void prot_break(u32 *p, u32 n, enum pt_kind k, vaddr_t va, void *ctx)
{
    struct prot_ctx *c = ctx;
    u32 d = *p, size, attrs, x;
    paddr_t pa;

    MM_ASSERT(leaf_decode(d, k, &size, &pa, &attrs));
    if (k == PK_MARK)
        x = mk_encode(size, c->attrs | ATTR_INTERRUPT);
    else if (leaf_encode(size, pa, c->attrs) == d)
        return;
    else
        x = pend_encode(pa, size);
    for (u32 i = 0; i < n; i++)
        p[i] = x;
    arch_pt_written(p, n * 4);
    if (k != PK_MARK)
        tlb_note(c->b, va, leaf_global(d, k));
}

/* Pass 2: the broken pages made anew. */
static void prot_make(u32 *p, u32 n, enum pt_kind k, vaddr_t va, void *ctx)
{
    struct prot_ctx *c = ctx;
    u32 size = soft_size(*p, k), x;

    (void)va;
    if (k != PK_PEND)
        return;
    x = leaf_encode(size, *p & 0xfffff000u, c->attrs);
    for (u32 i = 0; i < n; i++)
        p[i] = x;
    arch_pt_written(p, n * 4);
}

/* E_NOT_MAPPED unless every page of [va, end) is mapped. */
static int all_mapped(const struct pt_root *r, u64 va, u64 end)
{
    struct pt_entry e;

    for (u64 v = va; v < end; v = (u64)e.va + e.size)
        if (pt_walk(r, (vaddr_t)v, &e))
            return E_NOT_MAPPED;
    return 0;
}

/* See pagetable.h. */
int pt_protect(struct pt_root *r, vaddr_t va, u32 len, u32 attrs)
{
    struct tlb_batch b;
    struct prot_ctx c = { &b, 0 };
    u64 end = (u64)va + len;
    int rc = pt_attrs_valid(attrs & ~ATTR_INTERRUPT);

    if (!rc) rc = range_check(r, va, len);
    if (!rc) rc = all_mapped(r, va, end);
    if (!rc) rc = cut_range(r, va, end);
    if (rc)
        return rc;
    c.attrs = pt_norm_attrs(r, attrs & ATTR_HW_MASK);
    tlb_begin(&b, r);
    each_page(r, va, end, prot_break, &c);
    tlb_run(&b);
    each_page(r, va, end, prot_make, &c);
    l2_settle();
    return 0;
}
