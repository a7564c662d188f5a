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
static int fault_reply(const struct arch_fault *f)
{
    static const char *const access[] = { "read", "write", "exec" };
    out_err_begin(E_FAULT);
    out_hex("va", f->va);
    out_str("status", fault_status_name(f->fsr));
    why(f->user ? "a user " : "a kernel ");
    why(access[f->access]);
    why(" at ");
    why_hex(f->va);
    why(" aborted: ");
    why(fault_status_name(f->fsr));
    out_end();
    return 0;
}

/* The reply to an access that failed: va is argument 0, the length (if
 * the command has one) argument klen, else len; store: it writes. */
static int access_reply(int rc, const struct arch_fault *f, const struct args *a,
                        u32 klen, u32 len, bool store)
{
    vaddr_t va = a->v[0];
    if (rc == E_FAULT)
        return fault_reply(f);
    if (rc == E_ALIGN) {
        if (!why_unaligned(a, 0, 4) && klen < ARGS_MAX)
            why_unaligned(a, klen, 4);
    } else if (rc == E_RANGE && len - 1 > 0xffffffffu - va) {
        why_hex(va);
        why(" + ");
        why_hex(len);
        why(" wraps around");
    } else if (rc == E_RANGE && !store) {
        why("<va> ");
        why_hex(va);
        why(" is in the kernel's half: code runs only below 0x80000000");
    } else if (rc == E_RANGE) {
        why("the kernel's half is written only inside a physmap mapping; ");
        why_hex(va);
        why(" + ");
        why_hex(len);
        why(" is not");
    }
    return rc;
}

static int do_peek(const struct args *a)
{
    u32 val;
    struct arch_fault f;
    int rc = access_peek(a->v[0], a->v[1], &val, &f);
    if (rc)
        return access_reply(rc, &f, a, ARGS_MAX, 4, false);
    return OK(K_HEX("va", a->v[0]), K_HEX("val", val));
}

static int do_poke(const struct args *a)
{
    struct arch_fault f;
    int rc = access_poke(a->v[0], a->v[1], a->v[2], &f);
    if (rc)
        return access_reply(rc, &f, a, ARGS_MAX, 4, true);
    return OK(K_HEX("va", a->v[0]));
}

static int do_fill(const struct args *a)
{
    struct arch_fault f;
    int rc = access_fill(a->v[0], a->v[1], a->v[2], &f);
    if (rc)
        return access_reply(rc, &f, a, 1, a->v[1], true);
    return OK(K_HEX("va", a->v[0]), K_HEX("len", a->v[1]));
}

static int do_sum(const struct args *a)
{
    u32 sum;
    struct arch_fault f;
    int rc = access_sum(a->v[0], a->v[1], &sum, &f);
    if (rc)
        return access_reply(rc, &f, a, 1, a->v[1], false);
    return OK(K_HEX("va", a->v[0]), K_HEX("len", a->v[1]), K_HEX("sum", sum));
}

static int do_exec(const struct args *a)
{
    u32 r0;
    struct arch_fault f;
    int rc = access_exec(a->v[0], &r0, &f);
    if (rc)
        return access_reply(rc, &f, a, ARGS_MAX, 4, false);
    out_begin("ok");
    out_hex("va", a->v[0]);
    if (ARCH_EXEC_RUNS_CODE)   /* vmsim only checks the fetch */
        out_hex("r0", r0);
    out_end();
    return 0;
}

static int do_cache(const struct args *a)
{
    static const enum cache_op ops[] = {   /* in the order of the alternatives */
        CACHE_CLEAN, CACHE_INVALIDATE, CACHE_FLUSH, CACHE_UNIFY,
    };
    struct arch_fault f;
    int rc = access_cache(ops[a->alt], a->v[0], a->v[1], &f);
    if (rc)
        return access_reply(rc, &f, a, 1, a->v[1], true);
    out_ok();
    return 0;
}

const struct command cmd_peek = { "peek",
    "Loads a 32-bit word (user: as an unprivileged load, LDRT).",
    FORMS({ 0, do_peek, { NUM("va"), WORD("user") } }) };
const struct command cmd_poke = { "poke",
    "Stores a 32-bit word (user: as an unprivileged store, STRT).",
    FORMS({ 0, do_poke, { NUM("va"), NUM("val"), WORD("user") } }) };
const struct command cmd_fill = { "fill",
    "Stores the value into every word of a range.",
    FORMS({ 0, do_fill, { NUM("va"), LEN("len"), NUM("val") } }) };
const struct command cmd_sum = { "sum",
    "Loads every word of a range and answers their 32-bit wrapping sum.",
    FORMS({ 0, do_sum, { NUM("va"), LEN("len") } }) };
const struct command cmd_exec = { "exec",
    "Branches with link to the address, a function that returns; answers r0.",
    FORMS({ 0, do_exec, { NUM("va") } }) };
const struct command cmd_cache = { "cache",
    "Cache maintenance by VA over a range: clean, invalidate, clean and "
    "invalidate (flush), or make it coherent for instruction fetch (unify).",
    FORMS({ "clean|invalidate|flush|unify", do_cache, { NUM("va"), LEN("len") } }) };
