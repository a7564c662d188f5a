/*
 * pt_kernel.c: the kernel's table at boot (pt_kernel_init): the direct
 * map, the vector page, nothing else.
 */
#include "pt_internal.h"

/* Boot value of kernel L1 entry idx; vt = the vector page's L2 table. */
static u32 kernel_entry(u32 idx, paddr_t ram_base, u32 ram_size, paddr_t vt)
{
    u64 va = (u64)idx << 20, pa = va - DIRECT_MAP_OFF;
    const u32 dm = ATTR_READ | ATTR_WRITE | ATTR_EXECUTE | ATTR_PRIVILEGED |
                   ATTR_GLOBAL;

    if (idx == l1_index(VECTORS_VA))
        return vt | L1_TYPE_TABLE;
    if (va >= KERNEL_BASE && va < HEAP_BASE && pa >= ram_base &&
        pa + SZ_1M <= (u64)ram_base + ram_size)
        return leaf_encode(SZ_1M, (paddr_t)pa, dm);
    return 0;
}

/* See pagetable.h. Boot-only (and fuzz reset). k->l1 must be set; the
 * rest of *k is filled in. Every entry is written once, with its final
 * value: the direct map the CPU runs through keeps its value throughout. */
int pt_kernel_init(struct pt_root *k, paddr_t ram_base, u32 ram_size,
                   paddr_t vectors_pa)
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
    e[l2_index(VECTORS_VA)] = leaf_encode(SZ_4K, vectors_pa, va_attrs);
    *l2_count(vt) = 1;
    arch_pt_written(e, L2_BYTES);
    for (u32 idx = 0; idx < KERN_L1_ENTRIES; idx++)
        l1[idx] = kernel_entry(idx, ram_base, ram_size, vt);
    arch_pt_written(l1, KERN_L1_ENTRIES * 4);
    arch_tlb_flush_all();    /* whatever boot or an earlier run cached */
    l2_settle();
    return 0;
}
