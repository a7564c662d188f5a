/*
 * exc.c: what happens on an exception (vectors.S calls exc_dispatch with
 * a frame of the interrupted registers), and panics.
 *
 * An abort the armed guard asked for (guard.c) is reported in its
 * struct arch_fault and resumed at guard_resume. Every other exception is
 * unasked: one line
 *   ! panic kind=<undef|prefetch|data|svc|irq|fiq> pc= lr= sp= cpsr=
 *           [far= fsr=] r0= ... r12=
 * then exit status 70. arch_panic(why) prints
 *   ! panic reason=<why> kind=assert pc= lr= sp= cpsr= r0= ... r12=
 * the same way.
 */
#include "arch.h"
#include "armv7.h"

#define PANIC_STATUS 70

static const char *const kind_name[] = {
    [EXC_RESET] = "reset", [EXC_UNDEF] = "undef", [EXC_SVC] = "svc",
    [EXC_PABT] = "prefetch", [EXC_DABT] = "data", [EXC_UNUSED] = "unused",
    [EXC_IRQ] = "irq", [EXC_FIQ] = "fiq",
};

/* A line being built; overlong content is cut. */
struct line {
    char buf[400];
    u32  n;
};

static void put_str(struct line *l, const char *s)
{
    for (; *s && l->n < sizeof(l->buf) - 1; s++)
        l->buf[l->n++] = *s;
}

/* Appends a token: printable non-space characters, others as '_'. */
static void put_token(struct line *l, const char *s)
{
    for (u32 i = 0; s[i] && i < 64 && l->n < sizeof(l->buf) - 1; i++)
        l->buf[l->n++] = (s[i] > ' ' && s[i] < 0x7f) ? s[i] : '_';
}

/* Appends " key=0x<lowercase hex>". */
static void put_hex(struct line *l, const char *key, u32 v)
{
    char d[11] = "0x";
    int i = 2, shift = 28;

    while (shift > 0 && !((v >> shift) & 0xf))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        d[i++] = "0123456789abcdef"[(v >> shift) & 0xf];
    d[i] = '\0';
    put_str(l, " ");
    put_str(l, key);
    put_str(l, "=");
    put_str(l, d);
}

static void put_regs(struct line *l, const struct exc_frame *fr, bool fault,
                     u32 far, u32 fsr)
{
    static const char *const rn[13] = { "r0", "r1", "r2", "r3", "r4", "r5",
        "r6", "r7", "r8", "r9", "r10", "r11", "r12" };

    put_hex(l, "pc", fr->pc);
    put_hex(l, "lr", fr->lr);
    put_hex(l, "sp", fr->sp);
    put_hex(l, "cpsr", fr->cpsr);
    if (fault) {
        put_hex(l, "far", far);
        put_hex(l, "fsr", fsr);
    }
    for (int i = 0; i < 13; i++)
        put_hex(l, rn[i], fr->r[i]);
}

/* Prints the line and exits 70. A panic inside a panic exits at once. */
static __attribute__((noreturn)) void panic_out(struct line *l)
{
    static bool panicking;

    if (panicking)
        arch_exit(PANIC_STATUS);
    panicking = true;
    put_str(l, "\n");
    arch_write(l->buf, l->n);
    arch_exit(PANIC_STATUS);
}

/* Panic for an unasked exception. */
static __attribute__((noreturn)) void panic_exc(u32 kind, const struct exc_frame *fr,
                                                u32 far, u32 fsr)
{
    struct line l = { .n = 0 };

    put_str(&l, "! panic kind=");
    put_str(&l, kind < ARRAY_LEN(kind_name) ? kind_name[kind] : "unknown");
    put_regs(&l, fr, kind == EXC_PABT || kind == EXC_DABT, far, fsr);
    panic_out(&l);
}

/* Called by arch_panic (vectors.S) with the registers at the call. */
void panic_assert(const char *why, struct exc_frame *fr)
{
    struct line l = { .n = 0 };

    put_str(&l, "! panic reason=");
    put_token(&l, why && *why ? why : "unknown");
    put_str(&l, " kind=assert");
    put_regs(&l, fr, false, 0, 0);
    panic_out(&l);
}

/* Reports the fault to the armed guard and makes the exception return
 * land in guard_resume, SVC mode, interrupts masked, ARM state. */
static void guard_claim(struct exc_frame *fr, u32 kind, u32 far, u32 fsr,
                        u32 access)
{
    struct arch_fault *f = vmk_guard.f;

    f->kind = kind;
    f->va = far;
    f->fsr = fsr;
    f->access = access;
    f->user = vmk_guard.user != 0;
    vmk_guard.kind = GUARD_NONE;
    fr->pc = (u32)guard_resume;
    fr->cpsr = MODE_SVC | PSR_I | PSR_F | PSR_A;
}

/* When the exception was taken in the mode that handles it (an SVC in
 * SVC mode, an abort inside abort code), that mode's sp is just above the
 * frame, and its lr was overwritten by the exception: report the value
 * the exception wrote (the return address) rather than our own. */
static void fix_same_mode(struct exc_frame *fr, u32 kind)
{
    u32 cpsr;

    __asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
    if ((fr->cpsr & MODE_MASK) != (cpsr & MODE_MASK))
        return;
    fr->sp = (u32)fr + FRAME_SIZE;
    fr->lr = fr->pc + (kind == EXC_DABT ? 8 : 4);
}

/* See vectors.S. Returns only after claiming an abort for the guard. */
void exc_dispatch(struct exc_frame *fr, u32 kind)
{
    u32 far = 0, fsr = 0;

    fix_same_mode(fr, kind);
    if (kind == EXC_DABT) {
        far = cp15_read(CP_DFAR);
        fsr = cp15_read(CP_DFSR);
        if (vmk_guard.kind == GUARD_DATA && guard_insn(fr->pc) &&
            (fr->cpsr & MODE_MASK) == MODE_SVC) {
            guard_claim(fr, FAULT_DATA, far, fsr,
                        (fsr & FSR_WNR) ? ACCESS_WRITE : ACCESS_READ);
            return;
        }
    } else if (kind == EXC_PABT) {
        far = cp15_read(CP_IFAR);
        fsr = cp15_read(CP_IFSR);
        if (vmk_guard.kind == GUARD_EXEC && far == vmk_guard.exec_va) {
            guard_claim(fr, FAULT_PREFETCH, far, fsr, ACCESS_EXEC);
            return;
        }
    } else if ((kind == EXC_UNDEF || kind == EXC_SVC) && (fr->cpsr & PSR_T)) {
        fr->pc += 2;            /* Thumb: lr was 2 past the instruction */
    }
    panic_exc(kind, fr, far, fsr);
}
