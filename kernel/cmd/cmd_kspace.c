/*
 * cmd_kspace.c: the kernel heap, kmalloc/kfree, and physmap.
 */
#include "cmd.h"
#include "kspace.h"

static int cmd_heap(struct request *rq)
{
    static const char *const subs[] = { "grow", "shrink" };
    u32 bytes;
    vaddr_t top;
    int k = arg_sub(rq, subs, ARRAY_LEN(subs));
    int rc = k < 0 ? k : arg_count(rq, 2, 2);
    if (!rc) rc = arg_u32(rq, 2, &bytes);
    if (!rc) rc = k == 0 ? heap_grow(bytes, &top) : heap_shrink(bytes, &top);
    if (rc)
        return rc;
    out_begin("ok");
    out_hex("top", top);
    out_end();
    return 0;
}

static int cmd_kmalloc(struct request *rq)
{
    u32 bytes;
    vaddr_t ptr;
    int rc = arg_count(rq, 1, 1);
    if (!rc) rc = arg_u32(rq, 1, &bytes);
    if (!rc) rc = kmalloc(bytes, &ptr);
    if (rc)
        return rc;
    out_begin("ok");
    out_hex("ptr", ptr);
    out_end();
    return 0;
}

static int cmd_kfree(struct request *rq)
{
    u32 ptr;
    int rc = arg_count(rq, 1, 1);
    if (!rc) rc = arg_u32(rq, 1, &ptr);
    if (!rc) rc = kfree(ptr);
    if (!rc)
        out_ok();
    return rc;
}

static int physmap_do_map(const struct request *rq)
{
    u32 pa, len, attrs = ATTR_READ | ATTR_WRITE | ATTR_DEVICE;
    struct physmap_result r;
    int rc = arg_count(rq, 3, 4);
    if (!rc) rc = arg_u32(rq, 2, &pa);
    if (!rc) rc = arg_u32(rq, 3, &len);
    if (!rc && rq->argc == 5) rc = arg_attrs(rq, 4, &attrs);
    if (!rc) rc = physmap_map(pa, len, attrs, &r);
    if (rc)
        return rc;
    out_begin("ok");
    out_hex("virt", r.virt);
    out_hex("page_base", r.page_base);
    out_hex("size", r.size);
    out_dec("refs", r.refs);
    out_dec("new", r.is_new);
    out_dec("grown", r.grown);
    out_end();
    return 0;
}

static int physmap_do_list(void)
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
    out_begin("ok");
    out_dec("count", n);
    out_end();
    return 0;
}

static int cmd_physmap(struct request *rq)
{
    static const char *const subs[] = { "map", "unmap", "list" };
    u32 virt, refs;
    int k = arg_sub(rq, subs, ARRAY_LEN(subs));
    if (k < 0)
        return k;
    if (k == 0)
        return physmap_do_map(rq);
    int rc = arg_count(rq, k == 1 ? 2 : 1, k == 1 ? 2 : 1);
    if (rc || k == 2)
        return rc ? rc : physmap_do_list();
    if (!rc) rc = arg_u32(rq, 2, &virt);
    if (!rc) rc = physmap_unmap(virt, &refs);
    if (rc)
        return rc;
    out_begin("ok");
    out_dec("refs", refs);
    out_end();
    return 0;
}

const struct command cmd_kspace_table[] = {
    { "heap",    "heap grow <bytes> | heap shrink <bytes>", cmd_heap },
    { "kmalloc", "kmalloc <bytes>", cmd_kmalloc },
    { "kfree",   "kfree <ptr>", cmd_kfree },
    { "physmap", "physmap map <pa> <len> [attrs] | physmap unmap <virt> | physmap list",
      cmd_physmap },
    { 0, 0, 0 },
};
