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
 *
 * Errors, allocation and flushes are those of the vm call each one is
 * (named per function below; see vm.h for its list); what a function adds
 * to them is said where it does.
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
 * has) at virt_base -> phys_base: vm_map1. AddressAlreadyMapped if
 * anything is there; E_BAD_ARG for another size. The physical address is
 * checked as `map1` checks it (the seed checks none: vm must). */
int map_single_page(paddr_t phys_base, vaddr_t virt_base, u32 size, u32 attributes);

/* Maps [virt_base, +length) -> [phys_base, +length) with the largest
 * pages alignment allows: vm_map. AddressAlreadyMapped if any page is
 * mapped (then nothing of the range is). */
int map_range(paddr_t phys_base, vaddr_t virt_base, u32 length, u32 attributes);

/* Unmaps the page (of any size) holding virt_base, whole: vm_unmap1.
 * AddressNotMapped if there is none. */
int unmap_single_page(vaddr_t virt_base);

/* Unmaps every page in the range, splitting large pages at its ends:
 * vm_unmap. AddressNotMapped if no page of the range was mapped (vm_unmap
 * itself is content with an empty range). */
int unmap_range(vaddr_t virt_base, u32 length);

/* ---- seed 004: mem_vmap(9) -------------------------------------------- */

typedef struct mem_vmap { u32 as; } MemVmap;   /* a user address space id */

/* Physical address of the byte at virt in inner (either half:
 * vm_translate_in), or 0 with *miss set when nothing is mapped there or
 * the page is an interrupt page (nothing backs it). Never fails otherwise;
 * an unknown space is a miss. Reads only. */
paddr_t mem_vmap_translate(MemVmap *inner, vaddr_t virt, bool *miss);
/* Maps [virt, virt+len) -> [phys, ...) in inner, current or not, flags
 * being ATTR_* bits: vm_map_in. 0, or its E_* code, e.g. E_ALREADY_MAPPED
 * when the range overlaps a mapping, E_BAD_AS for an unknown space. */
int mem_vmap_map(MemVmap *inner, paddr_t phys, vaddr_t virt, u32 len, u32 flags);
/* Unmaps whatever is mapped in the range (vm_unmap_in); holes are fine.
 * Returns nothing: where vm_unmap_in would fail (a locked page, a split
 * that finds no memory, a bad range or space) the range stays as it was. */
void mem_vmap_unmap(MemVmap *inner, vaddr_t virt, u32 len);
/* Makes inner the current address space (vm_as_switch: may roll ASIDs
 * over). E_BAD_AS for an unknown space. */
int mem_vmap_switch_to(MemVmap *inner);

/* ---- seed 003: seL4-like MMU invocations ------------------------------ */

/* An empty L2 table under the 1M region holding va in space as; *table =
 * its physical address: vm_pt_map_in (allocates the table). */
int mmu_page_table_map(u32 as, vaddr_t va, paddr_t *table);
/* Unmaps the region's pages and frees its table: vm_pt_unmap_in
 * (E_NOT_MAPPED if no table is there). */
int mmu_page_table_unmap(u32 as, vaddr_t va);
/* Maps one frame of `size` (4K/64K/1M/16M) at va: vm_map1_in. */
int mmu_frame_map(u32 as, vaddr_t va, paddr_t frame, u32 size, u32 attrs);
/* Gives the whole frame mapped at va (va anywhere in it) new attributes
 * (rights, cacheability): vm_translate_in, then vm_protect_in over the
 * frame. E_NOT_MAPPED if no frame is mapped at va. */
int mmu_frame_remap(u32 as, vaddr_t va, u32 attrs);
/* Unmaps the whole frame mapped at va: vm_unmap1_in. */
int mmu_frame_unmap(u32 as, vaddr_t va);
/* Physical base and size of the frame mapped at va (vm_translate_in).
 * E_NOT_MAPPED if none, or an interrupt page (no frame backs it). Reads
 * only. */
int mmu_frame_get_address(u32 as, vaddr_t va, paddr_t *frame, u32 *size);
/* Flushes the page holding va from space as's ASID (nothing if it holds no
 * live ASID). E_BAD_AS for the kernel (0) or an unknown space. */
int mmu_flush_page(u32 as, vaddr_t va);
/* Flushes space as's ASID: vm_flush_as (E_BAD_AS). */
int mmu_flush_as(u32 as);
/* Flushes the whole TLB: vm_flush_all. */
void mmu_flush_all(void);
/* Cache maintenance by VA in the current regime: access_cache. E_BAD_ARG
 * for len 0, E_RANGE for a wrapping range, E_FAULT if a line is unmapped
 * (an EV_FAULT event is raised). */
int mmu_cache(enum cache_op op, vaddr_t va, u32 len);

#endif
