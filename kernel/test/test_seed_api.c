/*
 * test_seed_api.c: the seed documents' C interfaces (shared/seeds/,
 * seed_api.h) as their callers would use them: seed 001 (map_single_page,
 * map_range, unmap_single_page, unmap_range, MMapError), seed 004
 * (mem_vmap_*), seed 003 (the seL4-like MMU invocations). Each scenario
 * names the exact pages, frames and errors the document promises.
 */
#include "fixture.h"
#include "seed_api.h"

#define RAM (32u << 20)

static struct sim_stats stats(void)
{
    struct sim_stats s;

    sim_get_stats(&s);
    return s;
}

/* ---- seed 001 ------------------------------------------------------------ */

/* map_single_page(phys, virt, size, attrs): phys first. A page of each
 * size the MMU has; any other size is refused; mapping over it is
 * AddressAlreadyMapped. */
TEST(seed001_map_single_page)
{
    mm_setup(RAM);
    paddr_t pa = frames(256, SZ_1M);
    struct pt_entry e;

    EXPECT_EQ(map_single_page(pa, 0x00100000, SZ_1M, RW), 0);
    EXPECT_EQ(vm_translate(0x00180004, &e), 0);
    EXPECT_EQ(e.va, 0x00100000);
    EXPECT_EQ(e.pa, pa);
    EXPECT_EQ(e.size, SZ_1M);
    EXPECT_EQ(hw(0x00180004), pa + 0x80004);
    EXPECT_EQ(map_single_page(pa, 0x00100000, SZ_4K, RW),
              MMAP_ADDRESS_ALREADY_MAPPED);
    EXPECT_EQ(map_single_page(pa, 0x00400000, 0x2000, RW), E_BAD_ARG);
    EXPECT_EQ(map_single_page(pa + SZ_4K, 0x00400000, SZ_64K, RW), E_ALIGN);
    expect_vm_check();
}

/* map_range picks the largest pages: 1M + 64K + 4K for that length at a
 * 1M-aligned pair; any page already there: AddressAlreadyMapped, and
 * nothing of the range is mapped. */
TEST(seed001_map_range_sizes)
{
    mm_setup(RAM);
    paddr_t pa = frames(256 + 16 + 1, SZ_1M);
    struct pt_entry e;
    struct snap s;

    EXPECT_EQ(map_range(pa, 0x00200000, SZ_1M + SZ_64K + SZ_4K, RW), 0);
    EXPECT_EQ(vm_translate(0x00200000, &e), 0);
    EXPECT_EQ(e.size, SZ_1M);
    EXPECT_EQ(vm_translate(0x00300000, &e), 0);
    EXPECT_EQ(e.size, SZ_64K);
    EXPECT_EQ(e.pa, pa + SZ_1M);
    EXPECT_EQ(vm_translate(0x00310000, &e), 0);
    EXPECT_EQ(e.size, SZ_4K);
    EXPECT_EQ(e.pa, pa + SZ_1M + SZ_64K);
    snap_take(&s);
    EXPECT_EQ(map_range(pa, 0x00310000 - SZ_64K, 2 * SZ_64K, RW),
              MMAP_ADDRESS_ALREADY_MAPPED);
    EXPECT(snap_same(&s));
    expect_vm_check();
}

/* unmap_single_page takes the whole page holding the address (here a 64K
 * page, by an address inside it); AddressNotMapped where there is none. */
TEST(seed001_unmap_single_page)
{
    mm_setup(RAM);
    paddr_t pa = frames(16, SZ_64K);
    struct pt_entry e;

    EXPECT_EQ(map_range(pa, 0x00410000, SZ_64K, RW), 0);
    EXPECT_EQ(unmap_single_page(0x00417000), 0);
    EXPECT_EQ(vm_translate(0x00410000, &e), E_NOT_MAPPED);
    EXPECT_EQ(vm_translate(0x0041f000, &e), E_NOT_MAPPED);
    EXPECT_EQ(pmm_page(pa)->mapcount, 0);
    EXPECT_EQ(unmap_single_page(0x00417000), MMAP_ADDRESS_NOT_MAPPED);
    expect_vm_check();
}

/* unmap_range: a hole inside the range is fine; a range with nothing in
 * it is AddressNotMapped; a large page at an end is split and only the
 * covered part goes. */
TEST(seed001_unmap_range)
{
    mm_setup(RAM);
    paddr_t pa = frames(16, SZ_64K);
    struct pt_entry e;

    EXPECT_EQ(map_range(pa, 0x00500000, SZ_4K, RW), 0);
    EXPECT_EQ(map_range(pa + SZ_64K - SZ_4K, 0x00502000, SZ_4K, RW), 0);
    EXPECT_EQ(unmap_range(0x00500000, 3 * SZ_4K), 0);       /* hole at +1 */
    EXPECT_EQ(vm_translate(0x00502000, &e), E_NOT_MAPPED);
    EXPECT_EQ(unmap_range(0x00500000, 3 * SZ_4K), MMAP_ADDRESS_NOT_MAPPED);
    EXPECT_EQ(map_range(pa, 0x00610000, SZ_64K, RW), 0);
    EXPECT_EQ(unmap_range(0x00618000, 0x9000), 0);          /* past its end */
    EXPECT_EQ(vm_translate(0x00617000, &e), 0);
    EXPECT_EQ(e.size, SZ_4K);
    EXPECT_EQ(e.pa, pa + 0x7000);
    EXPECT_EQ(vm_translate(0x00618000, &e), E_NOT_MAPPED);
    expect_vm_check();
}

/* ---- seed 004 ------------------------------------------------------------ */

/* mem_vmap_map and _translate act on the space they are given, current or
 * not; translate gives the byte's physical address, and the miss flag for
 * an unmapped or an interrupt page (nothing backs it). */
TEST(seed004_map_translate_other_space)
{
    mm_setup(RAM);
    paddr_t pa = frames(1, SZ_4K);
    MemVmap other = { 0 }, cur = { 1 };
    bool miss = false;

    EXPECT_EQ(vm_as_new(&other.as), 0);
    EXPECT_EQ(mem_vmap_map(&other, pa, 0x00700000, SZ_4K, RW), 0);
    EXPECT_EQ(mem_vmap_translate(&other, 0x00700abc, &miss), pa + 0xabc);
    EXPECT(!miss);
    EXPECT_EQ(mem_vmap_translate(&cur, 0x00700abc, &miss), 0);
    EXPECT(miss);                        /* not in the current space */
    EXPECT_EQ(mem_vmap_map(&other, 0, 0x00701000, SZ_4K, IRQ), 0);
    EXPECT_EQ(mem_vmap_translate(&other, 0x00701000, &miss), 0);
    EXPECT(miss);
    EXPECT_EQ(mem_vmap_translate(&cur, KERNEL_BASE + 0x10, &miss),
              KERNEL_BASE - DIRECT_MAP_OFF + 0x10);
    EXPECT(!miss);
    EXPECT_EQ(mem_vmap_map(&other, pa, 0x00700000, SZ_4K, RW),
              E_ALREADY_MAPPED);
    expect_vm_check();
}

/* mem_vmap_unmap removes whatever is in the range, holes and all; a
 * locked page stays (and the call still returns: it cannot fail). */
TEST(seed004_unmap_and_switch)
{
    mm_setup(RAM);
    paddr_t pa = frames(3, SZ_4K);
    MemVmap m = { 0 }, bad = { VM_AS_MAX - 1 };
    bool miss = false;

    EXPECT_EQ(vm_as_new(&m.as), 0);
    EXPECT_EQ(mem_vmap_map(&m, pa + 2 * SZ_4K, 0x00800000, SZ_4K, RW), 0);
    EXPECT_EQ(mem_vmap_map(&m, pa, 0x00802000, SZ_4K, RW), 0);
    EXPECT_EQ(mem_vmap_map(&m, pa + SZ_4K, 0x00803000, SZ_4K, RW | ATTR_LOCK), 0);
    mem_vmap_unmap(&m, 0x00800000, 3 * SZ_4K);      /* hole at +1 */
    EXPECT_EQ(mem_vmap_translate(&m, 0x00800000, &miss), 0);
    EXPECT(miss);
    EXPECT_EQ(mem_vmap_translate(&m, 0x00802000, &miss), 0);
    EXPECT(miss);
    mem_vmap_unmap(&m, 0x00800000, 4 * SZ_4K);      /* reaches the lock */
    EXPECT_EQ(mem_vmap_translate(&m, 0x00803000, &miss), pa + SZ_4K);
    EXPECT(!miss);
    EXPECT_EQ(mem_vmap_switch_to(&m), 0);
    EXPECT_EQ(vm_as_current(), m.as);
    EXPECT_EQ(load(0x00803000), 0);                 /* through the MMU */
    EXPECT_EQ(mem_vmap_switch_to(&bad), E_BAD_AS);
    EXPECT_EQ(vm_as_current(), m.as);
    expect_vm_check();
}

/* ---- seed 003 ------------------------------------------------------------ */

/* Page table map/unmap: an empty L2 table under the 1M region, reported
 * by its physical address; unmapping the table takes its pages with it. */
TEST(seed003_page_table)
{
    mm_setup(RAM);
    paddr_t table = 0, again = 0, pa = frames(1, SZ_4K);
    struct pt_entry e;
    u32 id = 0;

    EXPECT_EQ(vm_as_new(&id), 0);
    EXPECT_EQ(mmu_page_table_map(id, 0x00934000, &table), 0);
    EXPECT_EQ(ram32(vm_root(id)->l1)[9], table | 1);   /* L1 entry 9 -> it */
    EXPECT_EQ(mmu_page_table_map(id, 0x00900000, &again), E_ALREADY_MAPPED);
    EXPECT_EQ(mmu_frame_map(id, 0x00905000, pa, SZ_4K, RW), 0);
    EXPECT_EQ(ram32(table)[5] & ~0xfffu, pa);
    EXPECT_EQ(mmu_page_table_unmap(id, 0x009fffff), 0);
    EXPECT_EQ(ram32(vm_root(id)->l1)[9], 0);
    EXPECT_EQ(vm_translate_in(id, 0x00905000, &e), E_NOT_MAPPED);
    EXPECT_EQ(mmu_page_table_unmap(id, 0x00900000), E_NOT_MAPPED);
    EXPECT_EQ(mmu_page_table_map(0, 0x00900000, &table), E_BAD_AS);
    expect_vm_check();
}

/* Frame map/remap/get address/unmap: remap by an address inside a 64K
 * frame changes the whole frame; get address gives its base and size,
 * and refuses an interrupt page (no frame). */
TEST(seed003_frames)
{
    mm_setup(RAM);
    paddr_t pa = frames(16, SZ_64K), f = 0;
    u32 size = 0;
    struct pt_entry e;

    EXPECT_EQ(mmu_frame_map(1, 0x00a10000, pa, SZ_64K, RW), 0);
    EXPECT_EQ(mmu_frame_get_address(1, 0x00a1f004, &f, &size), 0);
    EXPECT_EQ(f, pa);
    EXPECT_EQ(size, SZ_64K);
    EXPECT_EQ(mmu_frame_remap(1, 0x00a13000, ATTR_READ), 0);
    EXPECT_EQ(vm_translate(0x00a10000, &e), 0);
    EXPECT_EQ(e.size, SZ_64K);                      /* not split */
    EXPECT_EQ(e.attrs, ATTR_READ);
    EXPECT(!hw_ok(0x00a1f000, false, true));
    EXPECT(hw_ok(0x00a1f000, false, false));
    EXPECT_EQ(mmu_frame_map(1, 0x00a30000, 0, SZ_4K, IRQ), 0);
    EXPECT_EQ(mmu_frame_get_address(1, 0x00a30000, &f, &size), E_NOT_MAPPED);
    EXPECT_EQ(mmu_frame_unmap(1, 0x00a1c000), 0);
    EXPECT_EQ(mmu_frame_get_address(1, 0x00a10000, &f, &size), E_NOT_MAPPED);
    EXPECT_EQ(mmu_frame_unmap(1, 0x00a10000), E_NOT_MAPPED);
    EXPECT_EQ(mmu_frame_remap(1, 0x00a10000, RW), E_NOT_MAPPED);
    expect_vm_check();
}

/* Flushes: a page by VA + the space's ASID; nothing for a space that never
 * had an ASID; the kernel (0) and unknown spaces are refused. */
TEST(seed003_flushes)
{
    mm_setup(RAM);
    struct sim_stats s0 = stats(), s1;
    u32 id = 0;

    EXPECT_EQ(mmu_flush_page(1, 0x1000), 0);
    s1 = stats();
    EXPECT_EQ(s1.flush_va - s0.flush_va, 1);
    EXPECT_EQ(vm_as_new(&id), 0);
    EXPECT_EQ(mmu_flush_page(id, 0x1000), 0);       /* no ASID: tags nothing */
    EXPECT_EQ(mmu_flush_as(id), 0);
    s0 = stats();
    EXPECT_EQ(s0.flush_va, s1.flush_va);
    EXPECT_EQ(s0.flush_asid, s1.flush_asid);
    EXPECT_EQ(mmu_flush_page(0, 0x1000), E_BAD_AS);
    EXPECT_EQ(mmu_flush_page(VM_AS_MAX - 1, 0x1000), E_BAD_AS);
    EXPECT_EQ(mmu_flush_as(0), E_BAD_AS);
    EXPECT_EQ(mmu_flush_as(1), 0);
    mmu_flush_all();
    s1 = stats();
    EXPECT_EQ(s1.flush_asid - s0.flush_asid, 1);
    EXPECT_EQ(s1.flush_all - s0.flush_all, 1);
}

/* Cache maintenance by VA: fine over a mapped page, E_FAULT over an
 * unmapped one, E_BAD_ARG for nothing, E_RANGE for a wrapping range. */
TEST(seed003_cache)
{
    mm_setup(RAM);
    paddr_t pa = frames(1, SZ_4K);

    EXPECT_EQ(map_range(pa, 0x00b00000, SZ_4K, RW), 0);
    EXPECT_EQ(mmu_cache(CACHE_CLEAN, 0x00b00000, SZ_4K), 0);
    EXPECT_EQ(mmu_cache(CACHE_FLUSH, 0x00b01000, 4), E_FAULT);
    EXPECT_EQ(mmu_cache(CACHE_CLEAN, 0x00b00000, 0), E_BAD_ARG);
    EXPECT_EQ(mmu_cache(CACHE_CLEAN, 0xfffff000u, 0x2000), E_RANGE);
}

int main(void)
{
    RUN(seed001_map_single_page);
    RUN(seed001_map_range_sizes);
    RUN(seed001_unmap_single_page);
    RUN(seed001_unmap_range);
    RUN(seed004_map_translate_other_space);
    RUN(seed004_unmap_and_switch);
    RUN(seed003_page_table);
    RUN(seed003_frames);
    RUN(seed003_flushes);
    RUN(seed003_cache);
    return unit_report();
}
