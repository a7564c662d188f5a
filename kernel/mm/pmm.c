/*
 * pmm.c: the physical page allocator.
 *
 * Physical memory, as pmm_init leaves it:
 *
 *   ram_base     image, boot structures (arch)             PG_KERNEL
 *   kernel_end   page_info[npages], then the free bitmap   PG_KERNEL
 *   first free   pages for pmm_alloc
 *   ram end
 *
 * Lowest-address first fit over a bitmap of free pages (32 pages a word)
 * with a hint below which no page is free, so the next single page is one
 * word test away and an aligned run skips used words whole. page_info is
 * the truth; the bitmap mirrors page_info.use == PG_FREE (pmm_check).
 */
#include <string.h>
#include "pmm.h"
#include "kassert.h"
#include "vm_check.h"

#define NONE 0xffffffffu

static struct pmm {
    paddr_t base;             /* first byte of RAM, page aligned */
    u32     npages;           /* pages of RAM */
    u32     kpages;           /* pages [0, kpages) are PG_KERNEL for life */
    struct page_info *pi;     /* pi[i] describes page base + i * 4K */
    u32    *freemap;          /* bit i set <=> pi[i].use == PG_FREE; bits
                                 at and past npages are clear */
    u32     lowest;           /* no free page has an index below this */
    u32     count[PG_GROWN + 1];  /* pages by use; they add up to npages */
    u32     fail_in;          /* `fail nomem`: the fail_in-th page handed
                                 out from now fails; 0 = none pending */
} pmm;

static inline u32 idx_of(paddr_t pa) { return (pa - pmm.base) >> PAGE_SHIFT; }
static inline paddr_t pa_of(u32 i) { return pmm.base + (i << PAGE_SHIFT); }
static inline bool counted(const struct page_info *p)
{
    return p->use == PG_FRAME || p->use == PG_GROWN;
}

/* ---- the free bitmap -------------------------------------------------- */

/* First free page at or after i, or npages. */
static u32 next_free(u32 i)
{
    u32 nw = (pmm.npages + 31) >> 5, w = i >> 5, bits;

    if (i >= pmm.npages)
        return pmm.npages;
    bits = pmm.freemap[w] & (~0u << (i & 31));
    while (!bits) {
        if (++w >= nw)
            return pmm.npages;
        bits = pmm.freemap[w];
    }
    return (w << 5) + (u32)__builtin_ctz(bits);
}

/* First page in [i, lim) that is not free, or lim. */
static u32 next_used(u32 i, u32 lim)
{
    while (i < lim) {
        u32 w = i >> 5, bits = ~pmm.freemap[w] & (~0u << (i & 31));
        if (bits) {
            u32 j = (w << 5) + (u32)__builtin_ctz(bits);
            return j < lim ? j : lim;
        }
        i = (w + 1) << 5;
    }
    return lim;
}

/* Marks pages [i, i+n) free (set) or taken (clear) in the bitmap. */
static void map_mark(u32 i, u32 n, bool free)
{
    for (u32 k = i; k < i + n; k++) {
        u32 bit = 1u << (k & 31);
        if (free)
            pmm.freemap[k >> 5] |= bit;
        else
            pmm.freemap[k >> 5] &= ~bit;
    }
}

/* Index of the lowest run of count free pages whose address is a multiple
 * of align, or NONE. */
static u32 find_run(u32 count, u32 align)
{
    u64 ap = align >> PAGE_SHIFT, pfn0 = pmm.base >> PAGE_SHIFT;
    u32 i = pmm.lowest;

    for (;;) {
        u64 a = ((pfn0 + next_free(i) + ap - 1) & ~(ap - 1)) - pfn0;
        if (a >= pmm.npages || count > pmm.npages - a)
            return NONE;
        u32 j = next_used((u32)a, (u32)a + count);
        if (j == a + count)
            return (u32)a;
        i = j + 1;
    }
}

/* ---- init, alloc, free ------------------------------------------------ */

/* See pmm.h. Boot and fuzz reset: everything earlier is forgotten. */
paddr_t pmm_init(paddr_t ram_base, u32 ram_size, paddr_t kernel_end)
{
    u32 n = ram_size >> PAGE_SHIFT, nw = (n + 31) >> 5, meta, kp;

    KASSERT(ALIGNED(ram_base, PAGE_SIZE) && kernel_end >= ram_base &&
              kernel_end - ram_base <= ram_size);
    memset(&pmm, 0, sizeof pmm);
    pmm.base = ram_base;
    pmm.npages = n;
    kernel_end = ALIGN_UP(kernel_end, PAGE_SIZE);
    meta = n * (u32)sizeof(struct page_info) + nw * 4;
    kp = idx_of(kernel_end) + ((meta + PAGE_SIZE - 1) >> PAGE_SHIFT);
    KASSERT(kp <= n);   /* RAM too small for its own metadata */
    pmm.pi = arch_phys_to_ptr(kernel_end);
    pmm.freemap = (u32 *)(pmm.pi + n);
    /* Each page_info is written once, whole: one pass, not a memset of
     * the array and a second pass over the kernel's pages (a fuzz reset
     * runs this for every input). */
    for (u32 i = 0; i < n; i++)
        pmm.pi[i] = (struct page_info){ .use = i < kp ? PG_KERNEL : PG_FREE };
    memset(pmm.freemap, 0, nw * 4);
    for (u32 i = kp; i < n; i++) {
        if ((i & 31) == 0 && i + 32 <= n) {
            pmm.freemap[i >> 5] = ~0u;
            i += 31;
        } else {
            pmm.freemap[i >> 5] |= 1u << (i & 31);
        }
    }
    pmm.kpages = pmm.lowest = kp;
    pmm.count[PG_KERNEL] = kp;
    pmm.count[PG_FREE] = n - kp;
    return pa_of(kp);
}

/* Marks the free pages [i, i+count) as use. */
static void take_run(u32 i, u32 count, enum page_use use)
{
    memset(&pmm.pi[i], 0, count * sizeof(struct page_info));
    for (u32 k = i; k < i + count; k++)
        pmm.pi[k].use = (u8)use;
    if (use == PG_FRAME) {
        pmm.pi[i].run_head = 1;
        pmm.pi[i].run_len = count;
    }
    map_mark(i, count, false);
    pmm.count[PG_FREE] -= count;
    pmm.count[use] += count;
    if (i == pmm.lowest)
        pmm.lowest = i + count;
}

/* See pmm.h. */
int pmm_alloc(u32 count, u32 align, enum page_use use, paddr_t *pa)
{
    u32 i;

    if (count == 0 || align < PAGE_SIZE || (align & (align - 1)) ||
        use == PG_FREE || use > PG_GROWN)
        return E_BAD_ARG;
    if (pmm.fail_in && pmm.fail_in <= count) {
        pmm.fail_in = 0;      /* the injected failure falls in this run */
        return E_NO_MEMORY;
    }
    i = find_run(count, align);
    if (i == NONE)
        return E_NO_MEMORY;
    if (pmm.fail_in)
        pmm.fail_in -= count;
    take_run(i, count, use);
    *pa = pa_of(i);
    return 0;
}

/* Returns pages [i, i+count), all of one use, to the free pool. */
static void release(u32 i, u32 count)
{
    pmm.count[pmm.pi[i].use] -= count;
    pmm.count[PG_FREE] += count;
    memset(&pmm.pi[i], 0, count * sizeof(struct page_info));
    map_mark(i, count, true);
    if (i < pmm.lowest)
        pmm.lowest = i;
}

/* Head of the PG_FRAME run holding page i. */
static u32 run_head_of(u32 i)
{
    while (!pmm.pi[i].run_head) {
        KASSERT(i > 0 && pmm.pi[i - 1].use == PG_FRAME);
        i--;
    }
    return i;
}

/* Takes [i, i+count) out of its run: the part before keeps the head, the
 * part after gets a head of its own. false if the range leaves the run. */
static bool run_cut(u32 i, u32 count, bool commit)
{
    u32 h = run_head_of(i), end = h + pmm.pi[h].run_len;

    if (count > end - i)
        return false;
    if (commit && i + count < end) {
        pmm.pi[i + count].run_head = 1;
        pmm.pi[i + count].run_len = end - (i + count);
    }
    if (commit && i > h)
        pmm.pi[h].run_len = i - h;
    return true;
}

/* See pmm.h. Checks all pages first, then frees. */
int pmm_free(paddr_t pa, u32 count, enum page_use use)
{
    u32 i, k;

    if (!ALIGNED(pa, PAGE_SIZE) || count == 0 || use == PG_FREE ||
        use > PG_GROWN || !pmm_in_ram(pa))
        return E_BAD_ARG;
    i = idx_of(pa);
    if (i < pmm.kpages || count > pmm.npages - i)
        return E_BAD_ARG;
    for (k = i; k < i + count; k++) {
        if (use == PG_FRAME && pmm.pi[k].use == PG_GROWN)
            return E_RANGE;            /* growth's frame: the kernel's */
        if (pmm.pi[k].use != use)
            return E_BAD_ARG;
    }
    if (use == PG_FRAME && !run_cut(i, count, false))
        return E_BAD_ARG;
    for (k = i; k < i + count; k++)
        if (pmm.pi[k].mapcount || pmm.pi[k].l2_used)
            return E_BUSY;
    if (use == PG_FRAME)
        run_cut(i, count, true);
    release(i, count);
    return 0;
}

/* ---- fault injection, queries ----------------------------------------- */

u32 pmm_fail_nomem(u32 n)
{
    pmm.fail_in = n;
    return n;
}

u32 pmm_fail_pending(void) { return pmm.fail_in; }

void pmm_stats(struct pmm_stats *s)
{
    s->total = pmm.npages;
    s->free = pmm.count[PG_FREE];
    s->table = pmm.count[PG_TABLE];
    s->heap = pmm.count[PG_HEAP];
    s->frame = pmm.count[PG_FRAME] + pmm.count[PG_GROWN];
    s->kernel = pmm.count[PG_KERNEL];
}

void pmm_ram(paddr_t *base, u32 *size)
{
    *base = pmm.base;
    *size = pmm.npages * PAGE_SIZE;
}

bool pmm_in_ram(paddr_t pa)
{
    return pa - pmm.base < pmm.npages * PAGE_SIZE;   /* wraps below base */
}

struct page_info *pmm_page(paddr_t pa)
{
    return pmm_in_ram(pa) ? &pmm.pi[idx_of(pa)] : NULL;
}

/* Pages [*first, *lim) of RAM that [pa, pa+len) touches; false if none. */
static bool ram_span(paddr_t pa, u32 len, u32 *first, u32 *lim)
{
    u64 lo = pa, hi = (u64)pa + len, rlo = pmm.base;
    u64 rhi = rlo + (u64)pmm.npages * PAGE_SIZE;

    lo = lo < rlo ? rlo : lo;
    hi = hi > rhi ? rhi : hi;
    if (lo >= hi)
        return false;
    *first = (u32)((lo - rlo) >> PAGE_SHIFT);
    *lim = (u32)((hi - rlo + PAGE_SIZE - 1) >> PAGE_SHIFT);
    return true;
}

bool pmm_mappable(paddr_t pa, u32 len)
{
    u32 i, lim;

    if (!ram_span(pa, len, &i, &lim))
        return true;
    for (; i < lim; i++)
        if (pmm.pi[i].use != PG_FRAME)
            return false;
    return true;
}

/* See pmm.h: checks every count first, then increments. */
int pmm_frames_get(paddr_t pa, u32 len)
{
    u32 first, lim, i;

    if (!ram_span(pa, len, &first, &lim))
        return 0;
    for (i = first; i < lim; i++)
        if (counted(&pmm.pi[i]) && pmm.pi[i].mapcount == 0xffff)
            return E_NO_MEMORY;
    for (i = first; i < lim; i++)
        if (counted(&pmm.pi[i]))
            pmm.pi[i].mapcount++;
    return 0;
}

/* See pmm.h. A grown page's last reference frees it. */
void pmm_frames_put(paddr_t pa, u32 len)
{
    u32 i, lim;

    if (!ram_span(pa, len, &i, &lim))
        return;
    for (; i < lim; i++) {
        struct page_info *p = &pmm.pi[i];
        if (!counted(p))
            continue;
        KASSERT(p->mapcount > 0);
        if (--p->mapcount == 0 && p->use == PG_GROWN)
            release(i, 1);
    }
}

/* ---- invariants ------------------------------------------------------- */

/* One page's own fields agree with its use and the bitmap. *run = pages
 * left in the PG_FRAME run being walked. NULL if fine, else the rule. */
static const char *check_page(u32 i, u32 *run)
{
    const struct page_info *p = &pmm.pi[i];
    bool bit = pmm.freemap[i >> 5] >> (i & 31) & 1;

    if (p->use > PG_GROWN)
        return "pmm_bad_use";
    if (bit != (p->use == PG_FREE))
        return "pmm_bitmap";
    if (p->use == PG_FREE && i < pmm.lowest)
        return "pmm_lowest_hint";
    if (i < pmm.kpages && p->use != PG_KERNEL)
        return "pmm_kernel_page";
    if (p->mapcount && !counted(p))
        return "pmm_mapcount_unmapped_use";
    if (p->use != PG_TABLE && (p->l2_used || p->is_l1))
        return "pmm_table_fields";
    if (p->use == PG_TABLE && ((p->l2_used & ~0xfu) || (p->is_l1 && p->l2_used)))
        return "pmm_l2_used";
    for (u32 q = 0; q < 4; q++)
        if (p->use == PG_TABLE && !(p->l2_used >> q & 1) && p->l2_count[q])
            return "pmm_l2_count_free_quarter";
    if (p->use != PG_FRAME)
        return *run ? "pmm_run_short" : (p->run_head ? "pmm_run_head" : NULL);
    if (*run == 0) {
        if (!p->run_head || p->run_len == 0 || p->run_len > pmm.npages - i)
            return "pmm_run_head";
        *run = p->run_len;
    } else if (p->run_head) {
        return "pmm_run_overlap";
    }
    (*run)--;
    return NULL;
}

/* The first six bytes of a page_info (use, l2_used, is_l1, run_head,
 * mapcount) are the bits of its first word that head_mask() keeps: a plain
 * page of one use has the masked word of a zeroed page_info with that use. */
typedef u64 __attribute__((may_alias, aligned(4))) u64w;
static inline u64 first_word(const struct page_info *p)
{
    return *(const u64w *)p;
}
static u64 head_mask(void)
{
    const struct page_info z = { 0 };
    return first_word(&z) ^ first_word(&(struct page_info){
        .use = 0xff, .l2_used = 0xff, .is_l1 = 0xff, .run_head = 0xff, .mapcount = 0xffff });
}

/* Pages [i, i + 32) are all of use `use` with no table fields, mapcount
 * or run head. Every kept bit is the same in all 32 words and equal to
 * want's iff it is so in their AND and in their OR; two accumulators and
 * one mask at the end cost less than a mask and a compare per page (this
 * runs on most of RAM at every check). */
static bool block_plain(u32 i, u32 use)
{
    const struct page_info t = { .use = (u8)use };
    const struct page_info *p = &pmm.pi[i];
    u64 want = first_word(&t), mask = head_mask(), all = ~0ull, any = 0;
    for (u32 k = 0; k < 32; k += 4) {
        u64 a = first_word(&p[k]), b = first_word(&p[k + 1]);
        u64 c = first_word(&p[k + 2]), d = first_word(&p[k + 3]);
        all &= a & b & c & d;
        any |= a | b | c | d;
    }
    return (all & mask) == want && (any & mask) == want;
}

/* See pmm.h. */
int pmm_check(const char **what)
{
    u32 n[PG_GROWN + 1] = { 0 }, run = 0, sum = 0;

    for (u32 i = 0; i < pmm.npages; i++) {
        /* Fastest path: 32 pages whose bitmap word says all free, above
         * the hint and the kernel's pages, or all allocated inside the
         * kernel's pages, outside a run: each must be PG_FREE (or
         * PG_KERNEL) with no table fields, mapcount or run head
         * (check_page's rules for those pages, nothing left out). */
        u32 word = (i & 31) || i + 32 > pmm.npages || run ? 1 : pmm.freemap[i >> 5];
        bool all_free = word == ~0u && i >= pmm.lowest && i >= pmm.kpages;
        bool all_kernel = word == 0 && i + 32 <= pmm.kpages;
        if (all_free || all_kernel) {
            u32 use = all_free ? PG_FREE : PG_KERNEL;
            if (block_plain(i, use)) {
                n[use] += 32;
                i += 31;
                continue;
            }
        }
        const struct page_info *p = &pmm.pi[i];
        bool bit = pmm.freemap[i >> 5] >> (i & 31) & 1;
        /* Fast path, the same rules check_page applies to its two
         * commonest cases: a free page (bit set, at or above the hint and
         * the kernel's pages) and a kernel page (bit clear), each with no
         * table fields, no mapcount and no run. */
        if (!run && !p->l2_used && !p->is_l1 && !p->run_head && !p->mapcount) {
            if (p->use == PG_FREE && bit && i >= pmm.lowest && i >= pmm.kpages) {
                n[PG_FREE]++;
                continue;
            }
            if (p->use == PG_KERNEL && !bit) {
                n[PG_KERNEL]++;
                continue;
            }
        }
        const char *bad = check_page(i, &run);
        if (bad) {
            *what = bad;
            return E_CORRUPT;
        }
        n[pmm.pi[i].use]++;
    }
    for (u32 u = 0; u <= PG_GROWN; u++) {
        sum += n[u];
        if (n[u] != pmm.count[u]) {
            *what = "pmm_counts";
            return E_CORRUPT;
        }
    }
    if (run || sum != pmm.npages) {
        *what = run ? "pmm_run_short" : "pmm_total";
        return E_CORRUPT;
    }
    return 0;
}

/* See vm_check.h. */
int pmm_check_tables(u32 *l1_pages, u32 *quarters, const char **what)
{
    static const u8 bits[16] = { 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4 };
    u32 l1 = 0, q = 0;

    /* Only the runs of allocated pages after the kernel's: pmm_check passed,
     * so a page below kpages is PG_KERNEL and a page whose bit is set is
     * PG_FREE. */
    for (u32 i = pmm.kpages; (i = next_used(i, pmm.npages)) < pmm.npages; ) {
        for (u32 end = next_free(i); i < end; i++) {
            const struct page_info *p = &pmm.pi[i];
            if (p->use != PG_TABLE)
                continue;
            if (p->is_l1)
                l1++;
            q += bits[p->l2_used & 0xf];   /* quarters 0..3, as pmm_check allows */
            if (!p->is_l1 && p->l2_used == 0) {
                *what = "table_page_unused";
                return E_CORRUPT;
            }
        }
    }
    *l1_pages = l1;
    *quarters = q;
    return 0;
}
