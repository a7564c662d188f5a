/*
 * ready.S: the floor of launch-to-ready. The smallest semihosting program
 * QEMU can run with vmk's command line: it prints `ready` and waits. The
 * bench times it beside build/vmk.elf, so the difference is vmk's boot.
 */
    .syntax unified
    .arm
    .section .text, "ax"
    .global _start
_start:
    mov     r0, #0x04                   @ SYS_WRITE0
    adr     r1, msg
    svc     0x123456
1:  wfi                                 @ the bench kills us
    b       1b
msg:
    .asciz  "ready\n"
