/*
 * cmd_kspace.c: the kernel heap, kmalloc/kfree, and physmap.
 */
#include "cmd.h"
#include "kspace.h"

static int heap_reply(int rc, vaddr_t top)
{
    if (rc == E_NO_SPACE) {
        why("the heap top would pass the MMIO floor ");
        why_hex(physmap_floor());
    } else if (rc == E_RANGE) {
        why("the heap top would go below 0xc0000000 (it is at ");
        why_hex(heap_top());
        why(")");
    } else if (rc == E_BUSY) {
        why("a live kmalloc block lies in the pages below the top ");
        why_hex(heap_top());
    } else if (rc == E_NO_MEMORY) {
        why("no free physical page to back the heap");
    }
    if (rc)
        return rc;
    return OK(K_HEX("top", top));
}

static int do_heap_grow(const struct args *a)
{
    vaddr_t top = 0;
    int rc = heap_grow(a->v[0], &top);
    return heap_reply(rc, top);
}

static int do_heap_shrink(const struct args *a)
{
    vaddr_t top = 0;
    int rc = heap_shrink(a->v[0], &top);
    return heap_reply(rc, top);
}

static int do_kmalloc(const struct args *a)
{
    vaddr_t ptr;
    int rc = kmalloc(a->v[0], &ptr);
    if (rc == E_BAD_ARG)
        why("<bytes> must not be 0");
    else if (rc)
        heap_reply(rc, 0);
    if (rc)
        return rc;
    return OK(K_HEX("ptr", ptr));
}

static int do_kfree(const struct args *a)
{
    int rc = kfree(a->v[0]);
    if (rc) {
        why("<ptr> ");
        why_hex(a->v[0]);
        why(" is not the start of a live kmalloc block");
        return rc;
    }
    out_ok();
    return 0;
}

/* The physmap mapping that a request for [pa, pa+len) with attrs runs into. */
static void why_conflict(paddr_t pa, u32 len, u32 attrs)
{
    struct physmap_info m;
    u64 lo = ALIGN_DOWN(pa, PAGE_SIZE), hi = (u64)pa + len;
    for (u32 i = 0; physmap_get(i, &m); i++) {
        u64 mlo = ALIGN_DOWN(m.phys, PAGE_SIZE), mhi = (u64)m.phys + m.size;
        if (m.attrs == attrs || mhi <= lo || hi <= mlo)
            continue;
        why("phys ");
        why_hex(m.phys);
        why(" is mapped at ");
        why_hex(m.virt);
        why(" with other attributes (ARMv7 forbids mismatched aliases)");
        return;
    }
}

static int do_physmap_map(const struct args *a)
{
    u32 pa = a->v[0], len = a->v[1], attrs = a->v[2];
    struct physmap_result r;
    int rc = physmap_map(pa, len, attrs, &r);
    if (rc == E_BAD_ARG && !why_bad_attrs(attrs))
        why("<attrs> may hold only read write execute privileged nocache device global");
    else if (rc == E_RANGE && !why_frames(pa, len))
        why("the range covers all of physical space, the kernel's RAM with it");
    else if (rc == E_FLAGS_CONFLICT)
        why_conflict(pa, len, attrs);
    else if (rc == E_NO_SPACE) {
        why("the MMIO window would pass the heap top ");
        why_hex(heap_top());
    } else if (rc == E_NO_MEMORY)
        why("no free physical page for a table, or every physmap slot is in use");
    if (rc)
        return rc;
    return OK(K_HEX("virt", r.virt), K_HEX("page_base", r.page_base),
              K_HEX("size", r.size), K_DEC("refs", r.refs), K_DEC("new", r.is_new),
              K_DEC("grown", r.grown));
}

static int do_physmap_unmap(const struct args *a)
{
    u32 refs;
    int rc = physmap_unmap(a->v[0], &refs);
    if (rc) {
        why("no physmap mapping holds <virt> ");
        why_hex(a->v[0]);
        return rc;
    }
    return OK(K_DEC("refs", refs));
}

static int do_physmap_list(const struct args *a)
{
    struct physmap_info m;
    u32 n = 0;
    for (; physmap_get(n, &m); n++) {
        out_begin("-");
        out_hex("phys", m.phys);
        out_hex("size", m.size);
        out_hex("virt", m.virt);
        out_hex("page_base", m.page_base);
        out_attrs("attrs", m.attrs);
        out_dec("refs", m.refs);
        out_end();
    }
    return OK(K_DEC("count", n));
}

const struct command cmd_heap = { "heap",
    "Moves the kernel heap's top up (backing it with fresh pages) or down "
    "(giving the pages back).",
    FORMS({ "grow", do_heap_grow, { LEN("bytes") } },
          { "shrink", do_heap_shrink, { LEN("bytes") } }) };
const struct command cmd_kmalloc = { "kmalloc",
    "Allocates from the kernel heap, growing it when nothing fits.",
    FORMS({ 0, do_kmalloc, { NUM("bytes") } }) };
const struct command cmd_kfree = { "kfree",
    "Frees a block that kmalloc handed out.",
    FORMS({ 0, do_kfree, { NUM("ptr") } }) };
const struct command cmd_physmap = { "physmap",
    "Maps physical pages into the MMIO window below 0xfff00000, sharing a "
    "mapping that already holds them; drops a reference; lists the mappings.",
    FORMS({ "map", do_physmap_map,
            { NUM("pa"), LEN("len"), OPT_ATTRS("attrs", ATTR_READ | ATTR_WRITE | ATTR_DEVICE) } },
          { "unmap", do_physmap_unmap, { NUM("virt") } },
          { "list", do_physmap_list, { { 0 } } }) };
