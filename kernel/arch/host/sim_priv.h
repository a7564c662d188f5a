/*
 * sim_priv.h: the simulated machine's state and the simulator's internal
 * interfaces, shared by the files of kernel/arch/host only.
 *
 *   sim.c      reset, RAM, boot layout, arch_boot_info, small controls
 *   console.c  the command channel on stdin/stdout, time, exit, panic
 *   walker.c   ARMv7 short-descriptor walk and the permission rules
 *   tlb.c      the TLB, the walk cache and their maintenance operations
 *   tlb_conflict.c  TLB conflicts (two entries for one lookup) stop the run
 *   access.c   guarded loads, stores, fetches, cache ops, hw translation
 *
 * The whole machine is the one struct `sim`; sim_reset rebuilds it, so no
 * state of one run reaches the next (a fuzz iteration is one run).
 */
#ifndef VMK_SIM_PRIV_H
#define VMK_SIM_PRIV_H

#include <time.h>
#include "sim.h"

/* Boot layout (see sim.c): offsets from SIM_RAM_BASE. */
#define SIM_DTB_SIZE    SZ_1M            /* QEMU puts the DTB at RAM start */
#define SIM_IMAGE_SIZE  SZ_64K           /* the pretend kernel image */
#define SIM_CACHE_LINE  64u              /* Cortex-A15/A7 data cache line */

/* DFSR/IFSR short-descriptor status codes, FS[4] at bit 10 (all below use
 * FS[4] = 0), FS[3:0] at bits 3:0; WnR at bit 11 for data writes. */
#define FS_ALIGNMENT      0x01u
#define FS_TRANS_SECTION  0x05u
#define FS_TRANS_PAGE     0x07u
#define FS_DOMAIN_SECTION 0x09u
#define FS_DOMAIN_PAGE    0x0bu
#define FS_EXT_WALK_L1    0x0cu   /* external abort on the L1 walk */
#define FS_PERM_SECTION   0x0du
#define FS_EXT_WALK_L2    0x0eu   /* external abort on the L2 walk */
#define FS_PERM_PAGE      0x0fu
#define FSR_WNR           (1u << 11)

/* One translation, as a walk produces it and a TLB entry holds it. */
struct sim_xlat {
    vaddr_t va;       /* base of the page, aligned to size */
    paddr_t pa;       /* base of the frame, aligned to size */
    u32     size;     /* SZ_4K, SZ_64K, SZ_1M or SZ_16M */
    u8      ap;       /* AP[2:0] */
    u8      domain;   /* 0..15 (supersections: 0) */
    u8      memattr;  /* TEX[2:0]:C:B, kept for inspection only */
    bool    xn;       /* execute never */
    bool    global;   /* nG == 0 */
    bool    l2;       /* from an L2 table: faults use the page codes */
};

struct sim_tlb_entry {
    bool            valid;
    u8              asid;   /* ASID current when filled; ignored if global */
    struct sim_xlat x;
};

/* Walk cache: an L1 page-table descriptor, so that a freed L2 table that
 * is still cached keeps being walked until the core invalidates it. */
struct sim_wc_entry {
    bool    valid;
    bool    global;  /* from TTBR1 (the kernel half): shared by all ASIDs */
    u8      asid;    /* ASID current when filled (TTBR0 entries) */
    vaddr_t va;      /* base of the 1 MiB region */
    u32     l1d;     /* the descriptor as read (bits[1:0] == 01) */
};

/* One CPU's TLB and walk cache. tlb[0..n) used; hand is the round-robin
 * eviction hand. Entries leave only by a flush or by eviction. Invariant:
 * bit i of live is e[i].valid (tlb_set_valid keeps both), so scans pass
 * the empty slots, most of them, 64 at a time (tlb_next). */
struct sim_tlb {
    struct sim_tlb_entry e[SIM_TLB_MAX];
    u32 n, hand;
    u64 live[SIM_TLB_MAX / 64];
    /* Walk cache, same rules; wc_hand its eviction hand. Invariant: bit
     * i of wc_live is wc[i].valid (wc_set_valid keeps both), so scans
     * visit the valid entries only (wc_next). */
    struct sim_wc_entry wc[SIM_WALK_ENTRIES];
    u32 wc_hand;
    u32 wc_live;
};

_Static_assert(SIM_WALK_ENTRIES <= 32, "wc_live has a bit per entry");

/* Marks TLB slot i of t valid or not. */
static inline void tlb_set_valid(struct sim_tlb *t, u32 i, bool v)
{
    t->e[i].valid = v;
    if (v)
        t->live[i >> 6] |= 1ull << (i & 63);
    else
        t->live[i >> 6] &= ~(1ull << (i & 63));
}

/* The first valid slot of t at or after i, or t->n. */
static inline u32 tlb_next(const struct sim_tlb *t, u32 i)
{
    for (; i < t->n; i = (i | 63u) + 1) {
        u64 w = t->live[i >> 6] >> (i & 63);
        if (w) {
            i += (u32)__builtin_ctzll(w);
            return i < t->n ? i : t->n;
        }
    }
    return t->n;
}

/* Marks walk-cache slot i of t valid or not. */
static inline void wc_set_valid(struct sim_tlb *t, u32 i, bool v)
{
    t->wc[i].valid = v;
    if (v)
        t->wc_live |= 1u << i;
    else
        t->wc_live &= ~(1u << i);
}

/* The first valid walk-cache slot of t at or after i, or
 * SIM_WALK_ENTRIES: for (i = wc_next(t, 0); i < SIM_WALK_ENTRIES;
 * i = wc_next(t, i + 1)). */
static inline u32 wc_next(const struct sim_tlb *t, u32 i)
{
    u32 w = i < SIM_WALK_ENTRIES ? t->wc_live >> i : 0;
    return w ? i + (u32)__builtin_ctz(w) : SIM_WALK_ENTRIES;
}

/* One simulated CPU: its translation registers and its own TLB. */
struct sim_cpu {
    /* TTBCR.N = 1: VA < USER_TOP walks ttbr0. */
    paddr_t ttbr0;   /* 8 KiB-aligned L1, or 0: TTBR0 walks disabled (PD0) */
    u32     asid;    /* CONTEXTIDR.ASID, 0..255 */
    struct sim_tlb tlb;
    u64     tlbiall; /* full invalidations this TLB received (local or IS) */
};

struct sim_machine {
    /* Physical RAM: ram[i] is physical SIM_RAM_BASE + i, i < ram_size.
     * Kept (re-zeroed) across resets of the same size. */
    u8  *ram;
    u32  ram_size;

    struct arch_boot boot;   /* what arch_boot_info reports */

    /* CPUs: cpu[0..ncpus) exist; cur is the one running now. Which CPU
     * runs is decided by the caller (arch_cpu_call, sim_set_cpu), never
     * by the host's scheduler, so every interleaving replays. */
    struct sim_cpu cpu[SIM_CPUS_MAX];
    u32 ncpus, cur;
    u32 tlb_entries;         /* size of every CPU's TLB */

    paddr_t ttbr1;   /* == boot.kernel_l1, always, on every CPU */
    u32     dacr;    /* two bits per domain: 00 none, 01 client, 11 manager;
                        the same on every CPU (a test control) */

    struct sim_stats stats;  /* machine-wide; an IS operation counts once */
    struct timespec  t0;     /* CLOCK_MONOTONIC at reset */
    bool panic_abort;        /* a setting: sim_reset keeps it */
};

extern struct sim_machine sim;

/* The CPU running now. */
static inline struct sim_cpu *sim_cur(void) { return &sim.cpu[sim.cur]; }

/* Host pointer to [pa, pa+len) if all of it is RAM, else NULL. Inline:
 * every simulated table walk and access reads RAM through it. */
static inline u8 *sim_ram_ptr(paddr_t pa, u32 len)
{
    u32 off = pa - SIM_RAM_BASE;   /* wraps to huge below the base */

    if (off >= sim.ram_size || len > sim.ram_size - off)
        return NULL;
    return sim.ram + off;
}

/* walker.c: walks the tables for va by the ARMv7 short-descriptor rules.
 * With cached, uses and fills the walk cache; without, reads only RAM.
 * Returns 0 with *x filled, or a FS_* code (translation, external). */
u32 sim_walk(vaddr_t va, bool cached, struct sim_xlat *x);
/* walker.c: arch_hw_access_run's masks and addresses (arch.h) for the n
 * 4K pages from va, all in va's 1 MiB region: uncached walks that read
 * the L1 descriptor once (nothing changes the tables during the call).
 * Counts no walks in sim.stats (the caller does). */
void sim_walk_run(vaddr_t va, u32 n, u32 *m, paddr_t *pa);

/* walker.c: domain and permission check of an access (ACCESS_*) with
 * privilege user against x and the current DACR. 0 or a FS_* code. */
u32 sim_check(const struct sim_xlat *x, u32 access, bool user);
/* walker.c: the loads and stores sim_check allows on x, all four at once:
 * a mask of arch.h's HW_PRIV_R/W and HW_USER_R/W. */
u32 sim_grants(const struct sim_xlat *x);

/* tlb.c: these four act on the running CPU's TLB and ASID. */
/* tlb.c: the entry translating va under the current ASID, or NULL (a miss).
 * Counts hits and misses. */
const struct sim_xlat *tlb_lookup(vaddr_t va);
/* tlb.c: stores x under the current ASID, evicting round-robin. */
const struct sim_xlat *tlb_fill(const struct sim_xlat *x);
/* tlb.c: the cached L1 table pointer for va's 1 MiB region, if any. */
bool wc_lookup(vaddr_t va, u32 *l1d);
/* tlb.c: caches l1d (a table pointer) for va's region. */
void wc_fill(vaddr_t va, u32 l1d);
/* tlb_conflict.c: TLB conflicts (two entries that can match one lookup)
 * print `! tlb_conflict …` and panic. _fill before x is stored under asid
 * among the n entries at t (the slot it takes already invalid); _hit when
 * entry t[hit] matched va under asid. */
void tlb_conflict_fill(const struct sim_tlb_entry *t, u32 n,
                       const struct sim_xlat *x, u32 asid);
void tlb_conflict_hit(const struct sim_tlb_entry *t, u32 n, u32 hit,
                      vaddr_t va, u32 asid);
/* tlb.c: empties t's TLB and walk cache and sets its size (1..SIM_TLB_MAX). */
void tlb_reset(struct sim_tlb *t, u32 entries);

#endif
