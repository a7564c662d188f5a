/*
 * harness_line.c: the second harness: raw request bytes into the command
 * layer's own line reader, parser and dispatcher (kernel/cmd/main.c's
 * kmain, reading through arch_getc), from the booted state.
 *
 * Oracles: no crash, hang or sanitizer report; every byte the kernel
 * writes is a protocol line (ready, ok, err, "- ", "! "); no more final
 * lines than the input has line ends plus one; `check` holds afterwards.
 * `exit` and the end of input come back here (fuzz_console.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "fuzz_console.h"
#include "mm.h"
#include "sim.h"

void kmain(void);

static void fail(const char *why)
{
    fprintf(stderr, "# FINDING oracle=line: %s\n# output: %.2000s\n", why, fz_con.out);
    abort();
}

static void run(const unsigned char *data, u32 size)
{
    volatile u32 ends = 1;
    for (u32 i = 0; i < size; i++)
        ends += data[i] == '\n' || data[i] == '\r';
    static int taken;
    if (!taken) {
        sim_reset(FZ_RAM_BYTES, 64);
        sim_snapshot_take();
        taken = 1;
    } else {
        sim_snapshot_restore();
    }
    fz_out_clear();
    fz_con.in = data;
    fz_con.in_len = size;
    fz_con.in_pos = 0;
    fz_con.exit_armed = true;
    if (!setjmp(fz_con.exit_jmp))
        kmain();                     /* returns only through arch_exit */
    fz_con.exit_armed = false;
    u32 finals = 0;
    for (const char *p = fz_con.out; *p; ) {
        if (!strncmp(p, "ok", 2) || !strncmp(p, "err ", 4))
            finals++;
        else if (strncmp(p, "- ", 2) && strncmp(p, "! ", 2) && strncmp(p, "ready ", 6))
            fail("a line that is not a reply line");
        p = strchr(p, '\n');
        if (!p)
            fail("output does not end with a line end");
        p++;
    }
    if (!fz_con.dropped && finals > ends)
        fail("more final lines than requests");
    fz_out_clear();
    char line[] = "check";
    cmd_dispatch(line);
    if (strncmp(fz_con.out, "ok", 2))
        fail("check fails after the input");
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
int main(void)
{
    sim_panic_abort(1);
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(100000))
        run(buf, (u32)__AFL_FUZZ_TESTCASE_LEN);
    return 0;
}
#else
int main(int argc, char **argv)
{
    static unsigned char buf[1 << 16];
    sim_panic_abort(1);
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); return 2; }
        u32 n = (u32)fread(buf, 1, sizeof buf, f);
        fclose(f);
        run(buf, n);
    }
    printf("fuzz_line_replay: %d inputs replayed, no finding\n", argc - 1);
    return 0;
}
#endif
