/*
 * tlb.c: the simulated TLB and walk cache, and the maintenance operations
 * and TTBR0 switch of arch.h.
 *
 * The TLB is a real cache: every access looks it up first, a miss walks
 * the tables and fills an entry, and permissions are checked against the
 * entry. An entry leaves only by a flush the core asks for or by eviction,
 * so a missing invalidation shows up as a stale translation.
 *
 *   match   valid, va inside [x.va, x.va + x.size), and global or
 *           tagged with the current ASID; two entries that can match
 *           one lookup are a TLB conflict, which stops the run
 *           (tlb_conflict.c)
 *   fill    the first free slot from the hand on, else the slot under
 *           the hand (round-robin eviction); the hand moves past it
 *
 * The walk cache holds L1 page-table descriptors by 1 MiB region: TTBR0
 * ones tagged with the ASID current at the walk, TTBR1 ones shared by all
 * ASIDs (like global entries). Flushes drop them as they drop TLB entries:
 * by VA (the region holding va), by ASID (TTBR0 ones), all.
 */
#include "sim_priv.h"

/* Which tags a flush selects. */
enum sel_mode {
    SEL_ANY,             /* every ASID, global or not */
    SEL_ASID,            /* non-global with this ASID (TLBIASID) */
    SEL_ASID_OR_GLOBAL,  /* non-global with this ASID, and global (TLBIMVA) */
};

/* True if an entry tagged {global, tag} is selected by mode for asid. */
static bool sel_tag(bool global, u32 tag, enum sel_mode mode, u32 asid)
{
    switch (mode) {
    case SEL_ASID:
        return !global && tag == asid;
    case SEL_ASID_OR_GLOBAL:
        return global || tag == asid;
    default:
        return true;
    }
}

static bool tlb_free(u32 i) { return !sim.tlb[i].valid; }
static bool wc_free(u32 i)  { return !sim.wc[i].valid; }

/* Slot for a new entry among n: the first free one from *hand on, else
 * the one under *hand (eviction); *hand moves past the slot taken. */
static u32 take_slot(u32 n, u32 *hand, bool (*is_free)(u32))
{
    u32 slot = *hand;

    for (u32 i = 0; i < n; i++) {
        if (is_free((*hand + i) % n)) {
            slot = (*hand + i) % n;
            break;
        }
    }
    *hand = (slot + 1) % n;
    return slot;
}

/* Empties TLB and walk cache; the TLB gets entries slots (clamped). */
void tlb_reset(u32 entries)
{
    if (entries == 0)
        entries = 1;
    if (entries > SIM_TLB_MAX)
        entries = SIM_TLB_MAX;
    for (u32 i = 0; i < SIM_TLB_MAX; i++)
        sim.tlb[i].valid = false;
    for (u32 i = 0; i < SIM_WALK_ENTRIES; i++)
        sim.wc[i].valid = false;
    sim.tlb_n = entries;
    sim.tlb_hand = 0;
    sim.wc_hand = 0;
}

/* See sim_priv.h. */
const struct sim_xlat *tlb_lookup(vaddr_t va)
{
    for (u32 i = 0; i < sim.tlb_n; i++) {
        const struct sim_tlb_entry *e = &sim.tlb[i];
        if (e->valid && va - e->x.va < e->x.size &&
            (e->x.global || e->asid == sim.asid)) {
            sim.stats.tlb_hits++;
            tlb_conflict_hit(sim.tlb, sim.tlb_n, i, va, sim.asid);
            return &e->x;
        }
    }
    sim.stats.tlb_misses++;
    return NULL;
}

/* See sim_priv.h. */
const struct sim_xlat *tlb_fill(const struct sim_xlat *x)
{
    u32 i = take_slot(sim.tlb_n, &sim.tlb_hand, tlb_free);
    struct sim_tlb_entry *e = &sim.tlb[i];

    e->valid = false;                  /* the slot's old entry is evicted */
    tlb_conflict_fill(sim.tlb, sim.tlb_n, x, sim.asid);
    e->valid = true;
    e->asid = (u8)sim.asid;
    e->x = *x;
    return &e->x;
}

/* See sim_priv.h. */
bool wc_lookup(vaddr_t va, u32 *l1d)
{
    for (u32 i = 0; i < SIM_WALK_ENTRIES; i++) {
        const struct sim_wc_entry *w = &sim.wc[i];
        if (w->valid && w->va == ALIGN_DOWN(va, SZ_1M) &&
            (w->global || w->asid == sim.asid)) {
            *l1d = w->l1d;
            return true;
        }
    }
    return false;
}

/* See sim_priv.h. */
void wc_fill(vaddr_t va, u32 l1d)
{
    u32 i = take_slot(SIM_WALK_ENTRIES, &sim.wc_hand, wc_free);
    struct sim_wc_entry *w = &sim.wc[i];

    w->valid = true;
    w->global = va >= USER_TOP;
    w->asid = (u8)sim.asid;
    w->va = ALIGN_DOWN(va, SZ_1M);
    w->l1d = l1d;
}

/* Drops the TLB and walk-cache entries that mode/asid select and, with
 * by_va, that translate va. */
static void flush(bool by_va, vaddr_t va, enum sel_mode mode, u32 asid)
{
    asid &= 0xffu;
    for (u32 i = 0; i < sim.tlb_n; i++) {
        struct sim_tlb_entry *e = &sim.tlb[i];
        if (e->valid && (!by_va || va - e->x.va < e->x.size) &&
            sel_tag(e->x.global, e->asid, mode, asid))
            e->valid = false;
    }
    for (u32 i = 0; i < SIM_WALK_ENTRIES; i++) {
        struct sim_wc_entry *w = &sim.wc[i];
        if (w->valid && (!by_va || w->va == ALIGN_DOWN(va, SZ_1M)) &&
            sel_tag(w->global, w->asid, mode, asid))
            w->valid = false;
    }
}

/* TLBIALL: everything. */
void arch_tlb_flush_all(void)
{
    sim.stats.flush_all++;
    flush(false, 0, SEL_ANY, 0);
}

/* TLBIASID: non-global entries tagged asid; global ones stay. */
void arch_tlb_flush_asid(u32 asid)
{
    sim.stats.flush_asid++;
    flush(false, 0, SEL_ASID, asid);
}

/* TLBIMVA: entries for the page holding va, non-global of asid or global. */
void arch_tlb_flush_va(vaddr_t va, u32 asid)
{
    sim.stats.flush_va++;
    flush(true, va, SEL_ASID_OR_GLOBAL, asid);
}

/* TLBIMVAA: entries for the page holding va, every ASID. */
void arch_tlb_flush_va_all_asids(vaddr_t va)
{
    sim.stats.flush_va_all_asids++;
    flush(true, va, SEL_ANY, 0);
}

/* Sets TTBR0 (0: walks below USER_TOP disabled) and the ASID. No flush. */
void arch_switch_ttbr0(paddr_t l1, u32 asid)
{
    sim.ttbr0 = l1;
    sim.asid = asid & 0xffu;
}

/* Table writes are visible to the walker at once (it reads RAM); this
 * only counts the barrier. */
void arch_pt_written(const void *p, u32 bytes)
{
    (void)p;
    (void)bytes;
    sim.stats.pt_written++;
}

/* Valid TLB entries. */
u32 sim_tlb_count(void)
{
    u32 n = 0;

    for (u32 i = 0; i < sim.tlb_n; i++)
        n += sim.tlb[i].valid;
    return n;
}

/* Valid walk-cache entries. */
u32 sim_walk_cache_count(void)
{
    u32 n = 0;

    for (u32 i = 0; i < SIM_WALK_ENTRIES; i++)
        n += sim.wc[i].valid;
    return n;
}
