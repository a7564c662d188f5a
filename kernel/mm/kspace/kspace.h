/*
 * kspace.h: the kernel's gigabyte above the direct map, shared by the heap
 * (growing up from 0xc0000000) and the MMIO window of physmap (growing
 * down from 0xfff00000). Seeds 000 and 002.
 *
 *   0xc0000000 ............ heap_top      heap pages (PG_HEAP), 4K, RW, XN
 *   heap_top .. mmio_floor                nothing mapped, ever
 *   mmio_floor ........ 0xfff00000        physmap mappings
 *
 * Invariant: heap_top <= mmio_floor, whatever the order of requests; the
 * heap is full when its top meets the floor, the window when its floor
 * meets the top. All mappings here are privileged and global.
 */
#ifndef VMK_KSPACE_H
#define VMK_KSPACE_H

#include "arch.h"

#define PHYSMAP_MAX  256u
#define KMALLOC_MAX  1024u
#define KMALLOC_ALIGN 8u

void kspace_init(void);

/* ---- heap ---- */
vaddr_t heap_top(void);
/* Moves the top up by bytes (rounded up to pages), backing each page with
 * a fresh PG_HEAP page. E_NO_SPACE if it would pass the MMIO floor,
 * E_NO_MEMORY if pages run out; nothing changed on error. */
int heap_grow(u32 bytes, vaddr_t *top);
/* Moves the top down by bytes (rounded up to pages), giving the pages
 * back. E_RANGE below 0xc0000000, E_BUSY over a live kmalloc block. */
int heap_shrink(u32 bytes, vaddr_t *top);
/* First fit over the heap, growing it when nothing fits. */
int kmalloc(u32 bytes, vaddr_t *ptr);
/* E_BAD_ARG unless ptr is a live block's start (double/foreign free). */
int kfree(vaddr_t ptr);

/* ---- physmap (seed 000) ---- */
struct physmap_result {
    vaddr_t virt, page_base;
    u32 size, refs;
    bool is_new, grown;
};
vaddr_t physmap_floor(void);
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

/* Heap and window agree with the kernel table and with each other. */
int kspace_check(const char **what);

#endif
