/*
 * cmd_access.c: accesses on request (peek, poke, fill, sum, exec, cache)
 * and the event lines their aborts produce.
 */
#include "access.h"
#include "arch_cfg.h"
#include "cmd.h"

void cmd_print_event(const struct access_event *ev)
{
    static const char *const access[] = { "read", "write", "exec" };
    const struct arch_fault *f = &ev->fault;
    if (ev->kind == EV_GROW) {
        out_begin("! grow");
        out_hex("va", ev->va);
        out_hex("pa", ev->pa);
    } else if (ev->kind == EV_INTERRUPT) {
        out_begin("! interrupt");
        out_hex("va", f->va);
        out_str("access", access[f->access]);
    } else {
        out_begin("! fault");
        out_str("kind", f->kind == FAULT_PREFETCH ? "prefetch" : "data");
        out_hex("va", f->va);
        out_hex("fsr", f->fsr);
        out_str("status", fault_status_name(f->fsr));
        out_str("access", access[f->access]);
        out_str("mode", f->user ? "user" : "kernel");
    }
    out_end();
}

/* The final line of a request whose access faulted (event already out). */
static int fault_reply(int rc, const struct arch_fault *f)
{
    if (rc != E_FAULT)
        return rc;
    out_err_begin(E_FAULT);
    out_hex("va", f->va);
    out_str("status", fault_status_name(f->fsr));
    out_end();
    return 0;
}

static const char *const user_word[] = { "user" };

static int cmd_peek(struct request *rq)
{
    u32 va, val, user;
    struct arch_fault f;
    int rc = arg_count(rq, 1, 2);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = arg_flags(rq, 2, user_word, 1, &user);
    if (!rc) rc = access_peek(va, user, &val, &f);
    if (rc)
        return fault_reply(rc, &f);
    out_begin("ok");
    out_hex("va", va);
    out_hex("val", val);
    out_end();
    return 0;
}

static int cmd_poke(struct request *rq)
{
    u32 va, val, user;
    struct arch_fault f;
    int rc = arg_count(rq, 2, 3);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = arg_u32(rq, 2, &val);
    if (!rc) rc = arg_flags(rq, 3, user_word, 1, &user);
    if (!rc) rc = access_poke(va, val, user, &f);
    if (rc)
        return fault_reply(rc, &f);
    out_begin("ok");
    out_hex("va", va);
    out_end();
    return 0;
}

static int cmd_fill(struct request *rq)
{
    u32 va, len, val;
    struct arch_fault f;
    int rc = arg_count(rq, 3, 3);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = arg_u32(rq, 2, &len);
    if (!rc) rc = arg_u32(rq, 3, &val);
    if (!rc) rc = access_fill(va, len, val, &f);
    if (rc)
        return fault_reply(rc, &f);
    out_begin("ok");
    out_hex("va", va);
    out_hex("len", len);
    out_end();
    return 0;
}

static int cmd_sum(struct request *rq)
{
    u32 va, len, sum;
    struct arch_fault f;
    int rc = arg_count(rq, 2, 2);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = arg_u32(rq, 2, &len);
    if (!rc) rc = access_sum(va, len, &sum, &f);
    if (rc)
        return fault_reply(rc, &f);
    out_begin("ok");
    out_hex("va", va);
    out_hex("len", len);
    out_hex("sum", sum);
    out_end();
    return 0;
}

static int cmd_exec(struct request *rq)
{
    u32 va, r0;
    struct arch_fault f;
    int rc = arg_count(rq, 1, 1);
    if (!rc) rc = arg_u32(rq, 1, &va);
    if (!rc) rc = access_exec(va, &r0, &f);
    if (rc)
        return fault_reply(rc, &f);
    out_begin("ok");
    out_hex("va", va);
    if (ARCH_EXEC_RUNS_CODE)   /* vmsim only checks the fetch */
        out_hex("r0", r0);
    out_end();
    return 0;
}

static int cmd_cache(struct request *rq)
{
    static const char *const subs[] = { "clean", "invalidate", "flush", "unify" };
    static const enum cache_op ops[] = {
        CACHE_CLEAN, CACHE_INVALIDATE, CACHE_FLUSH, CACHE_UNIFY,
    };
    u32 va, len;
    struct arch_fault f;
    int k = arg_sub(rq, subs, ARRAY_LEN(subs));
    int rc = k < 0 ? k : arg_count(rq, 3, 3);
    if (!rc) rc = arg_u32(rq, 2, &va);
    if (!rc) rc = arg_u32(rq, 3, &len);
    if (!rc) rc = access_cache(ops[k], va, len, &f);
    if (rc)
        return fault_reply(rc, &f);
    out_ok();
    return 0;
}

const struct command cmd_access_table[] = {
    { "peek",  "peek <va> [user]", cmd_peek },
    { "poke",  "poke <va> <val> [user]", cmd_poke },
    { "fill",  "fill <va> <len> <val>", cmd_fill },
    { "sum",   "sum <va> <len>", cmd_sum },
    { "exec",  "exec <va>", cmd_exec },
    { "cache", "cache clean|invalidate|flush|unify <va> <len>", cmd_cache },
    { 0, 0, 0 },
};
