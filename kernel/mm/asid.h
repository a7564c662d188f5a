/*
 * asid.h: 8-bit ASIDs with generations (after Linux arch/arm/mm/context.c,
 * single CPU).
 *
 * An address space holds {asid, gen}. The pair is live only while gen is
 * the allocator's current generation; a live ASID is set in the bitmap and
 * may tag TLB entries. When no ASID in 1..limit is free, the generation
 * moves on: every ASID becomes stale at once, the bitmap empties, and the
 * whole TLB is flushed, so no stale tag can ever meet a reused ASID.
 * ASID 0 is reserved (never handed out).
 *
 * Nothing here allocates memory. Only a rollover flushes: the whole TLB,
 * at once (asid_acquire when 1..limit is full, asid_set_limit below a live
 * ASID).
 */
#ifndef VMK_ASID_H
#define VMK_ASID_H

#include "types.h"

#define ASID_BITS 8
#define ASID_MAX  255u

struct asid_stats {
    u32 bits, limit, generation, rollovers, in_use;
};

/* Generation 1, nothing in use, limit ASID_MAX. Flushes nothing. */
void asid_init(void);

/* Makes {*asid, *gen} live: keeps it if *gen is current, else allocates a
 * free ASID in 1..limit, rolling over (new generation + TLB flush all)
 * when none is free. Never fails. */
void asid_acquire(u32 *asid, u32 *gen);

/* True if {asid, gen} is live (its entries may be in the TLB). Reads only. */
bool asid_live(u32 asid, u32 gen);

/* Gives back a live ASID (no-op for a stale one). The caller has flushed
 * its TLB entries; flushes nothing itself. Never fails. */
void asid_release(u32 asid, u32 gen);

/* Narrows allocation to 1..n from now on (2 <= n <= 255, else E_BAD_ARG).
 * If a live ASID lies above n, rolls over at once, so none is used again;
 * the caller then re-acquires for the running address space. */
int asid_set_limit(u32 n);

/* The current generation; `asid` counters (bits, limit, generation,
 * rollovers, in_use). Read only, never fail. */
u32  asid_generation(void);
void asid_get_stats(struct asid_stats *s);

/* Bitmap agrees with the live ASIDs the caller counted. 0, or E_CORRUPT
 * with *what = "asid_zero_used" (ASID 0 marked) or "asid_count" (the
 * bitmap, its count and live_count differ). Reads only. */
int asid_check(u32 live_count, const char **what);

#endif
