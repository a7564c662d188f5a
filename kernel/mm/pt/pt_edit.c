/*
 * pt_edit.c: the edit primitives every changing operation is made of:
 * splitting one page a size down (break-before-make), clearing whole pages
 * of a range, cutting a range's ends to page boundaries, dropping empty
 * tables; and pt_split, the primitive on request.
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
                      vaddr_t va, u32 size, bool valid, bool global)
{
    struct tlb_batch b;
    u32 k;

    if (valid) {
        for (k = 0; k < n; k++)
            p[k] = 0;
        arch_pt_written(p, n * 4);
        tlb_begin(&b, r);
        tlb_note_large(&b, va, size, global);   /* the old page may be cached */
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
    u32 *l1 = l1_of(r), idx = l1_index(va), d = l1[idx], size, attrs;
    enum pt_kind k = l1_kind(d);
    bool mark = k == PK_MARK;
    paddr_t pa;
    u32 *p;

    if (k == PK_TABLE) {                 /* 64K -> 16 x 4K, same table */
        p = l2_of(d) + (l2_index(va) & ~15u);
        k = l2_kind(*p);
        KASSERT(leaf_decode(*p, k, &size, &pa, &attrs) && size == SZ_64K);
        bbm_write(r, p, 16, leaf_encode(SZ_4K, pa, attrs),
                  (attrs & ATTR_INTERRUPT) ? 0 : SZ_4K,
                  ALIGN_DOWN(va, SZ_64K), SZ_64K, k != PK_MARK, leaf_global(*p, k));
        return;
    }
    KASSERT(leaf_decode(d, k, &size, &pa, &attrs) && size >= SZ_1M);
    if (size == SZ_16M) {                /* 16M -> 16 x 1M sections */
        p = &l1[idx & ~15u];
        bbm_write(r, p, 16, leaf_encode(SZ_1M, pa, attrs), mark ? 0 : SZ_1M,
                  ALIGN_DOWN(va, SZ_16M), SZ_16M, !mark, leaf_global(d, k));
    } else {                             /* 1M -> a table of 256 x 4K */
        paddr_t t = table_of_section(pa, attrs);
        bbm_write(r, &l1[idx], 1, t | L1_TYPE_TABLE, 0,
                  ALIGN_DOWN(va, SZ_1M), SZ_1M, !mark, leaf_global(d, k));
        count_tables(r, 1);              /* the same bytes, now in 4K */
    }
}

/* ---- clearing whole pages ------------------------------------------------ */

struct clear_ctx {
    struct pt_root   *r;
    struct tlb_batch *b;
    struct frame_run *fr;
    u32              *bytes;
};

/* Clears the n entries at p of one page of kind k at va. Its size and
 * frame come from the type bits alone (no attribute decode: pt_check
 * vouches for the rest of the descriptor). */
static inline void clear_leaf(struct clear_ctx *c, u32 *p, u32 n, enum pt_kind k,
                              vaddr_t va)
{
    u32 d = *p, size = leaf_size(d, k);

    KASSERT(k >= PK_SMALL && k <= PK_MARK);
    if (k != PK_MARK) {
        frames_drop(c->fr, d & ~(size - 1), size);
        tlb_note_large(c->b, va, size, leaf_global(d, k));
    }
    KASSERT(n == 1 || n == 16);
    if (n == 1)
        p[0] = 0;                        /* one store, not a fill loop */
    else
        for (u32 i = 0; i < 16; i++)     /* a constant count: a few wide stores */
            p[i] = 0;
    *c->bytes += size;
}

/* Clears the pages of region idx's table in [v, rend); unlinks the table
 * if that empties it. The loop is the 4K unmap fast path: a small page
 * (bit 1 set) is cleared inline, anything else through clear_leaf. It
 * keeps its state in locals (the table stores could alias memory): the
 * frames as one run, handed to frames_drop when it breaks; and TLB notes
 * only while the page's class (global or not) can still be named by VA
 * (tlb_room), since a note to a class gone wide does nothing. */
static void clear_l2(struct clear_ctx *c, u32 idx, u64 v, u64 rend)
{
    u32 *l1 = l1_of(c->r), d = l1[idx];
    paddr_t t = d & L1_TABLE_ADDR;
    u32 *e = arch_phys_to_ptr(t);
    u16 *cnt = l2_count(t);
    u32 first = l2_index(v), lim = first + (u32)((rend - v) >> 12);
    u32 removed = 0, large = 0, last = first, left = *cnt;
    vaddr_t base = idx << 20;
    struct tlb_batch *b = c->b;
    u32 kern = c->r->is_kernel;
    /* room: bit 1 = a global page can still be noted by VA, bit 0 = a
     * non-global one (tlb_note does nothing to a class gone wide) */
    u32 room = tlb_room(b);
    paddr_t run_pa = 0;                  /* frames as one run: */
    u64 run_end = 0;                     /* [run_pa, run_end) */

    if (!left)                           /* an empty table: nothing here */
        return;

    for (u32 i = first; i < lim; ) {
        u32 x = e[i];
        if (!x) {
            i++;
            continue;
        }
        if (x & 2u) {                    /* small page: most common by far */
            paddr_t pa = x & 0xfffff000u;
            u32 cls = kern | (((x >> 11) & 1u) ^ 1u);   /* 1: global */
            if (pa != run_end) {
                if (run_end > run_pa)
                    frames_drop(c->fr, run_pa, (u32)(run_end - run_pa));
                run_pa = pa;
            }
            run_end = (u64)pa + SZ_4K;
            if ((room >> cls) & 1u) {
                tlb_note(b, base | (i << 12), cls);
                room = tlb_room(b);
            }
            e[i] = 0;
            last = ++i;
            if (++removed == left)       /* the table held no more */
                break;
            continue;
        }
        enum pt_kind k = l2_kind(x);
        u32 n = page_entries(x, k);
        KASSERT(ALIGNED(i, n) && i + n <= lim);
        if (run_end > run_pa)            /* frames in address order */
            frames_drop(c->fr, run_pa, (u32)(run_end - run_pa));
        run_pa = 0;
        run_end = 0;
        clear_leaf(c, &e[i], n, k, base | (i << 12));
        room = tlb_room(b);
        removed += n;
        large += n;
        i += n;
        last = i;
        if (removed == left)
            break;
    }
    if (run_end > run_pa)
        frames_drop(c->fr, run_pa, (u32)(run_end - run_pa));
    if (!removed)
        return;
    *c->bytes += (removed - large) * SZ_4K;   /* clear_leaf counted the rest */
    arch_pt_written(&e[first], (last - first) * 4);
    *cnt -= (u16)removed;
    if (*cnt == 0) {                     /* emptied: unlink, then free */
        l1[idx] = 0;
        arch_pt_written(&l1[idx], 4);
        count_tables(c->r, -1);
        tlb_note_table(c->b, idx << 20, t);
    }
}

/* See pt_internal.h. A run of consecutive L1 leaves is cleaned for the
 * walker with one arch_pt_written; a run is always written out before
 * anything that can run the batch (clear_l2's tlb_note_table) and before
 * returning, so every clear reaches the walker before its TLB flush. */
void pt_clear(struct pt_root *r, u64 va, u64 end, struct tlb_batch *b,
              struct frame_run *fr, u32 *bytes)
{
    struct clear_ctx c = { r, b, fr, bytes };
    u32 *l1 = l1_of(r), run = 0, run_end = 0;   /* [run, run_end) cleared */
    u32 before = *bytes;

    L1_WALK(w, l1, va, end) {
        if (w.k == PK_TABLE) {
            if (run_end > run)
                arch_pt_written(&l1[run], (run_end - run) * 4);
            run = run_end = 0;
            clear_l2(&c, w.idx, w.v, w.next);
        } else if (w.k == PK_SECT) {     /* a run of sections: fast */
            u32 i = w.idx, lim = (u32)(end >> 20), x;   /* whole regions */
            u32 any = 0, all = ~0u;      /* OR and AND of the entries */
            paddr_t run_pa = 0;          /* frames as one run, in locals */
            u32 run_len = 0;
            KASSERT(w.v == (u64)w.idx << 20 && end - w.v >= SZ_1M);
            for (; i < lim && ((x = l1[i]) & (3u | L1_SUPER)) == L1_TYPE_SECT; i++) {
                paddr_t pa = x & 0xfff00000u;
                if (run_len && (u64)run_pa + run_len == pa) {
                    run_len += SZ_1M;
                } else {
                    if (run_len)
                        frames_drop(fr, run_pa, run_len);
                    run_pa = pa;
                    run_len = SZ_1M;
                }
                any |= x;
                all &= x;
                l1[i] = 0;
            }
            frames_drop(fr, run_pa, run_len);
            bool ng = any & L1_NG, g = !(all & L1_NG);  /* some nG, some not */
            if (g)                       /* one note a class: 1M is wide */
                tlb_note_large(b, (vaddr_t)w.v, SZ_1M, true);
            if (ng)
                tlb_note_large(b, (vaddr_t)w.v, SZ_1M, false);
            *bytes += (i - w.idx) * SZ_1M;
            if (run_end != w.idx) {      /* not adjacent: a new run */
                if (run_end > run)
                    arch_pt_written(&l1[run], (run_end - run) * 4);
                run = w.idx;
            }
            run_end = i;
            w.next = (u64)i << 20;
        } else if (w.k != PK_NONE) {
            u32 n = page_entries(w.d, w.k);
            KASSERT(ALIGNED(w.idx, n) && w.v == (u64)w.idx << 20 &&
                    end - w.v >= (u64)n << 20);
            clear_leaf(&c, &l1[w.idx], n, w.k, (vaddr_t)w.v);
            if (run_end != w.idx) {      /* not adjacent: a new run */
                if (run_end > run)
                    arch_pt_written(&l1[run], (run_end - run) * 4);
                run = w.idx;
            }
            run_end = w.idx + n;
            w.next = w.v + ((u64)n << 20);
        }
    }
    if (run_end > run)
        arch_pt_written(&l1[run], (run_end - run) * 4);
    count_bytes(r, 0, *bytes - before);  /* what was mapped and is not now */
}

/* See pt_internal.h. */
void pt_drop_tables(struct pt_root *r, u64 va, u64 end, struct tlb_batch *b)
{
    L1_WALK(w, l1_of(r), va, end) {
        if (w.k != PK_TABLE)
            continue;
        KASSERT(*l2_count(w.d & L1_TABLE_ADDR) == 0);
        w.l1[w.idx] = 0;
        arch_pt_written(&w.l1[w.idx], 4);
        count_tables(r, -1);
        tlb_note_table(b, (vaddr_t)w.v, w.d & L1_TABLE_ADDR);
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

/* Tables that cutting at va and end needs (0, 1 or 2). */
static u32 cut_tables(const struct pt_root *r, u64 va, u64 end)
{
    u32 a = cut_needs(r, va), b = cut_needs(r, end);

    if (a && b && l1_index(va) == l1_index(end))
        b = 0;                           /* the same section: one table */
    return a + b;
}

/* See pagetable.h. */
u32 pt_cut_tables(const struct pt_root *r, vaddr_t va, u32 len)
{
    return cut_tables(r, va, (u64)va + len);
}

/* See pt_internal.h. */
int pt_cut_range(struct pt_root *r, u64 va, u64 end)
{
    if (l2_reserve(cut_tables(r, va, end)))
        return E_NO_MEMORY;
    cut_at(r, va);
    cut_at(r, end);
    return 0;
}

/* See pt_internal.h. */
int pt_range_check(const struct pt_root *r, vaddr_t va, u32 len)
{
    if (len == 0 || !ALIGNED(va | len, SZ_4K))
        return E_ALIGN;
    if (!in_span(r, va) || (u64)va + len > span_end(r))
        return E_RANGE;
    return 0;
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
