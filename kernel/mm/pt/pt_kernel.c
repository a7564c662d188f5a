/*
 * pt_kernel.c: the kernel's table at boot (pt_kernel_init): the direct
 * map, the vector page, nothing else.
 */
#include <string.h>
#include "pt_internal.h"

/* Boot value of kernel L1 entry idx; vt = the vector page's L2 table.
 * W^X: the megabytes of the image's code and constants are read+execute,
 * the rest of the direct map read+write and never executable. */
static u32 kernel_entry(u32 idx, const struct arch_boot *b, paddr_t vt)
{
    u64 va = (u64)idx << 20, pa = va - DIRECT_MAP_OFF;
    const u32 code = ATTR_READ | ATTR_EXECUTE | ATTR_PRIVILEGED | ATTR_GLOBAL;
    const u32 data = ATTR_READ | ATTR_WRITE | ATTR_PRIVILEGED | ATTR_GLOBAL;

    if (idx == l1_index(VECTORS_VA))
        return vt | L1_TYPE_TABLE;
    if (va >= KERNEL_BASE && va < HEAP_BASE && pa >= b->ram_base &&
        pa + SZ_1M <= (u64)b->ram_base + b->ram_size)
        return leaf_encode(SZ_1M, (paddr_t)pa,
                           pa >= b->text_base && pa < b->text_end ? code : data);
    return 0;
}

/* See pagetable.h. Boot-only (and fuzz reset). k->l1 must be set; the
 * rest of *k is filled in. Every entry is written once, with its final
 * value: the direct map the CPU runs through keeps its frame, size and
 * memory type throughout; only its permissions change (boot's RWX to W^X),
 * which needs no break-before-make, just the flush below. */
int pt_kernel_init(struct pt_root *k, const struct arch_boot *b)
{
    const u32 va_attrs = ATTR_READ | ATTR_EXECUTE | ATTR_PRIVILEGED |
                         ATTR_GLOBAL;
    u32 *l1 = l1_of(k), *e;
    paddr_t vt;

    k->lo = KERNEL_BASE;
    k->hi = 0;
    k->asid = 0;
    k->is_kernel = true;
    if (l2_reserve(1))
        return E_NO_MEMORY;
    vt = l2_take();
    e = arch_phys_to_ptr(vt);
    e[l2_index(VECTORS_VA)] = leaf_encode(SZ_4K, b->vectors_pa, va_attrs);
    *l2_count(vt) = 1;
    arch_pt_written(e, L2_BYTES);
    /* Only the megabytes of the direct map and the vector page's can be
     * non-zero (kernel_entry); the rest of the span is cleared without
     * asking it. Each entry is still written once: the CPU runs through
     * the map. The 2048 entries below the span are not the root's: with
     * TTBCR.N = 1 TTBR1 never walks them, and no walk of the core starts
     * below k->lo, so they are left as they are (half the table). */
    u32 base = l1_index(KERNEL_BASE), vec = l1_index(VECTORS_VA), idx;
    u64 lo = ((u64)b->ram_base + DIRECT_MAP_OFF) >> 20;
    u64 hi = lo + (b->ram_size >> 20);
    hi = hi < vec ? hi : vec;          /* the map ends below the vectors */
    lo = lo < vec ? lo : vec;
    lo = lo > base ? lo : base;        /* kernel_entry: 0 below the span */
    memset(&l1[base], 0, (u32)(lo - base) * 4);
    for (idx = (u32)lo; idx < hi; idx++)
        l1[idx] = kernel_entry(idx, b, vt);
    memset(&l1[idx], 0, (vec - idx) * 4);
    l1[vec] = kernel_entry(vec, b, vt);
    memset(&l1[vec + 1], 0, (KERN_L1_ENTRIES - vec - 1) * 4);
    arch_pt_written(&l1[base], (KERN_L1_ENTRIES - base) * 4);
    arch_tlb_flush_all();    /* whatever boot or an earlier run cached */
    if (k->count)                /* counts from here on */
        pt_usage_scan(k, &k->count->l2_tables, &k->count->mapped);
    l2_settle();
    return 0;
}
