/*
 * sim.h: controls of the host simulator (kernel/arch/host) that only host
 * programs use: vmsim's main, the unit tests and the fuzz harnesses. The
 * core never includes this; it sees the machine through arch.h alone.
 */
#ifndef VMK_SIM_H
#define VMK_SIM_H

#include "arch.h"

#define SIM_RAM_BASE     0x40000000u
#define SIM_RAM_DEFAULT  (256u << 20)
#define SIM_TLB_DEFAULT  64u

/* Resets the whole simulated machine: RAM of ram_size bytes at
 * SIM_RAM_BASE, zeroed, with the boot structures arch_boot_info reports
 * (kernel L1, vector page) laid out as the ARM boot does; an empty TLB of
 * tlb_entries entries (0 = SIM_TLB_DEFAULT); TTBR0 off, ASID 0; counters
 * zeroed. Memory of an earlier reset is reused when the size matches.
 * Call before mm_init(). */
void sim_reset(u32 ram_size, u32 tlb_entries);

/* What the simulated MMU did since sim_reset, for tests and benchmarks. */
struct sim_stats {
    u64 tlb_hits, tlb_misses, walks;
    u64 flush_all, flush_asid, flush_va, flush_va_all_asids;
    u64 pt_written;
};
void sim_get_stats(struct sim_stats *s);

/* Entries now in the TLB (valid ones) of the running CPU. */
u32 sim_tlb_count(void);

/* ---- extensions: limits and extra controls ------------------------------ */

#define SIM_RAM_MIN      (16u << 20)    /* vmsim --ram range, 1 MiB multiples */
#define SIM_RAM_TINY     (4u << 20)     /* least sim_reset takes (fuzz harnesses) */
#define SIM_RAM_MAX      (1024u << 20)
#define SIM_TLB_MAX      1024u          /* larger tlb_entries are clamped */
#define SIM_WALK_ENTRIES 16u            /* walk cache of L1 table pointers */
#define SIM_CPUS_MAX     4u             /* vmsim --cpus 1..4 */

/* The Domain Access Control Register. sim_reset sets 0x00000001 (domain 0
 * client, the other fifteen no access). Not cached by the TLB: the next
 * access checks against the new value. For tests of domain faults. */
void sim_set_dacr(u32 dacr);

/* The running CPU's TTBR0 table (0 = walks disabled) and ASID. */
void sim_get_ttbr0(paddr_t *l1, u32 *asid);

/* Valid entries now in the running CPU's walk cache (L1 table-pointer
 * descriptors). */
u32 sim_walk_cache_count(void);

/* With on, arch_panic prints its line and then calls abort() instead of
 * exit(70), so that a fuzzer sees a crash. A setting: survives sim_reset. */
void sim_panic_abort(bool on);

/* ---- several CPUs --------------------------------------------------------
 * Each CPU has its own TTBR0, ASID, TLB and walk cache (of the size
 * sim_reset was given); RAM, TTBR1 and DACR are shared. Local maintenance
 * touches the running CPU's TLB only, the inner-shareable forms every
 * CPU's. Nothing runs on its own: the running CPU changes only when the
 * core asks (arch_cpu_call) or a host program does (sim_set_cpu). */

/* Makes the machine have n CPUs (1..SIM_CPUS_MAX, else exits 2), all with
 * TTBR0 off, ASID 0 and an empty TLB; CPU 0 runs. Call after sim_reset
 * and before mm_init; sim_reset sets 1. */
void sim_set_cpus(u32 n);

/* Makes CPU n (< the CPU count, else ignored) the running one. For host
 * programs that drive interleavings themselves (tests, fuzz harnesses). */
void sim_set_cpu(u32 n);

/* What CPU n's TLB holds and went through: valid entries now, and the
 * full invalidations (TLBIALL, local or broadcast) it received. */
struct sim_cpu_stats { u32 tlb_entries; u64 tlbiall; };
void sim_get_cpu_stats(u32 n, struct sim_cpu_stats *s);

/* ---- snapshot (snapshot.c): a fast reset for fuzz harnesses ------------- */

/* Records the machine as it is now (call right after sim_reset, before
 * mm_init): the sim struct and every non-zero RAM page. */
void sim_snapshot_take(void);
/* Puts back what sim_snapshot_take recorded, in the time of a few page
 * copies: registers, TLB, walk cache, counters and the boot pages. RAM
 * elsewhere keeps what the last run wrote (the core zeroes what it
 * allocates; only `uninit` frames show old contents). Then call mm_init. */
void sim_snapshot_restore(void);

#endif
