/*
 * kspace.h: the kernel's gigabyte above the direct map as one module: the
 * boundaries (kspace_bounds.h), the heap (heap.h) and the MMIO window
 * (physmap.h). Callers outside the module include this.
 */
#ifndef VMK_KSPACE_H
#define VMK_KSPACE_H

#include "heap.h"
#include "kspace_bounds.h"
#include "physmap.h"

/* Resets the module: both boundaries, the heap's blocks, physmap's
 * mappings. kroot is the kernel's root (its tables are reset by the
 * caller, pt_kernel_init); heap and physmap map into it from now on.
 * Allocates and flushes nothing; cannot fail. */
void kspace_init(struct pt_root *kroot);

/* Heap and window agree with the kernel table and with each other, and
 * nothing else is mapped in [HEAP_BASE, MMIO_TOP). 0 or E_CORRUPT with
 * *what (heap_check's, physmap_check's, or "kspace_stray_mapping"). Reads
 * only. */
int kspace_check(const char **what);

#endif
