/*
 * console.c: the command channel of vmsim (stdin/stdout), its clock, and
 * the ways out (exit, panic).
 */
#include <stdio.h>
#include <stdlib.h>
#include "sim_priv.h"

/* Next byte of stdin, or -1 at EOF (or on a read error). */
int arch_getc(void)
{
    int c = getchar();

    return c == EOF ? -1 : c;
}

/* Writes one reply line and flushes it: the rig waits for each line. */
void arch_write(const char *s, u32 n)
{
    fwrite(s, 1, n, stdout);
    fflush(stdout);
}

/* Flushes stdout and exits with code & 0xff. */
void arch_exit(int code)
{
    fflush(stdout);
    exit(code & 0xff);
}

/* Nanoseconds of CLOCK_MONOTONIC since sim_reset. */
u64 arch_time_ns(void)
{
    struct timespec now;
    s64 ns;

    clock_gettime(CLOCK_MONOTONIC, &now);
    ns = (s64)(now.tv_sec - sim.t0.tv_sec) * 1000000000 +
         (now.tv_nsec - sim.t0.tv_nsec);
    return ns < 0 ? 0 : (u64)ns;
}

/* Prints `! panic reason=<why>` with the registers the simulator has, then
 * exits 70 (or aborts, after sim_panic_abort(true)). */
void arch_panic(const char *why)
{
    printf("! panic reason=%s ttbr0=0x%x ttbr1=0x%x asid=%u dacr=0x%x\n",
           why ? why : "unknown", sim_cur()->ttbr0, sim.ttbr1,
           sim_cur()->asid, sim.dacr);
    fflush(stdout);
    if (sim.panic_abort)
        abort();
    exit(70);
}
