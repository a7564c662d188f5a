/*
 * mm.h: the memory-management core as one unit.
 *
 * mm_init() resets every module (pmm, pagetable, asid, vm, heap, physmap)
 * from the boot description: after it, no state of an earlier run is left,
 * so a fuzz iteration or a unit test may call it again at any time.
 */
#ifndef VMK_MM_H
#define VMK_MM_H

#include "arch.h"

/* Resets all of mm over the machine in *b: allocator, kernel table (direct
 * map, vectors), ASIDs, software attributes, heap, physmap, the access
 * event sink (none); address space 1 created and made current. Allocates
 * the vector page's L2 table and space 1's L1; flushes the whole TLB.
 *   E_NO_MEMORY  RAM cannot hold the boot structures */
int mm_init(const struct arch_boot *b);

/* The machine mm_init was given (for `info`). Reads only. */
const struct arch_boot *mm_boot(void);

#endif
