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

/* Entries now in the TLB (valid ones). */
u32 sim_tlb_count(void);

#endif
