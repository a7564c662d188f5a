/*
 * fuzz_console.h: the fuzz harnesses' console (fuzz_console.c): replies
 * captured in memory, input from a buffer, `exit` back to the harness.
 */
#ifndef VMK_FUZZ_CONSOLE_H
#define VMK_FUZZ_CONSOLE_H

#include <setjmp.h>
#include "arch.h"

#define FZ_OUT_MAX 16384u

/* Simulated RAM of the fuzz harnesses: SIM_RAM_TINY, so that the full
 * `check` (which visits every page) stays cheap at the end of each input. */
#ifndef FZ_RAM_BYTES
#define FZ_RAM_BYTES (4u << 20)
#endif

/* CPUs the fuzz harnesses boot the sim with (fuzz/boot.c); the op
 * harness runs each op on CPU (its byte 1 % FZ_CPUS) as `cpu <n> <request>`
 * (PROTOCOL 1.1 "Multiple CPUs"; CPU 0's requests unprefixed). 1..4. */
#ifndef FZ_CPUS
#define FZ_CPUS 2
#endif
#if FZ_CPUS < 1 || FZ_CPUS > 4
#error "FZ_CPUS: 1..4"
#endif

struct fz_console {
    char out[FZ_OUT_MAX];   /* reply bytes since the last clear, NUL-ended */
    u32  out_len;
    u32  last;              /* where the final line of out starts */
    bool dropped;           /* older lines of this reply were dropped */
    const u8 *in;           /* what arch_getc returns, then -1 */
    u32  in_len, in_pos;
    bool echo;              /* copy replies to stdout too */
    bool exit_armed;        /* arch_exit longjmps to exit_jmp */
    jmp_buf exit_jmp;
    int  exit_code;
    u64  ticks;
    void (*panic)(const char *why);   /* the harness's report, if set (it
                                         does not return) */
};

extern struct fz_console fz_con;

static inline void fz_out_clear(void)
{
    fz_con.out_len = 0;
    fz_con.last = 0;
    fz_con.dropped = false;
    fz_con.out[0] = '\0';
}

#endif
