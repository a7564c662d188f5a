/*
 * tlb_conflict.c: the simulated TLB's conflict detector.
 *
 * ARMv7 leaves it UNPREDICTABLE (or, where implemented, raises a TLB
 * conflict abort, FS 0b10000) when more than one TLB entry matches a
 * lookup: a global and a non-global entry for one VA (a VA that is
 * global in one address space and private in another), or a section and
 * a page for one VA after a block was split or merged without
 * break-before-make. vmk must never let that happen, so vmsim treats it
 * as a kernel bug and stops the run where a test or fuzzer sees it:
 *
 *   ! tlb_conflict va=0x… asid=<n> size=0x… global=0|1 other_size=0x… other_global=0|1
 *   ! panic reason=tlb_conflict …        (exit status 70, or abort())
 *
 * `va` is the address looked up or filled, `size`/`global` the entry that
 * was found (hit) or filled, `other_*` the entry it conflicts with: a
 * second cached entry, or what the tables hold now (a walk). Checked:
 *
 *   fill  the new entry overlaps a cached entry that can match a lookup
 *         under some ASID together with it (either is global, or both
 *         carry the same ASID);
 *   hit   another cached entry matches too; or the hit entry is larger
 *         than 4K, or a global user entry, and the tables now hold a
 *         valid leaf for the VA of another size or another global bit
 *         (the walker could fill that one beside it at any time).
 *
 * A hit on an entry whose tables now say something else of the same
 * shape (other frame or permission) is a stale entry, not a conflict:
 * the scenarios see that as a stale read, as on silicon.
 *
 * The checks take the TLB as an array, so that they do not depend on
 * where the machine keeps it (one TLB, or one per CPU).
 */
#include <stdio.h>
#include "sim_priv.h"

/* True if entries a (tag ta) and b (tag tb) can match one lookup. */
static bool tags_meet(const struct sim_xlat *a, u32 ta, const struct sim_xlat *b, u32 tb)
{
    return a->global || b->global || (ta & 0xffu) == (tb & 0xffu);
}

/* True if [a.va, a.va + a.size) and [b.va, b.va + b.size) overlap. */
static bool ranges_meet(const struct sim_xlat *a, const struct sim_xlat *b)
{
    u64 a0 = a->va, a1 = a0 + a->size, b0 = b->va, b1 = b0 + b->size;

    return a0 < b1 && b0 < a1;
}

/* Prints the event and stops the machine like an unexpected abort. */
static void conflict(vaddr_t va, u32 asid, const struct sim_xlat *x,
                     u32 other_size, bool other_global)
{
    printf("! tlb_conflict va=0x%x asid=%u size=0x%x global=%u other_size=0x%x "
           "other_global=%u\n", va, asid & 0xffu, x->size, x->global ? 1u : 0u,
           other_size, other_global ? 1u : 0u);
    fflush(stdout);
    arch_panic("tlb_conflict");
}

/* See sim_priv.h. */
void tlb_conflict_fill(const struct sim_tlb_entry *t, u32 n,
                       const struct sim_xlat *x, u32 asid)
{
    for (u32 i = 0; i < n; i++)
        if (t[i].valid && ranges_meet(&t[i].x, x) &&
            tags_meet(&t[i].x, t[i].asid, x, asid))
            conflict(x->va, asid, x, t[i].x.size, t[i].x.global);
}

/* See sim_priv.h. */
void tlb_conflict_hit(const struct sim_tlb_entry *t, u32 n, u32 hit,
                      vaddr_t va, u32 asid)
{
    const struct sim_xlat *x = &t[hit].x;
    struct sim_xlat w;

    for (u32 i = hit + 1; i < n; i++)
        if (t[i].valid && va - t[i].x.va < t[i].x.size &&
            (t[i].x.global || t[i].asid == (asid & 0xffu)))
            conflict(va, asid, x, t[i].x.size, t[i].x.global);
    if (x->size == SZ_4K && !(x->global && va < USER_TOP))
        return;
    if (sim_walk(va, false, &w) != 0)
        return;                          /* unmapped now: stale, not two */
    if (w.size != x->size || w.global != x->global)
        conflict(va, asid, x, w.size, w.global);
}
