/*
 * cmd_sys.c: the machine as a whole: info, exit, address spaces, ASIDs,
 * the page allocator, fault injection, TLB maintenance and `check`.
 */
#include "arch.h"
#include "asid.h"
#include "cmd.h"
#include "mm.h"
#include "pmm.h"
#include "kspace.h"
#include "vm.h"
#include "vm_check.h"

static int cmd_info(struct request *rq)
{
    int rc = arg_count(rq, 0, 0);
    if (rc)
        return rc;
    const struct arch_boot *b = mm_boot();
    struct pmm_stats s;
    struct vm_as_info a;
    pmm_stats(&s);
    vm_as_info(vm_as_current(), &a);
    out_begin("ok");
    out_str("version", VMK_VERSION);
    out_hex("ram_base", b->ram_base);
    out_hex("ram_size", b->ram_size);
    out_dec("pages_total", s.total);
    out_dec("pages_free", s.free);
    out_dec("as", a.id);
    out_dec("asid", a.asid);
    out_dec("asid_gen", a.gen);
    out_hex("heap_base", HEAP_BASE);
    out_hex("heap_top", heap_top());
    out_hex("mmio_floor", physmap_floor());
    out_hex("mmio_top", MMIO_TOP);
    out_end();
    return 0;
}

static int cmd_exit(struct request *rq)
{
    u32 code = 0;
    int rc = arg_count(rq, 0, 1);
    if (!rc && rq->argc == 2)
        rc = arg_u32(rq, 1, &code);
    if (rc)
        return rc;
    arch_exit((int)(code & 0xff));
}

static int cmd_check(struct request *rq)
{
    int rc = arg_count(rq, 0, 0);
    if (rc)
        return rc;
    struct vm_check_counts c;
    const char *what = "unknown";
    rc = vm_check(&c, &what);
    if (rc) {
        out_err_begin(E_CORRUPT);
        out_str("what", what);
        out_text("an invariant of the memory-management core does not hold");
        out_end();
        return 0;
    }
    out_begin("ok");
    out_dec("tables", c.tables);
    out_dec("mappings", c.mappings);
    out_dec("pages", c.pages);
    out_end();
    return 0;
}

/* ---- as ---- */

static void print_as_line(const char *first, u32 id)
{
    struct vm_as_info a;
    vm_as_info(id, &a);
    out_begin(first);
    out_dec("as", id);
    out_dec("asid", a.asid);
    out_dec("gen", a.gen);
    if (first[0] == '-') {
        out_hex("mapped", a.mapped);
        out_dec("tables", a.tables);
    }
    out_end();
}

static int as_list(void)
{
    u32 n = 0;
    for (u32 id = vm_as_next(0); id; id = vm_as_next(id), n++)
        print_as_line("-", id);
    out_begin("ok");
    out_dec("count", n);
    out_end();
    return 0;
}

static int as_new(void)
{
    u32 id;
    int rc = vm_as_new(&id);
    if (rc)
        return rc;
    out_begin("ok");
    out_dec("as", id);
    out_end();
    return 0;
}

static int as_destroy(u32 id)
{
    u32 freed;
    int rc = vm_as_destroy(id, &freed);
    if (rc)
        return rc;
    out_begin("ok");
    out_dec("as", id);
    out_dec("freed", freed);
    out_end();
    return 0;
}

static int cmd_as(struct request *rq)
{
    static const char *const subs[] = { "new", "switch", "destroy", "list" };
    enum { NEW, SWITCH, DESTROY, LIST };
    int k = arg_sub(rq, subs, ARRAY_LEN(subs));
    if (k < 0)
        return k;
    bool takes_id = k == SWITCH || k == DESTROY;
    u32 id = 0;
    int rc = arg_count(rq, 1 + takes_id, 1 + takes_id);
    if (!rc && takes_id)
        rc = arg_u32(rq, 2, &id);
    if (rc)
        return rc;
    switch (k) {
    case NEW:     return as_new();
    case DESTROY: return as_destroy(id);
    case LIST:    return as_list();
    }
    if ((rc = vm_as_switch(id)))
        return rc;
    print_as_line("ok", id);
    return 0;
}

/* ---- asid ---- */

static int cmd_asid(struct request *rq)
{
    static const char *const subs[] = { "stats", "limit" };
    int k = arg_sub(rq, subs, ARRAY_LEN(subs));
    u32 n = 0;
    if (k < 0)
        return k;
    int rc = arg_count(rq, 1 + k, 1 + k);
    if (!rc && k == 1) rc = arg_u32(rq, 2, &n);
    if (!rc && k == 1) rc = vm_asid_limit(n);
    if (rc)
        return rc;
    struct asid_stats s;
    asid_get_stats(&s);
    out_begin("ok");
    if (k == 1) {
        out_dec("limit", s.limit);
    } else {
        out_dec("bits", s.bits);
        out_dec("limit", s.limit);
        out_dec("generation", s.generation);
        out_dec("rollovers", s.rollovers);
        out_dec("in_use", s.in_use);
    }
    out_end();
    return 0;
}

/* ---- pmm, fail ---- */

static int pmm_print_stats(void)
{
    struct pmm_stats s;
    pmm_stats(&s);
    out_begin("ok");
    out_dec("total", s.total);
    out_dec("free", s.free);
    out_dec("tables", s.table);
    out_dec("heap", s.heap);
    out_dec("frames", s.frame);
    out_dec("kernel", s.kernel);
    out_end();
    return 0;
}

static int pmm_do_alloc(const struct request *rq)
{
    u32 count = 1, align = PAGE_SIZE;
    paddr_t pa;
    int rc = 0;
    if (rq->argc > 2) rc = arg_u32(rq, 2, &count);
    if (!rc && rq->argc > 3) rc = arg_u32(rq, 3, &align);
    if (!rc && (count == 0 || align < PAGE_SIZE || (align & (align - 1))))
        rc = E_BAD_ARG;
    if (!rc) rc = pmm_alloc(count, align, PG_FRAME, &pa);
    if (rc)
        return rc;
    out_begin("ok");
    out_hex("pa", pa);
    out_dec("count", count);
    out_end();
    return 0;
}

static int pmm_do_free(const struct request *rq)
{
    u32 pa, count = 1;
    int rc = arg_u32(rq, 2, &pa);
    if (!rc && rq->argc > 3) rc = arg_u32(rq, 3, &count);
    if (!rc && (count == 0 || !ALIGNED(pa, PAGE_SIZE)))
        rc = E_BAD_ARG;
    if (!rc) rc = pmm_free(pa, count, PG_FRAME);
    if (!rc)
        out_ok();
    return rc;
}

static int cmd_pmm(struct request *rq)
{
    static const char *const subs[] = { "stats", "alloc", "free" };
    static const u32 min[] = { 1, 1, 2 }, max[] = { 1, 3, 3 };
    int k = arg_sub(rq, subs, ARRAY_LEN(subs));
    if (k < 0)
        return k;
    int rc = arg_count(rq, min[k], max[k]);
    if (rc)
        return rc;
    if (k == 0)
        return pmm_print_stats();
    return k == 1 ? pmm_do_alloc(rq) : pmm_do_free(rq);
}

static int cmd_fail(struct request *rq)
{
    static const char *const subs[] = { "nomem" };
    u32 n;
    int k = arg_sub(rq, subs, ARRAY_LEN(subs));
    int rc = k < 0 ? k : arg_count(rq, 2, 2);
    if (!rc) rc = arg_u32(rq, 2, &n);
    if (rc)
        return rc;
    out_begin("ok");
    out_dec("pending", pmm_fail_nomem(n));
    out_end();
    return 0;
}

/* ---- flush ---- */

static int cmd_flush(struct request *rq)
{
    static const char *const subs[] = { "all", "as", "page" };
    static const u32 min[] = { 1, 1, 2 }, max[] = { 1, 2, 2 };
    int k = arg_sub(rq, subs, ARRAY_LEN(subs));
    u32 v = vm_as_current();
    if (k < 0)
        return k;
    int rc = arg_count(rq, min[k], max[k]);
    if (!rc && rq->argc == 3) rc = arg_u32(rq, 2, &v);
    if (rc)
        return rc;
    if (k == 0)
        vm_flush_all();
    else if (k == 2)
        vm_flush_page(v);
    else if ((rc = vm_flush_as(v)))
        return rc;
    out_ok();
    return 0;
}

const struct command cmd_sys_table[] = {
    { "help",  "help", cmd_help },
    { "info",  "info", cmd_info },
    { "exit",  "exit [code]", cmd_exit },
    { "as",    "as new | as switch <id> | as destroy <id> | as list", cmd_as },
    { "asid",  "asid stats | asid limit <n>", cmd_asid },
    { "pmm",   "pmm stats | pmm alloc [count] [align] | pmm free <pa> [count]",
      cmd_pmm },
    { "fail",  "fail nomem <n>", cmd_fail },
    { "flush", "flush all | flush as [id] | flush page <va>", cmd_flush },
    { "check", "check", cmd_check },
    { 0, 0, 0 },
};
