/*
 * seed_api.h: the interfaces of the documents vmk comes from, as C on top
 * of vm (shared/seeds/). Each is a thin, exact mapping: the work and the
 * guarantees (check everything, then write; nothing changed on error) are
 * vm's.
 *
 *   seed 001  root.system.paging: map_single_page, map_range,
 *             unmap_single_page, unmap_range; MMapError
 *   seed 004  mem_vmap(9): mem_vmap_translate, _map, _unmap, _switch_to
 *   seed 003  seL4-like ARMMU: page table map/unmap, frame map/remap/unmap,
 *             get address, flush page/address space/all, cache maintenance
 */
#ifndef VMK_SEED_API_H
#define VMK_SEED_API_H

#include "arch.h"

/* ---- seed 001: acts on the current address space ---------------------- */

/* MMapError: the two errors of seed 001 are vm's; other vm errors (ALIGN,
 * RANGE, NO_MEMORY, …) pass through unchanged. */
enum mmap_error {
    MMAP_OK                     = 0,
    MMAP_ADDRESS_ALREADY_MAPPED = E_ALREADY_MAPPED,
    MMAP_ADDRESS_NOT_MAPPED     = E_NOT_MAPPED,
};

/* Maps one page of `size` (4K, 64K, 1M or 16M: a power of two the MMU
 * has) at virt_base -> phys_base. AddressAlreadyMapped if anything is
 * there. The physical address is checked as `map1` checks it. */
int map_single_page(paddr_t phys_base, vaddr_t virt_base, u32 size, u32 attributes);

/* Maps [virt_base, +length) -> [phys_base, +length) with the largest
 * pages alignment allows. AddressAlreadyMapped if any page is mapped. */
int map_range(paddr_t phys_base, vaddr_t virt_base, u32 length, u32 attributes);

/* Unmaps the page (of any size) holding virt_base; AddressNotMapped if
 * there is none. */
int unmap_single_page(vaddr_t virt_base);

/* Unmaps every page in the range, splitting large pages at its ends;
 * AddressNotMapped if no page of the range was mapped. */
int unmap_range(vaddr_t virt_base, u32 length);

/* ---- seed 004: mem_vmap(9) -------------------------------------------- */

typedef struct mem_vmap { u32 as; } MemVmap;   /* a user address space id */

/* Physical address of virt in inner (either half), or 0 with *miss set
 * when nothing is mapped there. */
paddr_t mem_vmap_translate(MemVmap *inner, vaddr_t virt, bool *miss);
/* 0, or non-zero (an E_* code) e.g. when the range overlaps a mapping. */
int mem_vmap_map(MemVmap *inner, paddr_t phys, vaddr_t virt, u32 len, u32 flags);
/* Unmaps whatever is mapped in the range; holes are fine. Does not fail on
 * a well-formed range (a locked page, or a split that finds no memory,
 * leaves the range as it was). */
void mem_vmap_unmap(MemVmap *inner, vaddr_t virt, u32 len);
/* Makes inner the current address space. */
int mem_vmap_switch_to(MemVmap *inner);

/* ---- seed 003: seL4-like MMU invocations ------------------------------ */

int mmu_page_table_map(u32 as, vaddr_t va, paddr_t *table);
int mmu_page_table_unmap(u32 as, vaddr_t va);
/* Maps one frame of `size` (4K/64K/1M/16M). */
int mmu_frame_map(u32 as, vaddr_t va, paddr_t frame, u32 size, u32 attrs);
/* Gives the mapped frame at va new attributes (rights, cacheability). */
int mmu_frame_remap(u32 as, vaddr_t va, u32 attrs);
int mmu_frame_unmap(u32 as, vaddr_t va);
/* Physical base and size of the frame mapped at va. */
int mmu_frame_get_address(u32 as, vaddr_t va, paddr_t *frame, u32 *size);
int mmu_flush_page(u32 as, vaddr_t va);
int mmu_flush_as(u32 as);
void mmu_flush_all(void);
/* Cache maintenance by VA in the current regime; E_FAULT if unmapped. */
int mmu_cache(enum cache_op op, vaddr_t va, u32 len);

#endif
