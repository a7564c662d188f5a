/*
 * arch.h: everything the portable core (kernel/mm, kernel/cmd) may ask of
 * the machine. Nothing else in the core touches hardware.
 *
 * Two implementations:
 *   kernel/arch/armv7/  the real one: CP15, DSB/ISB, LDRT/STRT, aborts, QEMU
 *   kernel/arch/host/   the simulator: RAM is a byte array, an independent
 *                       short-descriptor walker and an ASID-tagged TLB.
 *
 * Each hook says whether it may fault, allocate or flush. None allocates.
 */
#ifndef VMK_ARCH_H
#define VMK_ARCH_H

#include "types.h"

/* ---- memory layout (DESIGN.md) ------------------------------------------
 *
 *   0x00000000-0x7fffffff  user address space (TTBR0, 8 KiB L1, ASID-tagged)
 *   0x80000000-0xbfffffff  direct map of RAM: VA = PA + 0x40000000
 *   0xc0000000 ->          kernel heap, grows up
 *   <- 0xfff00000          MMIO window (physmap), grows down
 *   0xffff0000             high exception vectors (last 1M holds only them)
 */
#define KERNEL_BASE     0x80000000u
#define DIRECT_MAP_OFF  0x40000000u   /* VA = PA + DIRECT_MAP_OFF */
#define HEAP_BASE       0xc0000000u
#define MMIO_TOP        0xfff00000u
#define VECTORS_VA      0xffff0000u
#define USER_TOP        0x80000000u   /* first address not in TTBR0's half */
#define USER_L1_ENTRIES 2048u         /* TTBCR.N = 1 */
#define KERN_L1_ENTRIES 4096u

/* ---- boot ---------------------------------------------------------------- */

/* What the machine looks like, as arch set it up before calling kmain(). */
struct arch_boot {
    paddr_t ram_base;     /* first byte of RAM (0x40000000 on QEMU virt) */
    u32     ram_size;     /* bytes of RAM */
    paddr_t kernel_end;   /* first page after the image and every boot
                             structure; RAM from here is the allocator's */
    paddr_t kernel_l1;    /* 16 KiB, 16 KiB-aligned L1 that TTBR1 walks */
    paddr_t vectors_pa;   /* 4 KiB page (below kernel_end) holding the
                             exception vectors; the core maps it at
                             0xffff0000 in kernel_l1 (pt_kernel_init) */
    /* [text_base, text_end): whole megabytes holding the image's code and
     * constants and nothing else; the direct map makes them read+execute
     * and all other RAM read+write, never execute (W^X, docs/WX.md).
     * 0, 0: no code runs from RAM (vmsim). */
    paddr_t text_base, text_end;
    u32     cpus;
};

/* Fills *b. Never fails. Valid from kmain() on. */
void arch_boot_info(struct arch_boot *b);

/* Kernel pointer to physical RAM at pa (ARM: the direct map; host: the
 * simulated RAM array). pa must lie in RAM; no check is made. */
void *arch_phys_to_ptr(paddr_t pa);

/* ---- console ---------------------------------------------------------------
 * The command channel. Blocking, byte at a time in, whole lines out. */

/* Next input byte 0..255; -1 when the input has ended (host: EOF on stdin;
 * ARM: never, it waits). */
int arch_getc(void);

/* Writes n bytes (a whole reply line, '\n' included) to the channel. */
void arch_write(const char *s, u32 n);

/* Ends the run: QEMU / vmsim exits with status code & 0xff. */
__attribute__((noreturn)) void arch_exit(int code);

/* Nanoseconds since the machine started (QEMU: SYS_ELAPSED). */
u64 arch_time_ns(void);

/* ---- page tables and the TLB ----------------------------------------------
 * The core writes descriptors through arch_phys_to_ptr(); these make the
 * writes visible and keep the TLB honest. None of them fault. */

/* After the core wrote descriptors in [p, p+bytes): make them visible to
 * the table walker before any access that may use them (ARM: DSB, then ISB
 * so the next instruction fetch sees them). */
void arch_pt_written(const void *p, u32 bytes);

/* TLB maintenance is broadcast: each of the four below is the inner-
 * shareable form (ARMv7 MP extensions), acts on the TLB of every CPU and
 * has completed there when it returns (DSB ISH). Every table change the
 * core makes may be cached by any CPU, so the core calls these and no
 * local form, except where arch_tlb_flush_all_local says why.
 * Branch predictors are invalidated with them (BPIALLIS). */

/* TLBIALLIS: every entry, every ASID, global or not, on every CPU. */
void arch_tlb_flush_all(void);
/* TLBIASIDIS: every non-global entry tagged with asid, on every CPU.
 * Global entries stay. */
void arch_tlb_flush_asid(u32 asid);
/* TLBIMVAIS: the entries translating the page that holds va: non-global
 * ones tagged with asid, and global ones, on every CPU. Large pages: any
 * va inside them. */
void arch_tlb_flush_va(vaddr_t va, u32 asid);
/* TLBIMVAAIS: the entries translating the page that holds va, in every
 * ASID, on every CPU. */
void arch_tlb_flush_va_all_asids(vaddr_t va);

/* TLBIALL (and BPIALL) on the calling CPU only. Local is enough for the
 * one use it has: the flush an ASID rollover leaves pending on each CPU
 * (asid.c), done by that CPU itself before it next switches to another
 * ASID. What it removes are entries tagged with old-generation ASIDs,
 * which only this CPU's TLB holds for this CPU; every other CPU does its
 * own, and no table changed, so nothing needs to reach them. */
void arch_tlb_flush_all_local(void);

/* Makes l1 (8 KiB aligned, for 0..0x7fffffff) the TTBR0 table with asid as
 * the current ASID (CONTEXTIDR) of the calling CPU. Does not flush the
 * TLB: ASIDs keep the address spaces apart, and rollover is the caller's
 * business. l1 == 0 with asid 0 means "no user address space": TTBR0
 * walks are disabled. */
void arch_switch_ttbr0(paddr_t l1, u32 asid);

/* ---- CPUs -------------------------------------------------------------------
 * arch_boot.cpus CPUs (1..ARCH_CPUS_MAX) run with the MMU on, the kernel's
 * TTBR1 and the same vector page; each has its own TTBR0, ASID, TLB and
 * stacks. CPU 0 boots, calls kmain and reads the channel; the others wait
 * until CPU 0 hands them a call. Kernel code runs on one CPU at a time:
 * the caller of arch_cpu_call waits for it. That handoff is the core's only
 * lock, so the core's state needs no other. */
#define ARCH_CPUS_MAX 4u

/* The CPU running the caller: 0 .. arch_boot.cpus - 1. Never fails. */
u32 arch_cpu_id(void);

/* Runs fn(arg) on CPU cpu and returns once fn has returned there; with
 * cpu == arch_cpu_id(), simply calls it. Called by CPU 0 only. While fn
 * runs, CPU 0 carries what it writes (arch_write: replies go out through
 * CPU 0's channel, in order) and its arch_exit/arch_panic. Memory: all
 * CPU 0 wrote before the call is visible to fn, all fn wrote is visible
 * to CPU 0 after it. Guarded accesses work in fn as on CPU 0. Returns 0,
 * or E_BAD_ARG if cpu is not a running CPU. Does not allocate or flush. */
int arch_cpu_call(u32 cpu, void (*fn)(void *), void *arg);

/* ---- caches ------------------------------------------------------------- */

enum cache_op { CACHE_CLEAN, CACHE_INVALIDATE, CACHE_FLUSH, CACHE_UNIFY };

struct arch_fault;

/* Cache maintenance by VA over [va, va+len) in the current regime
 * (clean = DCCMVAC, invalidate = DCIMVAC, flush = DCCIMVAC, unify = DCCMVAU
 * then ICIMVAU, with the barriers each needs). May fault like a load: returns
 * 0, or E_FAULT with *f filled (the operation stops at the faulting line). */
int arch_cache_op(enum cache_op op, vaddr_t va, u32 len, struct arch_fault *f);

/* ---- guarded accesses ----------------------------------------------------
 * Accesses the commands make on request. An abort during one does not kill
 * the kernel: it is reported in *f and the call returns E_FAULT. */

enum fault_kind   { FAULT_DATA = 0, FAULT_PREFETCH = 1 };
enum fault_access { ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_EXEC = 2 };

struct arch_fault {
    u32     kind;    /* enum fault_kind */
    vaddr_t va;      /* DFAR / IFAR */
    u32     fsr;     /* DFSR / IFSR, short-descriptor format: FS[4] in
                        bit 10, FS[3:0] in bits 3:0, WnR in bit 11 */
    u32     access;  /* enum fault_access */
    bool    user;    /* the access was unprivileged (LDRT/STRT) */
};

/* FS[4:0] of a short-descriptor DFSR/IFSR value (FS[4] is bit 10). The one
 * decode of a fault status: fault names, translation-fault tests. */
static inline u32 arch_fault_status(u32 fsr)
{
    return (fsr & 0xfu) | ((fsr >> 6) & 0x10u);
}
/* True for a translation fault (FS 0x05 section, 0x07 page): nothing was
 * mapped at the address. */
static inline bool arch_fault_is_translation(u32 fsr)
{
    u32 fs = arch_fault_status(fsr);
    return fs == 0x05 || fs == 0x07;
}

/* 32-bit load from va (4-byte aligned), privileged or, with user, as LDRT. */
int arch_load32(vaddr_t va, bool user, u32 *val, struct arch_fault *f);
/* 32-bit store to va, privileged or, with user, as STRT. */
int arch_store32(vaddr_t va, u32 val, bool user, struct arch_fault *f);
/* Privileged loads of nwords words from va, adding them to *sum (wrapping).
 * *done counts the words loaded; on a fault, va + 4 * *done faulted. */
int arch_sum32(vaddr_t va, u32 nwords, u32 *sum, u32 *done, struct arch_fault *f);
/* Privileged stores of val to nwords words from va; *done as for sum. */
int arch_fill32(vaddr_t va, u32 nwords, u32 val, u32 *done, struct arch_fault *f);
/* Branch with link to va at PL1, r0 = 0 on entry; *r0 is r0 on return.
 * ARM: runs the code. Host: checks the instruction fetch at va through the
 * MMU (TLB, walker, permissions) and, if it passes, returns *r0 = 0. */
int arch_exec(vaddr_t va, u32 *r0, struct arch_fault *f);

/* The MMU's own translation of va (ATS1CPR/ATS1CPW/ATS1CUR/ATS1CUW then
 * PAR; host: the simulated walker, bypassing the TLB). Returns 0 with *pa,
 * or E_FAULT with *fsr in the DFSR encoding above. Never aborts. */
int arch_hw_translate(vaddr_t va, bool user, bool write, paddr_t *pa, u32 *fsr);
/* All four verdicts of arch_hw_translate on va at once: a mask of the
 * HW_* accesses that translate, *pa as the privileged read gave it (when
 * HW_PRIV_R is in the mask), *fsr its fault (when not). ARM: the four ATS
 * operations; host: one walk, four permission checks. Never aborts. */
#define HW_PRIV_R 1u
#define HW_PRIV_W 2u
#define HW_USER_R 4u
#define HW_USER_W 8u
u32 arch_hw_access(vaddr_t va, paddr_t *pa, u32 *fsr);
/* arch_hw_access on each of the n (>= 1) 4K pages from va, all in va's
 * 1 MiB region: m[i] the mask for va + i * 4K, pa[i] its address where
 * m[i] has HW_PRIV_R (else left alone); no fault status. ARM: the four
 * ATS operations per page; host: one L1 read for the run, one L2 read a
 * page. Never aborts. */
void arch_hw_access_run(vaddr_t va, u32 n, u32 *m, paddr_t *pa);

/* ---- entry -------------------------------------------------------------- */

/* The portable kernel (kernel/cmd/main.c): set up mm, print `ready`, serve
 * requests until `exit`. arch calls it once, with the MMU on, running at
 * high addresses, the direct map in place. */
__attribute__((noreturn)) void kmain(void);

/* Prints `! panic reason=<why> …` with whatever registers arch has, then
 * exits 70. Used by core asserts and by arch for unexpected exceptions. */
__attribute__((noreturn)) void arch_panic(const char *why);

#endif
