/*
 * pt_desc.h: ARMv7 short-descriptor encode and decode, private to the
 * pagetable module (kernel/mm/pt/, see pt_internal.h).
 *
 *   L1 (one per 1 MiB)                    L2 (one per 4 KiB, 256 a table)
 *   [1:0] 00 invalid (or marker)          [1:0] 00 invalid (or marker)
 *         01 table: [31:10] L2 base             01 large 64K: [31:16] base,
 *         10 section: [31:20] base,                [15] XN, [14:12] TEX,
 *            [17] nG, [16] S, [15] AP2,            [11] nG, [10] S, [9] AP2,
 *            [14:12] TEX, [11:10] AP1:0,           [5:4] AP1:0, [3] C, [2] B
 *            [8:5] domain, [4] XN, [3] C, [2] B  1x small 4K: [31:12] base,
 *            [18] = 1: supersection,               [11] nG, [10] S, [9] AP2,
 *            [31:24] base                          [8:6] TEX, [5:4] AP1:0,
 *                                                  [3] C, [2] B, [0] XN
 *
 * What we write is canonical: domain 0, S = 0, no PXN or NS, bit 9 of L1
 * clear, extended supersection base 0, and TEX/C/B, AP and XN exactly as
 * pagetable.h's table says. pt_check calls a descriptor well formed when
 * re-encoding what it decodes gives it back bit for bit.
 *
 * Two invalid encodings carry software information (bits[1:0] = 00):
 *   marker   bits[31:28] = 0xA, [25:24] size code, [13:2] attrs (ATTR_READ
 *            is always set, so bit 2 = 1): an `interrupt` page
 *   pending  [31:12] frame base, [5:4] size code, [3:2] = 10: a valid page
 *            that pt_protect has broken and will make again; it never
 *            outlives the call (bit 2 = 0 tells it from a marker)
 */
#ifndef VMK_PT_DESC_H
#define VMK_PT_DESC_H

#include "types.h"

#define L1_TYPE_TABLE   1u
#define L1_TYPE_SECT    2u
#define L1_SUPER        (1u << 18)
#define L1_TABLE_ADDR   0xfffffc00u
#define L1_NG           (1u << 17)
#define L2_NG           (1u << 11)
#define L2_ENTRIES      256u
#define L2_BYTES        1024u

#define MK_TAG          0xa0000000u
#define PEND_TAG        0x8u

/* Size codes of markers and pending entries. */
enum { SZC_4K = 0, SZC_64K = 1, SZC_1M = 2, SZC_16M = 3 };

enum pt_kind {
    PK_NONE,     /* all zero */
    PK_TABLE,    /* L1 only */
    PK_SMALL, PK_LARGE, PK_SECT, PK_SUPER,
    PK_MARK,     /* interrupt-page marker, any size */
    PK_PEND,     /* protect's broken entry, any size */
    PK_BAD,      /* nothing we write */
};

static inline u32 szc_of(u32 size)
{
    return size == SZ_4K ? SZC_4K : size == SZ_64K ? SZC_64K :
           size == SZ_1M ? SZC_1M : SZC_16M;
}
static inline u32 size_of_szc(u32 c) { return 0x1000u << (4 * c); }

/* Kind of an invalid, non-zero descriptor. */
static inline enum pt_kind soft_kind(u32 d)
{
    if ((d & 0xcu) == PEND_TAG)
        return PK_PEND;
    return (d >> 28) == (MK_TAG >> 28) ? PK_MARK : PK_BAD;
}

static inline enum pt_kind l1_kind(u32 d)
{
    switch (d & 3u) {
    case 0:  return d ? soft_kind(d) : PK_NONE;
    case 1:  return PK_TABLE;
    case 2:  return (d & L1_SUPER) ? PK_SUPER : PK_SECT;
    default: return PK_BAD;          /* PXN section: never written */
    }
}

static inline enum pt_kind l2_kind(u32 d)
{
    switch (d & 3u) {
    case 0:  return d ? soft_kind(d) : PK_NONE;
    case 1:  return PK_LARGE;
    default: return PK_SMALL;
    }
}

/* Size of the page a marker or pending entry stands for. */
static inline u32 soft_size(u32 d, enum pt_kind k)
{
    return size_of_szc(k == PK_MARK ? (d >> 24) & 3u : (d >> 4) & 3u);
}

/* Entries (1 or 16) that the page whose entry d of kind k is spans. */
static inline u32 page_entries(u32 d, enum pt_kind k)
{
    switch (k) {
    case PK_LARGE: case PK_SUPER:
        return 16;
    case PK_MARK: case PK_PEND:
        return (soft_size(d, k) == SZ_64K || soft_size(d, k) == SZ_16M) ? 16 : 1;
    default:
        return 1;
    }
}

static inline u32 mk_encode(u32 size, u32 attrs)
{
    return MK_TAG | szc_of(size) << 24 | (attrs & ATTR_ALL) << 2;
}
static inline u32 mk_attrs(u32 d) { return (d >> 2) & ATTR_ALL; }

static inline u32 pend_encode(paddr_t pa, u32 size)
{
    return (pa & 0xfffff000u) | szc_of(size) << 4 | PEND_TAG;
}

/* The bits of a leaf of the given size other than its frame base (and
 * the type bits). attrs: ATTR_HW_MASK, valid per pt_attrs_valid. */
u32 leaf_bits(u32 size, u32 attrs);

/* The descriptor of one page: a marker if attrs has ATTR_INTERRUPT. */
static inline u32 leaf_encode(u32 size, paddr_t pa, u32 attrs)
{
    if (attrs & ATTR_INTERRUPT)
        return mk_encode(size, attrs);
    return (pa & ~(size - 1)) | leaf_bits(size, attrs);
}

/* Decodes a valid leaf (PK_SMALL/LARGE/SECT/SUPER) or marker d into *size,
 * *pa and *attrs. false if d is not one we would have written. */
bool leaf_decode(u32 d, enum pt_kind k, u32 *size, paddr_t *pa, u32 *attrs);

/* Size of the page a valid leaf (PK_SMALL/LARGE/SECT/SUPER) or a marker
 * or pending entry d of kind k stands for: read from its type bits alone,
 * without decoding its attributes (the unmap fast path). */
static inline u32 leaf_size(u32 d, enum pt_kind k)
{
    switch (k) {
    case PK_SMALL: return SZ_4K;
    case PK_LARGE: return SZ_64K;
    case PK_SECT:  return SZ_1M;
    case PK_SUPER: return SZ_16M;
    default:       return soft_size(d, k);
    }
}

/* The attributes of a small (4K) page from bits[11:0] of its descriptor,
 * as leaf_decode finds them, or 0 if no attribute set encodes those bits
 * (ATTR_READ is always set in a valid result). A table of 4096, built on
 * first use from leaf_decode itself (pt_desc.c): translate's fast path. */
extern u16  pt_small_tab[4096];
extern bool pt_small_tab_built;
void small_attrs_build(void);
static inline u32 small_attrs(u32 d)
{
    if (!pt_small_tab_built)
        small_attrs_build();
    return pt_small_tab[d & 0xfffu];
}

/* True if the leaf entry d is global (nG clear); markers are not cached. */
static inline bool leaf_global(u32 d, enum pt_kind k)
{
    if (k == PK_SMALL || k == PK_LARGE)
        return !(d & L2_NG);
    return !(d & L1_NG);
}

#endif
