/*
 * vectors.S: the exception vector page and the exception entry/exit.
 *
 * The vector page (.vectors, 4 KiB aligned, arch_boot.vectors_pa) is
 * mapped by the core at 0xffff0000 (SCTLR.V = 1). Each slot loads the
 * absolute address of its entry from a literal in the same page, so the
 * page works at any address.
 *
 * Every entry builds a struct exc_frame on its mode's stack (r0-r12, the
 * interrupted mode's sp and lr, pc, cpsr) and calls exc_dispatch (exc.c).
 * That either panics (never returns) or, for an abort a guarded access
 * asked for, edits the frame to resume at guard_resume in SVC mode;
 * exc_return then restores the frame and returns with an exception return.
 */
#include "armv7.h"

    .syntax unified
    .arm

    .section .vectors, "ax"
    .global vmk_vectors
vmk_vectors:
    ldr     pc, .Lv_reset           @ 0x00
    ldr     pc, .Lv_undef           @ 0x04
    ldr     pc, .Lv_svc             @ 0x08
    ldr     pc, .Lv_pabt            @ 0x0c
    ldr     pc, .Lv_dabt            @ 0x10
    ldr     pc, .Lv_unused          @ 0x14
    ldr     pc, .Lv_irq             @ 0x18
    ldr     pc, .Lv_fiq             @ 0x1c
.Lv_reset:  .word exc_reset
.Lv_undef:  .word exc_undef
.Lv_svc:    .word exc_svc
.Lv_pabt:   .word exc_pabt
.Lv_dabt:   .word exc_dabt
.Lv_unused: .word exc_unused
.Lv_irq:    .word exc_irq
.Lv_fiq:    .word exc_fiq

    .text

/* Entry: lr - adj is the interrupted (or faulting) instruction. For undef
 * and svc, adj 4 is right in ARM state; exc_dispatch corrects Thumb. */
.macro EXC_ENTRY name, kind, adj
    .global \name
\name:
    sub     lr, lr, #\adj
    sub     sp, sp, #FRAME_SIZE
    stmia   sp, {r0-r12}
    str     lr, [sp, #F_PC]
    mrs     r1, spsr
    str     r1, [sp, #F_CPSR]
    mov     r0, sp
    bl      exc_save_banked
    mov     r0, sp
    mov     r1, #\kind
    bl      exc_dispatch
    b       exc_return
.endm

    EXC_ENTRY exc_reset,  EXC_RESET,  4
    EXC_ENTRY exc_undef,  EXC_UNDEF,  4
    EXC_ENTRY exc_svc,    EXC_SVC,    4
    EXC_ENTRY exc_pabt,   EXC_PABT,   4
    EXC_ENTRY exc_dabt,   EXC_DABT,   8
    EXC_ENTRY exc_unused, EXC_UNUSED, 4
    EXC_ENTRY exc_irq,    EXC_IRQ,    4
    EXC_ENTRY exc_fiq,    EXC_FIQ,    4

/* Stores the sp and lr of the interrupted mode (r1 = its cpsr) into the
 * frame at r0. User mode's bank is read with STM^ (switching to it would
 * drop privilege); other modes by switching to them, interrupts masked.
 * Clobbers r1-r3. */
exc_save_banked:
    and     r2, r1, #MODE_MASK
    cmp     r2, #MODE_USR
    beq     1f
    mrs     r3, cpsr
    orr     r2, r2, #(PSR_I | PSR_F)
    msr     cpsr_c, r2
    str     sp, [r0, #F_SP]
    str     lr, [r0, #F_LR]
    msr     cpsr_c, r3
    bx      lr
1:  add     r2, r0, #F_SP
    stmia   r2, {sp, lr}^
    nop                             @ no banked register access right after STM^
    bx      lr

/* Returns to frame->pc in mode frame->cpsr. */
exc_return:
    ldr     r0, [sp, #F_CPSR]
    msr     spsr_cxsf, r0
    ldr     lr, [sp, #F_PC]
    ldmia   sp, {r0-r12}
    add     sp, sp, #FRAME_SIZE
    movs    pc, lr

/* arch_panic(why): snapshot the registers as at the call into a frame,
 * then panic_assert(why, frame) prints them and exits 70. */
    .global arch_panic
arch_panic:
    sub     sp, sp, #FRAME_SIZE
    stmia   sp, {r0-r12}
    add     r1, sp, #FRAME_SIZE
    str     r1, [sp, #F_SP]
    str     lr, [sp, #F_LR]
    sub     r1, lr, #4
    str     r1, [sp, #F_PC]             @ the call site
    mrs     r1, cpsr
    str     r1, [sp, #F_CPSR]
    mov     r1, sp
    bl      panic_assert
1:  b       1b
