/*
 * pt_tlb.c: TLB batches. An operation notes every valid entry it breaks
 * and every table it unlinks; tlb_run invalidates what was noted (by VA
 * while few, else wider: see pagetable.h) and only then frees the tables,
 * so no walk can reach a freed table. Uses pt_l2.c (l2_give).
 */
#include "pt_internal.h"

/* See pt_internal.h. */
void tlb_begin(struct tlb_batch *b, const struct pt_root *r)
{
    b->r = r;
    b->live = r->is_kernel || r->asid != 0;
    b->n_ng = b->n_g = b->n_free = 0;
}

/* See pt_internal.h. Kernel roots hold only global entries. */
void tlb_note(struct tlb_batch *b, vaddr_t va, bool global)
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

/* See pt_internal.h. Why not one TLBIMVA at the base, which the
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
void tlb_note_large(struct tlb_batch *b, vaddr_t va, u32 size, bool global)
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
