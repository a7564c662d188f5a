/*
 * lib.c: the memory functions gcc may emit calls to in freestanding code
 * (struct copies, large zero-initialisations), plus the EABI aliases that
 * some code generators use. Simple loops, by words where aligned.
 *
 * Built without loop-pattern recognition, or gcc would turn these very
 * loops into calls to themselves.
 */
#include <stddef.h>
#include <stdint.h>

/* a word that may alias anything */
typedef uint32_t __attribute__((may_alias)) word_t;

#define NO_PATTERNS __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* Sets n bytes at d to c (words where aligned: pmm clears big arrays). */
NO_PATTERNS void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    word_t w = (unsigned char)c * 0x01010101u;

    for (; n && ((uintptr_t)p & 3); n--)
        *p++ = (unsigned char)c;
    if (n >= 32) {
        /* 32 bytes per store-multiple: pmm_init clears 20 bytes of
         * page_info per page of RAM, the one boot step that grows with it */
        size_t blocks = n >> 5;
        __asm__ volatile(
            "mov r4, %2\n\t" "mov r5, %2\n\t" "mov r6, %2\n\t" "mov r7, %2\n\t"
            "mov r8, %2\n\t" "mov r9, %2\n\t" "mov r10, %2\n\t" "mov r12, %2\n"
            "1:\tstmia %0!, {r4-r10, r12}\n\t"
            "subs %1, %1, #1\n\t"
            "bne 1b"
            : "+r"(p), "+r"(blocks) : "r"(w)
            : "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "memory", "cc");
        n &= 31;
    }
    for (; n >= 4; n -= 4, p += 4)
        *(word_t *)p = w;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

/* Copies n bytes from s to d; the areas must not overlap. */
NO_PATTERNS void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;

    if ((((uintptr_t)p | (uintptr_t)q) & 3) == 0)
        for (; n >= 4; n -= 4, p += 4, q += 4)
            *(word_t *)p = *(const word_t *)q;
    while (n--)
        *p++ = *q++;
    return d;
}

/* Copies n bytes from s to d; the areas may overlap. */
NO_PATTERNS void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;

    if (p <= q || p >= q + n) {
        while (n--)
            *p++ = *q++;
    } else {
        while (n--)
            p[n] = q[n];
    }
    return d;
}

/* <0, 0, >0 as the first differing byte of a is below, equal, above b's. */
NO_PATTERNS int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

/* ARM EABI run-time helpers (note memset's argument order). */
void __aeabi_memcpy(void *d, const void *s, size_t n)  { memcpy(d, s, n); }
void __aeabi_memcpy4(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memcpy8(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memmove(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memset(void *d, size_t n, int c)          { memset(d, c, n); }
void __aeabi_memclr(void *d, size_t n)                 { memset(d, 0, n); }
void __aeabi_memclr4(void *d, size_t n)                { memset(d, 0, n); }
void __aeabi_memclr8(void *d, size_t n)                { memset(d, 0, n); }
