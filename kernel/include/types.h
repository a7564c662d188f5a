/*
 * types.h: the few types every part of vmk shares, core and arch alike.
 *
 * One type per kind of address (seL4): a paddr_t is never dereferenced,
 * a vaddr_t is an address in some translation regime, and a C pointer is
 * only ever a kernel pointer (arch_phys_to_ptr() turns one into the other).
 */
#ifndef VMK_TYPES_H
#define VMK_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t  u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t  s32;
typedef int64_t  s64;

typedef u32 paddr_t;   /* physical address (ARMv7 without LPAE: 32 bits) */
typedef u32 vaddr_t;   /* virtual address in the current translation regime */

#define PAGE_SHIFT 12
#define PAGE_SIZE  0x1000u
#define SZ_4K      0x1000u
#define SZ_64K     0x10000u
#define SZ_1M      0x100000u
#define SZ_16M     0x1000000u

#define ALIGNED(x, a)    (((x) & ((a) - 1)) == 0)
/* The mask takes x's type, so a 64-bit x keeps its high bits. */
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN_UP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ARRAY_LEN(a)     (sizeof(a) / sizeof((a)[0]))

/*
 * Error codes of the core. Functions return 0 or one of these (negative);
 * results travel through out-parameters. Each maps one to one onto an
 * `err <CODE>` of PROTOCOL.md (see err_name() in kernel/cmd).
 */
enum vmk_err {
    E_OK             = 0,
    E_BAD_COMMAND    = -1,
    E_BAD_ARG        = -2,
    E_TOO_LONG       = -3,
    E_ALIGN          = -4,
    E_RANGE          = -5,
    E_ALREADY_MAPPED = -6,
    E_NOT_MAPPED     = -7,
    E_NO_MEMORY      = -8,
    E_NO_SPACE       = -9,
    E_FLAGS_CONFLICT = -10,
    E_BAD_AS         = -11,
    E_BUSY           = -12,
    E_FAULT          = -13,
    E_CORRUPT        = -14,
};

/*
 * Mapping attributes, one bit each, in the order PROTOCOL.md lists them
 * (replies print them in this order).
 */
enum vmk_attr {
    ATTR_READ       = 1u << 0,   /* always granted */
    ATTR_WRITE      = 1u << 1,
    ATTR_EXECUTE    = 1u << 2,
    ATTR_PRIVILEGED = 1u << 3,   /* PL1 only */
    ATTR_NOCACHE    = 1u << 4,   /* Normal, non-cacheable */
    ATTR_DEVICE     = 1u << 5,   /* Device memory, never executable */
    ATTR_UNINIT     = 1u << 6,   /* map does not zero the frames */
    ATTR_LOCK       = 1u << 7,   /* unmap refuses with BUSY */
    ATTR_INTERRUPT  = 1u << 8,   /* trap page, nothing backs it */
    ATTR_GROW_UP    = 1u << 9,
    ATTR_GROW_DOWN  = 1u << 10,
    ATTR_GLOBAL     = 1u << 11,  /* nG clear */
    ATTR_COUNT      = 12,
    ATTR_ALL        = (1u << 12) - 1,
};

/* What the hardware descriptor itself holds; the rest is software state. */
#define ATTR_HW_MASK (ATTR_READ | ATTR_WRITE | ATTR_EXECUTE | ATTR_PRIVILEGED | \
                      ATTR_NOCACHE | ATTR_DEVICE | ATTR_GLOBAL)
/* Software-only attributes, kept beside the tables by kernel/mm/vm. */
#define ATTR_SW_MASK (ATTR_UNINIT | ATTR_LOCK | ATTR_GROW_UP | ATTR_GROW_DOWN)

#endif
