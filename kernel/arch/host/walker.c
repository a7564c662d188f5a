/*
 * walker.c: the simulated MMU's table walk and permission rules, from the
 * ARMv7-A short-descriptor format (ARM ARM B3.5, no LPAE), written apart
 * from kernel/mm/pagetable.c so that each checks the other.
 *
 * Machine state assumed: TTBCR.N = 1 (TTBR0 below 0x80000000, 8 KiB L1;
 * TTBR1 above, its 16 KiB L1 indexed by VA[31:20]); SCTLR.AFE = 0 (AP[2:0]
 * is the full permission field, no access flag); SCTLR.TRE = 0; no PXN
 * (L1 bits[1:0] = 11 is reserved and faults); 32-bit physical addresses
 * (supersection extended base bits are ignored).
 *
 * L1 descriptor                      L2 descriptor
 *   [1:0] 00 fault, 11 reserved        [1:0] 00 fault
 *   [1:0] 01 page table:               [1:0] 01 large page (64K):
 *     [31:10] L2 base, [8:5] domain      [31:16] base, [15] XN,
 *   [1:0] 10 section ([18] = 0):         [14:12] TEX, [11] nG, [9] AP2,
 *     [31:20] base, [17] nG, [15] AP2,   [5:4] AP1:0, [3] C, [2] B
 *     [14:12] TEX, [11:10] AP1:0,      [1] 1 small page (4K):
 *     [8:5] domain, [4] XN, [3] C, [2] B  [31:12] base, [11] nG, [9] AP2,
 *   supersection ([18] = 1): [31:24]     [8:6] TEX, [5:4] AP1:0, [3] C,
 *     base, domain 0, rest as section    [2] B, [0] XN
 *
 * Fault priority follows the ARM ARM pseudocode (TranslationTableWalkSD,
 * then CheckDomain, then CheckPermission): a translation fault at either
 * level comes before a domain fault, a domain fault before a permission
 * fault. (QEMU checks the domain before reading L2; only a no-access
 * domain over an empty L2 entry tells the two apart.)
 */
#include <string.h>
#include "sim_priv.h"

#define BIT(d, n)      (((d) >> (n)) & 1u)
#define FIELD(d, hi, lo) (((d) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1u))

/* Reads the descriptor at physical pa; false if pa is not RAM (the walk
 * then takes a synchronous external abort). */
static bool read_desc(paddr_t pa, u32 *d)
{
    const u8 *p = sim_ram_ptr(pa, 4);

    if (!p)
        return false;
    memcpy(d, p, 4);
    return true;
}

/* Decodes a section or supersection descriptor d that translates va. */
static void decode_section(vaddr_t va, u32 d, struct sim_xlat *x)
{
    bool super = BIT(d, 18);

    x->size = super ? SZ_16M : SZ_1M;
    x->pa = super ? (d & 0xff000000u) : (d & 0xfff00000u);
    x->domain = super ? 0 : FIELD(d, 8, 5);
    x->va = va & ~(x->size - 1);
    x->ap = (u8)(BIT(d, 15) << 2 | FIELD(d, 11, 10));
    x->xn = BIT(d, 4);
    x->global = !BIT(d, 17);
    x->memattr = (u8)(FIELD(d, 14, 12) << 2 | FIELD(d, 3, 2));
    x->l2 = false;
}

/* Reads and decodes the L2 descriptor for va in the table that the L1
 * page-table descriptor l1d points at. 0 or a FS_* code. */
static inline u32 walk_l2(vaddr_t va, u32 l1d, struct sim_xlat *x)
{
    paddr_t at = (l1d & 0xfffffc00u) | (FIELD(va, 19, 12) << 2);
    u32 d;
    bool large;

    if (!read_desc(at, &d))
        return FS_EXT_WALK_L2;
    if (FIELD(d, 1, 0) == 0)
        return FS_TRANS_PAGE;
    large = FIELD(d, 1, 0) == 1;
    x->size = large ? SZ_64K : SZ_4K;
    x->pa = large ? (d & 0xffff0000u) : (d & 0xfffff000u);
    x->va = va & ~(x->size - 1);
    x->domain = FIELD(l1d, 8, 5);
    x->ap = (u8)(BIT(d, 9) << 2 | FIELD(d, 5, 4));
    x->xn = large ? BIT(d, 15) : BIT(d, 0);
    x->global = !BIT(d, 11);
    x->memattr = (u8)((large ? FIELD(d, 14, 12) : FIELD(d, 8, 6)) << 2 |
                      FIELD(d, 3, 2));
    x->l2 = true;
    return 0;
}

/* The L1 descriptor for va: from the walk cache (if cached and present)
 * or from the table TTBR0/TTBR1 names. 0 or a FS_* code. */
static inline u32 fetch_l1(vaddr_t va, bool cached, u32 *l1d)
{
    paddr_t at;

    if (va < USER_TOP && sim_cur()->ttbr0 == 0)
        return FS_TRANS_SECTION;          /* TTBCR.PD0: no TTBR0 walks */
    if (cached && wc_lookup(va, l1d))
        return 0;
    if (va < USER_TOP)
        at = (sim_cur()->ttbr0 & 0xffffe000u) | (FIELD(va, 30, 20) << 2);
    else
        at = (sim.ttbr1 & 0xffffc000u) | (FIELD(va, 31, 20) << 2);
    if (!read_desc(at, l1d))
        return FS_EXT_WALK_L1;
    if (cached && FIELD(*l1d, 1, 0) == 1)
        wc_fill(va, *l1d);
    return 0;
}

/* The walk of va from its L1 descriptor l1d. 0 or a FS_* code. */
static inline u32 walk_from_l1(vaddr_t va, u32 l1d, struct sim_xlat *x)
{
    switch (FIELD(l1d, 1, 0)) {
    case 1:
        return walk_l2(va, l1d, x);
    case 2:
        decode_section(va, l1d, x);
        return 0;
    default:                              /* 00 fault, 11 reserved */
        return FS_TRANS_SECTION;
    }
}

/* See sim_priv.h. */
u32 sim_walk(vaddr_t va, bool cached, struct sim_xlat *x)
{
    u32 l1d, fs;

    sim.stats.walks++;
    fs = fetch_l1(va, cached, &l1d);
    return fs ? fs : walk_from_l1(va, l1d, x);
}

/* What AP[2:0] grants with SCTLR.AFE = 0 (ARM ARM table B3-8); the bits
 * are arch.h's HW_* (sim_grants returns them). */
enum { P_R = HW_PRIV_R, P_W = HW_PRIV_W, U_R = HW_USER_R, U_W = HW_USER_W };
static const u8 ap_grants[8] = {
    [0] = 0,                         /* no access */
    [1] = P_R | P_W,                 /* privileged only */
    [2] = P_R | P_W | U_R,           /* user read-only */
    [3] = P_R | P_W | U_R | U_W,     /* full access */
    [4] = 0,                         /* reserved: treated as no access */
    [5] = P_R,                       /* privileged read-only */
    [6] = P_R | U_R,                 /* read-only (deprecated encoding) */
    [7] = P_R | U_R,                 /* read-only */
};

/* See sim_priv.h. The same rules as sim_check, for loads and stores. */
u32 sim_grants(const struct sim_xlat *x)
{
    u32 dom = FIELD(sim.dacr, 2 * x->domain + 1, 2 * x->domain);

    if (dom == 0 || dom == 2)             /* no access; 10 is reserved */
        return 0;
    return dom == 3 ? (P_R | P_W | U_R | U_W) : ap_grants[x->ap];
}

/* See sim_priv.h. A fetch needs read permission and XN clear; a manager
 * domain skips every permission check, XN included (ARM ARM B3.7.2). */
u32 sim_check(const struct sim_xlat *x, u32 access, bool user)
{
    u32 dom = FIELD(sim.dacr, 2 * x->domain + 1, 2 * x->domain);
    u32 need;

    if (dom == 0 || dom == 2)             /* no access; 10 is reserved */
        return x->l2 ? FS_DOMAIN_PAGE : FS_DOMAIN_SECTION;
    if (dom == 3)
        return 0;
    if (access == ACCESS_WRITE)
        need = user ? U_W : P_W;
    else
        need = user ? U_R : P_R;
    if (!(ap_grants[x->ap] & need) || (access == ACCESS_EXEC && x->xn))
        return x->l2 ? FS_PERM_PAGE : FS_PERM_SECTION;
    return 0;
}

/* See sim_priv.h. Here, so that the walk and sim_grants inline (what
 * the masks do not need of a walk is not kept). */
void sim_walk_run(vaddr_t va, u32 n, u32 *m, paddr_t *pa)
{
    u32 l1d = 0, fs = fetch_l1(va, false, &l1d);   /* 0: unused if fs */

    for (u32 i = 0; i < n; i++) {
        vaddr_t a = va + i * SZ_4K;
        struct sim_xlat x;
        m[i] = fs || walk_from_l1(a, l1d, &x) ? 0 : sim_grants(&x);
        if (m[i] & HW_PRIV_R)
            pa[i] = x.pa + (a - x.va);
    }
}
