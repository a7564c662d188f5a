/*
 * test_sim.c: unit tests of the host simulator's walker and TLB, with
 * descriptors written by hand (from the ARM ARM formats, not through
 * kernel/mm) in simulated RAM above kernel_end.
 *
 *   0x40200000  L1 of address space A (ASID 1)    0x40204000  L2 table T1
 *   0x40202000  L1 of address space B (ASID 2)    0x40204400  L2 table T2
 *   0x40300000+ 4K frames  0x40310000 64K frame  0x40400000 1M frame
 *   0x41000000  16M frame
 */
#include <string.h>
#include "sim.h"
#include "sim_priv.h"   /* the walk cache's valid bits */
#include "unit.h"

#define L1A 0x40200000u
#define L1B 0x40202000u
#define T1  0x40204000u
#define T2  0x40204400u
#define FA  0x40300000u
#define FB  0x40301000u
#define FC  0x40302000u
#define F64 0x40310000u
#define F1M 0x40400000u
#define F16 0x41000000u

/* ---- hand-made descriptors (ARM ARM B3.5.1) ---- */
#define MEM_NORMAL_L1 ((1u << 12) | (1u << 3) | (1u << 2))  /* TEX=001 C B */

static u32 d_section(paddr_t pa, u32 ap, bool xn, bool ng, u32 dom)
{
    return pa | (ap >> 2) << 15 | (u32)ng << 17 | MEM_NORMAL_L1 |
           (ap & 3) << 10 | dom << 5 | (u32)xn << 4 | 2u;
}
static u32 d_super(paddr_t pa, u32 ap, bool xn, bool ng)
{
    return d_section(pa, ap, xn, ng, 0) | 1u << 18;
}
static u32 d_table(paddr_t l2, u32 dom) { return l2 | dom << 5 | 1u; }

static u32 d_small(paddr_t pa, u32 ap, bool xn, bool ng)
{
    return pa | (u32)ng << 11 | (ap >> 2) << 9 | 1u << 6 | (ap & 3) << 4 |
           0xcu | 2u | (u32)xn;
}
static u32 d_large(paddr_t pa, u32 ap, bool xn, bool ng)
{
    return pa | (u32)xn << 15 | 1u << 12 | (u32)ng << 11 | (ap >> 2) << 9 |
           (ap & 3) << 4 | 0xcu | 1u;
}

static void put(paddr_t pa, u32 v) { memcpy(arch_phys_to_ptr(pa), &v, 4); }
static u32 get(paddr_t pa) { u32 v; memcpy(&v, arch_phys_to_ptr(pa), 4); return v; }
static void l1(paddr_t t, vaddr_t va, u32 d) { put(t + (va >> 20) * 4, d); }
static void l2(paddr_t t, vaddr_t va, u32 d) { put(t + ((va >> 12) & 0xff) * 4, d); }

/* ---- accesses: 0 on success, else the fsr ---- */
static struct arch_fault flt;
static u32 ld(vaddr_t va, bool user, u32 *v)
{
    u32 dummy;
    memset(&flt, 0xee, sizeof flt);
    return arch_load32(va, user, v ? v : &dummy, &flt) ? flt.fsr : 0;
}
static u32 val(vaddr_t va)
{
    u32 v = 0xdeadbeef;
    EXPECT_EQ(ld(va, false, &v), 0);
    return v;
}
static u32 st(vaddr_t va, u32 v, bool user)
{
    memset(&flt, 0xee, sizeof flt);
    return arch_store32(va, v, user, &flt) ? flt.fsr : 0;
}
static u32 ex(vaddr_t va)
{
    u32 r0 = 0x1234;
    memset(&flt, 0xee, sizeof flt);
    if (arch_exec(va, &r0, &flt))
        return flt.fsr;
    EXPECT_EQ(r0, 0);
    return 0;
}
static u32 hw(vaddr_t va, bool user, bool write, paddr_t *pa)
{
    u32 fsr = 0;
    paddr_t p;
    return arch_hw_translate(va, user, write, pa ? pa : &p, &fsr) ? fsr : 0;
}

static struct arch_boot boot;
static void setup(u32 tlb)
{
    sim_reset(0, tlb);
    arch_boot_info(&boot);
    arch_switch_ttbr0(L1A, 1);
}

/* ---- tests ---- */

TEST(boot_layout)
{
    setup(0);
    EXPECT_EQ(boot.ram_base, 0x40000000u);
    EXPECT_EQ(boot.ram_size, SIM_RAM_DEFAULT);
    EXPECT_EQ(boot.cpus, 1);
    EXPECT(ALIGNED(boot.kernel_l1, 0x4000u) && boot.kernel_l1 >= 0x40100000u);
    EXPECT(boot.vectors_pa + PAGE_SIZE <= boot.kernel_end);
    EXPECT(boot.kernel_end < L1A);
    EXPECT_EQ(val(0x80000000u), 0xedfe0dd0u);          /* FDT magic, LE load */
    put(0x4fffff00u, 0x5a5a);
    EXPECT_EQ(val(0x8fffff00u), 0x5a5a);                /* direct map, last MB */
    EXPECT_EQ(ld(0x90000000u, false, NULL), 0x5);       /* past RAM */
    EXPECT_EQ(ld(0x80001000u, true, NULL), 0xd);        /* privileged only */
    EXPECT_EQ(flt.user, 1);
    EXPECT_EQ(ld(VECTORS_VA, false, NULL), 0x5);        /* the core maps it */
    EXPECT_EQ(hw(0x80123454u, false, true, NULL), 0);
}

TEST(page_sizes)
{
    paddr_t pa;
    setup(0);
    l1(L1A, 0x00000000u, d_table(T1, 0));
    l2(T1, 0x00001000u, d_small(FA, 3, false, true));
    for (u32 i = 0; i < 16; i++)
        l2(T1, 0x00010000u + i * SZ_4K, d_large(F64, 3, false, true));
    l1(L1A, 0x00400000u, d_section(F1M, 3, false, true, 0));
    for (u32 i = 0; i < 16; i++)                        /* bits 8:5 = PA[39:36] */
        l1(L1A, 0x01000000u + i * SZ_1M, d_super(F16, 3, false, true) | 0x1e0);
    put(FA + 0x10, 1); put(F64 + 0x5678, 2); put(F1M + 0x12344, 3);
    put(F16 + 0x234568, 4);
    EXPECT_EQ(val(0x00001010u), 1);
    EXPECT_EQ(val(0x00015678u), 2);
    EXPECT_EQ(val(0x00412344u), 3);
    EXPECT_EQ(val(0x01234568u), 4);
    EXPECT_EQ(hw(0x0001fffcu, false, false, &pa), 0);
    EXPECT_EQ(pa, F64 + 0xfffc);
    EXPECT_EQ(hw(0x01fffffcu, true, true, &pa), 0);
    EXPECT_EQ(pa, F16 + 0xfffffc);
    EXPECT_EQ(st(0x00001014u, 0x77, true), 0);
    EXPECT_EQ(get(FA + 0x14), 0x77);

    struct sim_stats a, b;                              /* one entry per page */
    sim_get_stats(&a);
    val(0x0001f000u); val(0x00400000u); val(0x01ff0000u);
    sim_get_stats(&b);
    EXPECT_EQ(b.tlb_misses - a.tlb_misses, 0);
    EXPECT_EQ(b.tlb_hits - a.tlb_hits, 3);
}

/* Privileged read/write, user read/write granted by AP[2:0] (AFE = 0). */
static const u8 grants[8][4] = {
    {0, 0, 0, 0}, {1, 1, 0, 0}, {1, 1, 1, 0}, {1, 1, 1, 1},
    {0, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 1, 0}, {1, 0, 1, 0},
};

TEST(ap_table)
{
    setup(0);
    l1(L1A, 0x10000000u, d_table(T1, 0));
    for (u32 ap = 0; ap < 8; ap++) {
        vaddr_t sec = (ap + 1) << 20, page = 0x10000000u + ap * SZ_4K;
        l1(L1A, sec, d_section(F1M, ap, false, true, 0));
        l2(T1, page, d_small(FA, ap, false, true));
        for (u32 k = 0; k < 4; k++) {
            bool user = k >= 2, write = k & 1;
            u32 ps = grants[ap][k] ? 0 : 0xd, pp = grants[ap][k] ? 0 : 0xf;
            u32 w = write ? 0x800 : 0;
            EXPECT_EQ(write ? st(sec, 0, user) : ld(sec, user, NULL),
                      ps ? ps | w : 0);
            EXPECT_EQ(write ? st(page, 0, user) : ld(page, user, NULL),
                      pp ? pp | w : 0);
            EXPECT_EQ(hw(sec, user, write, NULL), ps);
            EXPECT_EQ(hw(page, user, write, NULL), pp);
        }
        EXPECT_EQ(ex(sec), grants[ap][0] ? 0 : 0xd);   /* fetch needs read */
        /* arch_hw_access: the four verdicts at once, as the mask */
        u32 mask = 0, fsr = 0x55;
        paddr_t pa = 0;
        for (u32 k = 0; k < 4; k++)
            mask |= (u32)grants[ap][k] << k;
        EXPECT_EQ(arch_hw_access(page + 0x10, &pa, &fsr), mask);
        EXPECT_EQ(grants[ap][0] ? pa : fsr, grants[ap][0] ? FA + 0x10 : 0xf);
        EXPECT_EQ(arch_hw_access(sec + 0x12344, &pa, &fsr), mask);
        EXPECT_EQ(grants[ap][0] ? pa : fsr, grants[ap][0] ? F1M + 0x12344 : 0xd);
    }
    /* arch_hw_access_run: the same masks and frames, page by page, over
     * the eight pages of the table and one it lacks, and in a section */
    struct sim_stats a, b;
    u32 m[9];
    paddr_t pas[9];
    sim_get_stats(&a);
    arch_hw_access_run(0x10000000u, 9, m, pas);
    sim_get_stats(&b);
    EXPECT_EQ(b.walks - a.walks, 9);
    for (u32 i = 0; i < 9; i++) {
        paddr_t pa = 0;
        EXPECT_EQ(m[i], arch_hw_access(0x10000000u + i * SZ_4K, &pa, NULL));
        EXPECT(!(m[i] & HW_PRIV_R) || pas[i] == pa);
    }
    arch_hw_access_run((4u << 20) + SZ_4K, 2, m, pas);      /* AP 3 */
    EXPECT(m[0] == 0xf && m[1] == 0xf);
    EXPECT(pas[0] == F1M + SZ_4K && pas[1] == F1M + 2 * SZ_4K);
}

TEST(xn_and_exec)
{
    setup(0);
    l1(L1A, 0x00000000u, d_table(T1, 0));
    l2(T1, 0x00001000u, d_small(FA, 3, true, true));
    l2(T1, 0x00002000u, d_small(FB, 5, false, true));
    for (u32 i = 0; i < 16; i++)
        l2(T1, 0x00010000u + i * SZ_4K, d_large(F64, 3, true, true));
    l1(L1A, 0x00400000u, d_section(F1M, 3, true, true, 0));
    EXPECT_EQ(ex(0x00001000u), 0xf);
    EXPECT(flt.kind == FAULT_PREFETCH && flt.access == ACCESS_EXEC);
    EXPECT(flt.user == 0 && flt.va == 0x00001000u);
    EXPECT_EQ(ex(0x00018000u), 0xf);
    EXPECT_EQ(ex(0x00400100u), 0xd);
    EXPECT_EQ(ld(0x00001000u, true, NULL), 0);          /* XN is fetch only */
    EXPECT_EQ(ex(0x00002000u), 0);                      /* privileged RO: ok */
    EXPECT_EQ(ex(0x00002001u), 0);                      /* Thumb */
    EXPECT_EQ(ex(0x00002002u), 0x1);                    /* ARM, misaligned */
    EXPECT_EQ(ex(0x00003000u), 0x7);
    EXPECT_EQ(flt.kind, FAULT_PREFETCH);
    EXPECT_EQ(ex(0x80000000u), 0);                      /* direct map */
}

TEST(domains)
{
    setup(0);
    l1(L1A, 0x00000000u, d_table(T1, 3));               /* DACR: domain 3 none */
    l2(T1, 0x00001000u, d_small(FA, 3, false, true));
    l1(L1A, 0x00400000u, d_section(F1M, 0, true, true, 2));
    EXPECT_EQ(ld(0x00001000u, false, NULL), 0xb);
    EXPECT_EQ(ld(0x00002000u, false, NULL), 0x7);       /* translation first */
    EXPECT_EQ(st(0x00400000u, 1, true), 0x809);
    EXPECT(flt.kind == FAULT_DATA && flt.access == ACCESS_WRITE);
    EXPECT_EQ(ex(0x00400000u), 0x9);
    EXPECT_EQ(hw(0x00001000u, false, false, NULL), 0xb);
    u32 fsr = 0;
    paddr_t pa = 0;
    EXPECT_EQ(arch_hw_access(0x00001000u, &pa, &fsr), 0);   /* no access */
    EXPECT_EQ(fsr, 0xb);

    sim_set_dacr(1u | 3u << 4);                         /* domain 2 manager */
    EXPECT_EQ(st(0x00400000u, 5, true), 0);             /* AP=000 ignored */
    EXPECT_EQ(get(F1M), 5);
    EXPECT_EQ(ex(0x00400000u), 0);                      /* XN ignored too */
    EXPECT_EQ(arch_hw_access(0x00400010u, &pa, &fsr), 0xfu);
    EXPECT_EQ(pa, F1M + 0x10);
    sim_set_dacr(1u | 2u << 4);                         /* 10: reserved */
    EXPECT_EQ(ld(0x00400000u, false, NULL), 0x9);
    sim_set_dacr(1u | 1u << 6);                         /* domain 3 client */
    EXPECT_EQ(ld(0x00001000u, true, NULL), 0);          /* same TLB entry */
}

TEST(translation_faults)
{
    setup(0);
    l1(L1A, 0x00000000u, d_table(T1, 0));
    l2(T1, 0x00001000u, d_small(FA, 3, false, true));
    l1(L1A, 0x00100000u, d_section(F1M, 3, false, true, 0) | 3u);  /* 11 */
    l1(L1A, 0x00200000u, d_table(0x10000000u, 0));     /* L2 not in RAM */
    EXPECT_EQ(ld(0x00300000u, false, NULL), 0x5);
    EXPECT_EQ(flt.va, 0x00300000u);
    EXPECT_EQ(ld(0x00005000u, false, NULL), 0x7);
    EXPECT_EQ(ld(0x00100000u, false, NULL), 0x5);
    EXPECT_EQ(ld(0x00200000u, false, NULL), 0xe);
    EXPECT_EQ(ld(0x00001002u, false, NULL), 0x1);
    EXPECT_EQ(st(0x00001002u, 0, true), 0x801);
    EXPECT_EQ(st(0x7ffffffcu, 0, false), 0x805);
    arch_switch_ttbr0(0x10000000u, 1);                  /* L1 not in RAM */
    EXPECT_EQ(ld(0x00300000u, false, NULL), 0xc);
    arch_switch_ttbr0(0, 0);                            /* TTBR0 walks off */
    EXPECT_EQ(ld(0x00005000u, false, NULL), 0x5);
    EXPECT_EQ(hw(0x00001000u, false, false, NULL), 0x5);
    EXPECT_EQ(val(0x80000000u), 0xedfe0dd0u);
}

TEST(device_space)
{
    u32 v = 1;
    setup(0);
    l1(L1A, 0x00500000u, d_section(0x09000000u, 3, true, true, 0));
    EXPECT_EQ(st(0x00500000u, 0x1234, false), 0);
    EXPECT_EQ(ld(0x00500000u, false, &v), 0);
    EXPECT_EQ(v, 0);
}

TEST(stale_tlb)
{
    paddr_t pa;
    setup(0);
    l1(L1A, 0x00000000u, d_table(T1, 0));
    l2(T1, 0x00020000u, d_small(FA, 3, false, true));
    put(FA, 0xaaaa); put(FB, 0xbbbb);
    EXPECT_EQ(val(0x00020000u), 0xaaaa);
    l2(T1, 0x00020000u, d_small(FB, 7, false, true));   /* new frame, RO */
    arch_pt_written(arch_phys_to_ptr(T1), 1024);
    EXPECT_EQ(val(0x00020000u), 0xaaaa);                /* stale address */
    EXPECT_EQ(st(0x00020000u, 0xcccc, true), 0);        /* stale permission */
    EXPECT_EQ(get(FA), 0xcccc);
    EXPECT_EQ(hw(0x00020000u, false, false, &pa), 0);   /* the MMU's answer */
    EXPECT_EQ(pa, FB);
    arch_tlb_flush_va(0x00020ffcu, 1);
    EXPECT_EQ(val(0x00020000u), 0xbbbb);
    EXPECT_EQ(st(0x00020000u, 0, false), 0x80f);
    struct sim_stats s;
    sim_get_stats(&s);
    EXPECT(s.flush_va == 1 && s.pt_written == 1);
}

/* Sections at 0x00600000: A -> FA's MB, B -> F1M, both non-global. */
static void two_spaces(void)
{
    setup(0);
    l1(L1A, 0x00600000u, d_section(0x40300000u, 3, false, true, 0));
    l1(L1B, 0x00600000u, d_section(F1M, 3, false, true, 0));
    put(0x40300000u, 0xa); put(F1M, 0xb);
}

TEST(asid_tagging)
{
    struct sim_stats a, b;
    two_spaces();
    EXPECT_EQ(val(0x00600000u), 0xa);
    arch_switch_ttbr0(L1B, 2);
    EXPECT_EQ(val(0x00600000u), 0xb);
    arch_switch_ttbr0(L1A, 1);
    sim_get_stats(&a);
    EXPECT_EQ(val(0x00600000u), 0xa);
    sim_get_stats(&b);
    EXPECT_EQ(b.tlb_hits - a.tlb_hits, 1);
    EXPECT_EQ(sim_tlb_count(), 2);
    arch_tlb_flush_asid(2);
    EXPECT_EQ(sim_tlb_count(), 1);
    l1(L1A, 0x00600000u, 0);                            /* ASID 1 stays cached */
    EXPECT_EQ(val(0x00600000u), 0xa);
    arch_tlb_flush_asid(1);
    EXPECT_EQ(ld(0x00600000u, false, NULL), 0x5);
}

/* Runs val(va) on CPU c (the simulator's own switch of the running CPU). */
static u32 val_on(u32 c, vaddr_t va)
{
    sim_set_cpu(c);
    u32 v = val(va);
    sim_set_cpu(0);
    return v;
}

static u32 seen_on;
static void note_cpu(void *p) { (void)p; seen_on = arch_cpu_id(); }

/* Two CPUs: TTBR0/ASID and TLB each; local TLBIALL reaches one, the IS
 * forms both; arch_cpu_call runs on the CPU asked for. */
TEST(cpus_have_their_own_tlbs)
{
    struct sim_cpu_stats c0, c1;
    two_spaces();
    sim_set_cpus(2);
    arch_boot_info(&boot);
    EXPECT_EQ(boot.cpus, 2);
    arch_switch_ttbr0(L1A, 1);
    sim_set_cpu(1);
    arch_switch_ttbr0(L1B, 2);
    sim_set_cpu(0);
    EXPECT_EQ(val_on(0, 0x00600000u), 0xa);         /* each its own space */
    EXPECT_EQ(val_on(1, 0x00600000u), 0xb);
    l1(L1B, 0x00600000u, d_section(0x40500000u, 3, false, true, 0));
    put(0x40500000u, 0xc);
    arch_tlb_flush_all_local();                     /* CPU 0's TLB only */
    EXPECT_EQ(val_on(1, 0x00600000u), 0xb);         /* CPU 1: stale, as on silicon */
    arch_tlb_flush_va(0x00600000u, 2);              /* TLBIMVAIS */
    EXPECT_EQ(val_on(1, 0x00600000u), 0xc);
    EXPECT_EQ(val_on(0, 0x00600000u), 0xa);
    arch_tlb_flush_all();                           /* TLBIALLIS */
    sim_get_cpu_stats(0, &c0);
    sim_get_cpu_stats(1, &c1);
    EXPECT_EQ(c0.tlbiall, 2);
    EXPECT_EQ(c1.tlbiall, 1);
    EXPECT_EQ(c0.tlb_entries + c1.tlb_entries, 0);
    EXPECT_EQ(arch_cpu_call(1, note_cpu, 0), 0);
    EXPECT_EQ(seen_on, 1);
    EXPECT_EQ(arch_cpu_id(), 0);
    EXPECT_EQ(arch_cpu_call(2, note_cpu, 0), E_BAD_ARG);
}

TEST(global_entries)
{
    two_spaces();
    l1(L1A, 0x00700000u, d_section(F1M, 3, false, false, 0));   /* global */
    put(F1M + 0x10, 0x6);
    EXPECT_EQ(val(0x00700010u), 0x6);
    arch_switch_ttbr0(L1B, 2);                          /* not mapped in B */
    EXPECT_EQ(val(0x00700010u), 0x6);
    arch_tlb_flush_asid(1);
    arch_tlb_flush_asid(2);
    EXPECT_EQ(val(0x00700010u), 0x6);
    arch_tlb_flush_va(0x00700000u, 7);                  /* any ASID hits global */
    EXPECT_EQ(ld(0x00700010u, false, NULL), 0x5);
}

TEST(flush_va_by_asid)
{
    two_spaces();
    val(0x00600000u);
    arch_switch_ttbr0(L1B, 2);
    val(0x00600000u);
    l1(L1A, 0x00600000u, d_section(F1M, 3, false, true, 0));
    l1(L1B, 0x00600000u, d_section(0x40300000u, 3, false, true, 0));
    arch_tlb_flush_va(0x00654320u, 1);
    EXPECT_EQ(val(0x00600000u), 0xb);                   /* ASID 2: stale */
    arch_switch_ttbr0(L1A, 1);
    EXPECT_EQ(val(0x00600000u), 0xb);                   /* ASID 1: walked */
}

TEST(flush_va_all_asids)
{
    two_spaces();
    val(0x00600000u);
    arch_switch_ttbr0(L1B, 2);
    val(0x00600000u);
    EXPECT_EQ(sim_tlb_count(), 2);
    arch_tlb_flush_va_all_asids(0x006ffffcu);
    EXPECT_EQ(sim_tlb_count(), 0);
    val(0x00600000u);
    arch_tlb_flush_all();
    EXPECT_EQ(sim_tlb_count(), 0);
    struct sim_stats s;
    sim_get_stats(&s);
    EXPECT(s.flush_va_all_asids == 1 && s.flush_all == 1);
}

TEST(eviction)
{
    setup(4);
    l1(L1A, 0x00000000u, d_table(T1, 0));
    for (u32 i = 0; i < 5; i++) {
        l2(T1, i * SZ_4K, d_small(FA + i * SZ_4K, 3, false, true));
        put(FA + i * SZ_4K, i);
    }
    for (u32 i = 0; i < 5; i++)
        EXPECT_EQ(val(i * SZ_4K), i);
    EXPECT_EQ(sim_tlb_count(), 4);
    l2(T1, 0, d_small(FC + SZ_4K * 8, 3, false, true));
    l2(T1, 4 * SZ_4K, d_small(FC + SZ_4K * 8, 3, false, true));
    put(FC + SZ_4K * 8, 0x99);
    EXPECT_EQ(val(4 * SZ_4K), 4);                       /* newest: cached */
    EXPECT_EQ(val(0), 0x99);                            /* oldest: evicted */
    EXPECT_EQ(val(2 * SZ_4K), 2);                       /* slot 1 went to 0 */
    EXPECT_EQ(sim_tlb_count(), 4);
}

TEST(hw_translate_bypasses_tlb)
{
    struct sim_stats a, b;
    paddr_t pa;
    setup(0);
    l1(L1A, 0x00000000u, d_table(T1, 0));
    l2(T1, 0x00001000u, d_small(FA, 2, false, true));
    sim_get_stats(&a);
    EXPECT_EQ(hw(0x00001234u, true, false, &pa), 0);
    EXPECT_EQ(pa, FA + 0x234);
    EXPECT_EQ(hw(0x00001234u, true, true, NULL), 0xf);  /* no WnR in PAR */
    EXPECT_EQ(hw(0x00002000u, false, false, NULL), 0x7);
    sim_get_stats(&b);
    EXPECT(sim_tlb_count() == 0 && sim_walk_cache_count() == 0);
    EXPECT(b.tlb_hits == a.tlb_hits && b.tlb_misses == a.tlb_misses);
    EXPECT_EQ(b.walks - a.walks, 3);
}

TEST(walk_cache)
{
    setup(0);
    l1(L1A, 0x00800000u, d_table(T1, 0));
    l2(T1, 0x00800000u, d_small(FA, 3, false, true));
    l2(T1, 0x00801000u, d_small(FB, 3, false, true));
    l2(T1, 0x00802000u, d_small(FB, 3, false, true));
    l2(T2, 0x00801000u, d_small(FC, 3, false, true));
    put(FA, 1); put(FB, 2); put(FC, 3);
    EXPECT_EQ(val(0x00800000u), 1);
    EXPECT_EQ(sim_walk_cache_count(), 1);
    l1(L1A, 0x00800000u, d_table(T2, 0));               /* no flush */
    EXPECT_EQ(val(0x00801000u), 2);                     /* walked stale T1 */
    EXPECT_EQ(hw(0x00801000u, false, false, NULL), 0);
    arch_tlb_flush_va(0x00801000u, 1);                  /* page + region */
    EXPECT_EQ(sim_walk_cache_count(), 0);
    EXPECT_EQ(val(0x00801000u), 3);
    l1(L1A, 0x00800000u, 0);                            /* "free" T2 */
    EXPECT_EQ(ld(0x00802000u, false, NULL), 0x7);       /* via cached T2 */
    arch_tlb_flush_asid(1);
    EXPECT_EQ(sim_walk_cache_count(), 0);
    EXPECT_EQ(ld(0x00802000u, false, NULL), 0x5);
}

/* The walk cache's valid bits (wc_live) follow its entries through
 * fills and flushes, and lookups find an entry past an emptied slot. */
TEST(walk_cache_live_bits)
{
    const struct sim_tlb *t;
    u32 seen = 0;
    setup(0);
    t = &sim_cur()->tlb;
    l2(T1, 0x00000000u, d_small(FA, 3, false, true));
    l2(T1, 0x00001000u, d_small(FB, 3, false, true));
    for (u32 r = 1; r <= 6; r++) {
        l1(L1A, r << 20, d_table(T1, 0));
        EXPECT_EQ(ld(r << 20, false, NULL), 0);
    }
    arch_tlb_flush_va(3u << 20, 1);                     /* its slot empties */
    EXPECT_EQ(sim_walk_cache_count(), 5);
    for (u32 i = 0; i < SIM_WALK_ENTRIES; i++)
        EXPECT_EQ(t->wc_live >> i & 1, t->wc[i].valid);
    for (u32 i = wc_next(t, 0); i < SIM_WALK_ENTRIES; i = wc_next(t, i + 1))
        seen |= 1u << i;
    EXPECT_EQ(seen, t->wc_live);
    l1(L1A, 5u << 20, 0);                               /* "free" the table */
    EXPECT_EQ(ld((5u << 20) + 0x1000u, false, NULL), 0);   /* still cached */
    EXPECT_EQ(ld((3u << 20) + 0x1000u, false, NULL), 0);   /* walked anew */
    EXPECT_EQ(sim_walk_cache_count(), 6);
}

TEST(cache_sum_fill)
{
    u32 sum = 0, done = 99;
    setup(0);
    l1(L1A, 0x00000000u, d_table(T1, 0));
    l2(T1, 0x00020000u, d_small(FA, 3, false, true));
    EXPECT_EQ(arch_cache_op(CACHE_FLUSH, 0x00020010u, 0xff0, &flt), 0);
    EXPECT_EQ(arch_cache_op(CACHE_CLEAN, 0x00020fc4u, 0x80, &flt), E_FAULT);
    EXPECT_EQ(flt.va, 0x00021000u);
    EXPECT_EQ(flt.fsr, 0x7);
    EXPECT(flt.access == ACCESS_READ && flt.kind == FAULT_DATA);
    EXPECT_EQ(arch_cache_op(CACHE_UNIFY, 0x00021000u, 0, &flt), 0);

    EXPECT_EQ(arch_fill32(0x00020ff8u, 4, 0x11, &done, &flt), E_FAULT);
    EXPECT(done == 2 && flt.va == 0x00021000u);
    EXPECT_EQ(flt.fsr, 0x807);
    EXPECT_EQ(get(FA + 0xffc), 0x11);
    EXPECT_EQ(arch_fill32(0x00020000u, 1024, 3, &done, &flt), 0);
    EXPECT_EQ(done, 1024);
    EXPECT_EQ(arch_sum32(0x00020000u, 1024, &sum, &done, &flt), 0);
    EXPECT_EQ(sum, 3072);
    EXPECT_EQ(arch_sum32(0x00020ff0u, 8, &sum, &done, &flt), E_FAULT);
    EXPECT_EQ(done, 4);
    EXPECT_EQ(flt.fsr, 0x7);
    EXPECT_EQ(arch_sum32(0x00020002u, 2, &sum, &done, &flt), E_FAULT);
    EXPECT_EQ(done, 0);
    EXPECT_EQ(flt.fsr, 0x1);
}

TEST(reset_and_ram_size)
{
    setup(0);
    l1(L1A, 0x00000000u, d_section(FA & 0xfff00000u, 3, false, true, 0));
    put(FA, 0x1234);
    val(0x00000000u);
    sim_reset(0, 0);
    EXPECT_EQ(get(FA), 0);
    EXPECT_EQ(get(L1A), 0);
    EXPECT_EQ(sim_tlb_count(), 0);
    struct sim_stats s;
    sim_get_stats(&s);
    EXPECT_EQ(s.tlb_misses + s.tlb_hits + s.walks, 0);
    paddr_t t0 = 1;
    u32 asid = 1;
    sim_get_ttbr0(&t0, &asid);
    EXPECT(t0 == 0 && asid == 0);
    EXPECT_EQ(val(0x80000000u), 0xedfe0dd0u);

    sim_reset(16u << 20, 0);
    arch_boot_info(&boot);
    EXPECT_EQ(boot.ram_size, 16u << 20);
    EXPECT_EQ(val(0x80fffffcu), 0);
    EXPECT_EQ(ld(0x81000000u, false, NULL), 0x5);
    u64 t1 = arch_time_ns(), t2 = arch_time_ns();
    EXPECT(t2 >= t1);
}

int main(void)
{
    RUN(boot_layout);
    RUN(page_sizes);
    RUN(ap_table);
    RUN(xn_and_exec);
    RUN(domains);
    RUN(translation_faults);
    RUN(device_space);
    RUN(stale_tlb);
    RUN(asid_tagging);
    RUN(global_entries);
    RUN(flush_va_by_asid);
    RUN(flush_va_all_asids);
    RUN(eviction);
    RUN(hw_translate_bypasses_tlb);
    RUN(walk_cache);
    RUN(walk_cache_live_bits);
    RUN(cache_sum_fill);
    RUN(reset_and_ram_size);
    RUN(cpus_have_their_own_tlbs);
    return unit_report();
}
