/*
 * console.c: the command channel of vmsim (stdin/stdout), its clock, and
 * the ways out (exit, panic).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "sim_priv.h"

/*
 * Input is read in blocks (read(2), not stdio) and output is buffered by
 * stdio; what was written goes out when the input runs dry, just before
 * the read that waits. A driver that sends one request and waits for its
 * final line gets it then (nothing after the final line is written before
 * the next read), and a piped script costs one write per block of replies
 * instead of one per line.
 *
 * The coverage build (-DVMK_COVERAGE, `make coverage`) also writes its
 * counters there: a target the rig kills while it waits for input has
 * already written all it ran.
 */
#ifdef VMK_COVERAGE
void __gcov_dump(void);
void __gcov_reset(void);
#endif

static unsigned char inbuf[1 << 16];
static u32 in_pos, in_len;

/* Next byte of stdin, or -1 at EOF (or on a read error). */
int arch_getc(void)
{
    if (in_pos == in_len) {
        ssize_t n;

        fflush(stdout);
#ifdef VMK_COVERAGE
        __gcov_dump();          /* adds to the .gcda files ... */
        __gcov_reset();         /* ... so count from zero again */
#endif
        do
            n = read(0, inbuf, sizeof(inbuf));
        while (n < 0 && errno == EINTR);
        if (n <= 0)
            return -1;
        in_pos = 0;
        in_len = (u32)n;
    }
    return inbuf[in_pos++];
}

/* Writes reply bytes; they go out before the next read that waits. */
void arch_write(const char *s, u32 n)
{
    fwrite(s, 1, n, stdout);
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
