/*
 * kspace_bounds.h: the kernel's gigabyte above the direct map, and the two
 * boundaries in it that the heap and the MMIO window share. Seeds 000, 002.
 *
 *   0xc0000000 ............ heap_top      heap pages (PG_HEAP), 4K, RW, XN
 *   heap_top .. mmio_floor                nothing mapped, ever
 *   mmio_floor ........ 0xfff00000        physmap mappings
 *
 * This file owns both boundaries and the invariant between them:
 *   HEAP_BASE <= heap_top <= mmio_floor <= MMIO_TOP,
 * whatever the order of requests: the heap is full when its top meets the
 * floor, the window when its floor meets the top. The heap (heap.c) moves
 * only heap_top and physmap (physmap.c) only mmio_floor; each reads the
 * other's boundary here, never from the other file. All mappings here are
 * privileged and global, in the kernel's root, which the caller passes in.
 */
#ifndef VMK_KSPACE_BOUNDS_H
#define VMK_KSPACE_BOUNDS_H

#include "arch.h"
#include "pagetable.h"

/* Resets both boundaries (heap_top = HEAP_BASE, mmio_floor = MMIO_TOP) and
 * remembers the kernel root that heap and physmap map into. */
void kspace_bounds_init(struct pt_root *kroot);

/* The kernel root given to kspace_bounds_init. */
struct pt_root *kspace_root(void);

/* heap_top: first byte above the heap. physmap_floor: mmio_floor, the
 * lowest byte of the lowest physmap mapping (MMIO_TOP when there is none).
 * (The names are the ones callers knew when heap.c and physmap.c kept
 * them; both values live here now.) Read only, never fail. */
vaddr_t heap_top(void);
vaddr_t physmap_floor(void);

/* Moves a boundary. The caller has checked the invariant holds for the
 * new value (a kernel bug otherwise: KASSERT). Never fails. */
void kspace_set_heap_top(vaddr_t top);
void kspace_set_mmio_floor(vaddr_t floor);

#endif
