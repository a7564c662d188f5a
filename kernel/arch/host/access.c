/*
 * access.c: the guarded accesses of arch.h on the simulated MMU: loads,
 * stores, instruction fetches and cache maintenance through the TLB (a
 * miss walks and fills), and the MMU's own translation (a fresh walk).
 *
 * Order of checks for one access, as on the CPU: alignment (a 32-bit
 * access not 4-byte aligned), then translation (TLB, else walk), domain,
 * permission. After translation, an address outside RAM is device space:
 * loads read 0 and stores are dropped, without a fault.
 */
#include <string.h>
#include "sim_priv.h"

/* Translates va for one access through the TLB, walking and filling it on
 * a miss (a valid translation is cached even if the access then fails its
 * permission check, as on the CPU). 0 with *pa, or a FS_* code. */
static u32 mmu_translate(vaddr_t va, u32 access, bool user, paddr_t *pa)
{
    const struct sim_xlat *x = tlb_lookup(va);
    struct sim_xlat w;
    u32 fs;

    if (!x) {
        fs = sim_walk(va, true, &w);
        if (fs)
            return fs;
        x = tlb_fill(&w);
    }
    fs = sim_check(x, access, user);
    if (fs)
        return fs;
    *pa = x->pa + (va - x->va);
    return 0;
}

/* A run of accesses of one kind (sum, fill, cache op) that reuses the last
 * translation while it stays in the same 4 KiB page. Nothing can change
 * the TLB, tables or DACR between two accesses of a run, and every entry
 * covers whole 4 KiB pages, so the lookup would find the same entry; it is
 * counted as the hit it would be. */
struct run {
    bool    valid;
    vaddr_t page;   /* 4K page of the last translation */
    paddr_t pa;     /* its frame */
};

/* mmu_translate for va within run r. */
static u32 run_translate(struct run *r, vaddr_t va, u32 access, bool user,
                         paddr_t *pa)
{
    u32 fs;

    if (r->valid && ALIGN_DOWN(va, SZ_4K) == r->page) {
        sim.stats.tlb_hits++;
        *pa = r->pa | (va & (SZ_4K - 1));
        return 0;
    }
    fs = mmu_translate(va, access, user, pa);
    if (fs)
        return fs;
    r->valid = true;
    r->page = ALIGN_DOWN(va, SZ_4K);
    r->pa = ALIGN_DOWN(*pa, SZ_4K);
    return 0;
}

/* Fills *f for a fault of status fs and returns E_FAULT. Prefetch aborts
 * for fetches; WnR set for data writes. */
static int fault(struct arch_fault *f, vaddr_t va, u32 fs, u32 access,
                 bool user)
{
    if (f) {
        f->kind = access == ACCESS_EXEC ? FAULT_PREFETCH : FAULT_DATA;
        f->va = va;
        f->fsr = fs | (access == ACCESS_WRITE ? FSR_WNR : 0);
        f->access = access;
        f->user = user;
    }
    return E_FAULT;
}

/* 32-bit load from physical pa (aligned); 0 outside RAM. */
static u32 phys_load(paddr_t pa)
{
    const u8 *p = sim_ram_ptr(pa, 4);
    u32 v = 0;

    if (p)
        memcpy(&v, p, 4);
    return v;
}

/* 32-bit store to physical pa (aligned); dropped outside RAM. */
static void phys_store(paddr_t pa, u32 v)
{
    u8 *p = sim_ram_ptr(pa, 4);

    if (p)
        memcpy(p, &v, 4);
}

/* One 32-bit data access (ACCESS_READ into *val, or ACCESS_WRITE of
 * *val) at va with privilege user, through run r. */
static int access32(struct run *r, vaddr_t va, u32 access, bool user,
                    u32 *val, struct arch_fault *f)
{
    paddr_t pa;
    u32 fs;

    if (!ALIGNED(va, 4))
        return fault(f, va, FS_ALIGNMENT, access, user);
    fs = run_translate(r, va, access, user, &pa);
    if (fs)
        return fault(f, va, fs, access, user);
    if (access == ACCESS_WRITE)
        phys_store(pa, *val);
    else
        *val = phys_load(pa);
    return 0;
}

/* See arch.h: LDR (or LDRT with user). */
int arch_load32(vaddr_t va, bool user, u32 *val, struct arch_fault *f)
{
    struct run r = { 0 };
    u32 v = 0;
    int err = access32(&r, va, ACCESS_READ, user, &v, f);

    if (!err && val)
        *val = v;
    return err;
}

/* See arch.h: STR (or STRT with user). */
int arch_store32(vaddr_t va, u32 val, bool user, struct arch_fault *f)
{
    struct run r = { 0 };

    return access32(&r, va, ACCESS_WRITE, user, &val, f);
}

/* The privileged word accesses of sum and fill, a 4K page at a time: the
 * first word of each page is an access as access32 makes it (alignment,
 * the run's translation, its fault); the page's other words are the run's
 * hits on the same translation (counted as such), so they go straight to
 * the frame: RAM, or device space for the whole page (RAM is whole
 * pages). *done = words done before the fault, if any. */
static int words32(vaddr_t va, u32 nwords, u32 access, u32 val, u32 *sum,
                   u32 *done, struct arch_fault *f)
{
    struct run r = { 0 };
    u32 i = 0;
    int err = 0;

    while (i < nwords) {
        vaddr_t a = va + 4 * i;
        u32 room = (SZ_4K - (a & (SZ_4K - 1))) / 4, k = nwords - i, v = val;
        paddr_t pa;
        u8 *p;

        err = access32(&r, a, access, false, &v, f);
        if (err)
            break;
        k = k < room ? k : room;
        if (access == ACCESS_READ)
            *sum += v;
        sim.stats.tlb_hits += k - 1;
        pa = r.pa | (a & (SZ_4K - 1));
        p = sim_ram_ptr(pa, 4 * k);
        for (u32 j = 1; p && j < k; j++) {
            if (access == ACCESS_READ) {
                memcpy(&v, p + 4 * j, 4);
                *sum += v;
            } else {
                memcpy(p + 4 * j, &val, 4);
            }
        }
        i += k;
    }
    *done = i;
    return err;
}

/* See arch.h: privileged loads, stopping at the first fault. */
int arch_sum32(vaddr_t va, u32 nwords, u32 *sum, u32 *done,
               struct arch_fault *f)
{
    return words32(va, nwords, ACCESS_READ, 0, sum, done, f);
}

/* See arch.h: privileged stores, stopping at the first fault. */
int arch_fill32(vaddr_t va, u32 nwords, u32 val, u32 *done,
                struct arch_fault *f)
{
    return words32(va, nwords, ACCESS_WRITE, val, NULL, done, f);
}

/* See arch.h. BLX to va: bit 0 selects Thumb and the fetch is at va & ~1;
 * an ARM-state target with bit 1 set takes a prefetch alignment fault (as
 * QEMU does). Nothing runs: a fetch that passes returns *r0 = 0. */
int arch_exec(vaddr_t va, u32 *r0, struct arch_fault *f)
{
    vaddr_t pc = va & ~1u;
    paddr_t pa;
    u32 fs;

    if (!(va & 1u) && (va & 2u))
        return fault(f, va, FS_ALIGNMENT, ACCESS_EXEC, false);
    fs = mmu_translate(pc, ACCESS_EXEC, false, &pa);
    if (fs)
        return fault(f, pc, fs, ACCESS_EXEC, false);
    if (r0)
        *r0 = 0;
    return 0;
}

/* See arch.h. Translates every cache line of [va, va+len) (stopping at the
 * top of the address space) like a privileged load; the fault reports the
 * line address, as DFAR holds the address the operation was given. */
int arch_cache_op(enum cache_op op, vaddr_t va, u32 len, struct arch_fault *f)
{
    u64 end = (u64)va + len;
    u64 a = ALIGN_DOWN(va, SIM_CACHE_LINE);
    struct run r = { 0 };
    paddr_t pa;
    u32 fs;

    (void)op;                       /* no caches are simulated */
    if (end > 0x100000000ull)
        end = 0x100000000ull;
    for (; len && a < end; a += SIM_CACHE_LINE) {
        fs = run_translate(&r, (vaddr_t)a, ACCESS_READ, false, &pa);
        if (fs)
            return fault(f, (vaddr_t)a, fs, ACCESS_READ, false);
    }
    return 0;
}

/* See arch.h (ATS1C{P,U}{R,W}): a fresh walk that neither reads nor fills
 * the TLB or the walk cache. *fsr has the status code only (PAR has no
 * WnR). */
int arch_hw_translate(vaddr_t va, bool user, bool write, paddr_t *pa,
                      u32 *fsr)
{
    struct sim_xlat x;
    u32 fs = sim_walk(va, false, &x);

    if (!fs)
        fs = sim_check(&x, write ? ACCESS_WRITE : ACCESS_READ, user);
    if (fs) {
        if (fsr)
            *fsr = fs;
        return E_FAULT;
    }
    if (pa)
        *pa = x.pa + (va - x.va);
    return 0;
}

/* See arch.h: one walk, the four permission checks on what it found. */
u32 arch_hw_access(vaddr_t va, paddr_t *pa, u32 *fsr)
{
    struct sim_xlat x;
    u32 fs = sim_walk(va, false, &x), m = 0;

    if (fs) {
        if (fsr)
            *fsr = fs;
        return 0;
    }
    m = sim_grants(&x);
    if (m & HW_PRIV_R) {
        if (pa)
            *pa = x.pa + (va - x.va);
    } else if (fsr) {
        *fsr = sim_check(&x, ACCESS_READ, false);
    }
    return m;
}

/* See arch.h: one L1 read for the run (sim_walk_run). Counts a walk a
 * page, as n calls of arch_hw_access would. */
void arch_hw_access_run(vaddr_t va, u32 n, u32 *m, paddr_t *pa)
{
    sim.stats.walks += n;
    sim_walk_run(va, n, m, pa);
}
