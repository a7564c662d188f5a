/*
 * heap.h: the kernel heap, growing up from 0xc0000000 to the MMIO floor
 * (kspace_bounds.h), and kmalloc/kfree on it (seed 002).
 *
 * The heap's pages are PG_HEAP pages from pmm mapped 4K, privileged RW,
 * XN, global in the kernel's root (their L2 tables allocated as needed);
 * giving pages back unmaps them, which flushes their VAs in every ASID.
 * Blocks are kept here (KMALLOC_MAX of them), not inside the heap.
 */
#ifndef VMK_HEAP_H
#define VMK_HEAP_H

#include "types.h"

#define KMALLOC_MAX  1024u
#define KMALLOC_ALIGN 8u

/* Forgets every block; the top is kspace's (reset by kspace_bounds_init).
 * Allocates and flushes nothing. */
void heap_init(void);

/* Moves the top up by bytes (rounded up to pages), backing each page with
 * a fresh PG_HEAP page; *top = the new top. Allocates those pages (and L2
 * tables); flushes only when undoing a failed growth.
 *   E_NO_SPACE   the top would pass the MMIO floor (or bytes overflow)
 *   E_NO_MEMORY  no block slot for the new space, or pages run out (more
 *                pages than are free: before any is mapped)
 * Nothing changed on error. */
int heap_grow(u32 bytes, vaddr_t *top);
/* Moves the top down by bytes (rounded up to pages), giving the pages
 * back (unmapped, flushed, freed); *top = the new top. Allocates nothing.
 *   E_RANGE  the top would go below 0xc0000000
 *   E_BUSY   a live kmalloc block (or no free tail block) is in the way */
int heap_shrink(u32 bytes, vaddr_t *top);
/* First fit over the heap of bytes rounded up to KMALLOC_ALIGN; *ptr = the
 * block's address. Grows the heap by what the free tail lacks when nothing
 * fits (allocating pages as heap_grow).
 *   E_BAD_ARG    bytes 0, or too large to round
 *   E_NO_MEMORY  fewer than two block slots free, or heap_grow's
 *   E_NO_SPACE   heap_grow's */
int kmalloc(u32 bytes, vaddr_t *ptr);
/* Frees the block at ptr, merging it with free neighbours. The heap does
 * not shrink: pages stay. Allocates and flushes nothing.
 *   E_BAD_ARG  ptr is not a live block's start (double or foreign free) */
int kfree(vaddr_t ptr);

/* Blocks tile [HEAP_BASE, top); every heap page is mapped to a PG_HEAP
 * frame with the heap's attributes. 0 or E_CORRUPT with *what. */
int heap_check(const char **what);

#endif
