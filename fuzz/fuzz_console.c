/*
 * fuzz_console.c: the command channel of the fuzz harnesses, in place of
 * kernel/arch/host/console.c (the harness links every host file but that
 * one). Replies go to a memory buffer instead of stdout, so a harness reads
 * each reply of cmd_dispatch without stdio or a pipe; input bytes come from
 * a buffer the harness sets; `exit` and the end of input jump back into the
 * harness instead of ending the process; a panic aborts (a crash for AFL++).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_console.h"

struct fz_console fz_con;

/* Next input byte, -1 at the end. */
int arch_getc(void)
{
    if (fz_con.in_pos < fz_con.in_len)
        return fz_con.in[fz_con.in_pos++];
    return -1;
}

/* Appends one reply line to the capture buffer (and stdout with echo). A
 * reply longer than the buffer (many event lines) keeps its newest lines,
 * with `dropped` set: the final line is always there. Each write is one
 * whole line (arch.h; out_end is the only writer), so the final line
 * starts where this write does: no scan of the text for its '\n'. */
void arch_write(const char *s, u32 n)
{
    u32 room = FZ_OUT_MAX - 1 - fz_con.out_len;

    if (fz_con.echo)
        fwrite(s, 1, n, stdout);
    if (n > room) {           /* keep the newest lines: the final one matters */
        fz_con.out_len = 0;
        fz_con.dropped = true;
        room = FZ_OUT_MAX - 1;
        if (n > room)
            n = room;
    }
    fz_con.last = fz_con.out_len;
    memcpy(fz_con.out + fz_con.out_len, s, n);
    fz_con.out_len += n;
    fz_con.out[fz_con.out_len] = '\0';
}

/* `exit` and kmain's end of input: back to the harness if it armed the
 * jump, else a normal exit. */
void arch_exit(int code)
{
    fz_con.exit_code = code & 0xff;
    if (fz_con.exit_armed)
        longjmp(fz_con.exit_jmp, 1);
    fflush(stdout);
    exit(code & 0xff);
}

/* A deterministic clock: one microsecond per call (no syscall per access,
 * and the same input always takes the same "time"). */
u64 arch_time_ns(void)
{
    return ++fz_con.ticks * 1000u;
}

/* A kernel panic is a finding: print it and abort. */
void arch_panic(const char *why)
{
    if (fz_con.panic)
        fz_con.panic(why ? why : "unknown");
    fprintf(stderr, "# FINDING oracle=panic: %s\n", why ? why : "unknown");
    fflush(stdout);
    abort();
}
