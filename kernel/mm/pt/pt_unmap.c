/*
 * pt_unmap.c: removing mappings: pt_unmap (a range, cutting large pages at
 * its ends), pt_unmap1 (one whole page), pt_table_unmap (a region and its
 * table), pt_destroy (everything). Each clears through one tlb_batch, so
 * the TLB is flushed once and emptied tables are freed after it.
 */
#include "pt_internal.h"

/* See pagetable.h. */
int pt_unmap(struct pt_root *r, vaddr_t va, u32 len, u32 *unmapped)
{
    struct tlb_batch b;
    struct frame_run fr = { 0, 0 };
    u32 bytes = 0;
    u64 end = (u64)va + len;
    int rc = pt_range_check(r, va, len);

    if (!rc)
        rc = pt_cut_range(r, va, end);
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

/* See pagetable.h. */
int pt_table_unmap(struct pt_root *r, vaddr_t va, u32 *unmapped)
{
    u64 base = ALIGN_DOWN(va, SZ_1M);
    struct tlb_batch b;
    struct frame_run fr = { 0, 0 };
    u32 bytes = 0;

    if (!in_span(r, va) || l1_kind(l1_of(r)[l1_index(va)]) != PK_TABLE)
        return E_NOT_MAPPED;
    tlb_begin(&b, r);
    pt_clear(r, base, base + SZ_1M, &b, &fr, &bytes);
    pt_drop_tables(r, base, base + SZ_1M, &b);   /* if it was empty already */
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
    pt_drop_tables(r, r->lo, span_end(r), &b);
    tlb_run(&b);
    frames_done(&fr);
    pmm_stats(&after);
    *freed_pages += after.free - before.free;
}

