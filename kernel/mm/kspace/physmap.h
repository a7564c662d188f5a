/*
 * physmap.h: dynamic physical mappings in the MMIO window, growing down
 * from 0xfff00000 to the heap top (kspace_bounds.h). Seed 000.
 */
#ifndef VMK_PHYSMAP_H
#define VMK_PHYSMAP_H

#include "types.h"

#define PHYSMAP_MAX  256u

/* Forgets every mapping (the tables are reset by the caller). */
void physmap_init(void);

struct physmap_result {
    vaddr_t virt, page_base;
    u32 size, refs;
    bool is_new, grown;
};
/* See PROTOCOL.md `physmap map`. attrs: ATTR_HW_MASK bits; device with
 * execute is E_BAD_ARG; other attributes of the same pages are
 * E_FLAGS_CONFLICT; E_NO_SPACE when the window would meet the heap. */
int physmap_map(paddr_t pa, u32 len, u32 attrs, struct physmap_result *out);
/* Drops a reference of the mapping holding virt; at zero unmaps it.
 * E_NOT_MAPPED if none. *refs = references left. */
int physmap_unmap(vaddr_t virt, u32 *refs);
struct physmap_info { paddr_t phys; u32 size; vaddr_t virt, page_base; u32 attrs, refs; };
/* The i-th live mapping (0-based), false past the end. */
bool physmap_get(u32 i, struct physmap_info *out);
/* True if [va, va+len) lies inside one physmap mapping. */
bool physmap_covers(vaddr_t va, u32 len);

/* Each mapping's pages are mapped where it says, spans are apart, and the
 * MMIO floor is the lowest of them. 0 or E_CORRUPT with *what. */
int physmap_check(const char **what);

#endif
