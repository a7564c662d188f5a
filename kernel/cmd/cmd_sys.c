/*
 * cmd_sys.c: the machine as a whole: help, info, exit, address spaces,
 * ASIDs, the page allocator, fault injection, TLB maintenance and `check`.
 */
#include "arch.h"
#include "asid.h"
#include "cmd.h"
#include "mm.h"
#include "pmm.h"
#include "kspace.h"
#include "vm.h"
#include "vm_check.h"

static void help_line(const struct command *c)
{
    out_begin("-");
    out_str("cmd", c->name);
    out_raw(" -- ");
    grammar_usage(c);
    out_end();
}

static int do_help(const struct args *a)
{
    u32 n = 0;
    if (a->tok[0]) {
        const struct command *c = grammar_lookup(a->ctx, a->tok[0]);
        if (!c) {
            why("<command> ");
            why(a->tok[0]);
            why(" is not a command (help lists them)");
            return E_BAD_ARG;
        }
        help_line(c);
        out_begin("- about");
        out_text(c->about);
        out_end();
        n = 2;
    } else {
        for (; a->ctx->table[n]; n++)
            help_line(a->ctx->table[n]);
    }
    return OK(K_DEC("count", n));
}

static int do_info(const struct args *a)
{
    const struct arch_boot *b = mm_boot();
    struct pmm_stats s;
    struct vm_as_info as;
    pmm_stats(&s);
    vm_as_info(vm_as_current(), &as);
    return OK(K_STR("version", VMK_VERSION), K_HEX("ram_base", b->ram_base),
              K_HEX("ram_size", b->ram_size), K_DEC("pages_total", s.total),
              K_DEC("pages_free", s.free), K_DEC("as", as.id), K_DEC("asid", as.asid),
              K_DEC("asid_gen", as.gen), K_HEX("heap_base", HEAP_BASE),
              K_HEX("heap_top", heap_top()), K_HEX("mmio_floor", physmap_floor()),
              K_HEX("mmio_top", MMIO_TOP));
}

static int do_exit(const struct args *a)
{
    arch_exit((int)(a->v[0] & 0xff));
}

static int do_check(const struct args *a)
{
    struct vm_check_counts c;
    const char *what = "unknown";
    if (vm_check(&c, &what)) {
        out_err_begin(E_CORRUPT);
        out_str("what", what);
        why("an invariant of the memory-management core does not hold");
        out_end();
        return 0;
    }
    return OK(K_DEC("tables", c.tables), K_DEC("mappings", c.mappings),
              K_DEC("pages", c.pages));
}

/* ---- as ---- */

/* `ok as= asid= gen=`, or as a record of as list (`- …`, with what it maps). */
static void print_as_line(bool record, u32 id)
{
    struct vm_as_info a;
    vm_as_info(id, &a);
    if (record)
        out_begin("-");
    else
        out_begin("ok");
    out_dec("as", id);
    out_dec("asid", a.asid);
    out_dec("gen", a.gen);
    if (record) {
        out_hex("mapped", a.mapped);
        out_dec("tables", a.tables);
    }
    out_end();
}

/* BAD_AS or BUSY for address space <id>. */
static int as_reply(int rc, u32 id)
{
    if (rc == E_BAD_AS) {
        why("no user address space ");
        why_dec(id);
        why(" (as list shows them)");
    } else if (rc == E_BUSY) {
        why("address space ");
        why_dec(id);
        why(" is current on a CPU (cpus shows which)");
    } else if (rc == E_NO_MEMORY) {
        why("no free pages for an 8 KiB L1 table or for the L2 tables of the global "
            "mappings every space shares (fail nomem may have injected it), "
            "or every address space id is in use");
    }
    return rc;
}

static int do_as_new(const struct args *a)
{
    u32 id;
    int rc = vm_as_new(&id);
    if (rc)
        return as_reply(rc, 0);
    return OK(K_DEC("as", id));
}

static int do_as_switch(const struct args *a)
{
    int rc = vm_as_switch(a->v[0]);
    if (rc)
        return as_reply(rc, a->v[0]);
    print_as_line(false, a->v[0]);
    return 0;
}

static int do_as_destroy(const struct args *a)
{
    u32 freed;
    int rc = vm_as_destroy(a->v[0], &freed);
    if (rc)
        return as_reply(rc, a->v[0]);
    return OK(K_DEC("as", a->v[0]), K_DEC("freed", freed));
}

static int do_as_list(const struct args *a)
{
    u32 n = 0;
    for (u32 id = vm_as_next(0); id; id = vm_as_next(id), n++)
        print_as_line(true, id);
    return OK(K_DEC("count", n));
}

/* ---- asid ---- */

static int do_asid_stats(const struct args *a)
{
    struct asid_stats s;
    asid_get_stats(&s);
    return OK(K_DEC("bits", s.bits), K_DEC("limit", s.limit),
              K_DEC("generation", s.generation), K_DEC("rollovers", s.rollovers),
              K_DEC("in_use", s.in_use));
}

static int do_asid_limit(const struct args *a)
{
    int rc = vm_asid_limit(a->v[0]);   /* the grammar holds n to 2..255 */
    if (rc)
        return rc;
    struct asid_stats s;
    asid_get_stats(&s);
    return OK(K_DEC("limit", s.limit));
}

/* ---- pmm, fail ---- */

static int do_pmm_stats(const struct args *a)
{
    struct pmm_stats s;
    pmm_stats(&s);
    return OK(K_DEC("total", s.total), K_DEC("free", s.free), K_DEC("tables", s.table),
              K_DEC("heap", s.heap), K_DEC("frames", s.frame),
              K_DEC("kernel", s.kernel));
}

static int do_pmm_alloc(const struct args *a)
{
    u32 count = a->v[0], align = a->v[1];
    paddr_t pa;
    if (align < PAGE_SIZE || (align & (align - 1))) {
        why("<align> must be a power of two of 4K or more, not ");
        why_hex(align);
        return E_BAD_ARG;
    }
    int rc = pmm_alloc(count, align, PG_FRAME, &pa);
    if (rc) {
        why("no run of ");
        why_dec(count);
        why(" free pages aligned to ");
        why_size(align);
        why(" (pmm stats; fail nomem may have injected it)");
        return rc;
    }
    return OK(K_HEX("pa", pa), K_DEC("count", count));
}

/* Why `pmm free pa count` was refused. */
static void why_free(int rc, paddr_t pa, u32 count)
{
    for (u64 p = pa; p < (u64)pa + (u64)count * PAGE_SIZE; p += PAGE_SIZE) {
        struct page_info *pi = pmm_page((paddr_t)p);
        if (rc == E_BUSY && pi && pi->mapcount) {
            why_frame_user((paddr_t)p);
            return;
        }
        if (rc != E_BUSY && (!pi || pi->use != PG_FRAME)) {
            why("page ");
            why_hex((paddr_t)p);
            why(!pi ? " is not RAM" : pi->use == PG_FREE ? " is free already (a double free)"
                                    : pi->use == PG_GROWN ? " is a frame growth allocated (the kernel's)"
                                    : " is not a frame pmm alloc handed out");
            return;
        }
    }
    why(rc == E_BUSY ? "a frame of the run is still in use"
                     : "the pages are not all of one run that pmm alloc handed out");
}

static int do_pmm_free(const struct args *a)
{
    u32 pa = a->v[0], count = a->v[1];
    if (!ALIGNED(pa, PAGE_SIZE)) {
        why("<pa> ");
        why_hex(pa);
        why(" is not 4K aligned");
        return E_BAD_ARG;
    }
    int rc = pmm_free(pa, count, PG_FRAME);
    if (rc) {
        why_free(rc, pa, count);
        return rc;
    }
    out_ok();
    return 0;
}

static int do_fail_nomem(const struct args *a)
{
    return OK(K_DEC("pending", pmm_fail_nomem(a->v[0])));
}

/* ---- flush ---- */

static int do_flush_all(const struct args *a)
{
    vm_flush_all();
    out_ok();
    return 0;
}

static int do_flush_as(const struct args *a)
{
    u32 id = (a->given & 1) ? a->v[0] : vm_as_current();
    int rc = vm_flush_as(id);
    if (rc)
        return as_reply(rc, id);
    out_ok();
    return 0;
}

static int do_flush_page(const struct args *a)
{
    vm_flush_page(a->v[0]);
    out_ok();
    return 0;
}

/* ---- the table ---- */

#define NONE { { 0 } }

const struct command cmd_help = { "help",
    "Lists every command with its usage, or tells what one command does.",
    FORMS({ 0, do_help, { OPT_NAME("command") } }) };
const struct command cmd_info = { "info",
    "Tells the version, RAM, free pages, the current address space and ASID, "
    "and the kernel's heap and MMIO window.",
    FORMS({ 0, do_info, NONE }) };
const struct command cmd_exit = { "exit",
    "Ends the run without a reply; QEMU or vmsim exits with the code.",
    FORMS({ 0, do_exit, { OPT_NUM("code", 0) } }) };
const struct command cmd_as = { "as",
    "Makes, switches to, destroys and lists user address spaces.",
    FORMS({ "new", do_as_new, NONE },
          { "switch", do_as_switch, { NUM("id") } },
          { "destroy", do_as_destroy, { NUM("id") } },
          { "list", do_as_list, NONE }) };
const struct command cmd_asid = { "asid",
    "Tells the ASID allocator's state, or narrows it to ASIDs 1..n so that "
    "rollover comes quickly.",
    FORMS({ "stats", do_asid_stats, NONE },
          { "limit", do_asid_limit, { NUM_IN("n", 2, ASID_MAX) } }) };
const struct command cmd_pmm = { "pmm",
    "Tells the page allocator's counts, hands out contiguous frames, and takes "
    "them back.",
    FORMS({ "stats", do_pmm_stats, NONE },
          { "alloc", do_pmm_alloc, { OPT_LEN("count", 1), OPT_NUM("align", PAGE_SIZE) } },
          { "free", do_pmm_free, { NUM("pa"), OPT_LEN("count", 1) } }) };
const struct command cmd_fail = { "fail",
    "Makes the n-th page allocation from now fail once (0 cancels).",
    FORMS({ "nomem", do_fail_nomem, { NUM("n") } }) };
const struct command cmd_flush = { "flush",
    "TLB maintenance: everything, one address space's entries, or one page.",
    FORMS({ "all", do_flush_all, NONE },
          { "as", do_flush_as, { OPT_NUM("id", 0) } },
          { "page", do_flush_page, { NUM("va") } }) };
const struct command cmd_check = { "check",
    "Checks every invariant of the tables, the allocator, physmap and the heap.",
    FORMS({ 0, do_check, NONE }) };
