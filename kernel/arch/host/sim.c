/*
 * sim.c: the simulated machine: reset, physical RAM, the boot layout that
 * arch_boot_info reports, and the small controls of sim.h.
 *
 * Physical memory (QEMU virt, RAM at 0x40000000), as the ARM boot leaves it:
 *
 *   0x40000000  DTB area, 1 MiB (QEMU loads the DTB at RAM start);
 *               an FDT magic at its first word, nothing else
 *   0x40100000  kernel image, 64 KiB (pretend: zeroes)
 *   0x40110000  kernel L1, 16 KiB, 16 KiB-aligned, TTBR1: the direct map
 *               VA = PA + 0x40000000 of all RAM in global, privileged RW,
 *               normal write-back 1M sections; nothing else
 *   0x40114000  vector page, 4 KiB (the core maps it at 0xffff0000)
 *   0x40115000  kernel_end: from here on RAM is the allocator's
 *   ram end
 *
 * RAM is an anonymous private mapping. A reset of the same size gives its
 * pages back with madvise(MADV_DONTNEED), so the next touch of a page reads
 * zeroes: a reset costs the pages that were dirtied, not ram_size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "sim_priv.h"

struct sim_machine sim;

#define KERNEL_L1_OFF   (SIM_DTB_SIZE + SIM_IMAGE_SIZE)   /* 16K aligned */
#define VECTORS_OFF     (KERNEL_L1_OFF + KERN_L1_ENTRIES * 4u)
#define KERNEL_END_OFF  (VECTORS_OFF + PAGE_SIZE)

/* Direct-map section: TEX=001 C=1 B=1 (normal WB-WA), AP[2:0]=001
 * (privileged RW), domain 0, XN=0, nG=0, bits[1:0]=10. */
#define DIRECT_SECTION  ((1u << 12) | (1u << 10) | (1u << 3) | (1u << 2) | 2u)

#define FDT_MAGIC_BE    0xedfe0dd0u   /* 0xd00dfeed stored big-endian */
#define ARM_LDR_PC      0xe59ff018u   /* ldr pc, [pc, #24]: a vector slot */

/* Gives the machine ram_size zeroed bytes of RAM, reusing the mapping of
 * the last reset when the size matches. Exits 2 if the host has no memory. */
static void ram_setup(u32 ram_size)
{
    void *p;

    if (sim.ram && sim.ram_size == ram_size) {
        if (madvise(sim.ram, ram_size, MADV_DONTNEED) != 0)
            memset(sim.ram, 0, ram_size);
        return;
    }
    if (sim.ram)
        munmap(sim.ram, sim.ram_size);
    p = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        perror("vmsim: cannot map simulated RAM");
        exit(2);
    }
    /* Small pages: a reset then re-zeroes 4 KiB per dirty page, not 2 MiB. */
    madvise(p, ram_size, MADV_NOHUGEPAGE);
    sim.ram = p;
    sim.ram_size = ram_size;
}

/* Writes a 32-bit word at physical pa (in RAM, aligned). Boot-only use. */
static void boot_put32(paddr_t pa, u32 v)
{
    memcpy(arch_phys_to_ptr(pa), &v, sizeof v);
}

/* Lays out DTB area, kernel L1 with the direct map, and the vector page;
 * fills sim.boot. Boot-only. */
static void boot_layout(void)
{
    struct arch_boot *b = &sim.boot;
    u32 off, i;

    b->ram_base = SIM_RAM_BASE;
    b->ram_size = sim.ram_size;
    b->kernel_l1 = SIM_RAM_BASE + KERNEL_L1_OFF;
    b->vectors_pa = SIM_RAM_BASE + VECTORS_OFF;
    b->kernel_end = SIM_RAM_BASE + KERNEL_END_OFF;
    b->cpus = 1;

    boot_put32(b->ram_base, FDT_MAGIC_BE);
    for (off = 0; off < sim.ram_size; off += SZ_1M) {
        paddr_t pa = b->ram_base + off;
        boot_put32(b->kernel_l1 + ((pa + DIRECT_MAP_OFF) >> 20) * 4u,
                   pa | DIRECT_SECTION);
    }
    for (i = 0; i < 8; i++)
        boot_put32(b->vectors_pa + i * 4u, ARM_LDR_PC);
}

/* See sim.h. Exits 2 on a RAM size outside SIM_RAM_TINY..SIM_RAM_MAX or not
 * a multiple of 1 MiB (a caller bug: vmsim checks --ram first). */
void sim_reset(u32 ram_size, u32 tlb_entries)
{
    u8 *ram = sim.ram;
    u32 old_size = sim.ram_size;
    bool panic_abort = sim.panic_abort;

    if (ram_size == 0)
        ram_size = SIM_RAM_DEFAULT;
    if (ram_size < SIM_RAM_TINY || ram_size > SIM_RAM_MAX ||
        !ALIGNED(ram_size, SZ_1M)) {
        fprintf(stderr, "vmsim: bad RAM size 0x%x\n", ram_size);
        exit(2);
    }
    memset(&sim, 0, sizeof sim);
    sim.ram = ram;
    sim.ram_size = old_size;
    sim.panic_abort = panic_abort;
    ram_setup(ram_size);

    sim.tlb_entries = tlb_entries ? tlb_entries : SIM_TLB_DEFAULT;
    boot_layout();
    sim_set_cpus(1);
    sim.ttbr1 = sim.boot.kernel_l1;
    sim.dacr = 0x00000001u;
    clock_gettime(CLOCK_MONOTONIC, &sim.t0);
}

/* Fills *b with the layout above. */
void arch_boot_info(struct arch_boot *b)
{
    *b = sim.boot;
}

/* &ram[pa - base]; pa must be in RAM (unchecked, per arch.h). */
void *arch_phys_to_ptr(paddr_t pa)
{
    return sim.ram + (pa - SIM_RAM_BASE);
}

/* Copies the counters. */
void sim_get_stats(struct sim_stats *s)
{
    *s = sim.stats;
}

/* Sets DACR; the next access checks against it. */
void sim_set_dacr(u32 dacr)
{
    sim.dacr = dacr;
}

/* The running CPU's TTBR0 table and ASID. */
void sim_get_ttbr0(paddr_t *l1, u32 *asid)
{
    if (l1)
        *l1 = sim_cur()->ttbr0;
    if (asid)
        *asid = sim_cur()->asid;
}

/* ---- CPUs ------------------------------------------------------------------ */

/* See sim.h. */
void sim_set_cpus(u32 n)
{
    if (n < 1 || n > SIM_CPUS_MAX) {
        fprintf(stderr, "vmsim: bad CPU count %u\n", n);
        exit(2);
    }
    for (u32 c = 0; c < SIM_CPUS_MAX; c++) {
        sim.cpu[c].ttbr0 = 0;
        sim.cpu[c].asid = 0;
        sim.cpu[c].tlbiall = 0;
        tlb_reset(&sim.cpu[c].tlb, sim.tlb_entries);
    }
    sim.ncpus = n;
    sim.cur = 0;
    sim.boot.cpus = n;
}

/* See sim.h. */
void sim_set_cpu(u32 n)
{
    if (n < sim.ncpus)
        sim.cur = n;
}

/* See arch.h. */
u32 arch_cpu_id(void)
{
    return sim.cur;
}

/* See arch.h. The simulated CPUs share the host thread: the call is the
 * switch of the running CPU for its duration, so what CPU cpu does (its
 * TLB fills, its TTBR0) happens on it, and the order of steps is the
 * order of requests. */
int arch_cpu_call(u32 cpu, void (*fn)(void *), void *arg)
{
    u32 self = sim.cur;

    if (cpu >= sim.ncpus)
        return E_BAD_ARG;
    sim.cur = cpu;
    fn(arg);
    sim.cur = self;
    return 0;
}

/* Makes arch_panic abort() (on) or exit(70) (off). Survives sim_reset. */
void sim_panic_abort(bool on)
{
    sim.panic_abort = on;
}
