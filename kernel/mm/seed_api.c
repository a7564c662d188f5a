/*
 * seed_api.c: the seed documents' interfaces on vm (see seed_api.h).
 */
#include "seed_api.h"
#include "access.h"
#include "vm.h"

int map_single_page(paddr_t phys_base, vaddr_t virt_base, u32 size, u32 attributes)
{
    return vm_map1(virt_base, phys_base, size, attributes);
}

int map_range(paddr_t phys_base, vaddr_t virt_base, u32 length, u32 attributes)
{
    u32 entries;
    return vm_map(virt_base, phys_base, length, attributes, &entries);
}

int unmap_single_page(vaddr_t virt_base)
{
    struct pt_entry was;
    return vm_unmap1(virt_base, &was);
}

int unmap_range(vaddr_t virt_base, u32 length)
{
    u32 unmapped;
    int rc = vm_unmap(virt_base, length, &unmapped);
    if (!rc && unmapped == 0)
        rc = MMAP_ADDRESS_NOT_MAPPED;
    return rc;
}

paddr_t mem_vmap_translate(MemVmap *inner, vaddr_t virt, bool *miss)
{
    struct pt_entry e;
    *miss = vm_translate_in(inner->as, virt, &e) != 0 ||
            (e.attrs & ATTR_INTERRUPT);
    return *miss ? 0 : e.pa + (virt - e.va);
}

int mem_vmap_map(MemVmap *inner, paddr_t phys, vaddr_t virt, u32 len, u32 flags)
{
    u32 entries;
    return vm_map_in(inner->as, virt, phys, len, flags, &entries);
}

void mem_vmap_unmap(MemVmap *inner, vaddr_t virt, u32 len)
{
    u32 unmapped;
    (void)vm_unmap_in(inner->as, virt, len, &unmapped);
}

int mem_vmap_switch_to(MemVmap *inner)
{
    return vm_as_switch(inner->as);
}

int mmu_page_table_map(u32 as, vaddr_t va, paddr_t *table)
{
    return vm_pt_map_in(as, va, table);
}

int mmu_page_table_unmap(u32 as, vaddr_t va)
{
    u32 unmapped;
    return vm_pt_unmap_in(as, va, &unmapped);
}

int mmu_frame_map(u32 as, vaddr_t va, paddr_t frame, u32 size, u32 attrs)
{
    return vm_map1_in(as, va, frame, size, attrs);
}

int mmu_frame_remap(u32 as, vaddr_t va, u32 attrs)
{
    struct pt_entry e;
    int rc = vm_translate_in(as, va, &e);
    if (!rc)
        rc = vm_protect_in(as, e.va, e.size, attrs);
    return rc;
}

int mmu_frame_unmap(u32 as, vaddr_t va)
{
    struct pt_entry was;
    return vm_unmap1_in(as, va, &was);
}

int mmu_frame_get_address(u32 as, vaddr_t va, paddr_t *frame, u32 *size)
{
    struct pt_entry e;
    int rc = vm_translate_in(as, va, &e);
    if (!rc && (e.attrs & ATTR_INTERRUPT))
        rc = E_NOT_MAPPED;   /* nothing backs an interrupt page */
    if (!rc) {
        *frame = e.pa;
        *size = e.size;
    }
    return rc;
}

int mmu_flush_page(u32 as, vaddr_t va)
{
    const struct pt_root *r = vm_root(as);
    if (as == 0 || !r)
        return E_BAD_AS;
    if (r->asid)
        arch_tlb_flush_va(va, r->asid);
    return 0;
}

int mmu_flush_as(u32 as) { return vm_flush_as(as); }

void mmu_flush_all(void) { vm_flush_all(); }

int mmu_cache(enum cache_op op, vaddr_t va, u32 len)
{
    struct arch_fault f;
    return access_cache(op, va, len, &f);
}
