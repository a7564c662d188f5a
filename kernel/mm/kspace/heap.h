/*
 * heap.h: the kernel heap, growing up from 0xc0000000 to the MMIO floor
 * (kspace_bounds.h), and kmalloc/kfree on it (seed 002).
 */
#ifndef VMK_HEAP_H
#define VMK_HEAP_H

#include "types.h"

#define KMALLOC_MAX  1024u
#define KMALLOC_ALIGN 8u

/* Forgets every block; the top is kspace's (reset by kspace_bounds_init). */
void heap_init(void);

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

/* Blocks tile [HEAP_BASE, top); every heap page is mapped to a PG_HEAP
 * frame with the heap's attributes. 0 or E_CORRUPT with *what. */
int heap_check(const char **what);

#endif
