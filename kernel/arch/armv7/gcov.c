/*
 * gcov.c: coverage of the kernel itself, from QEMU runs (`make coverage`).
 *
 * Only in the coverage build (-DVMK_COVERAGE, objects compiled with
 * -fprofile-arcs -ftest-coverage -fprofile-info-section; this file is not
 * instrumented). The compiler puts a pointer to each object's gcov_info in
 * the section .gcov_info (build/cov-arm/vmk-cov.ld names its bounds);
 * libgcov's __gcov_info_to_gcda turns each into a .gcda stream, which goes
 * to the host through semihosting file operations (SYS_OPEN, SYS_WRITE,
 * SYS_CLOSE) into VMK_GCOV_DIR as <run>.<gcda path, '/' -> '#'>.
 * ci/gcda_merge.py adds up the runs and puts the sums beside the .gcno.
 *
 * <run> is a number no other run has taken: the first dump claims
 * VMK_GCOV_DIR/<run>.run (open for reading fails: free; then created).
 *
 * When: at exit, and before the `ready` line and before each final reply
 * line whose request reached code that no request of this run had reached
 * before (the rig may kill QEMU as soon as it has the reply, so that much
 * must be out before it). Which is known from the counters themselves:
 * vmk-cov.ld gathers them (-fdata-sections: .bss.__gcov0.*) between
 * __gcov_ctr_start and __gcov_ctr_end, and a bitmap remembers which were
 * non-zero at the last dump. Each dump writes the run's counters so far,
 * replacing the previous dump of the same run: the lines and branches a
 * killed run reached are all there, its counts may stop at its last dump.
 */
#ifdef VMK_COVERAGE
#include <gcov.h>

#include "arch.h"
#include "armv7.h"

#ifndef VMK_GCOV_DIR
#error "VMK_GCOV_DIR: where QEMU's host side writes the .gcda files"
#endif

#define SYS_OPEN   0x01
#define SYS_CLOSE  0x02
#define SYS_WRITE  0x05
#define MODE_R     0        /* "r"  */
#define MODE_WB    5        /* "wb" */

extern const struct gcov_info *const __gcov_info_start[];
extern const struct gcov_info *const __gcov_info_end[];
extern u32 __gcov_ctr_start[], __gcov_ctr_end[];   /* 64-bit counters */

#define MAX_COUNTERS (64 * 1024)
static u32 seen[MAX_COUNTERS / 32];     /* counter i non-zero at the last dump */

static u32 gcov_semihost(u32 op, const void *arg)
{
    register u32 r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;

    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static u32 slen(const char *s)
{
    u32 n = 0;
    while (s[n])
        n++;
    return n;
}

/* Appends s to buf at *n (keeping room for the NUL). */
static void put(char *buf, u32 size, u32 *n, const char *s)
{
    while (*s && *n + 1 < size)
        buf[(*n)++] = *s++;
    buf[*n] = '\0';
}

static void put_u32(char *buf, u32 size, u32 *n, u32 v)
{
    char d[11];
    int k = 0;
    do {
        d[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k && *n + 1 < size)
        buf[(*n)++] = d[--k];
    buf[*n] = '\0';
}

static s32 sh_open(const char *name, u32 mode)
{
    u32 block[3] = { (u32)name, mode, slen(name) };
    return (s32)gcov_semihost(SYS_OPEN, block);
}

static void sh_close(s32 fd)
{
    u32 block[1] = { (u32)fd };
    gcov_semihost(SYS_CLOSE, block);
}

static void sh_write(s32 fd, const void *p, u32 len)
{
    u32 block[3] = { (u32)fd, (u32)p, len };
    gcov_semihost(SYS_WRITE, block);
}

static s32 run_id = -1;
static bool dumping;

/* Claims a run number (see above); -1 if the directory is not there. */
static s32 claim_run(void)
{
    char name[256];
    u32 start = (u32)(arch_time_ns() % 1000000u);

    for (u32 i = 0; i < 100000u; i++) {
        u32 n = 0, id = (start + i) % 1000000u;
        put(name, sizeof(name), &n, VMK_GCOV_DIR "/");
        put_u32(name, sizeof(name), &n, id);
        put(name, sizeof(name), &n, ".run");
        s32 fd = sh_open(name, MODE_R);
        if (fd >= 0) {
            sh_close(fd);
            continue;
        }
        fd = sh_open(name, MODE_WB);
        if (fd < 0)
            return -1;
        sh_close(fd);
        return (s32)id;
    }
    return -1;
}

/* One object's stream, gathered here and written at once (the library
 * hands it over four bytes at a time). */
static u8 stream[96 * 1024];
static u32 stream_len;
static bool stream_full;
static char gcda_name[512];

static void on_filename(const char *name, void *arg)
{
    u32 n = 0;
    (void)arg;
    put(gcda_name, sizeof(gcda_name), &n, VMK_GCOV_DIR "/");
    put_u32(gcda_name, sizeof(gcda_name), &n, (u32)run_id);
    put(gcda_name, sizeof(gcda_name), &n, ".");
    for (const char *c = name ? name : "unknown.gcda"; *c && n + 1 < sizeof(gcda_name); c++)
        gcda_name[n++] = *c == '/' ? '#' : *c;
    gcda_name[n] = '\0';
}

static void on_data(const void *p, unsigned len, void *arg)
{
    (void)arg;
    if (stream_len + len > sizeof(stream)) {
        stream_full = true;
        return;
    }
    for (unsigned i = 0; i < len; i++)
        stream[stream_len + i] = ((const u8 *)p)[i];
    stream_len += len;
}

/* Only value-profiling counters ask for memory; -fprofile-arcs has none. */
static u8 pool[4096];
static u32 pool_used;

static void *on_allocate(unsigned len, void *arg)
{
    (void)arg;
    len = (len + 7u) & ~7u;
    if (pool_used + len > sizeof(pool))
        return 0;
    pool_used += len;
    return &pool[pool_used - len];
}

/* Writes every object's counters so far (see the top of the file). */
void vmk_gcov_dump(void)
{
    if (dumping)
        return;
    dumping = true;
    if (run_id < 0)
        run_id = claim_run();
    if (run_id >= 0) {
        for (const struct gcov_info *const *gi = __gcov_info_start; gi < __gcov_info_end; gi++) {
            stream_len = 0;
            stream_full = false;
            pool_used = 0;
            __gcov_info_to_gcda(*gi, on_filename, on_data, on_allocate, 0);
            if (stream_full)
                continue;       /* a truncated .gcda would poison the merge */
            s32 fd = sh_open(gcda_name, MODE_WB);
            if (fd >= 0) {
                sh_write(fd, stream, stream_len);
                sh_close(fd);
            }
        }
    }
    dumping = false;
}

/* True if a counter is non-zero that was zero at the last call (marks it). */
static bool new_hits(void)
{
    u32 n = (u32)(__gcov_ctr_end - __gcov_ctr_start) / 2;
    bool any = false;

    if (n > MAX_COUNTERS)
        return true;
    for (u32 i = 0; i < n; i++) {
        const u32 *c = &__gcov_ctr_start[2 * i];
        if ((c[0] | c[1]) && !(seen[i >> 5] & (1u << (i & 31)))) {
            seen[i >> 5] |= 1u << (i & 31);
            any = true;
        }
    }
    return any;
}

/* arch_write's hook: before a line a driver waits for (a final reply line
 * or `ready`), dumps if the run reached new code, so a driver that kills
 * QEMU once it has the line loses no line or branch. */
void vmk_gcov_before_write(const char *s, u32 n)
{
    if ((n >= 2 && s[0] == 'o' && s[1] == 'k') ||
        (n >= 3 && s[0] == 'e' && s[1] == 'r' && s[2] == 'r') ||
        (n >= 5 && s[0] == 'r' && s[1] == 'e' && s[2] == 'a' && s[3] == 'd' && s[4] == 'y'))
        if (new_hits())
            vmk_gcov_dump();
}
#endif /* VMK_COVERAGE */
