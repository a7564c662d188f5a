/*
 * smp.c: the other CPUs. Boot brings them up through PSCI CPU_ON (the
 * conduit, hvc or smc, and the function id from the DTB's /psci node; the
 * target's MPIDR affinity from its /cpus/cpu@N `reg`); each enters
 * _secondary_start (start.S) at its physical address, turns its MMU on
 * with the kernel's TTBR1, takes its own stacks and waits here.
 *
 * Handoff, one mailbox per CPU (only CPU 0 posts):
 *
 *   CPU 0 (arch_cpu_call)              CPU n (smp_secondary_main)
 *   fn, arg; DMB; state = POSTED;      WFE until state == POSTED; DMB
 *   DSB; SEV                           fn(arg)
 *   WFE until state == DONE,           DMB; state = DONE; DSB; SEV
 *     meanwhile writing out lines
 *     CPU n leaves in `out`
 *
 * CPU 0 does nothing else while CPU n runs, so kernel code runs on one
 * CPU at a time: the mailbox is the lock, and its DMBs order everything
 * each side wrote before the flag against the other side's reads after
 * it. SEV/WFE cannot lose a wakeup: an SEV between a CPU's check and its
 * WFE sets the event register, and that WFE returns at once.
 *
 * Output of CPU n (arch_write, arch_exit) goes through `out` to CPU 0,
 * which owns the semihosting channel; CPU n waits until CPU 0 took each
 * chunk, so lines stay in order and a panic's line is out before the exit.
 */
#include "arch.h"
#include "armv7.h"

#define OUT_CHUNK 128

enum { MB_IDLE = 0, MB_POSTED = 1, MB_DONE = 2 };

struct mailbox {
    void (*volatile fn)(void *);
    void *volatile arg;
    volatile u32 state;
};

static struct mailbox mbox[ARCH_CPUS_MAX];
static volatile u32 online[ARCH_CPUS_MAX];
static u32 cpus_up = 1;

/* What the running secondary has for the channel: len bytes in buf (0 =
 * nothing), or an exit with code. */
static struct {
    volatile u32 len;
    volatile u32 exit;
    volatile int code;
    char buf[OUT_CHUNK];
} out;

/* Stacks of CPUs 1..ARCH_CPUS_MAX-1: SMP_STACKS bytes each, the layout
 * start.S expects (armv7.h). In .bss: CPU 0 clears it before any other
 * CPU starts. */
u8 smp_stacks[(ARCH_CPUS_MAX - 1) * SMP_STACKS] __attribute__((aligned(16)));

#define dmb_ish() __asm__ volatile("dmb ish" : : : "memory")
#define sev()     __asm__ volatile("sev" : : : "memory")
#define wfe()     __asm__ volatile("wfe" : : : "memory")

/* One PSCI call by the conduit; returns r0 (0 = SUCCESS, negative error). */
BOOT_TEXT static s32 psci_call(u32 method, u32 fn, u32 a1, u32 a2, u32 a3)
{
    register u32 r0 __asm__("r0") = fn;
    register u32 r1 __asm__("r1") = a1;
    register u32 r2 __asm__("r2") = a2;
    register u32 r3 __asm__("r3") = a3;

    if (method == PSCI_HVC)
        __asm__ volatile(".arch_extension virt\n\thvc #0"
                         : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "memory");
    else
        __asm__ volatile(".arch_extension sec\n\tsmc #0"
                         : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "memory");
    return (s32)r0;
}

/* Boot only. Waits up to about two seconds for CPU c to say it runs. */
BOOT_TEXT static bool wait_online(u32 c)
{
    u64 t0 = arch_time_ns();

    for (u32 spins = 0; spins < 50000000u; spins++) {
        if (online[c])
            return true;
        if ((spins & 0xfff) == 0 && arch_time_ns() - t0 > 2000000000ull)
            break;
    }
    return online[c] != 0;
}

/* See armv7.h. CPUs start in order; the first that does not (CPU_ON
 * refused, or silent) ends the list, so the running ones are 0..n-1. */
BOOT_TEXT u32 smp_boot(const struct fdt_info *fi)
{
    u32 want = fi->cpus > ARCH_CPUS_MAX ? ARCH_CPUS_MAX : fi->cpus;
    paddr_t entry = (paddr_t)_secondary_start - PV_OFFSET;

    online[0] = 1;
    if (fi->psci_method == PSCI_NONE)
        return cpus_up;
    for (u32 c = 1; c < want; c++) {
        if (psci_call(fi->psci_method, fi->psci_cpu_on, fi->cpu_mpidr[c],
                      entry, c) != 0 || !wait_online(c))
            break;
        cpus_up++;
    }
    return cpus_up;
}

/* See armv7.h. Says it runs, then serves its mailbox forever. */
void smp_secondary_main(u32 cpu)
{
    struct mailbox *m = &mbox[cpu];

    online[cpu] = 1;
    dsb(ish);                   /* the flag is out before the event */
    sev();
    for (;;) {
        while (m->state != MB_POSTED)
            wfe();
        dmb_ish();              /* read fn and arg after the flag */
        m->fn(m->arg);
        dmb_ish();              /* everything fn wrote before DONE */
        m->state = MB_DONE;
        dsb(ish);               /* DONE is out before the event */
        sev();
    }
}

/* See arch.h. */
u32 arch_cpu_id(void)
{
    return cp15_read(CP_TPIDRPRW);
}

/* See arch.h. */
int arch_cpu_call(u32 cpu, void (*fn)(void *), void *arg)
{
    struct mailbox *m;

    if (cpu == arch_cpu_id()) {
        fn(arg);
        return 0;
    }
    if (cpu >= cpus_up || arch_cpu_id() != 0)
        return E_BAD_ARG;
    m = &mbox[cpu];
    m->fn = fn;
    m->arg = arg;
    dmb_ish();                  /* fn, arg and all we wrote before POSTED */
    m->state = MB_POSTED;
    dsb(ish);                   /* POSTED is out before the event */
    sev();
    for (;;) {
        if (out.len) {
            dmb_ish();          /* read buf after len */
            semihost_write(out.buf, out.len);
            dmb_ish();          /* done with buf before it is reused */
            out.len = 0;
            dsb(ish);
            sev();
            continue;
        }
        if (out.exit)
            arch_exit(out.code);
        if (m->state == MB_DONE)
            break;
        wfe();
    }
    dmb_ish();                  /* read what fn wrote after DONE */
    m->state = MB_IDLE;
    return 0;
}

/* See armv7.h. */
void smp_forward_write(const char *s, u32 n)
{
    while (n) {
        u32 k = n < OUT_CHUNK ? n : OUT_CHUNK;
        for (u32 i = 0; i < k; i++)
            out.buf[i] = s[i];
        dmb_ish();              /* the bytes before the length */
        out.len = k;
        dsb(ish);
        sev();
        while (out.len)         /* CPU 0 took it */
            wfe();
        s += k;
        n -= k;
    }
}

/* See armv7.h. */
void smp_forward_exit(int code)
{
    out.code = code;
    dmb_ish();                  /* the code before the flag */
    out.exit = 1;
    dsb(ish);
    sev();
    for (;;)
        wfe();
}
