/*
 * arch.c: boot description, the TLB, TTBR0/ASID switching and the MMU's
 * own translation (ATS1C**) for ARMv7-A with the short-descriptor format.
 *
 * Barriers, once for all (ARMv7 ARM B3.10, B2.2.7):
 *   DSB ISHST before TLB maintenance: the table writes that made the old
 *        entry stale are complete, so no walk after the invalidation can
 *        load the old value again;
 *   DSB ISH after it: the invalidation itself has completed;
 *   ISB last: the instructions that follow (and their fetches) are
 *        translated with the new state.
 * TLB operations are the inner-shareable (broadcast) forms, TLBI*IS with
 * BPIALLIS: every CPU (smp.c) may hold the entry a table change made
 * stale, and the DSB ISH after them waits until every CPU has done them.
 * The one local form (arch_tlb_flush_all_local) says why beside it.
 */
#include "arch.h"
#include "armv7.h"

static struct arch_boot boot_info;
static bool walk_coherent;      /* ID_MMFR3: walks snoop the data cache */
static u32  dcache_line;        /* smallest data cache line, bytes */

/* ---- boot ---------------------------------------------------------------- */

/* Boot only. Fills boot_info from the DTB (at dtb_hint if non-zero, else
 * at the base of RAM, read through the direct map), with safe defaults
 * when there is none. RAM is clipped to what the direct map can hold. */
BOOT_TEXT static void boot_describe(paddr_t dtb_hint)
{
    struct fdt_info fi;
    paddr_t dtb = dtb_hint ? dtb_hint : DTB_PA_DEFAULT;
    paddr_t image = (paddr_t)__image_start - PV_OFFSET;
    u64 lo, hi;

    if (dtb < RAM_PA_DEFAULT || dtb >= image ||
        fdt_parse(arch_phys_to_ptr(dtb), image - dtb, &fi) != 0) {
        fi.ram_base = RAM_PA_DEFAULT;
        fi.ram_size = 64u << 20;        /* the least the protocol allows */
        fi.cpus = 1;
        fi.psci_method = PSCI_NONE;     /* no DTB: no way to start others */
    }
    lo = fi.ram_base < RAM_PA_DEFAULT ? RAM_PA_DEFAULT : fi.ram_base;
    hi = fi.ram_base + fi.ram_size;
    if (hi > (u64)RAM_PA_DEFAULT + 0x40000000u)
        hi = (u64)RAM_PA_DEFAULT + 0x40000000u;
    if (lo > image || hi <= (paddr_t)__kernel_end - PV_OFFSET) {
        lo = RAM_PA_DEFAULT;            /* nonsense: assume 64M at 1G */
        hi = lo + (64u << 20);
    }
    boot_info.ram_base = (paddr_t)lo;
    boot_info.ram_size = (u32)(hi - lo);
    boot_info.kernel_end = (paddr_t)__kernel_end - PV_OFFSET;
    boot_info.kernel_l1 = (paddr_t)__kernel_l1 - PV_OFFSET;
    boot_info.vectors_pa = (paddr_t)__vectors_start - PV_OFFSET;
    boot_info.text_base = ALIGN_DOWN(image, SZ_1M);     /* W^X (vmk.ld) */
    boot_info.text_end = (paddr_t)__text_end - PV_OFFSET;
    boot_info.cpus = smp_boot(&fi);    /* the CPUs that run, CPU 0 included */
}

/* Boot only. Called by start.S at high addresses, stacks set, .bss clear,
 * identity map gone. */
BOOT_TEXT void arch_boot_main(paddr_t dtb_hint)
{
    u32 ctr = cp15_read(CP_CTR);

    walk_coherent = ((cp15_read(CP_ID_MMFR3) >> 20) & 0xf) != 0;
    dcache_line = 4u << ((ctr >> 16) & 0xf);
    boot_describe(dtb_hint);
    kmain();
}

/* See arch.h. */
void arch_boot_info(struct arch_boot *b)
{
    *b = boot_info;
}

/* See arch.h. */
void *arch_phys_to_ptr(paddr_t pa)
{
    return (void *)(pa + DIRECT_MAP_OFF);
}

/* ---- page tables and the TLB ---------------------------------------------- */

/* See arch.h. Without coherent walks the new descriptors are cleaned to
 * the point of unification, where the walker reads. */
void arch_pt_written(const void *p, u32 bytes)
{
    if (!walk_coherent && bytes) {
        u32 a = (u32)p & ~(dcache_line - 1);
        for (; a < (u32)p + bytes; a += dcache_line)
            cp15_write(CP_DCCMVAU, a);
        dsb(ish);               /* the cleans have completed */
    } else {
        dsb(ishst);             /* the descriptor stores have completed */
    }
    isb();                      /* fetches after this see the new tables */
}

/* See arch.h. */
void arch_tlb_flush_all(void)
{
    dsb(ishst);                 /* table writes done before the invalidation */
    cp15_write(CP_TLBIALLIS, 0);
    cp15_write(CP_BPIALLIS, 0); /* predicted targets of the old translations */
    dsb(ish);                   /* invalidation complete on every CPU */
    isb();                      /* later fetches use the new translations */
}

/* See arch.h: local because only this CPU's old-generation entries are
 * the target (the rollover's pending flush), and no table changed. */
void arch_tlb_flush_all_local(void)
{
    cp15_write(CP_TLBIALL, 0);
    cp15_write(CP_BPIALL, 0);   /* predictions made under old ASIDs */
    dsb(nsh);                   /* the local invalidation has completed */
    isb();                      /* later fetches use the new state */
}

/* See arch.h. */
void arch_tlb_flush_asid(u32 asid)
{
    dsb(ishst);                 /* table writes done before the invalidation */
    cp15_write(CP_TLBIASIDIS, asid & 0xff);
    cp15_write(CP_BPIALLIS, 0); /* predicted targets of the old translations */
    dsb(ish);                   /* invalidation complete on every CPU */
    isb();                      /* later fetches use the new translations */
}

/* See arch.h. */
void arch_tlb_flush_va(vaddr_t va, u32 asid)
{
    dsb(ishst);                 /* table writes done before the invalidation */
    cp15_write(CP_TLBIMVAIS, (va & ~(PAGE_SIZE - 1)) | (asid & 0xff));
    cp15_write(CP_BPIALLIS, 0); /* predicted targets of the old translation */
    dsb(ish);                   /* invalidation complete on every CPU */
    isb();                      /* later fetches use the new translation */
}

/* See arch.h. */
void arch_tlb_flush_va_all_asids(vaddr_t va)
{
    dsb(ishst);                 /* table writes done before the invalidation */
    cp15_write(CP_TLBIMVAAIS, va & ~(PAGE_SIZE - 1));
    cp15_write(CP_BPIALLIS, 0); /* predicted targets of the old translation */
    dsb(ish);                   /* invalidation complete on every CPU */
    isb();                      /* later fetches use the new translation */
}

/* See arch.h. The hazard (Linux cpu_v7_switch_mm, context.c): between the
 * CONTEXTIDR write and the TTBR0 write, a speculative walk could pair the
 * new ASID with the old table (or the old ASID with the new one) and leave
 * a wrong entry tagged with a live ASID. Linux points TTBR0 at a table of
 * global entries only for the window; we disable TTBR0 walks (PD0) for
 * it, which has the same effect: no walk of the user half can start until
 * both registers are new. Entries already cached stay tagged with the ASID
 * they were walked under, which is what ASIDs are for. */
void arch_switch_ttbr0(paddr_t l1, u32 asid)
{
    cp15_write(CP_TTBCR, TTBCR_N1 | TTBCR_PD0);
    isb();                      /* PD0 in effect before the ASID changes */
    cp15_write(CP_CONTEXTIDR, asid & 0xff);
    isb();                      /* new ASID in effect before the table changes */
    cp15_write(CP_TTBR0, l1 ? l1 | TTB_FLAGS : 0);
    cp15_write(CP_BPIALL, 0);   /* predictions made in the old address space;
                                   local: only this CPU switched */
    dsb(nsh);                   /* BPIALL complete */
    isb();                      /* new table in effect before walks resume */
    if (l1) {
        cp15_write(CP_TTBCR, TTBCR_N1);
        isb();                  /* TTBR0 walks allowed from the next instruction */
    }
}

/* ---- the MMU's own translation -------------------------------------------- */

/* PAR (short descriptor, F = 1) to the DFSR encoding: PAR[6:1] hold DFSR
 * bits {12, 10, 3:0}, i.e. PAR[4:1] = FS[3:0], PAR[5] = FS[4],
 * PAR[6] = ExT. No WnR and no domain: PAR has neither. */
u32 arch_par_to_fsr(u32 par)
{
    u32 fsr = (par >> 1) & 0xf;

    if (par & (1u << 5))
        fsr |= FSR_FS4;
    if (par & (1u << 6))
        fsr |= FSR_EXT;
    return fsr;
}

/* ATS1C{P,U}{R,W} of va; returns PAR. Interrupts are masked for good, so
 * nothing can overwrite PAR between the operation and the read. */
u32 arch_ats(vaddr_t va, bool user, bool write)
{
    if (user && write)
        cp15_write(CP_ATS1CUW, va);
    else if (user)
        cp15_write(CP_ATS1CUR, va);
    else if (write)
        cp15_write(CP_ATS1CPW, va);
    else
        cp15_write(CP_ATS1CPR, va);
    isb();                      /* PAR holds the result of the operation */
    return cp15_read(CP_PAR);
}

/* See arch.h. A supersection reports PA[31:24] only (PAR.SS). */
int arch_hw_translate(vaddr_t va, bool user, bool write, paddr_t *pa, u32 *fsr)
{
    u32 par = arch_ats(va, user, write);

    if (par & PAR_F) {
        if (fsr)
            *fsr = arch_par_to_fsr(par);
        return E_FAULT;
    }
    if (pa)
        *pa = (par & PAR_SS) ? (par & 0xff000000u) | (va & 0x00ffffffu)
                             : (par & 0xfffff000u) | (va & 0x00000fffu);
    return 0;
}

/* See arch.h: the four ATS operations in turn. */
u32 arch_hw_access(vaddr_t va, paddr_t *pa, u32 *fsr)
{
    u32 m = 0;
    if (arch_hw_translate(va, false, false, pa, fsr) == 0)
        m |= HW_PRIV_R;
    if (arch_hw_translate(va, false, true, 0, 0) == 0)
        m |= HW_PRIV_W;
    if (arch_hw_translate(va, true, false, 0, 0) == 0)
        m |= HW_USER_R;
    if (arch_hw_translate(va, true, true, 0, 0) == 0)
        m |= HW_USER_W;
    return m;
}

/* See arch.h: arch_hw_access page by page. */
void arch_hw_access_run(vaddr_t va, u32 n, u32 *m, paddr_t *pa)
{
    for (u32 i = 0; i < n; i++)
        m[i] = arch_hw_access(va + i * PAGE_SIZE, &pa[i], 0);
}
