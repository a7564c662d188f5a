/*
 * physmap.h: dynamic physical mappings in the MMIO window, growing down
 * from 0xfff00000 to the heap top (kspace_bounds.h). Seed 000.
 *
 * Mappings are privileged and global in the kernel's root; mapping
 * allocates the L2 tables the pages need (large pages are used where
 * alignment allows), unmapping flushes their VAs in every ASID and frees
 * the tables it empties. Records are kept here (PHYSMAP_MAX of them).
 */
#ifndef VMK_PHYSMAP_H
#define VMK_PHYSMAP_H

#include "types.h"

#define PHYSMAP_MAX  256u

/* Forgets every mapping (the tables are reset by the caller). Allocates
 * and flushes nothing. */
void physmap_init(void);

struct physmap_result {
    vaddr_t virt, page_base;
    u32 size, refs;
    bool is_new, grown;
};
/* See PROTOCOL.md `physmap map`: the pages holding [pa, pa+len) mapped
 * with attrs (plus privileged, global): an existing mapping of them with
 * the same attrs is reused (refs + 1), or grown in place when there is
 * window free above it, else a new mapping goes at the highest free place.
 * *out = where, and how. Errors, in this order:
 *   E_BAD_ARG         len 0, a bit outside ATTR_HW_MASK, device with
 *                     execute or nocache
 *   E_RANGE           the range wraps, covers all of physical space, or
 *                     holds RAM that `pmm alloc` did not hand out
 *   E_FLAGS_CONFLICT  a live mapping of some of these pages has other attrs
 *   E_NO_MEMORY       growing in place needed an L2 table and got none
 *   E_NO_SPACE        a new mapping finds no record free, or the window
 *                     would meet the heap
 *   E_NO_MEMORY       a new mapping needed an L2 table and got none
 * Nothing changed on error. */
int physmap_map(paddr_t pa, u32 len, u32 attrs, struct physmap_result *out);
/* Drops a reference of the mapping holding virt; at zero unmaps it (and
 * flushes its pages), raising the floor if it was the lowest. *refs =
 * references left. Allocates nothing.
 *   E_NOT_MAPPED  no mapping holds virt */
int physmap_unmap(vaddr_t virt, u32 *refs);
struct physmap_info { paddr_t phys; u32 size; vaddr_t virt, page_base; u32 attrs, refs; };
/* The i-th live mapping (0-based, record order), false past the end. */
bool physmap_get(u32 i, struct physmap_info *out);
/* True if [va, va+len) lies inside one physmap mapping. */
bool physmap_covers(vaddr_t va, u32 len);

/* Each mapping's pages are mapped where it says, spans are apart, the
 * MMIO floor is the lowest of them, and the last record the scans read is
 * live. 0 or E_CORRUPT with *what = "physmap_record" or "physmap_page".
 * Reads only. */
int physmap_check(const char **what);

#endif
