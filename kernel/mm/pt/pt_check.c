/*
 * pt_check.c: pt_check, every invariant of one root's tables: descriptors
 * well formed, replicas equal, tables owned once with the right counts,
 * frames held.
 */
#include "pt_internal.h"
#include "vm_check.h"

/* Marks a table as seen by the check in progress (cleared at its end). */
#define SEEN 0x8000u

/* A RAM frame mapped by a user root is PG_FRAME/PG_GROWN with a mapping
 * reference (outside RAM: device space, nothing to hold). */
static bool frame_ok(paddr_t pa)
{
    const struct page_info *p = pmm_page(pa);
    return !p || ((p->use == PG_FRAME || p->use == PG_GROWN) && p->mapcount);
}

/* RAM frames of a user root's valid page must be PG_FRAME/PG_GROWN with
 * a mapping reference. RAM is one interval of at least 1M, so a 1M chunk
 * with neither end in RAM has no RAM page at all. */
static bool frames_ok(paddr_t pa, u32 size)
{
    for (u64 c = pa; c < (u64)pa + size; c += SZ_1M) {
        u32 n = size < SZ_1M ? size : SZ_1M;
        if (!pmm_in_ram((u32)c) && !pmm_in_ram((u32)c + n - SZ_4K))
            continue;
        for (u32 off = 0; off < n; off += SZ_4K)
            if (!frame_ok((u32)c + off))
                return false;
    }
    return true;
}

/* The rules every leaf obeys: well formed, of a size its level holds,
 * replicas (n entries at p, index idx of its table, avail entries left)
 * aligned and equal, global in a kernel root, frames held. *e = the page
 * (its size, frame and attributes; the caller sets its va). */
static const char *check_leaf(const struct pt_root *r, const u32 *p,
                              enum pt_kind k, bool l2, u32 idx, u32 avail,
                              u32 *n, struct pt_entry *e)
{
    if (!leaf_decode(*p, k, &e->size, &e->pa, &e->attrs))
        return l2 ? "l2_descriptor" : "l1_descriptor";
    if (l2 != (e->size <= SZ_64K))
        return "page_size_level";
    *n = (e->size == SZ_64K || e->size == SZ_16M) ? 16 : 1;
    if (!ALIGNED(idx, *n) || *n > avail)
        return "replicas_misaligned";
    for (u32 i = 1; i < *n; i++)
        if (p[i] != p[0])
            return "replicas_differ";
    if (r->is_kernel && !(e->attrs & ATTR_GLOBAL))
        return "kernel_not_global";
    if (!r->is_kernel && !(e->attrs & ATTR_INTERRUPT) && !frames_ok(e->pa, e->size))
        return "frame_not_held";
    return NULL;
}

/* What check_l1 counts: tables and mappings for the caller, bytes for
 * pt_usage's counts (every non-zero entry stands for its share, as
 * pt_usage_scan counts them); and whom it shows each page that passed
 * (fn, until fn returns non-zero; none if NULL); and first, the L1 index
 * of the first table it visited, where pt_check_each's unmark pass
 * starts (not at the kernel's direct map, 1M sections one by one). */
struct tally {
    u32 *tables, *maps;
    u32 l2_tables, bytes;
    pt_visit_fn fn;
    void *ctx;
    u32 first;
};

static void show(struct tally *c, const struct pt_entry *e)
{
    if (c->fn && c->fn(e, c->ctx))
        c->fn = NULL;
}

/* One L2 table under L1 entry d, for the region at base. */
static const char *check_table(const struct pt_root *r, u32 d, vaddr_t base,
                               struct tally *c)
{
    paddr_t t = d & L1_TABLE_ADDR;
    const struct page_info *p = pmm_page(t);
    u32 nz = 0;
    u16 *cnt;

    if (d != (t | L1_TYPE_TABLE))
        return "l1_table_descriptor";
    if (!p || p->use != PG_TABLE || p->is_l1 || !(p->l2_used >> ((t >> 10) & 3) & 1))
        return "l2_not_a_table";
    cnt = l2_count(t);
    if (*cnt & SEEN)
        return "l2_shared";
    const u32 *l2 = arch_phys_to_ptr(t);
    for (u32 i = next_nz(l2, 0, L2_ENTRIES), n; i < L2_ENTRIES;
         i = next_nz(l2, i + n, L2_ENTRIES)) {
        u32 a;
        if (l2_kind(l2[i]) == PK_SMALL && (a = small_attrs(l2[i])) != 0) {
            /* A well-formed 4K page (the commonest): check_leaf's rules
             * that apply to it, without its decode. */
            if (r->is_kernel && !(a & ATTR_GLOBAL))
                return "kernel_not_global";
            if (!r->is_kernel && !frame_ok(l2[i] & ~(SZ_4K - 1)))
                return "frame_not_held";
            n = 1;
            nz++;
            (*c->maps)++;
            show(c, &(struct pt_entry){ .va = base | i << 12, .pa = l2[i] & ~(SZ_4K - 1),
                                        .size = SZ_4K, .attrs = a });
            continue;
        }
        struct pt_entry e = { .va = base | i << 12 };
        const char *bad = check_leaf(r, &l2[i], l2_kind(l2[i]), true, i,
                                     L2_ENTRIES - i, &n, &e);
        if (bad)
            return bad;
        nz += n;
        (*c->maps)++;
        show(c, &e);
    }
    if (nz != *cnt)
        return "l2_count";
    c->bytes += nz * SZ_4K;
    *cnt |= SEEN;
    return NULL;
}

/* Walks the root's L1; the first broken rule, or NULL. */
static const char *check_l1(const struct pt_root *r, struct tally *c)
{
    L1_WALK(w, l1_of(r), r->lo, span_end(r)) {
        const char *bad = NULL;
        u32 n = 1;
        if (w.d == 0) {
            w.next = l1_skip(&w);
            continue;
        }
        if (w.k == PK_TABLE) {
            bad = check_table(r, w.d, (vaddr_t)w.v, c);
            (*c->tables)++;
            if (c->l2_tables++ == 0)
                c->first = w.idx;
        } else {
            if (w.k != PK_NONE) {
                struct pt_entry e = { .va = (vaddr_t)w.v };
                bad = check_leaf(r, &w.l1[w.idx], w.k, false, w.idx,
                                 (u32)((span_end(r) - w.v) >> 20), &n, &e);
                (*c->maps)++;
                if (!bad)
                    show(c, &e);
            }
            c->bytes += n * SZ_1M;   /* a marker too: it is non-zero */
        }
        if (bad)
            return bad;
        w.next = w.v + ((u64)n << 20);
    }
    return NULL;
}

/* See pagetable.h. */
int pt_check(const struct pt_root *r, u32 *tables, u32 *mappings,
             const char **what)
{
    return pt_check_each(r, tables, mappings, NULL, NULL, what);
}

/* Clears check_table's mark on the table of L1 table entry d; false if
 * that table is not in RAM (check_table marked nothing there). */
static bool unmark(u32 d)
{
    if (!pmm_page(d & L1_TABLE_ADDR))
        return false;
    *l2_count(d & L1_TABLE_ADDR) &= (u16)~SEEN;
    return true;
}

/* See pagetable.h. The pages are those check_l1 passes, in its order,
 * so one walk of the tables serves both. */
int pt_check_each(const struct pt_root *r, u32 *tables, u32 *mappings,
                  pt_visit_fn fn, void *ctx, const char **what)
{
    const char *bad = NULL;
    struct tally c = { tables, mappings, 0, 0, fn, ctx, 0 };

    if (l2_check_list(what))
        return E_CORRUPT;
    if (!r->is_kernel && (r->lo != 0 || r->hi != USER_TOP))
        bad = "root_span";
    if (!bad)
        bad = check_l1(r, &c);
    if (!bad && r->count &&              /* pt_usage's counts */
        (c.l2_tables != r->count->l2_tables || c.bytes != r->count->mapped))
        bad = "usage_counts";
    /* Unmark: check_l1 marked at most the c.l2_tables it visited, the
     * first of them at c.first. */
    L1_WALK(w, l1_of(r), c.l2_tables ? (u64)c.first << 20 : r->lo, span_end(r)) {
        if (c.l2_tables == 0)
            break;
        if (w.d == 0)
            w.next = l1_skip(&w);
        else if (w.k == PK_TABLE && unmark(w.d))
            c.l2_tables--;
    }
    if (bad)
        *what = bad;
    return bad ? E_CORRUPT : 0;
}
