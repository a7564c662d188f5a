/*
 * asid.c: ASID allocation with generations, shared by every CPU. See
 * asid.h for the rules.
 *
 * What Linux taught (arch/arm/mm/context.c, arm64 asid.c and their fixes),
 * and what of it applies here:
 *
 *  - Reserved ASIDs. A CPU running an address space at a rollover goes on
 *    running it under its old ASID; if that ASID were handed out again,
 *    two CPUs would run different address spaces under one ASID and each
 *    TLB would serve the other's entries. So the rollover copies each
 *    CPU's active ASID into reserved[cpu] and keeps it in the bitmap.
 *  - Active zeroed at rollover, and the fix for it: a CPU that has not
 *    switched since the last rollover has active == 0; at the next
 *    rollover its ASID is its old reservation, not "nothing" (Linux's
 *    flush_context takes reserved when active is 0; losing it was the
 *    arm32 race that reserved_asids and tlb_flush_pending exist for).
 *    Here the zero marks exactly that: "still running what it had".
 *  - All copies of a reservation. One address space can be current on
 *    several CPUs (address space 1 is current on all of them at boot).
 *    When one of them takes the reservation into the new generation,
 *    every CPU's reserved copy is rewritten (arm64's
 *    check_update_reserved_asid): a copy left with the old value would
 *    not match the address space any more, and the next rollover would
 *    drop the ASID while another CPU still ran it.
 *  - Flush pending per CPU. The rollover does not flush: it marks every
 *    CPU, and each one invalidates its own TLB (a local TLBIALL) when it
 *    next switches, before it can use a recycled ASID.
 *  - Locking. Linux's fast path (atomic xchg on active_asids) exists
 *    because CPUs switch concurrently; here the arch_cpu_call handoff
 *    runs kernel code on one CPU at a time, so plain state is enough.
 */
#include "asid.h"
#include "arch.h"

/* {asid, gen} as one value: gen in the high bits, 0 = none. */
typedef u64 asid_pair;
static asid_pair pair(u32 asid, u32 gen) { return (asid_pair)gen << 8 | asid; }
static u32 pair_asid(asid_pair p) { return (u32)(p & 0xffu); }

static struct {
    /* Invariant: bit a of used is set iff some address space holds a live
     * {a, gen} (current generation, or reserved). Bit 0 is never set. */
    u8  used[(ASID_MAX + 1) / 8];
    u32 limit;       /* allocate from 1..limit */
    u32 generation;  /* starts at 1; 0 is "never had an ASID" */
    u32 rollovers;
    u32 in_use;      /* bits set in used */
    u32 hint;        /* next ASID to try */
    /* Per CPU. active: the pair the CPU switched to last, 0 after a
     * rollover until it switches again. reserved: what the last rollover
     * kept for it. running: the ASID number in its CONTEXTIDR. */
    asid_pair active[ARCH_CPUS_MAX];
    asid_pair reserved[ARCH_CPUS_MAX];
    u32  running[ARCH_CPUS_MAX];
    bool flush_pending[ARCH_CPUS_MAX];
    u32  rollover_flushes[ARCH_CPUS_MAX];
} as_st;

static bool bit_get(u32 a) { return as_st.used[a >> 3] & (1u << (a & 7)); }
static void bit_set(u32 a) { as_st.used[a >> 3] |= (u8)(1u << (a & 7)); }
static void bit_clr(u32 a) { as_st.used[a >> 3] &= (u8)~(1u << (a & 7)); }

/* Resets to generation 1, nothing in use, the full range, no CPU marked. */
void asid_init(void)
{
    for (u32 i = 0; i < sizeof(as_st.used); i++)
        as_st.used[i] = 0;
    as_st.limit = ASID_MAX;
    as_st.generation = 1;
    as_st.rollovers = 0;
    as_st.in_use = 0;
    as_st.hint = 1;
    for (u32 c = 0; c < ARCH_CPUS_MAX; c++) {
        as_st.active[c] = as_st.reserved[c] = 0;
        as_st.running[c] = 0;
        as_st.flush_pending[c] = false;
        as_st.rollover_flushes[c] = 0;
    }
}

/* A free ASID in 1..limit starting from the hint, or 0 if none. */
static u32 find_free(void)
{
    for (u32 i = 0; i < as_st.limit; i++) {
        u32 a = (as_st.hint - 1 + i) % as_st.limit + 1;
        if (!bit_get(a))
            return a;
    }
    return 0;
}

/* True if some CPU's reservation is p. */
static bool is_reserved(asid_pair p)
{
    for (u32 c = 0; c < ARCH_CPUS_MAX; c++)
        if (p && as_st.reserved[c] == p)
            return true;
    return false;
}

/* The flush a rollover left pending on the calling CPU, if any. */
static void flush_if_pending(void)
{
    u32 self = arch_cpu_id();

    if (as_st.flush_pending[self]) {
        /* Local is enough (arch.h): only this CPU's own entries of old
         * generations are in question, and every CPU does its own. */
        arch_tlb_flush_all_local();
        as_st.flush_pending[self] = false;
        as_st.rollover_flushes[self]++;
    }
}

/* New generation: every ASID handed out so far becomes stale, except the
 * one each other CPU runs, which stays reserved (and in the bitmap) for
 * the address space that holds it. The calling CPU's is not kept: it is
 * switching away (make_live) or re-acquiring at once (asid_set_limit), so
 * nothing runs under it any more unless another CPU runs the same space,
 * whose reservation then keeps it. So at most cpus - 1 ASIDs are reserved
 * and a limit of at least cpus leaves one free (vm_asid_limit).
 * Every CPU must flush before its next switch; this one does at once. */
static void rollover(void)
{
    u32 self = arch_cpu_id();

    for (u32 i = 0; i < sizeof(as_st.used); i++)
        as_st.used[i] = 0;
    as_st.in_use = 0;
    as_st.generation++;
    as_st.rollovers++;
    as_st.hint = 1;
    for (u32 c = 0; c < ARCH_CPUS_MAX; c++) {
        asid_pair p = as_st.active[c];
        if (p == 0)                 /* no switch since the last rollover: */
            p = as_st.reserved[c];  /* it still runs what was kept then */
        if (c == self)
            p = 0;
        as_st.active[c] = 0;
        as_st.reserved[c] = p;
        if (p && !bit_get(pair_asid(p))) {
            bit_set(pair_asid(p));
            as_st.in_use++;
        }
        /* Its TLB may hold entries of ASIDs about to be reused. */
        as_st.flush_pending[c] = true;
    }
    flush_if_pending();         /* this CPU's at once: it switches next */
}

/* If {asid, gen} was reserved at a rollover, takes it into the current
 * generation, rewriting every CPU's copy. */
static bool take_reserved(u32 asid, u32 gen)
{
    asid_pair old = pair(asid, gen), now = pair(asid, as_st.generation);
    bool hit = false;

    if (asid == 0 || !is_reserved(old))
        return false;
    for (u32 c = 0; c < ARCH_CPUS_MAX; c++)
        if (as_st.reserved[c] == old) {
            as_st.reserved[c] = now;
            hit = true;
        }
    return hit;
}

/* Makes {*asid, *gen} a live pair of the current generation. */
static void make_live(u32 *asid, u32 *gen)
{
    if (*gen == as_st.generation && *asid != 0)
        return;
    if (take_reserved(*asid, *gen)) {
        *gen = as_st.generation;
        return;
    }
    u32 a = find_free();
    if (a == 0) {
        rollover();
        a = find_free();
    }
    bit_set(a);
    as_st.in_use++;
    as_st.hint = a % as_st.limit + 1;
    *asid = a;
    *gen = as_st.generation;
}

void asid_acquire(u32 *asid, u32 *gen)
{
    u32 self = arch_cpu_id();

    make_live(asid, gen);
    flush_if_pending();
    as_st.active[self] = pair(*asid, *gen);
    as_st.running[self] = *asid;
}

bool asid_live(u32 asid, u32 gen)
{
    if (asid == 0)
        return false;
    return gen == as_st.generation || is_reserved(pair(asid, gen));
}

void asid_release(u32 asid, u32 gen)
{
    asid_pair p = pair(asid, gen);

    if (!asid_live(asid, gen) || !bit_get(asid))
        return;
    for (u32 c = 0; c < ARCH_CPUS_MAX; c++)
        if (as_st.reserved[c] == p)     /* nobody runs it: drop the copy */
            as_st.reserved[c] = 0;
    bit_clr(asid);
    as_st.in_use--;
}

int asid_set_limit(u32 n)
{
    if (n < 2 || n > ASID_MAX)
        return E_BAD_ARG;
    as_st.limit = n;
    if (as_st.hint > n)
        as_st.hint = 1;
    for (u32 a = n + 1; a <= ASID_MAX; a++)
        if (bit_get(a)) {       /* "only 1..n from now on": retire the rest */
            rollover();
            break;
        }
    return 0;
}

u32 asid_generation(void) { return as_st.generation; }

void asid_get_stats(struct asid_stats *s)
{
    s->bits = ASID_BITS;
    s->limit = as_st.limit;
    s->generation = as_st.generation;
    s->rollovers = as_st.rollovers;
    s->in_use = as_st.in_use;
}

void asid_cpu_info(u32 cpu, struct asid_cpu *out)
{
    u32 c = cpu < ARCH_CPUS_MAX ? cpu : 0;

    out->running = as_st.running[c];
    out->rollover_flushes = as_st.rollover_flushes[c];
    out->flush_pending = as_st.flush_pending[c];
}

int asid_check(u32 live_count, const char **what)
{
    u32 n = 0;
    for (u32 a = 0; a <= ASID_MAX; a++)
        n += bit_get(a);
    if (bit_get(0)) {
        *what = "asid_zero_used";
        return E_CORRUPT;
    }
    if (n != as_st.in_use || n != live_count) {
        *what = "asid_count";
        return E_CORRUPT;
    }
    for (u32 c = 0; c < ARCH_CPUS_MAX; c++)
        if (as_st.reserved[c] && !bit_get(pair_asid(as_st.reserved[c]))) {
            *what = "asid_reserved";
            return E_CORRUPT;
        }
    return 0;
}
