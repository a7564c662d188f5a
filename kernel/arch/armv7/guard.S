/*
 * guard.S: the instructions a guarded access may fault on, and the
 * recovery context (setjmp/longjmp in miniature).
 *
 * Every instruction that may abort on request is marked with GUARDED: its
 * address goes into the guard table (.guard_table, between __guard_start
 * and __guard_end). exc_dispatch claims a data abort only when the guard
 * is armed for data and the faulting pc is in that table; anything else is
 * an unasked exception and panics.
 */
#include "armv7.h"

    .syntax unified
    .arm
    .text

.macro GUARDED insn:vararg
9:  \insn
    .pushsection .guard_table, "a"
    .word   9b
    .popsection
.endm

.macro FUNC name
    .global \name
    .type   \name, %function
\name:
.endm

/* u32 guard_ldr(vaddr_t va): privileged load. */
FUNC guard_ldr
    GUARDED ldr r0, [r0]
    bx      lr

/* u32 guard_ldrt(vaddr_t va): unprivileged load (as user). LDRT writes
 * the base back, so the result goes to another register. */
FUNC guard_ldrt
    GUARDED ldrt r1, [r0]
    mov     r0, r1
    bx      lr

/* void guard_str(vaddr_t va, u32 val): privileged store. */
FUNC guard_str
    GUARDED str r1, [r0]
    bx      lr

/* void guard_strt(vaddr_t va, u32 val): unprivileged store (as user). */
FUNC guard_strt
    GUARDED strt r1, [r0]
    bx      lr

/* Cache maintenance by VA, one line each (void f(vaddr_t va)). */
FUNC guard_dccmvac
    GUARDED mcr p15, 0, r0, c7, c10, 1      @ DCCMVAC: clean to PoC
    bx      lr
FUNC guard_dcimvac
    GUARDED mcr p15, 0, r0, c7, c6, 1       @ DCIMVAC: invalidate to PoC
    bx      lr
FUNC guard_dccimvac
    GUARDED mcr p15, 0, r0, c7, c14, 1      @ DCCIMVAC: clean+invalidate to PoC
    bx      lr
FUNC guard_dccmvau
    GUARDED mcr p15, 0, r0, c7, c11, 1      @ DCCMVAU: clean to PoU
    bx      lr
FUNC guard_icimvau
    GUARDED mcr p15, 0, r0, c7, c5, 1       @ ICIMVAU: invalidate I to PoU
    bx      lr

/* u32 guard_blx(vaddr_t va): blx va at PL1 with r0 = 0; returns its r0.
 * r4-r11 and sp are restored from what we saved, whatever the code did. */
FUNC guard_blx
    push    {r4-r11, lr}
    ldr     r1, =exec_sp
    str     sp, [r1]
    mov     r1, r0
    mov     r0, #0
    blx     r1
    ldr     r1, =exec_sp
    ldr     sp, [r1]
    pop     {r4-r11, pc}

/* bool guard_insn(u32 pc): pc is a guarded instruction. */
FUNC guard_insn
    ldr     r1, =__guard_start
    ldr     r2, =__guard_end
1:  cmp     r1, r2
    movhs   r0, #0
    bxhs    lr
    ldr     r3, [r1], #4
    cmp     r3, r0
    bne     1b
    mov     r0, #1
    bx      lr

/* int guard_arm(void): save r4-r11, sp, lr in vmk_guard.jb; return 0.
 * (returns_twice: guard_resume comes back here with 1.) */
FUNC guard_arm
    ldr     r0, =vmk_guard
    add     r0, r0, #G_JB
    stmia   r0, {r4-r11, sp, lr}
    mov     r0, #0
    bx      lr

/* Reached by exception return, in SVC mode, after exc_dispatch claimed an
 * abort: back into the guarded function as if guard_arm returned 1. */
FUNC guard_resume
    ldr     r0, =vmk_guard
    add     r0, r0, #G_JB
    ldmia   r0, {r4-r11, sp, lr}
    mov     r0, #1
    bx      lr
    .ltorg

    .bss
    .align  2
exec_sp:    .space 4                @ guard_blx: sp to return with
