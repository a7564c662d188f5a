/*
 * reason.c: the words after `--` for the errors the core returns. The
 * core answers with a code; the handler knows the request, and these
 * helpers look at it again (with the core's query calls: translate, the
 * page walk, the allocator's page records) to name the argument, limit
 * or mapping that was wrong. They only read.
 */
#include "cmd.h"
#include "kspace.h"
#include "pmm.h"
#include "vm.h"

static void why_name(const struct args *a, u32 k)
{
    why("<");
    why(a->form->arg[k].name);
    why("> ");
    why_hex(a->v[k]);
}

bool why_unaligned(const struct args *a, u32 k, u32 align)
{
    if (ALIGNED(a->v[k], align))
        return false;
    why_name(a, k);
    why(" is not ");
    if (align < SZ_4K) {
        why_dec(align);
        why("-byte");
    } else {
        why_size(align);
    }
    why(" aligned");
    return true;
}

void why_user_range(const struct args *a, u32 kva, u32 klen, u32 len)
{
    vaddr_t va = a->v[kva];
    if (va >= USER_TOP) {
        why_name(a, kva);
        why(" is in the kernel's half (0x80000000 and up)");
        return;
    }
    why_name(a, kva);
    why(" + ");
    if (klen < ARGS_MAX) {
        why("<");
        why(a->form->arg[klen].name);
        why("> ");
    }
    why_hex(len);
    why(len - 1 > 0xffffffffu - va ? " wraps around" : " passes 0x80000000");
}

/* What a page of RAM is, for a frame that may not be mapped. */
static const char *use_name(u32 use)
{
    switch (use) {
    case PG_FREE:   return "a free page (pmm alloc hands out frames)";
    case PG_KERNEL: return "the kernel's (image or boot structures)";
    case PG_TABLE:  return "a translation table";
    case PG_HEAP:   return "kernel heap";
    case PG_GROWN:  return "a frame that growth allocated (the kernel's)";
    default:        return "not a frame map may take";
    }
}

bool why_frames(paddr_t pa, u32 len)
{
    if (len - 1 > 0xffffffffu - pa) {
        why("frames ");
        why_hex(pa);
        why(" + ");
        why_hex(len);
        why(" wrap around");
        return true;
    }
    for (u64 p = ALIGN_DOWN(pa, PAGE_SIZE); p < (u64)pa + len; p += PAGE_SIZE) {
        if (pmm_mappable((paddr_t)p, PAGE_SIZE))
            continue;
        struct page_info *pi = pmm_page((paddr_t)p);
        why("frame ");
        why_hex((paddr_t)p);
        why(" is ");
        why(pi ? use_name(pi->use) : "not mappable");
        return true;
    }
    return false;
}

/* The first page a walk finds that ends at or above ctx's va. */
struct first_page { vaddr_t va; struct pt_entry e; };

static int first_page(const struct pt_entry *e, void *ctx)
{
    struct first_page *f = ctx;
    if (e->va + (e->size - 1) < f->va)
        return 0;   /* a page below the range, in the same 16M */
    f->e = *e;
    return 1;
}

/* hi of [va, va+len) for a walk, clamped at the top of the address space. */
static vaddr_t range_hi(vaddr_t va, u32 len)
{
    return len - 1 > 0xffffffffu - va ? 0xffffffffu : va + len;
}

static void why_page(const struct pt_entry *e)
{
    why(" (a ");
    why_size(e->size);
    why(" page at ");
    why_hex(e->va);
    if (!(e->attrs & ATTR_INTERRUPT)) {
        why(" -> ");
        why_hex(e->pa);
    }
    why(")");
}

void why_mapped(vaddr_t va, u32 len)
{
    const struct pt_root *r = vm_root(vm_as_current());
    struct first_page f = { va, { 0 } };
    /* From the 16M below va: a large page that starts there may cover va. */
    if (r && pt_for_each(r, ALIGN_DOWN(va, SZ_16M), range_hi(va, len), first_page, &f)) {
        why_hex(f.e.va < va ? va : f.e.va);
        why(" is already mapped");
        why_page(&f.e);
        return;
    }
    why("an L2 table is already under the range (pt unmap frees it)");
}

/* A user mapping of frame pa (ctx), found by a walk. */
struct frame_user { paddr_t pa; struct pt_entry e; };

static int maps_frame(const struct pt_entry *e, void *ctx)
{
    struct frame_user *u = ctx;
    if ((e->attrs & ATTR_INTERRUPT) || u->pa < e->pa || u->pa - e->pa >= e->size)
        return 0;
    u->e = *e;
    return 1;
}

void why_frame_user(paddr_t pa)
{
    struct frame_user u = { pa, { 0 } };
    struct physmap_info m;
    why("frame ");
    why_hex(pa);
    for (u32 id = vm_as_next(0); id; id = vm_as_next(id))
        if (pt_for_each(vm_root(id), 0, USER_TOP, maps_frame, &u)) {
            why(" is still mapped at ");
            why_hex(u.e.va + (pa - u.e.pa));
            why(" in address space ");
            why_dec(id);
            return;
        }
    for (u32 i = 0; physmap_get(i, &m); i++)
        if (pa >= ALIGN_DOWN(m.phys, PAGE_SIZE) && pa - m.phys < m.size) {
            why(" is still mapped by the physmap mapping at ");
            why_hex(m.virt);
            return;
        }
    why(" is still mapped");
}

/* The first page of [va, va+len) that is not mapped; false if none. */
static bool why_hole(vaddr_t va, u32 len)
{
    vaddr_t hi = range_hi(va, len);
    struct pt_entry e;
    while (va < hi) {
        if (vm_translate(va, &e)) {
            why("nothing is mapped at ");
            why_hex(va);
            return true;
        }
        vaddr_t next = e.va + e.size;
        if (next <= va)
            break;   /* the last page of the address space */
        va = next;
    }
    return false;
}

/* The first locked page of [va, va+len); false if none. */
static bool why_locked(vaddr_t va, u32 len)
{
    vaddr_t hi = range_hi(va, len);
    struct pt_entry e;
    while (va < hi) {
        if (vm_translate(va, &e)) {
            va += PAGE_SIZE;
            continue;
        }
        if (e.attrs & ATTR_LOCK) {
            why("the page at ");
            why_hex(e.va);
            why(" is locked");
            why_page(&e);
            return true;
        }
        if (e.va + e.size <= va)
            break;   /* the last page of the address space */
        va = e.va + e.size;
    }
    return false;
}

bool why_bad_attrs(u32 attrs)
{
    if (!(attrs & ATTR_DEVICE) || !(attrs & (ATTR_EXECUTE | ATTR_NOCACHE)))
        return false;
    why(attrs & ATTR_EXECUTE ? "device memory is never executable: device with execute"
                             : "device memory has no cache policy: device with nocache");
    return true;
}

int why_user_op(int rc, const struct args *a, u32 kva, u32 kpa, u32 klen,
                u32 len, u32 align, u32 attrs)
{
    vaddr_t va = a->v[kva];
    bool has_pa = kpa < ARGS_MAX && !(attrs & ATTR_INTERRUPT);
    switch (rc) {
    case E_ALIGN:
        if (!why_unaligned(a, kva, align) && !(has_pa && why_unaligned(a, kpa, align))
            && klen < ARGS_MAX)
            why_unaligned(a, klen, PAGE_SIZE);
        break;
    case E_RANGE:
        if (va >= USER_TOP || len - 1 > USER_TOP - 1 - va)
            why_user_range(a, kva, klen, len);
        else if (has_pa)
            why_frames(a->v[kpa], len);
        break;
    case E_ALREADY_MAPPED:
        why_mapped(va, len);
        break;
    case E_NOT_MAPPED:
        why_hole(va, len);
        break;
    case E_BUSY:
        why_locked(va, len);
        break;
    case E_BAD_ARG:
        why_bad_attrs(attrs);
        break;
    case E_NO_MEMORY:
        why("no free physical page for a table (pmm stats; fail nomem may have injected it)");
        break;
    }
    return rc;
}
