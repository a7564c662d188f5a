/*
 * dispatch.c: the table of every command, in help's order, and running
 * one request through it.
 */
#include "cmd.h"

/* Every command, in help's order (PROTOCOL.md's). */
static const struct command *const table[] = {
    &cmd_help, &cmd_info, &cmd_exit, &cmd_as, &cmd_asid, &cmd_pmm,
    &cmd_fail, &cmd_flush, &cmd_check,
    &cmd_map, &cmd_map1, &cmd_unmap, &cmd_unmap1, &cmd_protect,
    &cmd_translate, &cmd_hwtranslate, &cmd_pt,
    &cmd_peek, &cmd_poke, &cmd_fill, &cmd_sum, &cmd_exec, &cmd_cache,
    &cmd_heap, &cmd_kmalloc, &cmd_kfree, &cmd_physmap,
    &cmd_cpu, &cmd_cpus,
    0,
};

static void run(const struct request *rq);
static const struct grammar_ctx ctx = { table, run };

/* Answers one request: a line's tokens, or `cpu`'s rest of the line on
 * the CPU it names. */
static void run(const struct request *rq)
{
    struct args a;
    why_reset();                      /* a request starts with no reason */
    int rc = grammar_parse(&ctx, rq, &a);
    if (!rc)
        rc = a.form->run(&a);
    if (rc)
        out_err(rc);
}

void cmd_dispatch(char *line)
{
    struct request rq;
    parse_tokens(line, &rq);
    if (rq.argc == 0)
        return;                       /* no tokens: no reply */
    run(&rq);
}
