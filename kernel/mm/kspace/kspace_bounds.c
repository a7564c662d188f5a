/*
 * kspace_bounds.c: heap_top and mmio_floor, and the invariant between them
 * (see kspace_bounds.h).
 */
#include "kspace_bounds.h"
#include "kassert.h"

static struct {
    struct pt_root *kroot;
    vaddr_t heap_top, mmio_floor;
} ks;

void kspace_bounds_init(struct pt_root *kroot)
{
    ks.kroot = kroot;
    ks.heap_top = HEAP_BASE;
    ks.mmio_floor = MMIO_TOP;
}

struct pt_root *kspace_root(void) { return ks.kroot; }
vaddr_t heap_top(void) { return ks.heap_top; }
vaddr_t physmap_floor(void) { return ks.mmio_floor; }

void kspace_set_heap_top(vaddr_t top)
{
    KASSERT(top >= HEAP_BASE && top <= ks.mmio_floor);
    ks.heap_top = top;
}

void kspace_set_mmio_floor(vaddr_t floor)
{
    KASSERT(floor <= MMIO_TOP && floor >= ks.heap_top);
    ks.mmio_floor = floor;
}
