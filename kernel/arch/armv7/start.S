/*
 * start.S: boot (all of it boot only, in .text.boot).
 *
 * QEMU enters _start at its physical address (the ELF entry) in SVC mode,
 * MMU and caches off, IRQ/FIQ masked, r0-r2 = 0 (r2 would be a DTB
 * pointer under a Linux-style boot; we keep it as a hint). We
 *   1. build the early tables at PA: in the kernel L1 (TTBR1) the direct
 *      map 0x80000000-0xbfffffff -> 0x40000000-0x7fffffff in 1M sections,
 *      in the boot L1 (TTBR0) an identity map of the image's megabytes;
 *   2. turn the MMU on (TTBCR.N = 1, DACR domain 0 client, high vectors)
 *      and jump to the linked (high) addresses;
 *   3. set the stacks of every mode, clear .bss, drop the identity map;
 *   4. call arch_boot_main (arch.c), which reads the DTB, starts the other
 *      CPUs (smp.c, PSCI CPU_ON into _secondary_start below) and calls
 *      kmain.
 * Nothing is printed here. No exception may happen before the core maps
 * the vector page (pt_kernel_init): SCTLR.V points them at 0xffff0000.
 */
#include "armv7.h"

/* MMU on, the same on every CPU: r8 = kernel L1 (PA), r9 = boot L1 (PA);
 * then on to `high` at its linked address. Boot only. */
.macro mmu_on_then high
    mov     r0, #0
    mcr     p15, 0, r0, c8, c7, 0       @ TLBIALL: nothing stale from reset (local: this CPU's TLB only)
    mcr     p15, 0, r0, c7, c5, 0       @ ICIALLU
    mcr     p15, 0, r0, c7, c5, 6       @ BPIALL
    mcr     p15, 0, r0, c13, c0, 1      @ CONTEXTIDR: ASID 0
    mov     r0, #TTBCR_N1
    mcr     p15, 0, r0, c2, c0, 2       @ TTBCR: N = 1, both halves walked
    orr     r0, r9, #TTB_FLAGS
    mcr     p15, 0, r0, c2, c0, 0       @ TTBR0 = boot L1 (identity)
    orr     r0, r8, #TTB_FLAGS
    mcr     p15, 0, r0, c2, c0, 1       @ TTBR1 = kernel L1
    mov     r0, #DACR_BOOT
    mcr     p15, 0, r0, c3, c0, 0       @ DACR: domain 0 client
    dsb                                 @ invalidations complete before the MMU is on
    isb                                 @ table registers in effect before SCTLR.M

    mrc     p15, 0, r0, c1, c0, 0
    ldr     r1, =(SCTLR_A | SCTLR_WXN | SCTLR_UWXN | SCTLR_EE | SCTLR_TRE | SCTLR_AFE | SCTLR_TE)
    bic     r0, r0, r1
    ldr     r1, =(SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_Z | SCTLR_V)
    orr     r0, r0, r1
    mcr     p15, 0, r0, c1, c0, 0       @ MMU, caches, branch prediction, high vectors
    isb                                 @ fetch the next instruction through the MMU
    ldr     pc, =\high                 @ identity -> linked address
.endm


    .syntax unified
    .arm
    .section .text.boot, "ax"

/* Boot only. Zero r1 bytes (multiple of 16) at r0. Clobbers r0-r5. */
boot_zero:
    mov     r2, #0
    mov     r3, #0
    mov     r4, #0
    mov     r5, #0
1:  stmia   r0!, {r2-r5}
    subs    r1, r1, #16
    bne     1b
    bx      lr

/* Boot only. Write r2 section entries at r0: PA r1, r1 + 1M, ... with the
 * attributes SECT_KERNEL. Clobbers r0-r3. */
boot_sections:
    ldr     r3, =SECT_KERNEL
    orr     r1, r1, r3
1:  str     r1, [r0], #4
    add     r1, r1, #0x100000
    subs    r2, r2, #1
    bne     1b
    bx      lr

    .global _start
_start:
    cpsid   aif                         @ no interrupts, no async aborts
    cps     #MODE_SVC
    mov     r10, r2                     @ DTB hint, passed on to C
    ldr     r11, =PV_OFFSET
    ldr     r8, =__kernel_l1
    sub     r8, r8, r11                 @ r8 = kernel L1 (PA)
    ldr     r9, =__boot_l1
    sub     r9, r9, r11                 @ r9 = boot L1 (PA)

    mov     r0, r8
    mov     r1, #16384
    bl      boot_zero
    mov     r0, r9
    mov     r1, #8192
    bl      boot_zero

    /* direct map: kernel L1[0x800..0xbff] -> PA 0x40000000 + 1M * i */
    add     r0, r8, #(0x800 * 4)
    mov     r1, #RAM_PA_DEFAULT
    mov     r2, #1024
    bl      boot_sections

    /* identity map of the image: boot L1[pa >> 20] -> pa, for every
     * megabyte from _start to __kernel_end (TTBR0 covers 0-2 GiB) */
    ldr     r6, =_start
    sub     r6, r6, r11
    lsr     r6, r6, #20                 @ first megabyte
    ldr     r7, =__kernel_end
    sub     r7, r7, r11
    sub     r7, r7, #1
    lsr     r7, r7, #20                 @ last megabyte
    add     r0, r9, r6, lsl #2
    lsl     r1, r6, #20
    sub     r2, r7, r6
    add     r2, r2, #1
    bl      boot_sections

    dsb                                 @ table stores done before the walker reads them
    mmu_on_then boot_high

/* Boot only, now at the linked addresses. */
boot_high:
    cps     #MODE_ABT
    ldr     sp, =__stack_abt_top
    cps     #MODE_UND
    ldr     sp, =__stack_und_top
    cps     #MODE_IRQ
    ldr     sp, =__stack_irq_top
    cps     #MODE_FIQ
    ldr     sp, =__stack_fiq_top
    cps     #MODE_SVC
    ldr     sp, =__stack_svc_top

    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
1:  cmp     r0, r1
    strlo   r2, [r0], #4
    blo     1b

    /* drop the identity map: no more TTBR0 walks, then forget what the
     * TLB holds from it */
    mov     r0, #(TTBCR_N1 | TTBCR_PD0)
    mcr     p15, 0, r0, c2, c0, 2       @ TTBCR.PD0 = 1
    isb                                 @ PD0 in effect: no walk can refill what we flush
    mov     r0, #0
    mcr     p15, 0, r0, c2, c0, 0       @ TTBR0 = 0 (no user table yet)
    mcr     p15, 0, r0, c8, c7, 0       @ TLBIALL
    mcr     p15, 0, r0, c7, c5, 6       @ BPIALL: predictions made through the old map
    dsb                                 @ the invalidation has completed
    isb                                 @ and later fetches see it

    mov     r0, #0
    mcr     p15, 0, r0, c13, c0, 4      @ TPIDRPRW: this is CPU 0 (arch_cpu_id)

    mov     r0, r10
    bl      arch_boot_main              @ never returns
1:  wfi
    b       1b
    .ltorg

/* A secondary CPU, from PSCI CPU_ON: at its physical address, MMU and
 * caches off, SVC mode (the mode CPU 0 called from), r0 = the context id
 * CPU 0 passed = this CPU's number (1..3). The kernel L1 is the live one
 * CPU 0 runs on; the boot L1 still holds the identity map of the image
 * (start.S wrote it, nothing clears or frees it: it lies below
 * kernel_end), so the MMU goes on as on CPU 0, then the identity goes. */
    .global _secondary_start
_secondary_start:
    cpsid   aif
    cps     #MODE_SVC
    mov     r10, r0                     @ CPU number
    ldr     r11, =PV_OFFSET
    ldr     r8, =__kernel_l1
    sub     r8, r8, r11                 @ r8 = kernel L1 (PA)
    ldr     r9, =__boot_l1
    sub     r9, r9, r11                 @ r9 = boot L1 (PA)

    mmu_on_then secondary_high

secondary_high:
    ldr     r0, =smp_stacks
    ldr     r1, =SMP_STACKS
    sub     r2, r10, #1
    mla     r0, r2, r1, r0              @ r0 = this CPU's stack block
    cps     #MODE_ABT
    add     sp, r0, #(SMP_SVC_STACK + SMP_ABT_STACK)
    cps     #MODE_UND
    add     sp, r0, #(SMP_SVC_STACK + SMP_ABT_STACK + SMP_UND_STACK)
    cps     #MODE_IRQ
    add     sp, r0, #(SMP_SVC_STACK + SMP_ABT_STACK + SMP_UND_STACK + SMP_IRQ_STACK)
    cps     #MODE_FIQ
    add     sp, r0, #(SMP_SVC_STACK + SMP_ABT_STACK + SMP_UND_STACK + SMP_IRQ_STACK + SMP_FIQ_STACK)
    cps     #MODE_SVC
    add     sp, r0, #SMP_SVC_STACK

    mov     r0, #(TTBCR_N1 | TTBCR_PD0)
    mcr     p15, 0, r0, c2, c0, 2       @ TTBCR.PD0 = 1: no user table until the core sets one
    isb                                 @ PD0 in effect: no walk can refill what we flush
    mov     r0, #0
    mcr     p15, 0, r0, c2, c0, 0       @ TTBR0 = 0
    mcr     p15, 0, r0, c8, c7, 0       @ TLBIALL (local: only our TLB cached the identity)
    mcr     p15, 0, r0, c7, c5, 6       @ BPIALL: predictions made through the identity
    dsb     nsh                         @ the local invalidations have completed
    isb                                 @ and later fetches see them
    mcr     p15, 0, r10, c13, c0, 4     @ TPIDRPRW: this CPU's number (arch_cpu_id)

    mov     r0, r10
    bl      smp_secondary_main          @ never returns
1:  wfi
    b       1b
    .ltorg
