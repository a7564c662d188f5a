/*
 * cmd_cpu.c: the commands of several CPUs (PROTOCOL.md "Multiple CPUs"):
 *
 *   cpu <n> <request …>   runs the request on CPU n; its reply (events
 *                         included) is the answer
 *   cpus                  - cpu= as= asid= gen= rollover_flushes= per CPU
 *
 * The request runs on CPU n through arch_cpu_call: n's own TTBR0, ASID
 * and TLB, while CPU 0 carries its output. `cpu` inside `cpu` may only
 * name the CPU it already runs on (only CPU 0 hands out work).
 */
#include "arch.h"
#include "asid.h"
#include "cmd.h"
#include "vm.h"

/* The request to run elsewhere, as a line again (tokens joined by one
 * space: the same tokens, so the same request). */
struct on_cpu {
    char line[LINE_MAX + 1];
};

/* arch_cpu_call target: answers the line on the CPU it runs on. */
static void run_here(void *p)
{
    cmd_dispatch(((struct on_cpu *)p)->line);
}

/* Joins argv[from..argc) into oc->line. */
static void join(const struct request *rq, u32 from, struct on_cpu *oc)
{
    u32 k = 0;

    for (u32 i = from; i < rq->argc; i++) {
        if (i > from && k < LINE_MAX)
            oc->line[k++] = ' ';
        for (const char *t = rq->argv[i]; *t && k < LINE_MAX; t++)
            oc->line[k++] = *t;
    }
    oc->line[k] = '\0';
}

static int cmd_cpu(struct request *rq)
{
    struct on_cpu oc;
    u32 n;
    int rc = rq->argc < 3 ? E_BAD_ARG : arg_u32(rq, 1, &n);

    if (rc)
        return rc;
    if (n >= vm_cpus() || (arch_cpu_id() != 0 && n != arch_cpu_id()))
        return E_BAD_ARG;
    join(rq, 2, &oc);
    return arch_cpu_call(n, run_here, &oc);
}

static int cmd_cpus(struct request *rq)
{
    int rc = arg_count(rq, 0, 0);
    if (rc)
        return rc;
    for (u32 c = 0; c < vm_cpus(); c++) {
        struct vm_as_info a;
        struct asid_cpu ac;
        vm_as_info(vm_as_current_on(c), &a);
        asid_cpu_info(c, &ac);
        out_begin("-");
        out_dec("cpu", c);
        out_dec("as", a.id);
        out_dec("asid", a.asid);
        out_dec("gen", a.gen);
        out_dec("rollover_flushes", ac.rollover_flushes);
        out_end();
    }
    out_begin("ok");
    out_dec("count", vm_cpus());
    out_end();
    return 0;
}

const struct command cmd_cpu_table[] = {
    { "cpu",  "cpu <n> <request ...>", cmd_cpu },
    { "cpus", "cpus", cmd_cpus },
    { 0, 0, 0 },
};
