/*
 * asid.c: ASID allocation with generations. See asid.h for the rules.
 */
#include "asid.h"
#include "arch.h"

static struct {
    /* Invariant: bit a of used is set iff some address space holds
     * {a, generation}. Bit 0 is never set. */
    u8  used[(ASID_MAX + 1) / 8];
    u32 limit;       /* allocate from 1..limit */
    u32 generation;  /* starts at 1; 0 is "never had an ASID" */
    u32 rollovers;
    u32 in_use;      /* bits set in used */
    u32 hint;        /* next ASID to try */
} as_st;

static bool bit_get(u32 a) { return as_st.used[a >> 3] & (1u << (a & 7)); }
static void bit_set(u32 a) { as_st.used[a >> 3] |= (u8)(1u << (a & 7)); }
static void bit_clr(u32 a) { as_st.used[a >> 3] &= (u8)~(1u << (a & 7)); }

/* Resets to generation 1, nothing in use, the full range. */
void asid_init(void)
{
    for (u32 i = 0; i < sizeof(as_st.used); i++)
        as_st.used[i] = 0;
    as_st.limit = ASID_MAX;
    as_st.generation = 1;
    as_st.rollovers = 0;
    as_st.in_use = 0;
    as_st.hint = 1;
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

/* New generation: every ASID handed out so far becomes stale. */
static void rollover(void)
{
    for (u32 i = 0; i < sizeof(as_st.used); i++)
        as_st.used[i] = 0;
    as_st.in_use = 0;
    as_st.generation++;
    as_st.rollovers++;
    as_st.hint = 1;
    /* Stale ASIDs will be handed out again: no entry tagged with one may
     * survive, and global ones go too (cheaper than sorting them out). */
    arch_tlb_flush_all();
}

void asid_acquire(u32 *asid, u32 *gen)
{
    if (*gen == as_st.generation && *asid != 0)
        return;
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

bool asid_live(u32 asid, u32 gen)
{
    return asid != 0 && gen == as_st.generation;
}

void asid_release(u32 asid, u32 gen)
{
    if (!asid_live(asid, gen) || !bit_get(asid))
        return;
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
    return 0;
}
