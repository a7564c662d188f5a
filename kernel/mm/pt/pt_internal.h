/*
 * pt_internal.h: what the files of the pagetable module share.
 *
 * The files, each using only those above it:
 *   pt_desc.c     descriptor encode/decode; the attribute rule (pt_attrs_valid)
 *   pt_l2.c       the L2 table allocator (the module's state; pt_init)
 *   pt_tlb.c      TLB batches: note what broke, flush once, then free tables
 *   pt_walk.c     reading: pt_walk, pt_hole_end, pt_all_mapped, pt_for_each,
 *                 pt_global_runs, pt_usage, pt_globals_differ
 *   pt_edit.c     edit primitives: split one page, clear whole pages, cut a
 *                 range's ends, drop empty tables; pt_split
 *   pt_map.c      pt_map, pt_map1, pt_table_map
 *   pt_unmap.c    pt_unmap, pt_unmap1, pt_table_unmap, pt_destroy
 *   pt_protect.c  pt_protect
 *   pt_check.c    pt_check, pt_check_each
 *   pt_kernel.c   pt_kernel_init: the kernel table at boot
 *
 * One walk idiom per level (Linux arch/arm/mm/mmu.c, pmd_addr_end): a walk
 * over [va, end) steps through 1 MiB regions with L1_WALK; each step covers
 * [w.v, w.next), w.next = region_next(w.v, end), and a body that handles a
 * page larger than the step moves w.next to that page's end. Inside a
 * region's table, edits visit the pages of an index range with L2_WALK;
 * reads that look only at what is there (pt_for_each, pt_global_runs,
 * pt_all_mapped's holes, check_table) step from page to page with
 * next_nz, which passes empty entries by the word and not one by one.
 */
#ifndef VMK_PT_INTERNAL_H
#define VMK_PT_INTERNAL_H

#include "arch.h"
#include "kassert.h"
#include "pagetable.h"
#include "pmm.h"
#include "pt_desc.h"

/* ---- small helpers ------------------------------------------------------ */

static inline u32 *l1_of(const struct pt_root *r)
{
    return arch_phys_to_ptr(r->l1);
}
static inline u32 *l2_of(u32 l1d)
{
    return arch_phys_to_ptr(l1d & L1_TABLE_ADDR);
}
/* Exclusive end of the root's span, as a 64-bit number (hi 0 = 4 GiB). */
static inline u64 span_end(const struct pt_root *r)
{
    return r->hi ? r->hi : 0x100000000ull;
}
static inline bool in_span(const struct pt_root *r, u64 va)
{
    return va >= r->lo && va < span_end(r);
}
/* First byte after the 1 MiB region holding v. */
static inline u64 region_end(u64 v) { return (v | (SZ_1M - 1)) + 1; }
/* End of the step at v of a walk over [.., end): its region's end or end,
 * whichever is first (Linux pmd_addr_end). */
static inline u64 region_next(u64 v, u64 end)
{
    u64 r = region_end(v);
    return r < end ? r : end;
}
/* L1 index of v; index of v's entry in its region's L2 table. */
static inline u32 l1_index(u64 v) { return (u32)(v >> 20); }
static inline u32 l2_index(u64 v) { return ((u32)v >> 12) & 0xffu; }
/* Attributes as stored: read always; global always in a kernel root. */
static inline u32 pt_norm_attrs(const struct pt_root *r, u32 attrs)
{
    return attrs | ATTR_READ | (r->is_kernel ? ATTR_GLOBAL : 0);
}

/* ---- the L1 walk ----------------------------------------------------------
 *   L1_WALK(w, l1, va, end) { ... w.idx, w.d, w.k, [w.v, w.next) ... }
 * visits every 1 MiB region that [va, end) touches, in order; `continue`
 * goes on to w.next. */
struct l1_walk {
    u32 *l1;
    u64  v, end;        /* this step starts at v; the walk ends at end */
    u64  next;          /* where the next step starts (body may move it) */
    u32  idx, d;        /* L1 index of v and the entry there */
    enum pt_kind k;     /* l1_kind(d) */
};

static inline bool l1_walk_load(struct l1_walk *w)
{
    if (w->v >= w->end)
        return false;
    w->idx = l1_index(w->v);
    w->d = w->l1[w->idx];
    w->k = l1_kind(w->d);
    w->next = region_next(w->v, w->end);
    return true;
}

#define L1_WALK(w, table, from, to)                                     \
    for (struct l1_walk w = { .l1 = (table), .v = (from), .end = (to) }; \
         l1_walk_load(&w); w.v = w.next)

/* First non-zero entry of t in [i, lim), or lim: runs of empty entries
 * (most of every L1 and L2) are passed 64 or eight at a time by word
 * compares (next_nz_scan); the entry at i itself, the next page of a
 * full table, is looked at first, without a call. */
u32 next_nz_scan(const u32 *t, u32 i, u32 lim);
static inline u32 next_nz(const u32 *t, u32 i, u32 lim)
{
    return i < lim && t[i] ? i : next_nz_scan(t, i, lim);
}
/* Where an L1 walk at an empty entry w->idx goes next: the region of the
 * next non-zero entry, or the walk's end. */
u64 l1_skip(const struct l1_walk *w);

/* ---- the L2 walk ----------------------------------------------------------
 *   L2_WALK(w, table, from, to) { ... w.i, w.x, w.k, w.n ... }
 * visits, in order, every non-zero entry of the L2 table at `table` with
 * index in [from, to) that starts a page: w.i its index, w.x the entry,
 * w.k its kind, w.n the entries the page spans (1 or 16). The next visit
 * looks from w.i + w.n on; a body may change w.n (to resume elsewhere in
 * the page, or as a check decided). */
struct l2_walk {
    u32 *t;
    u32  i, lim;        /* this page's first entry; the walk ends at lim */
    u32  x, n;          /* t[i]; the page's entries */
    enum pt_kind k;     /* l2_kind(x) */
};

static inline bool l2_walk_load(struct l2_walk *w)
{
    for (; w->i < w->lim; w->i++) {
        w->x = w->t[w->i];
        if (w->x) {
            w->k = l2_kind(w->x);
            w->n = page_entries(w->x, w->k);
            return true;
        }
    }
    return false;
}

#define L2_WALK(w, table, from, to)                                       \
    for (struct l2_walk w = { .t = (table), .i = (from), .lim = (to) };   \
         l2_walk_load(&w); w.i += w.n)

/* The root's counts (if it keeps them): tables linked (+1) or unlinked
 * (-1); bytes newly mapped and bytes no longer mapped. */
static inline void count_tables(struct pt_root *r, int delta)
{
    if (r->count)
        r->count->l2_tables += (u32)delta;
}
static inline void count_bytes(struct pt_root *r, u32 add, u32 sub)
{
    if (r->count)
        r->count->mapped += add - sub;
}

/* What the root's counts must be: L2 tables linked from its L1 and
 * bytes of non-zero entries, by a scan of the tables (pt_walk.c). */
void pt_usage_scan(const struct pt_root *r, u32 *l2_tables, u32 *mapped_bytes);

/* ---- L2 tables (pt_l2.c) -------------------------------------------------
 * Quarters of PG_TABLE pages. l2_reserve is the only step that can fail;
 * after it, l2_take cannot. */

/* Makes sure `tables` l2_take calls will succeed, allocating pages now.
 * E_NO_MEMORY (having allocated nothing that stays) otherwise. */
int     l2_reserve(u32 tables);
/* A zeroed 1 KiB table, l2_count 0, from the reserve. */
paddr_t l2_take(void);
/* Frees a table whose entries are all zero; its page goes back to pmm
 * once all four quarters are free. The caller has unlinked it and
 * invalidated the TLB for it. */
void    l2_give(paddr_t l2);
/* Gives reserved pages that no l2_take used back to pmm. Every operation
 * that reserves calls it before returning. */
void    l2_settle(void);
/* Non-zero entries of the table at l2 (page_info.l2_count of its quarter). */
u16    *l2_count(paddr_t l2);
/* Checks the partial-table list. 0 or E_CORRUPT with *what. */
int     l2_check_list(const char **what);

/* ---- TLB batches (pt_tlb.c) ----------------------------------------------
 * An operation notes every valid entry it breaks and every table it
 * unlinks, then runs the batch once: what was noted is invalidated (by VA
 * while few, else wider, per pagetable.h), then the unlinked tables are
 * freed. Nothing is noted for a root whose entries cannot be cached. */

struct tlb_batch {
    const struct pt_root *r;
    bool live;                      /* r's entries may be in the TLB */
    u32  n_ng, n_g;                 /* pages noted; > PT_TLB_VA_MAX: wide */
    vaddr_t ng[PT_TLB_VA_MAX];      /* non-global pages (flush by VA+ASID) */
    vaddr_t g[PT_TLB_VA_MAX];       /* global pages (flush by VA, all ASIDs) */
    u32  n_free;
    paddr_t free[PT_TLB_VA_MAX];    /* unlinked tables, freed after the flush */
};

void tlb_begin(struct tlb_batch *b, const struct pt_root *r);
/* tlb_note: the page holding va had a valid entry that is now broken.
 * tlb_note_large: the same for the page of size (4K..16M) at va: a 64K
 * page is noted as its 4K pages, 1M and 16M make the batch wide (why:
 * below). Both defined here, inline. */
/* Kernel roots hold only global entries. Inline: unmap calls it per
 * page, and once a class is wide it is a test and nothing more. */
static inline void tlb_note(struct tlb_batch *b, vaddr_t va, bool global)
{
    if (!b->live)
        return;
    if (global || b->r->is_kernel) {
        if (b->n_g < PT_TLB_VA_MAX)
            b->g[b->n_g] = va;
        if (b->n_g <= PT_TLB_VA_MAX)
            b->n_g++;
    } else {
        if (b->n_ng < PT_TLB_VA_MAX)
            b->ng[b->n_ng] = va;
        if (b->n_ng <= PT_TLB_VA_MAX)
            b->n_ng++;
    }
}

/* Which classes tlb_note can still name by VA: bit 1 global pages, bit 0
 * non-global ones (none if the root's entries cannot be cached). */
static inline u32 tlb_room(const struct tlb_batch *b)
{
    if (!b->live)
        return 0;
    return (b->n_g <= PT_TLB_VA_MAX ? 2u : 0u) |
           (b->n_ng <= PT_TLB_VA_MAX ? 1u : 0u);
}

/* Why not one TLBIMVA at the base, which the
 * architecture says is enough for any page size: QEMU 7.2 then drops its
 * translated code (tb_jmp_cache) only for the 4K page named, so code in
 * the other 4K pages of the block keeps running after protect, unmap or
 * remap (pytest/test_large_page_code.py). What each choice cost, measured
 * on QEMU 7.2 through the protocol (pytest/bench_large_page_tlb.py: four
 * kernels side by side, median of 150 `protect` of a page, and of a `sum`
 * over 64 other 4K pages after each one, to see the refill):
 *
 *               per 4K page      by ASID / all (global)   one at base
 *   64K         189 us           195 / 191 us             170 us (wrong)
 *   1M          300 us           244 / 245 us             230 us (wrong)
 *   16M        1026 us           230 / 230 us             213 us (wrong)
 *   refill      sum 1230 us      1248 / 1270 us           1215 us
 *
 * Naming every 4K page costs 16 operations for 64K (within noise) but 256
 * and 4096 for 1M and 16M (+70 us, +800 us per change), while a wide flush
 * costs one operation and a refill of what it dropped (+20..40 us on 64
 * pages). So: a 64K page is flushed as its 16 4K pages (it keeps the rest
 * of the TLB), a 1M or 16M page by its ASID if it is not global, and by
 * TLBIALL if it is (TLBIASID leaves global entries). */
static inline void tlb_note_large(struct tlb_batch *b, vaddr_t va, u32 size, bool global)
{
    if (size <= SZ_64K) {
        for (u32 off = 0; off < size; off += SZ_4K)
            tlb_note(b, va + off, global);
        return;
    }
    if (!b->live)
        return;
    if (global || b->r->is_kernel)
        b->n_g = PT_TLB_VA_MAX + 1;      /* wide: TLBIALL */
    else
        b->n_ng = PT_TLB_VA_MAX + 1;     /* wide: TLBIASID */
}

/* The table l2 under va's 1 MiB region was unlinked from L1: its walk may
 * be cached; it is freed once the batch has run. */
void tlb_note_table(struct tlb_batch *b, vaddr_t va, paddr_t l2);
/* Invalidates what was noted, frees the noted tables, starts afresh. */
void tlb_run(struct tlb_batch *b);

/* ---- frame references ----------------------------------------------------
 * Consecutive pmm_frames_put calls coalesced into runs. */
struct frame_run { paddr_t pa; u32 len; };

static inline void frames_drop(struct frame_run *f, paddr_t pa, u32 len)
{
    if (f->len && (u64)f->pa + f->len == pa) {
        f->len += len;
        return;
    }
    if (f->len)
        pmm_frames_put(f->pa, f->len);
    f->pa = pa;
    f->len = len;
}
static inline void frames_done(struct frame_run *f)
{
    if (f->len)
        pmm_frames_put(f->pa, f->len);
    f->len = 0;
}

/* ---- edit primitives (pt_edit.c) -------------------------------------- */

/* Splits the large page (or marker) holding va one size down; a 1M page
 * takes a table from the reserve. The page must be there and larger than
 * 4K. Break-before-make for valid entries. */
void pt_split_one(struct pt_root *r, vaddr_t va);
/* Unmaps every page in [va, end), which must not cut a page in part;
 * tables it empties are unlinked and noted. Adds to *bytes. */
void pt_clear(struct pt_root *r, u64 va, u64 end, struct tlb_batch *b,
              struct frame_run *fr, u32 *bytes);
/* Unlinks and notes (for freeing) every table left in [va, end); each
 * must be empty. */
void pt_drop_tables(struct pt_root *r, u64 va, u64 end, struct tlb_batch *b);
/* Makes va and end page boundaries: reserves the L2 tables the splits
 * need (E_NO_MEMORY, nothing changed), then splits. The caller settles. */
int  pt_cut_range(struct pt_root *r, u64 va, u64 end);
/* Argument checks of a range operation: E_ALIGN (len 0 or not 4K
 * aligned), E_RANGE (outside [lo, hi)). */
int  pt_range_check(const struct pt_root *r, vaddr_t va, u32 len);

#endif
