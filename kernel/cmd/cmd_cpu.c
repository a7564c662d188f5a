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

/* The request to run elsewhere: the rest of the line's tokens, as they
 * are (the same tokens, so the same request, not parsed again). */
struct on_cpu {
    void (*run)(const struct request *rq);   /* the dispatcher (grammar_ctx) */
    struct request rq;
};

/* arch_cpu_call target: answers the request on the CPU it runs on. */
static void run_here(void *p)
{
    struct on_cpu *oc = p;
    oc->run(&oc->rq);
}

static int do_cpu(const struct args *a)
{
    struct on_cpu oc;
    u32 n = a->v[0];

    if (n >= vm_cpus()) {
        why("<n> must be below ");
        why_dec(vm_cpus());
        why(", the CPUs running");
        return E_BAD_ARG;
    }
    if (arch_cpu_id() != 0 && n != arch_cpu_id()) {
        why("only CPU 0 hands out requests: cpu inside cpu names its own CPU");
        return E_BAD_ARG;
    }
    oc.run = a->ctx->run;
    oc.rq.argc = a->rest_n;
    oc.rq.too_many = false;           /* fewer than the line's */
    for (u32 i = 0; i < a->rest_n; i++)
        oc.rq.argv[i] = a->rest[i];
    return arch_cpu_call(n, run_here, &oc);
}

static int do_cpus(const struct args *a)
{
    for (u32 c = 0; c < vm_cpus(); c++) {
        struct vm_as_info as;
        struct asid_cpu ac;
        vm_as_info(vm_as_current_on(c), &as);
        asid_cpu_info(c, &ac);
        REPLY("-", K_DEC("cpu", c), K_DEC("as", as.id), K_DEC("asid", as.asid),
              K_DEC("gen", as.gen), K_DEC("rollover_flushes", ac.rollover_flushes));
    }
    return OK(K_DEC("count", vm_cpus()));
}

const struct command cmd_cpu = { "cpu",
    "Runs one request on CPU n (its own TTBR0, ASID and TLB) and answers its "
    "reply; requests without the prefix run on CPU 0.",
    FORMS({ 0, do_cpu, { NUM("n"), REST("request...") } }) };
const struct command cmd_cpus = { "cpus",
    "Lists each CPU's current address space, ASID and generation.",
    FORMS({ 0, do_cpus, { { 0 } } }) };
