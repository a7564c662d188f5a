/*
 * guard.c: the guarded accesses of arch.h (loads, stores, sums, fills,
 * exec, cache maintenance by VA).
 *
 * Pattern (a recovery context, like setjmp):
 *   guard_set(kind, f, ...)     say what may fault and where to report it
 *   if (guard_arm()) return E_FAULT;   save r4-r11, sp, lr
 *   ... the access, through guard.S ...
 *   guard_off();
 * An abort that belongs to the armed guard (exc.c: a data abort on a
 * guard.S instruction, or for exec a prefetch abort with IFAR == target)
 * fills *f and resumes in SVC mode as a second return of guard_arm with 1.
 * Any other exception panics. Locals changed after guard_arm are not used
 * on the fault path (returns_twice rules).
 */
#include "arch.h"
#include "armv7.h"

struct guard vmk_guard;

/* Arms the guard; kind last, so it is armed only once complete. A NULL f
 * is replaced by scratch space (the fault is still caught). */
static void guard_set(u32 kind, struct arch_fault *f, struct arch_fault *spare,
                      vaddr_t exec_va, bool user)
{
    vmk_guard.f = f ? f : spare;
    vmk_guard.exec_va = exec_va;
    vmk_guard.user = user;
    vmk_guard.kind = kind;
}

static void guard_off(void)
{
    vmk_guard.kind = GUARD_NONE;
}

/* See arch.h. */
int arch_load32(vaddr_t va, bool user, u32 *val, struct arch_fault *f)
{
    struct arch_fault spare;
    u32 v;

    guard_set(GUARD_DATA, f, &spare, 0, user);
    if (guard_arm())
        return E_FAULT;
    v = user ? guard_ldrt(va) : guard_ldr(va);
    guard_off();
    if (val)
        *val = v;
    return 0;
}

/* See arch.h. */
int arch_store32(vaddr_t va, u32 val, bool user, struct arch_fault *f)
{
    struct arch_fault spare;

    guard_set(GUARD_DATA, f, &spare, 0, user);
    if (guard_arm())
        return E_FAULT;
    if (user)
        guard_strt(va, val);
    else
        guard_str(va, val);
    guard_off();
    return 0;
}

/* See arch.h. *sum and *done are stored after every word, so they are
 * right when a load faults. */
int arch_sum32(vaddr_t va, u32 nwords, u32 *sum, u32 *done, struct arch_fault *f)
{
    struct arch_fault spare;

    *done = 0;
    guard_set(GUARD_DATA, f, &spare, 0, false);
    if (guard_arm())
        return E_FAULT;
    for (u32 i = 0; i < nwords; i++) {
        *sum += guard_ldr(va + 4 * i);
        *done = i + 1;
    }
    guard_off();
    return 0;
}

/* See arch.h. */
int arch_fill32(vaddr_t va, u32 nwords, u32 val, u32 *done, struct arch_fault *f)
{
    struct arch_fault spare;

    *done = 0;
    guard_set(GUARD_DATA, f, &spare, 0, false);
    if (guard_arm())
        return E_FAULT;
    for (u32 i = 0; i < nwords; i++) {
        guard_str(va + 4 * i, val);
        *done = i + 1;
    }
    guard_off();
    return 0;
}

/* See arch.h. BLX va at PL1 (bit 0 selects Thumb; the fetch is then at
 * va & ~1). Only a prefetch abort on that first fetch is ours; an abort
 * in the code it runs panics. guard_blx restores r4-r11 and sp even if
 * the code did not. */
int arch_exec(vaddr_t va, u32 *r0, struct arch_fault *f)
{
    struct arch_fault spare;
    u32 r;

    guard_set(GUARD_EXEC, f, &spare, (va & 1) ? va & ~1u : va, false);
    if (guard_arm())
        return E_FAULT;
    r = guard_blx(va);
    guard_off();
    if (r0)
        *r0 = r;
    return 0;
}

/* ---- cache maintenance -------------------------------------------------- */

/* Reports a fault the MMU would raise at line address a (PAR from a
 * privileged read translation), as a load would: QEMU treats cache
 * maintenance as a no-op that never aborts, so we ask the MMU first.
 * Same report as the host simulator: kind data, va = the line address,
 * status from PAR, access read. */
static int line_fault(vaddr_t a, u32 par, struct arch_fault *f)
{
    if (f) {
        f->kind = FAULT_DATA;
        f->va = a;
        f->fsr = arch_par_to_fsr(par);
        f->access = ACCESS_READ;
        f->user = false;
    }
    return E_FAULT;
}

/* Applies op (one guard.S function) to every line of [va, va+len), lines
 * of `line` bytes, stopping at the top of the address space and at the
 * first line whose page does not translate. */
static int each_line(void (*op)(vaddr_t), vaddr_t va, u32 len, u32 line,
                     struct arch_fault *f)
{
    struct arch_fault spare;
    u64 end = (u64)va + len;
    u64 a = va & ~(line - 1);
    u32 par;

    if (end > 0x100000000ull)
        end = 0x100000000ull;
    guard_set(GUARD_DATA, f, &spare, 0, false);
    if (guard_arm())
        return E_FAULT;
    for (; len && a < end; a += line) {
        if (a == (va & ~(line - 1)) || (a & (PAGE_SIZE - 1)) == 0) {
            par = arch_ats((vaddr_t)a, false, false);
            if (par & PAR_F) {
                guard_off();
                return line_fault((vaddr_t)a, par, f);
            }
        }
        op((vaddr_t)a);
    }
    guard_off();
    return 0;
}

/* See arch.h. Line sizes from CTR (DminLine, IminLine). */
int arch_cache_op(enum cache_op op, vaddr_t va, u32 len, struct arch_fault *f)
{
    u32 ctr = cp15_read(CP_CTR);
    u32 dline = 4u << ((ctr >> 16) & 0xf), iline = 4u << (ctr & 0xf);
    void (*dop)(vaddr_t) = op == CACHE_CLEAN      ? guard_dccmvac
                         : op == CACHE_INVALIDATE ? guard_dcimvac
                         : op == CACHE_FLUSH      ? guard_dccimvac
                                                  : guard_dccmvau;
    int rc = each_line(dop, va, len, dline, f);

    dsb(ish);                   /* the data cache operations have completed */
    if (rc || op != CACHE_UNIFY)
        return rc;
    rc = each_line(guard_icimvau, va, len, iline, f);
    cp15_write(CP_BPIALL, 0);   /* predictions about the old instructions */
    dsb(ish);                   /* I-cache and predictor invalidation complete */
    isb();                      /* refetch what follows */
    return rc;
}
