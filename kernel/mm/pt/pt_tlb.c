/*
 * pt_tlb.c: TLB batches. An operation notes every valid entry it breaks
 * and every table it unlinks; tlb_run invalidates what was noted (by VA
 * while few, else wider: see pagetable.h) and only then frees the tables,
 * so no walk can reach a freed table. Uses pt_l2.c (l2_give). tlb_note
 * and tlb_note_large are inline in pt_internal.h (unmap calls them per
 * page), with the measured reasons why 1M and 16M pages flush by ASID.
 */
#include "pt_internal.h"

/* See pt_internal.h. */
void tlb_begin(struct tlb_batch *b, const struct pt_root *r)
{
    b->r = r;
    b->live = r->is_kernel || r->asid != 0;
    b->n_ng = b->n_g = b->n_free = 0;
}

/* See pt_internal.h. The L1 entry that pointed at the table is not global
 * in a user root (walks are cached under the ASID), and global in the
 * kernel's. A full free list runs the batch early. */
void tlb_note_table(struct tlb_batch *b, vaddr_t va, paddr_t l2)
{
    tlb_note(b, va, false);
    b->free[b->n_free++] = l2;
    if (b->n_free == PT_TLB_VA_MAX)
        tlb_run(b);
}

/* See pt_internal.h. */
void tlb_run(struct tlb_batch *b)
{
    u32 i;

    if (b->n_g > PT_TLB_VA_MAX) {
        arch_tlb_flush_all();          /* too many global pages to name */
    } else {
        for (i = 0; i < b->n_g; i++)
            arch_tlb_flush_va_all_asids(b->g[i]);   /* cached in any ASID */
        if (b->n_ng > PT_TLB_VA_MAX)
            arch_tlb_flush_asid(b->r->asid);        /* too many to name */
        else
            for (i = 0; i < b->n_ng; i++)
                arch_tlb_flush_va(b->ng[i], b->r->asid);
    }
    /* Only now, with no walk able to reach them, may the tables go. */
    for (i = 0; i < b->n_free; i++)
        l2_give(b->free[i]);
    b->n_ng = b->n_g = b->n_free = 0;
}
