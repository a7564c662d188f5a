/*
 * kspace.c: the heap/MMIO gigabyte as one thing: reset, and the check
 * that nothing but heap pages and physmap mappings is mapped there.
 */
#include "kspace.h"
#include "vm_check.h"

void kspace_init(struct pt_root *kroot)
{
    kspace_bounds_init(kroot);
    heap_init();
    physmap_init();
}

/* An entry of the window must belong to the heap or to a physmap mapping. */
static int visit_window(const struct pt_entry *e, void *ctx)
{
    bool in_heap = e->va + e->size <= heap_top();
    return in_heap || physmap_covers(e->va, e->size) ? 0 : E_CORRUPT;
}

int kspace_check(const char **what)
{
    int rc = heap_check(what);
    if (!rc) rc = physmap_check(what);
    if (!rc && pt_for_each(kspace_root(), HEAP_BASE, MMIO_TOP, visit_window, 0)) {
        *what = "kspace_stray_mapping";
        rc = E_CORRUPT;
    }
    return rc;
}
