/*
 * armv7.h: constants and CP15 accessors private to kernel/arch/armv7.
 * Shared by the assembly files (under __ASSEMBLY__) and the C files.
 *
 * Physical layout at boot (QEMU virt):
 *
 *   0x40000000  DTB (QEMU puts it at the base of RAM, below the image)
 *   0x40100000  kernel image (linked at VA 0x80100000), see vmk.ld
 *   ...         RAM up to ram_base + ram_size
 *
 * Virtual layout: see kernel/include/arch.h.
 */
#ifndef VMK_ARMV7_H
#define VMK_ARMV7_H

#define PV_OFFSET      0x40000000   /* VA - PA of the image and direct map */
#define RAM_PA_DEFAULT 0x40000000   /* QEMU virt RAM base */
#define DTB_PA_DEFAULT 0x40000000   /* QEMU places an ELF kernel's DTB here */

/* CPSR / SPSR */
#define MODE_USR  0x10
#define MODE_FIQ  0x11
#define MODE_IRQ  0x12
#define MODE_SVC  0x13
#define MODE_ABT  0x17
#define MODE_UND  0x1b
#define MODE_SYS  0x1f
#define MODE_MASK 0x1f
#define PSR_T     (1 << 5)
#define PSR_F     (1 << 6)
#define PSR_I     (1 << 7)
#define PSR_A     (1 << 8)

/* SCTLR bits we set or clear */
#define SCTLR_M    (1 << 0)
#define SCTLR_A    (1 << 1)
#define SCTLR_C    (1 << 2)
#define SCTLR_Z    (1 << 11)
#define SCTLR_I    (1 << 12)
#define SCTLR_V    (1 << 13)
#define SCTLR_WXN  (1 << 19)
#define SCTLR_UWXN (1 << 20)
#define SCTLR_EE   (1 << 25)
#define SCTLR_TRE  (1 << 28)
#define SCTLR_AFE  (1 << 29)
#define SCTLR_TE   (1 << 30)

/* TTBCR: N = 1 (TTBR0 covers 0-2 GiB), PD0 disables TTBR0 walks. */
#define TTBCR_N1   1
#define TTBCR_PD0  (1 << 4)

/* TTBR0/1 walk attributes (Multiprocessing Extensions layout): inner
 * write-back write-allocate (IRGN = 01: bit 6 set, bit 0 clear), outer
 * write-back write-allocate (RGN = 01), non-shareable like the direct map
 * that holds the tables. */
#define TTB_IRGN_WBWA (1 << 6)
#define TTB_RGN_WBWA  (1 << 3)
#define TTB_FLAGS     (TTB_IRGN_WBWA | TTB_RGN_WBWA)

/* DACR: domain 0 client (permissions checked), all others no access. */
#define DACR_BOOT 0x00000001

/* 1M section, the boot value of a direct-map entry, as pt_kernel_init
 * writes it (pagetable.h): TEX=001 C=1 B=1 (normal write-back), AP[2]=0
 * AP[1:0]=01 (privileged read/write), XN=0, nG=0 (global), domain 0. */
#define SECT_TYPE     0x2
#define SECT_B        (1 << 2)
#define SECT_C        (1 << 3)
#define SECT_AP_PRIV  (1 << 10)
#define SECT_TEX_001  (1 << 12)
#define SECT_KERNEL   (SECT_TYPE | SECT_B | SECT_C | SECT_AP_PRIV | SECT_TEX_001)

/* PAR (VMSAv7 short-descriptor, no LPAE) */
#define PAR_F   (1 << 0)   /* translation aborted */
#define PAR_SS  (1 << 1)   /* supersection: PA[31:24] in PAR[31:24] */

/* DFSR / IFSR (short descriptor) */
#define FSR_FS4 (1 << 10)
#define FSR_WNR (1 << 11)
#define FSR_EXT (1 << 12)

/* Stacks of each secondary CPU (smp.c), bytes, one block per CPU in this
 * order: SVC, ABT, UND, IRQ, FIQ. */
#define SMP_SVC_STACK  0x8000
#define SMP_ABT_STACK  0x2000
#define SMP_UND_STACK  0x1000
#define SMP_IRQ_STACK  0x400
#define SMP_FIQ_STACK  0x400
#define SMP_STACKS     (SMP_SVC_STACK + SMP_ABT_STACK + SMP_UND_STACK + \
                        SMP_IRQ_STACK + SMP_FIQ_STACK)

/* Exception kinds: the vector slot, as passed to exc_dispatch(). */
#define EXC_RESET  0
#define EXC_UNDEF  1
#define EXC_SVC    2
#define EXC_PABT   3
#define EXC_DABT   4
#define EXC_UNUSED 5
#define EXC_IRQ    6
#define EXC_FIQ    7

/* Exception frame (struct exc_frame) on the handling mode's stack:
 * r0-r12, then the interrupted mode's sp and lr, the interrupted pc and
 * its cpsr. 72 bytes keep the stack 8-byte aligned (AAPCS). */
#define F_SP       52
#define F_LR       56
#define F_PC       60
#define F_CPSR     64
#define FRAME_SIZE 72

/* Guard state (struct guard): offset of the saved context r4-r11, sp, lr. */
#define G_JB       16

#ifndef __ASSEMBLY__
#include "types.h"

/* Boot-only code: runs once before kmain (kept in .text.boot, vmk.ld). */
#define BOOT_TEXT __attribute__((section(".text.boot")))

struct exc_frame {
    u32 r[13];
    u32 sp, lr;     /* of the interrupted mode */
    u32 pc, cpsr;   /* interrupted instruction (as far as known), SPSR */
    u32 pad;
};
_Static_assert(sizeof(struct exc_frame) == FRAME_SIZE, "frame layout");

/* CP15 registers, as the operand string of mrc/mcr with %0 the register. */
#define CP_SCTLR      "p15, 0, %0, c1, c0, 0"
#define CP_CTR        "p15, 0, %0, c0, c0, 1"
#define CP_ID_MMFR3   "p15, 0, %0, c0, c1, 7"
#define CP_TTBR0      "p15, 0, %0, c2, c0, 0"
#define CP_TTBR1      "p15, 0, %0, c2, c0, 1"
#define CP_TTBCR      "p15, 0, %0, c2, c0, 2"
#define CP_DACR       "p15, 0, %0, c3, c0, 0"
#define CP_DFSR       "p15, 0, %0, c5, c0, 0"
#define CP_IFSR       "p15, 0, %0, c5, c0, 1"
#define CP_DFAR       "p15, 0, %0, c6, c0, 0"
#define CP_IFAR       "p15, 0, %0, c6, c0, 2"
#define CP_PAR        "p15, 0, %0, c7, c4, 0"
#define CP_ICIALLU    "p15, 0, %0, c7, c5, 0"
#define CP_BPIALL     "p15, 0, %0, c7, c5, 6"
#define CP_ATS1CPR    "p15, 0, %0, c7, c8, 0"
#define CP_ATS1CPW    "p15, 0, %0, c7, c8, 1"
#define CP_ATS1CUR    "p15, 0, %0, c7, c8, 2"
#define CP_ATS1CUW    "p15, 0, %0, c7, c8, 3"
#define CP_DCCMVAU    "p15, 0, %0, c7, c11, 1"
#define CP_MPIDR      "p15, 0, %0, c0, c0, 5"
#define CP_BPIALLIS   "p15, 0, %0, c7, c1, 6"
#define CP_TLBIALLIS  "p15, 0, %0, c8, c3, 0"
#define CP_TLBIMVAIS  "p15, 0, %0, c8, c3, 1"
#define CP_TLBIASIDIS "p15, 0, %0, c8, c3, 2"
#define CP_TLBIMVAAIS "p15, 0, %0, c8, c3, 3"
#define CP_TPIDRPRW   "p15, 0, %0, c13, c0, 4"
#define CP_TLBIALL    "p15, 0, %0, c8, c7, 0"
#define CP_TLBIMVA    "p15, 0, %0, c8, c7, 1"
#define CP_TLBIASID   "p15, 0, %0, c8, c7, 2"
#define CP_TLBIMVAA   "p15, 0, %0, c8, c7, 3"
#define CP_CONTEXTIDR "p15, 0, %0, c13, c0, 1"

#define cp15_read(reg) ({ u32 v_; __asm__ volatile("mrc " reg : "=r"(v_)); v_; })
#define cp15_write(reg, v) __asm__ volatile("mcr " reg : : "r"((u32)(v)) : "memory")

#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define isb()    __asm__ volatile("isb" : : : "memory")

/* Guarded accesses (guard.S): each faulting instruction is listed in the
 * guard table, so the abort handler knows the fault was asked for. */
enum guard_kind { GUARD_NONE = 0, GUARD_DATA = 1, GUARD_EXEC = 2 };

struct guard {
    volatile u32 kind;                 /* enum guard_kind; 0 = not armed */
    volatile u32 exec_va;              /* GUARD_EXEC: IFAR that belongs to us */
    struct arch_fault *volatile f;     /* where to report the fault */
    volatile u32 user;                 /* the access is LDRT/STRT */
    u32 jb[10];                        /* r4-r11, sp, lr saved by guard_arm */
};
_Static_assert(__builtin_offsetof(struct guard, jb) == G_JB, "guard layout");

extern struct guard vmk_guard;

/* Saves the callee-saved context in vmk_guard.jb. Returns 0; returns again
 * with 1 (in SVC mode, the context restored) after a claimed abort. */
__attribute__((returns_twice)) int guard_arm(void);

u32  guard_ldr(vaddr_t va);
u32  guard_ldrt(vaddr_t va);
void guard_str(vaddr_t va, u32 val);
void guard_strt(vaddr_t va, u32 val);
void guard_dccmvac(vaddr_t va);
void guard_dcimvac(vaddr_t va);
void guard_dccimvac(vaddr_t va);
void guard_dccmvau(vaddr_t va);
void guard_icimvau(vaddr_t va);
u32  guard_blx(vaddr_t va);
/* true if pc is one of the guarded instructions above */
bool guard_insn(u32 pc);
/* Where a claimed abort resumes (SVC mode): restores vmk_guard.jb. */
void guard_resume(void);

/* exc.c */
void exc_dispatch(struct exc_frame *fr, u32 kind);
__attribute__((noreturn)) void panic_assert(const char *why, struct exc_frame *fr);

/* arch.c */
u32 arch_par_to_fsr(u32 par);
u32 arch_ats(vaddr_t va, bool user, bool write);

/* fdt.c: what the DTB says; 0, or -1 when the blob is not usable. */
#define FDT_CPUS_MAX 4
enum psci_method { PSCI_NONE = 0, PSCI_HVC = 1, PSCI_SMC = 2 };
#define PSCI_0_2_CPU_ON 0x84000003u   /* SMC32 CPU_ON (PSCI 0.2 and later) */
struct fdt_info {
    u64 ram_base;
    u64 ram_size;
    u32 cpus;
    u32 cpu_mpidr[FDT_CPUS_MAX];  /* MPIDR affinity of /cpus/cpu@* (reg) */
    u32 psci_method;              /* enum psci_method: the conduit */
    u32 psci_cpu_on;              /* CPU_ON function id */
};
int fdt_parse(const void *blob, u32 max_bytes, struct fdt_info *out);

/* boot */
__attribute__((noreturn)) void arch_boot_main(paddr_t dtb_hint);

/* semihost.c: n bytes to the channel, from CPU 0 (arch_write's body). */
void semihost_write(const char *s, u32 n);

/* smp.c: boot only: starts the CPUs the DTB lists through PSCI CPU_ON and
 * waits until each runs; returns how many CPUs run (1 + the started). */
u32 smp_boot(const struct fdt_info *fi);
/* smp.c: on a secondary, the channel goes through CPU 0: these carry a
 * line out and the exit code to it (they return once CPU 0 took them;
 * smp_forward_exit never returns). */
void smp_forward_write(const char *s, u32 n);
__attribute__((noreturn)) void smp_forward_exit(int code);
/* smp.c: entered by start.S on a secondary, MMU on, stacks set. */
__attribute__((noreturn)) void smp_secondary_main(u32 cpu);
extern u8 smp_stacks[];         /* SMP_STACKS bytes per secondary */
/* start.S: a secondary's first instruction (physical address, MMU off;
 * r0 = its CPU number). */
extern char _secondary_start[];

/* vmk.ld symbols (virtual addresses) */
extern char __image_start[], __kernel_end[], __kernel_l1[], __vectors_start[];
extern char __text_end[];
#endif /* !__ASSEMBLY__ */

#endif
