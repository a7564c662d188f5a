/*
 * semihost.c: the command channel and the clock over ARM semihosting
 * (`svc 0x123456` in ARM state, r0 = operation, r1 = argument; QEMU with
 * -semihosting-config enable=on,target=native[,chardev=ID]).
 *
 *   output  SYS_WRITE0 of whole lines (NUL-terminated copies)
 *   input   SYS_READC, with QEMU 7.2's workaround (see arch_getc)
 *   exit    SYS_EXIT_EXTENDED {ADP_Stopped_ApplicationExit, code}
 *   clock   SYS_ELAPSED ticks, SYS_TICKFREQ ticks per second
 */
#include "arch.h"
#include "armv7.h"

#define SYS_WRITEC         0x03
#define SYS_WRITE0         0x04
#define SYS_READC          0x07
#define SYS_EXIT           0x18
#define SYS_EXIT_EXTENDED  0x20
#define SYS_ELAPSED        0x30
#define SYS_TICKFREQ       0x31
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

#ifdef VMK_COVERAGE
void vmk_gcov_dump(void);
void vmk_gcov_before_write(const char *s, u32 n);
#endif

#define WRITE_CHUNK 128   /* bytes per SYS_WRITE0, NUL included */

/* One semihosting call; returns r0. */
static u32 semihost(u32 op, const void *arg)
{
    register u32 r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;

    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* See arch.h. QEMU 7.2 returns the *previous* character from SYS_READC;
 * the one just read is the byte it stored at [sp - 1] (the bottom of the
 * caller's stack), so we take it from there, in the same asm statement so
 * that sp cannot move in between. A negative r0 is an error: -1. */
int arch_getc(void)
{
    register s32 r0 __asm__("r0") = SYS_READC;
    register u32 r1 __asm__("r1") = 0;

    __asm__ volatile("svc 0x123456\n\t"
                     "cmp r0, #0\n\t"
                     "ldrgeb r0, [sp, #-1]"   /* gcc's inline asm is divided syntax */
                     : "+r"(r0) : "r"(r1) : "memory", "cc");
    return r0 < 0 ? -1 : r0;
}

/* See arch.h. Only CPU 0 talks to the channel: another CPU's bytes go
 * to CPU 0 first (smp.c), which writes them here. */
void arch_write(const char *s, u32 n)
{
    if (arch_cpu_id() != 0)
        smp_forward_write(s, n);
    else
        semihost_write(s, n);
}

/* See armv7.h. Copies s into NUL-terminated chunks for SYS_WRITE0; a NUL
 * byte in s (which WRITE0 cannot carry) goes out by SYS_WRITEC. */
void semihost_write(const char *s, u32 n)
{
    char buf[WRITE_CHUNK];
    u32 k = 0;

#ifdef VMK_COVERAGE
    vmk_gcov_before_write(s, n);    /* coverage build: counters out first (gcov.c) */
#endif

    for (u32 i = 0; i < n; i++) {
        if (s[i] != '\0')
            buf[k++] = s[i];
        if (k == WRITE_CHUNK - 1 || s[i] == '\0' || i + 1 == n) {
            buf[k] = '\0';
            if (k)
                semihost(SYS_WRITE0, buf);
            k = 0;
        }
        if (s[i] == '\0')
            semihost(SYS_WRITEC, &s[i]);
    }
}

/* See arch.h. QEMU exits with code & 0xff. */
void arch_exit(int code)
{
    u32 block[2] = { ADP_STOPPED_APPLICATION_EXIT, (u32)code & 0xff };

    if (arch_cpu_id() != 0)
        smp_forward_exit(code);     /* CPU 0 exits for us */
#ifdef VMK_COVERAGE
    vmk_gcov_dump();                /* coverage build: the counters, before QEMU exits */
#endif

    semihost(SYS_EXIT_EXTENDED, block);
    semihost(SYS_EXIT, (const void *)ADP_STOPPED_APPLICATION_EXIT);
    for (;;)                    /* semihosting refused to exit */
        __asm__ volatile("wfi");
}

/* Ticks per second of SYS_ELAPSED (QEMU: 1e9), asked once. */
static u32 tick_freq(void)
{
    static u32 freq;

    if (!freq) {
        s32 f = (s32)semihost(SYS_TICKFREQ, 0);
        freq = f > 0 ? (u32)f : 1000000000u;
    }
    return freq;
}

/* See arch.h. 0 if the host cannot tell. */
u64 arch_time_ns(void)
{
    u32 t[2];
    u64 ticks, f;

    if (semihost(SYS_ELAPSED, t) != 0)
        return 0;
    ticks = t[0] | (u64)t[1] << 32;
    f = tick_freq();
    if (f == 1000000000u)
        return ticks;
    return ticks / f * 1000000000u + ticks % f * 1000000000u / f;
}
