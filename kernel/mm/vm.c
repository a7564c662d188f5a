/*
 * vm.c: address spaces, and the mapping requests of the current one.
 *
 * vm checks what only it knows (ranges, software attributes, `lock`,
 * which RAM a mapping may point at), reserves what it will need, and then
 * lets pagetable check and write the descriptors; the software attributes
 * are committed only once the tables are. So a request that fails at any
 * step has changed nothing.
 */
#include "vm.h"
#include "asid.h"
#include "kassert.h"
#include "pmm.h"
#include "swattr.h"
#include "vm_global.h"

struct vm_as {
    bool live;
    u32  asid, gen;        /* ASID pair (asid.h); {0, 0} until first switch */
    struct pt_root root;   /* root.asid: asid while live, else 0 (set by
                              root_of() before every use) */
    struct pt_count count; /* root.count: its tables and bytes, which
                              pagetable keeps (vm_as_info reads them) */
};

static struct {
    const struct pt_root *kernel;  /* id 0: the kernel's half (mm's) */
    struct vm_as as[VM_AS_MAX];    /* index = id; as[0] unused */
    /* Per CPU: its current user address space (>= 1 once it switched;
     * what its TTBR0 and ASID hold). Kernel code runs on one CPU at a
     * time (arch.h), so each CPU reads and writes its own slot and any
     * CPU may read the others'. */
    u32 current[ARCH_CPUS_MAX];
    u32 cpus;                      /* CPUs running (vm_cpus_start) */
    u32 top;                       /* no live space has an id >= top */
    struct vg_set set;             /* scratch: the spaces a global request
                                      acts on (filled by spaces()) */
} vm;

void vm_init(const struct pt_root *kernel)
{
    for (u32 i = 0; i < vm.top; i++)    /* none live at or above top */
        vm.as[i].live = false;
    vm.kernel = kernel;
    for (u32 c = 0; c < ARCH_CPUS_MAX; c++)
        vm.current[c] = 0;
    vm.cpus = 1;
    vm.top = 1;
}

/* The calling CPU's current address space. */
static u32 cur(void) { return vm.current[arch_cpu_id()]; }

/* The root of a live user address space, its TLB tag brought up to date:
 * an ASID from an earlier generation tags nothing (rollover flushed it). */
static struct pt_root *root_of(u32 id)
{
    struct vm_as *a = &vm.as[id];
    a->root.asid = asid_live(a->asid, a->gen) ? a->asid : 0;
    return &a->root;
}

static struct vm_as *user_as(u32 id)
{
    if (id == 0 || id >= VM_AS_MAX || !vm.as[id].live)
        return 0;
    return &vm.as[id];
}

/* Fills vm.set with every live user space (first = id), or, with
 * others_only, every one but id. */
static const struct vg_set *spaces(u32 id, bool others_only)
{
    struct vg_set *s = &vm.set;

    s->n = 0;
    if (!others_only) {
        s->id[0] = id;
        s->root[0] = root_of(id);
        s->n = 1;
    }
    for (u32 i = 1; i < vm.top; i++) {
        if (!vm.as[i].live || i == id)
            continue;
        s->id[s->n] = i;
        s->root[s->n] = root_of(i);
        s->n++;
    }
    return s;
}

const struct pt_root *vm_root(u32 id)
{
    if (id == 0)
        return vm.kernel;
    return user_as(id) ? root_of(id) : 0;
}

u32 vm_as_current(void) { return cur(); }

u32 vm_as_current_on(u32 cpu)
{
    return cpu < vm.cpus ? vm.current[cpu] : 0;
}

u32 vm_cpus(void) { return vm.cpus; }

/* arch_cpu_call target: switch the CPU it runs on to *(u32 *)id. */
static void switch_here(void *id)
{
    KASSERT(vm_as_switch(*(u32 *)id) == 0);
}

int vm_cpus_start(u32 id, u32 cpus)
{
    if (!user_as(id) || cpus < 1 || cpus > ARCH_CPUS_MAX)
        return E_BAD_ARG;
    vm.cpus = cpus;
    for (u32 c = 1; c < cpus; c++) {
        int rc = arch_cpu_call(c, switch_here, &id);
        if (rc)
            return rc;
    }
    return 0;
}

bool vm_as_busy(u32 id)
{
    for (u32 c = 0; c < vm.cpus; c++)
        if (vm.current[c] == id)
            return true;
    return false;
}

u32 vm_as_next(u32 after)
{
    for (u32 id = after + 1; id < vm.top; id++)
        if (vm.as[id].live)
            return id;
    return 0;
}

/* Marks (or unmarks) both pages of an 8 KiB L1 as an L1 for pmm_check. */
static void mark_l1(paddr_t l1, bool on)
{
    pmm_page(l1)->is_l1 = on;
    pmm_page(l1 + PAGE_SIZE)->is_l1 = on;
}

int vm_as_new(u32 *id)
{
    u32 n = 1;
    while (n < VM_AS_MAX && vm.as[n].live)
        n++;
    if (n == VM_AS_MAX)
        return E_NO_MEMORY;
    paddr_t l1;
    int rc = pmm_alloc(2, 2 * PAGE_SIZE, PG_TABLE, &l1);
    if (rc)
        return rc;
    u8 *p = arch_phys_to_ptr(l1);
    for (u32 i = 0; i < 2 * PAGE_SIZE; i++)
        p[i] = 0;
    mark_l1(l1, true);
    /* The table is not in use yet; still, make the zeroes reach the walker
     * before anyone can point TTBR0 at it. */
    arch_pt_written(p, 2 * PAGE_SIZE);
    vm.as[n] = (struct vm_as){
        .live = true,
        .root = { .l1 = l1, .lo = 0, .hi = USER_TOP, .is_kernel = false,
                  .count = &vm.as[n].count },
    };                     /* count: zero, as the L1 is */
    vm.top = n + 1 > vm.top ? n + 1 : vm.top;
    /* Every global user page is in every space (vm_global.h): copy them
     * from the current one; on failure the new space goes again, so
     * nothing has changed. */
    if (cur() && user_as(cur())) {
        rc = vg_copy(&vm.as[n].root, n, root_of(cur()), cur());
        if (rc) {
            u32 freed = 0;
            pt_destroy(&vm.as[n].root, &freed);
            swattr_drop(n);
            mark_l1(l1, false);
            KASSERT(pmm_free(l1, 2, PG_TABLE) == 0);
            vm.as[n].live = false;
            return rc;
        }
    }
    *id = n;
    return 0;
}

int vm_as_switch(u32 id)
{
    struct vm_as *a = user_as(id);
    if (!a)
        return E_BAD_AS;
    asid_acquire(&a->asid, &a->gen);
    arch_switch_ttbr0(a->root.l1, a->asid);
    vm.current[arch_cpu_id()] = id;
    return 0;
}

int vm_as_destroy(u32 id, u32 *freed)
{
    struct vm_as *a = user_as(id);
    if (!a)
        return E_BAD_AS;
    if (vm_as_busy(id))        /* current on some CPU: its TTBR0 walks it */
        return E_BUSY;
    struct pt_root *r = root_of(id);
    /* pt_destroy flushes what the space may have cached (tagged entries
     * under its ASID, global ones in every ASID) before the ASID is given
     * back for reuse. */
    *freed = 0;
    pt_destroy(r, freed);
    asid_release(a->asid, a->gen);
    swattr_drop(id);
    mark_l1(r->l1, false);
    KASSERT(pmm_free(r->l1, 2, PG_TABLE) == 0);
    *freed += 2;
    a->live = false;
    return 0;
}

int vm_check_cpus(const char **what)
{
    for (u32 c = 0; c < vm.cpus; c++) {
        struct asid_cpu ci, cj;
        const struct vm_as *a = user_as(vm.current[c]);
        asid_cpu_info(c, &ci);
        if (!a || ci.running != a->asid) {   /* TTBR0/ASID out of step */
            *what = "asid_running";
            return E_CORRUPT;
        }
        for (u32 d = c + 1; d < vm.cpus; d++) {
            asid_cpu_info(d, &cj);
            if (vm.current[d] != vm.current[c] && cj.running == ci.running) {
                *what = "asid_shared";      /* one ASID, two spaces */
                return E_CORRUPT;
            }
        }
    }
    return 0;
}

int vm_asid_limit(u32 n)
{
    /* Below the CPU count a rollover might find every ASID running on
     * some other CPU (reserved) and none to hand out. */
    if (n < vm.cpus)
        return E_BAD_ARG;
    int rc = asid_set_limit(n);
    if (!rc)    /* a rollover left the running space stale: re-tag it now */
        rc = vm_as_switch(cur());
    return rc;
}

int vm_as_info(u32 id, struct vm_as_info *out)
{
    struct vm_as *a = user_as(id);
    if (!a)
        return E_BAD_AS;
    const struct pt_root *r = root_of(id);
    u32 l2_tables;
    out->id = id;
    out->asid = a->asid;   /* as held: stale after a rollover until the */
    out->gen = a->gen;     /* next switch to it (asid_live tells) */
    out->l1 = r->l1;
    pt_usage(r, &l2_tables, &out->mapped);
    out->tables = 2 + (l2_tables + 3) / 4;   /* L1 + L2 in pages' worth */
    return 0;
}

/* ---- mapping requests --------------------------------------------------- */

/* [va, va+len) must be a non-empty, page-aligned part of the user half. */
static int user_range(vaddr_t va, u32 len)
{
    if (va >= USER_TOP)
        return E_RANGE;
    if (len == 0)
        return E_BAD_ARG;
    if (!ALIGNED(va, PAGE_SIZE) || !ALIGNED(len, PAGE_SIZE))
        return E_ALIGN;
    if (len > USER_TOP - va)
        return E_RANGE;
    return 0;
}

/* Attribute sets no mapping may have (pagetable's rule, on the bits that
 * reach the descriptors; software bits have none). */
static int attrs_valid(u32 attrs)
{
    return pt_attrs_valid(attrs & (ATTR_HW_MASK | ATTR_INTERRUPT));
}

/* What a frame range must be for `map`: device space, or frames that
 * `pmm alloc` handed out (growth's frames are the kernel's: RANGE). */
static int frames_valid(paddr_t pa, u32 len, u32 attrs)
{
    if (attrs & ATTR_INTERRUPT)
        return 0;
    if (!ALIGNED(pa, PAGE_SIZE))
        return E_ALIGN;
    if (len - 1 > 0xffffffffu - pa)
        return E_RANGE;
    return pmm_mappable(pa, len) ? 0 : E_RANGE;
}

/* Zeroes the RAM frames of a new mapping (never device space). Through
 * the direct map, which is cacheable: an uncached alias must not find
 * stale lines, so those are cleaned to the point of coherency. */
static void zero_frames(paddr_t pa, u32 len, u32 attrs)
{
    paddr_t ram_base;
    u32 ram_size;
    pmm_ram(&ram_base, &ram_size);
    u64 lo = pa, hi = (u64)pa + len, ram_hi = (u64)ram_base + ram_size;
    if (attrs & (ATTR_UNINIT | ATTR_INTERRUPT))
        return;
    lo = lo < ram_base ? ram_base : lo;           /* RAM part only */
    hi = hi > ram_hi ? ram_hi : hi;
    for (u64 p = lo; p < hi; p += PAGE_SIZE) {
        u32 *w = arch_phys_to_ptr((paddr_t)p);
        for (u32 i = 0; i < PAGE_SIZE / 4; i++)
            w[i] = 0;
        if (attrs & (ATTR_NOCACHE | ATTR_DEVICE)) {
            struct arch_fault f;
            arch_cache_op(CACHE_CLEAN, (vaddr_t)p + DIRECT_MAP_OFF, PAGE_SIZE, &f);
        }
    }
}

/* Common front of map and map1: everything but the table work. */
static int map_prepare(u32 id, vaddr_t va, paddr_t pa, u32 len, u32 attrs)
{
    if (!user_as(id))
        return E_BAD_AS;
    int rc = user_range(va, len);
    if (!rc) rc = attrs_valid(attrs);
    if (!rc) rc = frames_valid(pa, len, attrs);
    if (!rc && (attrs & ATTR_SW_MASK) && !swattr_can_set())
        rc = E_NO_MEMORY;
    return rc;
}

static void map_commit(u32 id, vaddr_t va, paddr_t pa, u32 len, u32 attrs)
{
    if (attrs & ATTR_SW_MASK)
        swattr_set(id, va, va + len, attrs);
    zero_frames(pa, len, attrs);
}

int vm_map_in(u32 id, vaddr_t va, paddr_t pa, u32 len, u32 attrs,
              u32 *entries)
{
    int rc = map_prepare(id, va, pa, len, attrs);
    if (!rc && (attrs & ATTR_GLOBAL)) {       /* into every space */
        rc = vg_map(spaces(id, false), va, pa, len, attrs, 0, entries);
        if (!rc)
            zero_frames(pa, len, attrs);
        return rc;
    }
    if (!rc)
        rc = pt_map(root_of(id), va, pa, len,
                    attrs & (ATTR_HW_MASK | ATTR_INTERRUPT), entries);
    if (!rc)
        map_commit(id, va, pa, len, attrs);
    return rc;
}

int vm_map1_in(u32 id, vaddr_t va, paddr_t pa, u32 size, u32 attrs)
{
    if (size != SZ_4K && size != SZ_64K && size != SZ_1M && size != SZ_16M)
        return E_BAD_ARG;
    if (va < USER_TOP && !ALIGNED(va, size))
        return E_ALIGN;
    if (!(attrs & ATTR_INTERRUPT) && !ALIGNED(pa, size))
        return E_ALIGN;
    int rc = map_prepare(id, va, pa, size, attrs);
    if (!rc && (attrs & ATTR_GLOBAL)) {       /* into every space */
        rc = vg_map(spaces(id, false), va, pa, size, attrs, size, NULL);
        if (!rc)
            zero_frames(pa, size, attrs);
        return rc;
    }
    if (!rc)
        rc = pt_map1(root_of(id), va, pa, size,
                     attrs & (ATTR_HW_MASK | ATTR_INTERRUPT));
    if (!rc)
        map_commit(id, va, pa, size, attrs);
    return rc;
}

/* Unmapping [va, va+len): `lock` refuses, and the software attributes of
 * the range go once the tables have. */
static int unmap_prepare(u32 id, vaddr_t va, u32 len)
{
    if (!user_as(id))
        return E_BAD_AS;
    if (swattr_any(id, va, va + len, ATTR_LOCK))
        return E_BUSY;
    if (!swattr_can_set())
        return E_NO_MEMORY;
    return 0;
}

int vm_unmap_in(u32 id, vaddr_t va, u32 len, u32 *unmapped)
{
    int rc = user_range(va, len);
    if (!rc) rc = unmap_prepare(id, va, len);
    if (!rc) rc = vg_change(root_of(id), spaces(id, true), VG_UNMAP, va, len,
                            0, unmapped);
    if (!rc)
        swattr_set(id, va, va + len, 0);
    return rc;
}

int vm_unmap1_in(u32 id, vaddr_t va, struct pt_entry *was)
{
    struct pt_entry e;
    if (va >= USER_TOP)
        return E_RANGE;
    if (!user_as(id))
        return E_BAD_AS;
    int rc = pt_walk(root_of(id), va, &e);
    if (!rc) rc = unmap_prepare(id, e.va, e.size);
    if (!rc) rc = vg_change(root_of(id), spaces(id, true), VG_UNMAP, e.va,
                            e.size, 0, NULL);
    if (!rc && was)
        *was = e;
    if (!rc)
        swattr_set(id, e.va, e.va + e.size, 0);
    return rc;
}

int vm_protect_in(u32 id, vaddr_t va, u32 len, u32 attrs)
{
    int rc = user_range(va, len);
    if (!rc && !user_as(id)) rc = E_BAD_AS;
    if (!rc) rc = attrs_valid(attrs);
    if (!rc && !swattr_can_set())
        rc = E_NO_MEMORY;
    if (!rc)
        rc = vg_change(root_of(id), spaces(id, true), VG_PROTECT, va, len,
                       attrs, NULL);
    if (!rc)
        swattr_set(id, va, va + len, attrs);
    return rc;
}

int vm_translate_in(u32 id, vaddr_t va, struct pt_entry *e)
{
    if (va >= USER_TOP)
        return pt_walk(vm.kernel, va, e);
    if (!user_as(id))
        return E_BAD_AS;
    int rc = pt_walk(root_of(id), va, e);
    if (!rc)
        e->attrs |= swattr_get(id, va);
    return rc;
}

int vm_pt_map_in(u32 id, vaddr_t va, paddr_t *l2)
{
    if (va >= USER_TOP)
        return E_RANGE;
    if (!user_as(id))
        return E_BAD_AS;
    return pt_table_map(root_of(id), va, l2);
}

int vm_pt_unmap_in(u32 id, vaddr_t va, u32 *unmapped)
{
    if (va >= USER_TOP)
        return E_RANGE;
    vaddr_t base = ALIGN_DOWN(va, SZ_1M);
    int rc = unmap_prepare(id, base, SZ_1M);
    if (!rc && !pt_has_table(root_of(id), va))
        rc = E_NOT_MAPPED;
    /* The region's global pages go from every space (no split: a table
     * holds no page larger than its region). */
    if (!rc) rc = vg_change(root_of(id), spaces(id, true), VG_OTHERS, base,
                            SZ_1M, 0, NULL);
    if (!rc) rc = pt_table_unmap(root_of(id), va, unmapped);
    if (!rc)
        swattr_set(id, base, base + SZ_1M, 0);
    return rc;
}

/* The commands' forms: the current address space. */
int vm_map(vaddr_t va, paddr_t pa, u32 len, u32 attrs, u32 *entries)
{ return vm_map_in(cur(), va, pa, len, attrs, entries); }
int vm_map1(vaddr_t va, paddr_t pa, u32 size, u32 attrs)
{ return vm_map1_in(cur(), va, pa, size, attrs); }
int vm_unmap(vaddr_t va, u32 len, u32 *unmapped)
{ return vm_unmap_in(cur(), va, len, unmapped); }
int vm_unmap1(vaddr_t va, struct pt_entry *was)
{ return vm_unmap1_in(cur(), va, was); }
int vm_protect(vaddr_t va, u32 len, u32 attrs)
{ return vm_protect_in(cur(), va, len, attrs); }
int vm_translate(vaddr_t va, struct pt_entry *e)
{ return vm_translate_in(cur(), va, e); }
int vm_translate_hole(vaddr_t va, struct pt_entry *e, u64 *hole_end)
{
    int rc = vm_translate(va, e);
    if (rc == E_NOT_MAPPED)
        *hole_end = pt_hole_end(va >= USER_TOP ? vm.kernel : root_of(cur()), va);
    return rc;
}
int vm_pt_map(vaddr_t va, paddr_t *l2)
{ return vm_pt_map_in(cur(), va, l2); }
int vm_pt_unmap(vaddr_t va, u32 *unmapped)
{ return vm_pt_unmap_in(cur(), va, unmapped); }

/* ---- TLB maintenance on request ----------------------------------------- */

void vm_flush_all(void)
{
    arch_tlb_flush_all();
}

int vm_flush_as(u32 id)
{
    if (!user_as(id))
        return E_BAD_AS;
    const struct pt_root *r = root_of(id);
    if (r->asid)   /* a stale ASID tags nothing */
        arch_tlb_flush_asid(r->asid);
    return 0;
}

void vm_flush_page(vaddr_t va)
{
    if (va >= USER_TOP)
        arch_tlb_flush_va_all_asids(va);   /* the kernel's entries are global */
    else
        arch_tlb_flush_va(va, root_of(cur())->asid);
}

/* ---- growth -------------------------------------------------------------- */

/* The attributes (hardware | software) a page at `page` would grow with:
 * the page below's if it is grow_up, else the page above's if grow_down;
 * 0 if neither asks. */
static u32 grow_attrs(u32 id, vaddr_t page)
{
    struct pt_entry n;
    if (page >= PAGE_SIZE && vm_translate_in(id, page - PAGE_SIZE, &n) == 0 &&
        (n.attrs & ATTR_GROW_UP))
        return n.attrs;
    if (page + PAGE_SIZE < USER_TOP &&
        vm_translate_in(id, page + PAGE_SIZE, &n) == 0 &&
        (n.attrs & ATTR_GROW_DOWN))
        return n.attrs;
    return 0;
}

/* See vm.h. Checks, then takes the frame, then lets pagetable check and
 * write; the software attributes are committed only once it has. */
int vm_grow(vaddr_t va, paddr_t *frame)
{
    u32 id = cur();
    vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);
    if (page >= USER_TOP)
        return E_RANGE;
    u32 sw = grow_attrs(id, page);
    if (!sw || (sw & ATTR_INTERRUPT))
        return E_NOT_MAPPED;
    if (!swattr_can_set())
        return E_NO_MEMORY;
    paddr_t pa;
    if (pmm_alloc(1, PAGE_SIZE, PG_GROWN, &pa))
        return E_NO_MEMORY;
    u32 *w = arch_phys_to_ptr(pa);
    for (u32 i = 0; i < PAGE_SIZE / 4; i++)
        w[i] = 0;
    /* A global mapping grows in every space (one reference each). */
    int rc = (sw & ATTR_GLOBAL)
        ? vg_map(spaces(id, false), page, pa, PAGE_SIZE, sw, PAGE_SIZE, NULL)
        : pt_map1(root_of(id), page, pa, PAGE_SIZE, sw & ATTR_HW_MASK);
    if (rc) {
        KASSERT(pmm_free(pa, 1, PG_GROWN) == 0);
        return rc;
    }
    if (!(sw & ATTR_GLOBAL))
        swattr_set(id, page, page + PAGE_SIZE, sw);
    *frame = pa;
    return 0;
}
