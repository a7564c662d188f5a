/*
 * cmd_map.c: mapping commands on the current address space, and the two
 * translations (software walk, the MMU's own).
 */
#include "access.h"
#include "cmd.h"
#include "vm.h"

static void print_page(const char *first, const struct pt_entry *e)
{
    out_begin(first);
    out_hex("va", e->va);
    out_hex("pa", e->pa);
    out_hex("size", e->size);
    out_end();
}

static int cmd_map(struct request *rq)
{
    u32 va, pa, len, attrs, entries;
    int rc = arg_count(rq, 4, 4);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = arg_u32(rq, 2, &pa);
    if (!rc) rc = arg_u32(rq, 3, &len);
    if (!rc) rc = arg_attrs(rq, 4, &attrs);
    if (!rc) rc = vm_map(va, pa, len, attrs, &entries);
    if (rc)
        return rc;
    out_begin("ok");
    out_hex("va", va);
    out_hex("pa", (attrs & ATTR_INTERRUPT) ? 0 : pa);
    out_hex("len", len);
    out_dec("entries", entries);
    out_end();
    return 0;
}

static int cmd_map1(struct request *rq)
{
    u32 va, pa, size, attrs;
    int rc = arg_count(rq, 4, 4);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = arg_u32(rq, 2, &pa);
    if (!rc) rc = arg_u32(rq, 3, &size);
    if (!rc) rc = arg_attrs(rq, 4, &attrs);
    if (!rc) rc = vm_map1(va, pa, size, attrs);
    if (rc)
        return rc;
    struct pt_entry e = { va, (attrs & ATTR_INTERRUPT) ? 0 : pa, size, attrs };
    out_begin("ok");
    out_hex("va", e.va);
    out_hex("pa", e.pa);
    out_hex("size", e.size);
    out_dec("entries", size == SZ_64K || size == SZ_16M ? 16 : 1);
    out_end();
    return 0;
}

static int cmd_unmap(struct request *rq)
{
    u32 va, len, unmapped;
    int rc = arg_count(rq, 2, 2);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = arg_u32(rq, 2, &len);
    if (!rc) rc = vm_unmap(va, len, &unmapped);
    if (rc)
        return rc;
    out_begin("ok");
    out_hex("unmapped", unmapped);
    out_end();
    return 0;
}

static int cmd_unmap1(struct request *rq)
{
    u32 va;
    struct pt_entry was;
    int rc = arg_count(rq, 1, 1);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = vm_unmap1(va, &was);
    if (!rc)
        print_page("ok", &was);
    return rc;
}

static int cmd_protect(struct request *rq)
{
    u32 va, len, attrs;
    int rc = arg_count(rq, 3, 3);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = arg_u32(rq, 2, &len);
    if (!rc) rc = arg_attrs(rq, 3, &attrs);
    if (!rc) rc = vm_protect(va, len, attrs);
    if (rc)
        return rc;
    out_begin("ok");
    out_hex("va", va);
    out_hex("len", len);
    out_end();
    return 0;
}

static int cmd_translate(struct request *rq)
{
    u32 va;
    struct pt_entry e;
    int rc = arg_count(rq, 1, 1);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = vm_translate(va, &e);
    if (rc)
        return rc;
    out_begin("ok");
    out_hex("va", va);
    out_hex("pa", (e.attrs & ATTR_INTERRUPT) ? 0 : e.pa + (va - e.va));
    out_hex("size", e.size);
    out_attrs("attrs", e.attrs);
    out_end();
    return 0;
}

static int cmd_hwtranslate(struct request *rq)
{
    static const char *const words[] = { "user", "write" };
    u32 va, flags, fsr;
    paddr_t pa;
    int rc = arg_count(rq, 1, 3);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = arg_flags(rq, 2, words, 2, &flags);
    if (rc)
        return rc;
    if (arch_hw_translate(va, flags & 1, flags & 2, &pa, &fsr)) {
        out_err_begin(E_FAULT);
        out_hex("va", va);
        out_str("status", fault_status_name(fsr));
        out_hex("fsr", fsr);
        out_end();
        return 0;
    }
    out_begin("ok");
    out_hex("va", va);
    out_hex("pa", pa);
    out_end();
    return 0;
}

static int cmd_pt(struct request *rq)
{
    static const char *const subs[] = { "map", "unmap" };
    u32 va, n;
    int k = arg_sub(rq, subs, ARRAY_LEN(subs));
    int rc = k < 0 ? k : arg_count(rq, 2, 2);
    if (!rc) rc = arg_u32(rq, 2, &va);
    if (!rc) rc = k == 0 ? vm_pt_map(va, &n) : vm_pt_unmap(va, &n);
    if (rc)
        return rc;
    out_begin("ok");
    out_hex(k == 0 ? "pa" : "unmapped", n);
    out_end();
    return 0;
}

const struct command cmd_map_table[] = {
    { "map",     "map <va> <pa> <len> <attrs>", cmd_map },
    { "map1",    "map1 <va> <pa> <size> <attrs>", cmd_map1 },
    { "unmap",   "unmap <va> <len>", cmd_unmap },
    { "unmap1",  "unmap1 <va>", cmd_unmap1 },
    { "protect", "protect <va> <len> <attrs>", cmd_protect },
    { "translate", "translate <va>", cmd_translate },
    { "hwtranslate", "hwtranslate <va> [user] [write]", cmd_hwtranslate },
    { "pt",      "pt map <va> | pt unmap <va>", cmd_pt },
    { 0, 0, 0 },
};
