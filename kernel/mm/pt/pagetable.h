/*
 * pagetable.h: ARMv7 short-descriptor translation tables (no LPAE).
 *
 * One pt_root is one tree: an L1 table and the L2 tables it points at.
 * Page sizes: 4K small and 64K large pages in L2 tables (a large page is
 * 16 identical consecutive entries), 1M sections and 16M supersections in
 * L1 (a supersection is 16 identical consecutive entries). Domain 0 for
 * everything. SCTLR.TRE = 0, SCTLR.AFE = 0: TEX/C/B and AP[2:0] are raw.
 *
 *   attribute          descriptor
 *   normal (default)   TEX=001 C=1 B=1   (write-back, write-allocate)
 *   nocache            TEX=001 C=0 B=0   (Normal, non-cacheable)
 *   device             TEX=000 C=0 B=1   (shareable Device), XN=1
 *   write, user        AP[2]=0 AP[1:0]=11    read only, user  AP=1,10
 *   write, privileged  AP[2]=0 AP[1:0]=01    read only, priv  AP=1,01
 *   no execute         XN=1
 *   global             nG=0 (otherwise nG=1)
 *
 * An `interrupt` page has no backing: its entries are invalid to the MMU
 * (bits[1:0] = 00) and carry a software marker in the bits the MMU ignores:
 *   bits[31:28] = 0xA, bits[25:24] = size (0 4K, 1 64K, 2 1M, 3 16M),
 *   bits[13:2]  = the page's attributes (ATTR_*), bits[27:26,23:14] = 0.
 * A 64K/16M interrupt page is 16 replicated markers, like its valid twin.
 *
 * Every operation checks everything first, then writes: on error, tables,
 * allocator and TLB are exactly as they were. New L2 tables are allocated
 * before the first write, and returned if anything fails.
 *
 * L2 tables are 1 KiB; four share one PG_TABLE page (page_info.l2_used,
 * page_info.l2_count[] = non-zero entries of each quarter). An L2 table
 * that an unmap empties is unlinked from L1, the TLB invalidated for its
 * 1M (walk caches), then the quarter is freed; the page goes back to the
 * allocator when all four are free. Tables made by pt_table_map stay until
 * pt_table_unmap, even when empty, but are freed if an unmap empties them.
 *
 * TLB maintenance, done here after every change to a valid entry (never
 * needed for invalid -> valid): if root->asid != 0 (entries may be cached),
 *   global entries changed              -> flush by VA in all ASIDs
 *   up to PT_TLB_VA_MAX non-global pages -> flush by VA + ASID, each page
 *   more                                -> flush the whole ASID
 *   a 64K page counts as its 16 4K pages; a 1M or 16M page flushes the
 *   whole ASID (global: everything), since QEMU drops translated code only
 *   for the 4K page a TLBIMVA names (pt_internal.h, tlb_note_large, has
 *   the measured costs)
 * Kernel roots (is_kernel) hold only global entries.
 */
#ifndef VMK_PAGETABLE_H
#define VMK_PAGETABLE_H

#include "types.h"

struct arch_boot;

#define PT_TLB_VA_MAX 16

/* What pt_usage reports of a root, kept by every operation that changes
 * its tree, so that reading it costs nothing (vm's `info`). */
struct pt_count {
    u32 l2_tables;      /* L2 tables linked from the L1 */
    u32 mapped;         /* non-zero entries' share: 1M an L1 leaf entry,
                           4K an L2 entry (a 64K or 16M page counts 16) */
};

struct pt_root {
    paddr_t l1;         /* physical address of the L1 table */
    vaddr_t lo, hi;     /* the span this root may map: [lo, hi) — user:
                           [0, 0x80000000); kernel: [0x80000000, 0) */
    u32     asid;       /* ASID its non-global entries may be cached under;
                           0 = none can be in the TLB */
    bool    is_kernel;  /* 4096-entry L1 for TTBR1; else 2048 for TTBR0 */
    struct pt_count *count;  /* the tree's counts, kept up to date
                           (zero over a zeroed L1; pt_kernel_init sets a
                           kernel root's; pt_check verifies them), or NULL:
                           none kept, pt_usage scans. A pointer, so that
                           copies of a root share them. */
};

/* One mapped page as software sees it. */
struct pt_entry {
    vaddr_t va;      /* base of the page */
    paddr_t pa;      /* base of the frame (0 for interrupt pages) */
    u32     size;    /* SZ_4K, SZ_64K, SZ_1M or SZ_16M */
    u32     attrs;   /* ATTR_HW_MASK bits, plus ATTR_INTERRUPT for markers;
                        ATTR_READ always set */
};

/* Validates a hardware attribute set for mapping: E_BAD_ARG if device is
 * combined with execute or nocache, or bits outside ATTR_HW_MASK |
 * ATTR_INTERRUPT are set. */
int pt_attrs_valid(u32 attrs);

/* Software walk: the page holding va. E_NOT_MAPPED if none (an L2 table
 * with nothing at va is not a mapping). Interrupt pages are found, pa 0. */
int pt_walk(const struct pt_root *r, vaddr_t va, struct pt_entry *e);

/* For a va that pt_walk finds nothing at: the end of the unmapped run
 * from va, so that a caller looking at many pages walks once per hole.
 * The run is va's own entry (its 1 MiB region in L1, its 4K page in an
 * L2 table) and the empty entries after it in the same table, at most to
 * the span's end (L1) or the table's region's end (L2); outside the span,
 * va's 4K page. Reads only; allocates and flushes nothing. */
u64 pt_hole_end(const struct pt_root *r, vaddr_t va);

/* Maps [va, va+len) to [pa, pa+len) with the largest page sizes that the
 * joint alignment of va and pa and the remaining length allow (16M, 1M,
 * 64K, 4K). Where an L2 table already covers a 1M region, that region is
 * mapped with 64K/4K entries in it instead of a section (and a 16M piece
 * over such a region is broken down to 1M pieces). Attrs: ATTR_HW_MASK |
 * ATTR_INTERRUPT (then pa is ignored; markers of the same sizes). Counts
 * mapping references on RAM frames (pmm_frames_get).
 *   E_ALIGN  va, pa or len not 4K aligned, or len 0
 *   E_RANGE  [va, va+len) wraps or leaves [lo, hi)
 *   E_ALREADY_MAPPED  any page of the range is mapped (valid or marker)
 *   E_NO_MEMORY  an L2 table or a reference count could not be had
 *   E_BAD_ARG  pt_attrs_valid fails
 * *entries = descriptors written (a 64K page writes 16). */
int pt_map(struct pt_root *r, vaddr_t va, paddr_t pa, u32 len, u32 attrs,
           u32 *entries);

/* Maps exactly one page of size (SZ_4K/64K/1M/16M; other sizes E_BAD_ARG).
 * E_ALIGN if va or pa (unless interrupt) is not aligned to size;
 * E_ALREADY_MAPPED if anything, an L2 table included (for 1M/16M), is
 * there. Otherwise as pt_map. */
int pt_map1(struct pt_root *r, vaddr_t va, paddr_t pa, u32 size, u32 attrs);

/* The most roots pt_map_multi takes at once. */
#define PT_MULTI_MAX 1024u

/* pt_map (size 0) or, with size a page size, pages of exactly that size
 * over [va, va+len) (pt_map1 when len = size; E_ALIGN unless va, len and
 * pa, unless interrupt, are multiples of size; E_ALREADY_MAPPED if an L2
 * table is where a 1M/16M page would go), into n roots at once
 * (1 <= n <= PT_MULTI_MAX, all user roots or all kernel): every root is
 * checked first (E_ALREADY_MAPPED if anything is in the way in any of
 * them), the L2 tables of all are reserved, one frame reference per root
 * taken, and then each root gets the same pages (a piece goes in L1 only
 * where every root can take it), or, on error, none does. *entries =
 * descriptors written in one root. Global user mappings use it (vm). */
int pt_map_multi(struct pt_root *const *roots, u32 n, vaddr_t va, paddr_t pa,
                 u32 len, u32 attrs, u32 size, u32 *entries);

/* Holding the L2 reserve across several operations (vm's global
 * mappings, which change many roots at once): pt_reserve makes sure that
 * `tables` more L2 tables can be taken, E_NO_MEMORY otherwise (nothing
 * kept), and until pt_release no operation gives reserved pages back, so
 * the splits of every root that the reserve counted cannot fail. */
int  pt_reserve(u32 tables);
void pt_release(void);
/* L2 tables that making va and va+len page boundaries needs in r (what
 * pt_unmap / pt_protect of the range reserve): 0, 1 or 2. */
u32  pt_cut_tables(const struct pt_root *r, vaddr_t va, u32 len);

/* Unmaps every page in [va, va+len) (4K aligned, else E_ALIGN; holes are
 * fine). A large page the range covers in part is split first (16M -> 1M
 * sections, 1M -> L2 of 4K pages, 64K -> 4K) and only the covered part
 * removed; a split that needs an L2 table may fail with E_NO_MEMORY,
 * changing nothing. `lock` is software state: vm refuses locked ranges
 * before it calls this. Drops frame references (pmm_frames_put).
 * *unmapped = bytes that were mapped and are not now. */
int pt_unmap(struct pt_root *r, vaddr_t va, u32 len, u32 *unmapped);

/* Unmaps the one page of whatever size that holds va; *was = that page.
 * E_NOT_MAPPED if none. */
int pt_unmap1(struct pt_root *r, vaddr_t va, struct pt_entry *was);

/* Sets the hardware attributes of every page in [va, va+len) (4K aligned)
 * to attrs (ATTR_HW_MASK; interrupt pages keep ATTR_INTERRUPT and take the
 * rest). E_NOT_MAPPED if any page of the range is not mapped; large pages
 * the range covers in part are split (E_NO_MEMORY possible). */
int pt_protect(struct pt_root *r, vaddr_t va, u32 len, u32 attrs);

/* 0 if every page of [va, end) is mapped in r, else E_NOT_MAPPED. Reads
 * only: allocates nothing, flushes nothing. */
int pt_all_mapped(const struct pt_root *r, u64 va, u64 end);

/* Splits the large page (64K, 1M or 16M) holding va into pages of the next
 * size down (16M -> 16 x 1M, 1M -> 256 x 4K in a new L2, 64K -> 16 x 4K),
 * same frames and attributes. E_NOT_MAPPED, E_BAD_ARG for a 4K page,
 * E_NO_MEMORY. */
int pt_split(struct pt_root *r, vaddr_t va);

/* Puts an empty L2 table under the 1M region holding va. *l2 = its
 * physical address. E_ALREADY_MAPPED if a section, supersection, marker or
 * table is there; E_RANGE outside [lo, hi); E_NO_MEMORY. */
int pt_table_map(struct pt_root *r, vaddr_t va, paddr_t *l2);

/* True if an L2 table is under the 1M region holding va. */
bool pt_has_table(const struct pt_root *r, vaddr_t va);

/* True if a and b (two user roots: one span, tables that pt_check
 * passes) disagree on a global page:
 * one of them has a global page (a marker too) that the other does not
 * have at the same VA with the same frame, size and attributes; *va = the
 * first such 4K page. Reads only: no allocation, no flush. */
bool pt_globals_differ(const struct pt_root *a, const struct pt_root *b,
                       vaddr_t *va);

/* Unmaps every page of the 1M region holding va and frees its L2 table.
 * E_NOT_MAPPED if no L2 table is there. *unmapped = bytes unmapped. */
int pt_table_unmap(struct pt_root *r, vaddr_t va, u32 *unmapped);

/* Unmaps everything in the root's span and frees every L2 table (not the
 * L1). *freed_pages += table pages and grown frames given back. */
void pt_destroy(struct pt_root *r, u32 *freed_pages);

/* Calls fn for every mapped page (valid or marker) with va in [lo, hi),
 * in address order. Stops early and returns fn's value if non-zero. fn
 * must not change r's tables. A walk from the start of a root that keeps
 * counts ends once it has passed every table and byte they promise (a
 * wrong count is pt_check's "usage_counts"); a table entered at its
 * first entry ends at its l2_count'th non-zero entry. Reads only. */
typedef int (*pt_visit_fn)(const struct pt_entry *e, void *ctx);
int pt_for_each(const struct pt_root *r, vaddr_t lo, vaddr_t hi,
                pt_visit_fn fn, void *ctx);

/* Pages of memory this root uses for L2 tables (quarters / 4, rounded up
 * per page is not meaningful: reports live L2 tables) and bytes mapped.
 * O(1) from r->count if the root keeps counts, else by a scan. */
void pt_usage(const struct pt_root *r, u32 *l2_tables, u32 *mapped_bytes);

/* Calls fn(ctx, a, b) for each run [a, b) of consecutive global pages
 * (valid or marker; any sizes, frames and attributes) of r that reaches
 * into [lo, hi), clipped to it, in address order: the runs the global
 * pages pt_for_each visits make, a table's 4K pages read a stretch at a
 * time. fn must not change r's tables. Reads only. */
typedef void (*pt_run_fn)(void *ctx, vaddr_t a, u64 b);
void pt_global_runs(const struct pt_root *r, vaddr_t lo, u64 hi,
                    pt_run_fn fn, void *ctx);

/* Verifies the root: descriptors well formed, replicated entries agree,
 * every L2 table referenced by exactly one L1 entry of this root and its
 * l2_count right, table pages are PG_TABLE with the quarter marked used.
 * Adds to *tables (L2 tables) and *mappings (pages). 0 or E_CORRUPT with
 * *what naming the first broken rule. */
int pt_check(const struct pt_root *r, u32 *tables, u32 *mappings,
             const char **what);

/* pt_check, and on the same walk fn(e, ctx) for each page that passed its
 * rules, in address order, until fn returns non-zero (that ends the
 * calls, not the check; fn keeps its own verdict in ctx). On a root that
 * passes, fn sees exactly what pt_for_each(r, r->lo, r->hi, fn, ctx)
 * would show it. Allocates nothing, flushes nothing, as pt_check. */
int pt_check_each(const struct pt_root *r, u32 *tables, u32 *mappings,
                  pt_visit_fn fn, void *ctx, const char **what);

/* Kernel boot: sets every entry of the kernel L1's span (from
 * KERNEL_BASE; the entries below it, which TTBR1 never walks, are left as
 * they are) to its boot value: the direct map (global, privileged,
 * normal, 1M sections) for all of RAM of *b, read+execute over
 * [text_base, text_end) and read+write, never execute, elsewhere (W^X); the vector page at 0xffff0000 (privileged,
 * read+execute, global, 4K, in an L2 table from the allocator); invalid
 * elsewhere. An entry the CPU may be running through keeps its frame,
 * size and memory type (only permissions change), never cleared in
 * between. Flushes the whole TLB.
 * E_NO_MEMORY only if RAM is too small to hold one table page. */
int pt_kernel_init(struct pt_root *k, const struct arch_boot *b);

/* Resets the module's state (partial-table list). Called by mm_init. */
void pt_init(void);

#endif
