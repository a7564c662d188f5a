/*
 * test_tlb_conflict.c: vmsim's TLB conflict detector (tlb_conflict.c).
 * Each case runs in a child process, since a conflict ends the run the
 * way an unexpected abort does: `! tlb_conflict …`, `! panic
 * reason=tlb_conflict …`, exit status 70. The same steps with the
 * maintenance the architecture asks for must run to the end.
 *
 * Descriptors are written by hand (ARM ARM formats), as in test_sim.c:
 *   0x40200000 L1 of A (ASID 1)  0x40202000 L1 of B (ASID 2)
 *   0x40204000 L2 table T1       0x40400000 1M frame
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sim.h"
#include "unit.h"

#define L1A 0x40200000u
#define L1B 0x40202000u
#define T1  0x40204000u
#define F1M 0x40400000u
#define MEM_NORMAL_L1 ((1u << 12) | (1u << 3) | (1u << 2))  /* TEX=001 C B */

static u32 d_section(paddr_t pa, bool ng)
{
    return pa | (u32)ng << 17 | MEM_NORMAL_L1 | 3u << 10 | 2u;
}
static u32 d_small(paddr_t pa, bool ng)
{
    return pa | (u32)ng << 11 | 1u << 6 | 3u << 4 | 0xcu | 2u;
}
static void put(paddr_t pa, u32 v) { memcpy(arch_phys_to_ptr(pa), &v, 4); }
static void l1(paddr_t t, vaddr_t va, u32 d) { put(t + (va >> 20) * 4, d); }
static void l2(paddr_t t, vaddr_t va, u32 d) { put(t + ((va >> 12) & 0xff) * 4, d); }
static void load(vaddr_t va)
{
    struct arch_fault f;
    u32 v;
    arch_load32(va, false, &v, &f);
}

/* Runs steps(fix) in a child; its exit status, and whether its output
 * had the event line. */
static int run(void (*steps)(bool fix), bool fix, bool *event)
{
    int fd[2], status = -1;
    char buf[512] = { 0 };
    pid_t pid;
    ssize_t n, got = 0;

    if (pipe(fd))
        return -1;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        sim_reset(0, 0);
        arch_switch_ttbr0(L1A, 1);
        steps(fix);
        fflush(stdout);
        _exit(0);
    }
    close(fd[1]);
    while ((n = read(fd[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0)
        got += n;
    close(fd[0]);
    waitpid(pid, &status, 0);
    *event = strstr(buf, "! tlb_conflict va=") && strstr(buf, "! panic reason=tlb_conflict");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A VA global in A and private in B: B's lookup hits A's global entry
 * while B's tables hold a non-global leaf for it. */
static void global_beside_private(bool fix)
{
    l1(L1A, 0x00700000u, d_section(F1M, false));
    l1(L1B, 0x00700000u, d_section(F1M, true));
    load(0x00700010u);
    arch_switch_ttbr0(L1B, 2);
    if (fix)                          /* the VA stops being global */
        arch_tlb_flush_va_all_asids(0x00700000u);
    load(0x00700010u);
}

/* A cached section split into a table of 4K pages without the break
 * (no invalidation between the old entry and the new table). */
static void split_without_bbm(bool fix)
{
    l1(L1A, 0x00600000u, d_section(F1M, true));
    load(0x00600000u);
    for (u32 i = 0; i < 256; i++)
        l2(T1, 0x00600000u + i * SZ_4K, d_small(F1M + i * SZ_4K, true));
    if (fix) {
        l1(L1A, 0x00600000u, 0);
        arch_tlb_flush_va(0x00600000u, 1);
    }
    l1(L1A, 0x00600000u, T1 | 1u);
    load(0x00601000u);
}

/* A cached section merged into a supersection without the break: the
 * supersection's fill (at another megabyte of it) overlaps the section
 * still cached. */
static void merge_without_bbm(bool fix)
{
    l1(L1A, 0x00600000u, d_section(F1M, true));
    load(0x00600000u);
    for (u32 i = 0; i < 16; i++)
        l1(L1A, i * SZ_1M, d_section(0x41000000u, true) | 1u << 18);
    if (fix)
        arch_tlb_flush_va(0x00600000u, 1);
    load(0x00100000u);
}

static void expect_conflict(void (*steps)(bool))
{
    bool ev = false;
    EXPECT_EQ(run(steps, false, &ev), 70);
    EXPECT(ev);
    EXPECT_EQ(run(steps, true, &ev), 0);
    EXPECT(!ev);
}

TEST(global_and_non_global_for_one_va) { expect_conflict(global_beside_private); }
TEST(section_and_page_after_split)     { expect_conflict(split_without_bbm); }
TEST(page_and_section_after_merge)     { expect_conflict(merge_without_bbm); }

int main(void)
{
    RUN(global_and_non_global_for_one_va);
    RUN(section_and_page_after_split);
    RUN(page_and_section_after_merge);
    return unit_report();
}
