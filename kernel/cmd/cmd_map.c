/*
 * cmd_map.c: mapping commands on the current address space, and the two
 * translations (software walk, the MMU's own).
 */
#include "access.h"
#include "cmd.h"
#include "vm.h"

enum { VA, PA, LEN, ATT };   /* argument order of map and map1 */

static int do_map(const struct args *a)
{
    u32 va = a->v[VA], pa = a->v[PA], len = a->v[LEN], attrs = a->v[ATT], entries;
    int rc = vm_map(va, pa, len, attrs, &entries);
    if (rc)
        return why_user_op(rc, a, VA, PA, LEN, len, PAGE_SIZE, attrs);
    return OK(K_HEX("va", va), K_HEX("pa", (attrs & ATTR_INTERRUPT) ? 0 : pa),
              K_HEX("len", len), K_DEC("entries", entries));
}

static bool page_size(u32 size)
{
    return size == SZ_4K || size == SZ_64K || size == SZ_1M || size == SZ_16M;
}

static int do_map1(const struct args *a)
{
    u32 va = a->v[VA], pa = a->v[PA], size = a->v[LEN], attrs = a->v[ATT];
    int rc = vm_map1(va, pa, size, attrs);
    if (rc == E_BAD_ARG && !page_size(size)) {
        why("<size> must be 4K, 64K, 1M or 16M");
        return rc;
    }
    if (rc)
        return why_user_op(rc, a, VA, PA, ARGS_MAX, size, page_size(size) ? size : 1, attrs);
    return OK(K_HEX("va", va), K_HEX("pa", (attrs & ATTR_INTERRUPT) ? 0 : pa),
              K_HEX("size", size),
              K_DEC("entries", size == SZ_64K || size == SZ_16M ? 16 : 1));
}

static int do_unmap(const struct args *a)
{
    u32 unmapped;
    int rc = vm_unmap(a->v[0], a->v[1], &unmapped);
    if (rc)
        return why_user_op(rc, a, 0, ARGS_MAX, 1, a->v[1], PAGE_SIZE, 0);
    return OK(K_HEX("unmapped", unmapped));
}

static int do_unmap1(const struct args *a)
{
    struct pt_entry was;
    int rc = vm_unmap1(a->v[0], &was);
    if (rc)
        return why_user_op(rc, a, 0, ARGS_MAX, ARGS_MAX, 1, 1, 0);
    return OK(K_HEX("va", was.va), K_HEX("pa", was.pa), K_HEX("size", was.size));
}

static int do_protect(const struct args *a)
{
    u32 va = a->v[0], len = a->v[1], attrs = a->v[2];
    int rc = vm_protect(va, len, attrs);
    if (rc)
        return why_user_op(rc, a, 0, ARGS_MAX, 1, len, PAGE_SIZE, attrs);
    return OK(K_HEX("va", va), K_HEX("len", len));
}

static int do_translate(const struct args *a)
{
    u32 va = a->v[0];
    struct pt_entry e;
    int rc = vm_translate(va, &e);
    if (rc) {
        why("nothing is mapped at ");
        why_hex(va);
        why(va >= USER_TOP ? " in the kernel's half" : " in this address space");
        return rc;
    }
    return OK(K_HEX("va", va),
              K_HEX("pa", (e.attrs & ATTR_INTERRUPT) ? 0 : e.pa + (va - e.va)),
              K_HEX("size", e.size), K_ATTRS("attrs", e.attrs));
}

static int do_hwtranslate(const struct args *a)
{
    u32 va = a->v[0], fsr;
    bool user = a->v[1], write = a->v[2];
    paddr_t pa;
    if (arch_hw_translate(va, user, write, &pa, &fsr)) {
        out_err_begin(E_FAULT);
        out_hex("va", va);
        out_str("status", fault_status_name(fsr));
        out_hex("fsr", fsr);
        why("the MMU refuses a ");
        why(user ? "user " : "privileged ");
        why(write ? "write" : "read");
        why(" at ");
        why_hex(va);
        why(": ");
        why(fault_status_name(fsr));
        out_end();
        return 0;
    }
    return OK(K_HEX("va", va), K_HEX("pa", pa));
}

static int do_pt_map(const struct args *a)
{
    u32 va = a->v[0];
    paddr_t l2;
    int rc = vm_pt_map(va, &l2);
    if (rc == E_ALREADY_MAPPED) {
        struct pt_entry e;
        if (vm_translate(va, &e) == 0 && e.size >= SZ_1M) {
            why("a ");
            why_size(e.size);
            why(" section maps the region at ");
            why_hex(ALIGN_DOWN(va, SZ_1M));
        } else {
            why("an L2 table is already under the 1M region at ");
            why_hex(ALIGN_DOWN(va, SZ_1M));
        }
    } else if (rc == E_RANGE) {
        why_user_range(a, 0, ARGS_MAX, 1);
    } else if (rc) {
        why_user_op(rc, a, 0, ARGS_MAX, ARGS_MAX, SZ_1M, 1, 0);
    }
    if (rc)
        return rc;
    return OK(K_HEX("pa", l2));
}

static int do_pt_unmap(const struct args *a)
{
    u32 va = a->v[0], unmapped;
    vaddr_t region = ALIGN_DOWN(va, SZ_1M);
    int rc = vm_pt_unmap(va, &unmapped);
    if (rc == E_NOT_MAPPED) {
        struct pt_entry e;
        why("no L2 table is under the 1M region at ");
        why_hex(region);
        if (vm_translate(va, &e) == 0)
            why(" (a section is not a table)");
    } else if (rc == E_RANGE) {
        why_user_range(a, 0, ARGS_MAX, 1);
    } else if (rc) {
        why_user_op(rc, a, 0, ARGS_MAX, ARGS_MAX, SZ_1M, 1, 0);
        if (rc == E_BUSY && !why_given()) {
            why("a page of the 1M region at ");
            why_hex(region);
            why(" is locked");
        }
    }
    if (rc)
        return rc;
    return OK(K_HEX("unmapped", unmapped));
}

const struct command cmd_map = { "map",
    "Maps a range of the current address space with the largest pages its "
    "alignment allows (16M, 1M, 64K, 4K).",
    FORMS({ 0, do_map, { NUM("va"), NUM("pa"), LEN("len"), ATTRS("attrs") } }) };
const struct command cmd_map1 = { "map1",
    "Maps exactly one page of the given size (4K, 64K, 1M or 16M).",
    FORMS({ 0, do_map1, { NUM("va"), NUM("pa"), NUM("size"), ATTRS("attrs") } }) };
const struct command cmd_unmap = { "unmap",
    "Unmaps every page of a range (holes are fine), splitting large pages it "
    "covers only in part.",
    FORMS({ 0, do_unmap, { NUM("va"), LEN("len") } }) };
const struct command cmd_unmap1 = { "unmap1",
    "Unmaps the one page, of whatever size, that holds the address.",
    FORMS({ 0, do_unmap1, { NUM("va") } }) };
const struct command cmd_protect = { "protect",
    "Changes the attributes of a fully mapped range.",
    FORMS({ 0, do_protect, { NUM("va"), LEN("len"), ATTRS("attrs") } }) };
const struct command cmd_translate = { "translate",
    "Walks the tables in software: the page, frame and attributes that hold "
    "the address.",
    FORMS({ 0, do_translate, { NUM("va") } }) };
const struct command cmd_hwtranslate = { "hwtranslate",
    "Asks the MMU itself (ATS1C{P,U}{R,W}) to translate the address.",
    FORMS({ 0, do_hwtranslate, { NUM("va"), WORD("user"), WORD("write") } }) };
const struct command cmd_pt = { "pt",
    "Puts an empty L2 table under a 1M region, or unmaps the region and frees "
    "its table.",
    FORMS({ "map", do_pt_map, { NUM("va") } },
          { "unmap", do_pt_unmap, { NUM("va") } }) };
