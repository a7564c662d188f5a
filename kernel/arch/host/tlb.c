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
 *
 * Every CPU has its own struct sim_tlb; lookups and fills use the running
 * CPU's. The maintenance operations of arch.h are the inner-shareable
 * (broadcast) forms and reach every CPU's TLB; arch_tlb_flush_all_local
 * reaches the running CPU's only, as TLBIALL does on silicon.
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

static bool tlb_free(const struct sim_tlb *t, u32 i) { return !t->e[i].valid; }
static bool wc_free(const struct sim_tlb *t, u32 i)  { return !(t->wc_live >> i & 1); }

/* Slot for a new entry among n of t: the first free one from *hand on,
 * else the one under *hand (eviction); *hand moves past the slot taken. */
static u32 take_slot(const struct sim_tlb *t, u32 n, u32 *hand,
                     bool (*is_free)(const struct sim_tlb *, u32))
{
    u32 slot = *hand;

    for (u32 i = 0; i < n; i++) {
        if (is_free(t, (*hand + i) % n)) {
            slot = (*hand + i) % n;
            break;
        }
    }
    *hand = (slot + 1) % n;
    return slot;
}

/* Empties t's TLB and walk cache; the TLB gets entries slots (clamped). */
void tlb_reset(struct sim_tlb *t, u32 entries)
{
    if (entries == 0)
        entries = 1;
    if (entries > SIM_TLB_MAX)
        entries = SIM_TLB_MAX;
    for (u32 i = 0; i < SIM_TLB_MAX; i++)
        tlb_set_valid(t, i, false);
    for (u32 i = 0; i < SIM_WALK_ENTRIES; i++)
        wc_set_valid(t, i, false);
    t->n = entries;
    t->hand = 0;
    t->wc_hand = 0;
}

/* See sim_priv.h. */
const struct sim_xlat *tlb_lookup(vaddr_t va)
{
    const struct sim_cpu *c = sim_cur();
    const struct sim_tlb *t = &c->tlb;

    for (u32 i = tlb_next(t, 0); i < t->n; i = tlb_next(t, i + 1)) {
        const struct sim_tlb_entry *e = &t->e[i];
        if (va - e->x.va < e->x.size &&
            (e->x.global || e->asid == c->asid)) {
            sim.stats.tlb_hits++;
            tlb_conflict_hit(t->e, t->n, i, va, c->asid);
            return &e->x;
        }
    }
    sim.stats.tlb_misses++;
    return NULL;
}

/* See sim_priv.h. */
const struct sim_xlat *tlb_fill(const struct sim_xlat *x)
{
    struct sim_cpu *c = sim_cur();
    struct sim_tlb *t = &c->tlb;
    u32 i = take_slot(t, t->n, &t->hand, tlb_free);
    struct sim_tlb_entry *e = &t->e[i];

    tlb_set_valid(t, i, false);        /* the slot's old entry is evicted */
    tlb_conflict_fill(t->e, t->n, x, c->asid);
    tlb_set_valid(t, i, true);
    e->asid = (u8)c->asid;
    e->x = *x;
    return &e->x;
}

/* See sim_priv.h. */
bool wc_lookup(vaddr_t va, u32 *l1d)
{
    const struct sim_cpu *c = sim_cur();
    const struct sim_tlb *t = &c->tlb;

    for (u32 i = wc_next(t, 0); i < SIM_WALK_ENTRIES; i = wc_next(t, i + 1)) {
        const struct sim_wc_entry *w = &t->wc[i];
        if (w->va == ALIGN_DOWN(va, SZ_1M) &&
            (w->global || w->asid == c->asid)) {
            *l1d = w->l1d;
            return true;
        }
    }
    return false;
}

/* See sim_priv.h. */
void wc_fill(vaddr_t va, u32 l1d)
{
    struct sim_cpu *c = sim_cur();
    struct sim_tlb *t = &c->tlb;
    u32 i = take_slot(t, SIM_WALK_ENTRIES, &t->wc_hand, wc_free);
    struct sim_wc_entry *w = &t->wc[i];

    wc_set_valid(t, i, true);
    w->global = va >= USER_TOP;
    w->asid = (u8)c->asid;
    w->va = ALIGN_DOWN(va, SZ_1M);
    w->l1d = l1d;
}

/* Drops the entries of t's TLB and walk cache that mode/asid select and,
 * with by_va, that translate va. */
static void flush(struct sim_tlb *t, bool by_va, vaddr_t va,
                  enum sel_mode mode, u32 asid)
{
    asid &= 0xffu;
    for (u32 i = tlb_next(t, 0); i < t->n; i = tlb_next(t, i + 1)) {
        struct sim_tlb_entry *e = &t->e[i];
        if ((!by_va || va - e->x.va < e->x.size) &&
            sel_tag(e->x.global, e->asid, mode, asid))
            tlb_set_valid(t, i, false);
    }
    for (u32 i = wc_next(t, 0); i < SIM_WALK_ENTRIES; i = wc_next(t, i + 1)) {
        struct sim_wc_entry *w = &t->wc[i];
        if ((!by_va || w->va == ALIGN_DOWN(va, SZ_1M)) &&
            sel_tag(w->global, w->asid, mode, asid))
            wc_set_valid(t, i, false);
    }
}

/* The inner-shareable form: the same flush in every CPU's TLB. */
static void flush_is(bool by_va, vaddr_t va, enum sel_mode mode, u32 asid)
{
    for (u32 c = 0; c < sim.ncpus; c++) {
        flush(&sim.cpu[c].tlb, by_va, va, mode, asid);
        if (mode == SEL_ANY && !by_va)
            sim.cpu[c].tlbiall++;
    }
}

/* TLBIALLIS: everything, on every CPU. */
void arch_tlb_flush_all(void)
{
    sim.stats.flush_all++;
    flush_is(false, 0, SEL_ANY, 0);
}

/* TLBIALL: everything, on the running CPU only. */
void arch_tlb_flush_all_local(void)
{
    sim.stats.flush_all++;
    sim_cur()->tlbiall++;
    flush(&sim_cur()->tlb, false, 0, SEL_ANY, 0);
}

/* TLBIASIDIS: non-global entries tagged asid; global ones stay. */
void arch_tlb_flush_asid(u32 asid)
{
    sim.stats.flush_asid++;
    flush_is(false, 0, SEL_ASID, asid);
}

/* TLBIMVAIS: entries for the page holding va, non-global of asid or global. */
void arch_tlb_flush_va(vaddr_t va, u32 asid)
{
    sim.stats.flush_va++;
    flush_is(true, va, SEL_ASID_OR_GLOBAL, asid);
}

/* TLBIMVAAIS: entries for the page holding va, every ASID. */
void arch_tlb_flush_va_all_asids(vaddr_t va)
{
    sim.stats.flush_va_all_asids++;
    flush_is(true, va, SEL_ANY, 0);
}

/* Sets the running CPU's TTBR0 (0: walks below USER_TOP disabled) and
 * ASID. No flush. */
void arch_switch_ttbr0(paddr_t l1, u32 asid)
{
    sim_cur()->ttbr0 = l1;
    sim_cur()->asid = asid & 0xffu;
}

/* Table writes are visible to the walker at once (it reads RAM); this
 * only counts the barrier. */
void arch_pt_written(const void *p, u32 bytes)
{
    (void)p;
    (void)bytes;
    sim.stats.pt_written++;
}

/* Valid entries of t's TLB. */
static u32 tlb_count(const struct sim_tlb *t)
{
    u32 n = 0;

    for (u32 i = tlb_next(t, 0); i < t->n; i = tlb_next(t, i + 1))
        n++;
    return n;
}

/* Valid TLB entries of the running CPU. */
u32 sim_tlb_count(void)
{
    return tlb_count(&sim_cur()->tlb);
}

/* Valid walk-cache entries of the running CPU. */
u32 sim_walk_cache_count(void)
{
    return (u32)__builtin_popcount(sim_cur()->tlb.wc_live);
}

/* See sim.h. */
void sim_get_cpu_stats(u32 n, struct sim_cpu_stats *s)
{
    const struct sim_cpu *c = &sim.cpu[n < sim.ncpus ? n : 0];

    s->tlb_entries = tlb_count(&c->tlb);
    s->tlbiall = c->tlbiall;
}
