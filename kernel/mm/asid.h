/*
 * asid.h: 8-bit ASIDs with generations, shared by every CPU (after Linux
 * arch/arm/mm/context.c and arm64's asid.c).
 *
 * An address space holds {asid, gen}. The pair is live while gen is the
 * allocator's current generation, or while the pair is reserved (below);
 * a live ASID is set in the bitmap and may tag TLB entries. When no ASID
 * in 1..limit is free, the generation moves on (a rollover): every ASID
 * becomes stale at once except the ones the other CPUs are running, which
 * are reserved for the address space that holds them; the bitmap keeps only
 * those; and every CPU is marked to invalidate its whole TLB before it
 * next switches to an address space, since its TLB may hold entries
 * tagged with ASIDs that are about to be handed out again.
 * ASID 0 is reserved (never handed out).
 *
 * Nothing here allocates memory. Only a rollover makes TLB flushes: the
 * calling CPU's whole TLB at once (asid_set_limit) or in the same
 * asid_acquire; every other CPU's at its next asid_acquire (local
 * TLBIALL, arch_tlb_flush_all_local).
 *
 * Locking: none inside. Kernel code runs on one CPU at a time (arch.h,
 * arch_cpu_call: the handoff is the lock), so these run to completion
 * without another CPU in between. Linux needs a lock-free fast path and
 * atomics because its CPUs switch concurrently; see asid.c for what of
 * that design (and of its fixes) applies here.
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

/* The calling CPU is about to run the address space that holds
 * {*asid, *gen}: makes the pair live (keeps it if *gen is current; takes
 * it into the current generation if it was reserved at a rollover; else
 * allocates a free ASID in 1..limit, rolling over when none is free),
 * records it as this CPU's active ASID, and if a rollover left this CPU's
 * flush pending, invalidates this CPU's TLB (local TLBIALL) first. The
 * caller then sets TTBR0/ASID. Never fails. */
void asid_acquire(u32 *asid, u32 *gen);

/* True if {asid, gen} is live (its entries may be in some TLB). Reads
 * only. */
bool asid_live(u32 asid, u32 gen);

/* Gives back a live ASID (no-op for a stale one) of an address space that
 * no CPU runs. The caller has flushed its TLB entries; flushes nothing
 * itself. Never fails. */
void asid_release(u32 asid, u32 gen);

/* Narrows allocation to 1..n from now on (2 <= n <= 255, else E_BAD_ARG;
 * the caller keeps n >= the CPU count, so that a rollover always leaves
 * one ASID free). If a live ASID lies above n, rolls over at once; the
 * calling CPU's ASID is not reserved, so the caller re-acquires for the
 * running address space and gets one in 1..n. Another CPU keeps running
 * its reserved ASID, above n or not, until it switches (it is never
 * handed out meanwhile). */
int asid_set_limit(u32 n);

/* The current generation; `asid` counters (bits, limit, generation,
 * rollovers, in_use). Read only, never fail. */
u32  asid_generation(void);
void asid_get_stats(struct asid_stats *s);

/* Per CPU: the ASID number the CPU runs (what its CONTEXTIDR holds; 0
 * before its first switch) and the full TLB invalidations that rollovers
 * made it do. Reads only. */
struct asid_cpu { u32 running; u32 rollover_flushes; bool flush_pending; };
void asid_cpu_info(u32 cpu, struct asid_cpu *out);

/* Bitmap agrees with the live ASIDs the caller counted. 0, or E_CORRUPT
 * with *what = "asid_zero_used" (ASID 0 marked), "asid_count" (the
 * bitmap, its count and live_count differ) or "asid_reserved" (a
 * reserved ASID not in the bitmap). Reads only. */
int asid_check(u32 live_count, const char **what);

#endif
