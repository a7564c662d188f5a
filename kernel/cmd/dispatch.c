/*
 * dispatch.c: finding the command, checking the shape of its arguments,
 * and `help`.
 */
#include "cmd.h"

static const struct command *const tables[] = {
    cmd_sys_table, cmd_map_table, cmd_access_table, cmd_kspace_table,
    cmd_cpu_table,
};

static const struct command *lookup(const char *name)
{
    for (u32 t = 0; t < ARRAY_LEN(tables); t++)
        for (const struct command *c = tables[t]; c->name; c++)
            if (str_eq(c->name, name))
                return c;
    return 0;
}

void cmd_dispatch(char *line)
{
    struct request rq;
    parse_tokens(line, &rq);
    if (rq.argc == 0)
        return;                       /* no tokens: no reply */
    const struct command *c = lookup(rq.argv[0]);
    if (!c) {
        out_err(E_BAD_COMMAND);
        return;
    }
    int rc = rq.too_many ? E_BAD_ARG : c->run(&rq);
    if (rc)
        out_err(rc);
}

int cmd_help(struct request *rq)
{
    int rc = arg_count(rq, 0, 0);
    if (rc)
        return rc;
    u32 n = 0;
    for (u32 t = 0; t < ARRAY_LEN(tables); t++)
        for (const struct command *c = tables[t]; c->name; c++, n++) {
            out_begin("-");
            out_str("cmd", c->name);
            out_text(c->usage);
            out_end();
        }
    out_begin("ok");
    out_dec("count", n);
    out_end();
    return 0;
}

int arg_count(const struct request *rq, u32 min, u32 max)
{
    u32 n = rq->argc - 1;
    return n < min || n > max ? E_BAD_ARG : 0;
}

int arg_u32(const struct request *rq, u32 i, u32 *v)
{
    return i < rq->argc ? parse_u32(rq->argv[i], v) : E_BAD_ARG;
}

int arg_attrs(const struct request *rq, u32 i, u32 *attrs)
{
    return i < rq->argc ? parse_attrs(rq->argv[i], attrs) : E_BAD_ARG;
}

int arg_flags(const struct request *rq, u32 from, const char *const *words,
              u32 nwords, u32 *found)
{
    *found = 0;
    for (u32 i = from; i < rq->argc; i++) {
        u32 k = 0;
        while (k < nwords && !str_eq(rq->argv[i], words[k]))
            k++;
        if (k == nwords || (*found & (1u << k)))
            return E_BAD_ARG;
        *found |= 1u << k;
    }
    return 0;
}

int arg_sub(const struct request *rq, const char *const *names, u32 n)
{
    if (rq->argc < 2)
        return E_BAD_ARG;
    for (u32 k = 0; k < n; k++)
        if (str_eq(rq->argv[1], names[k]))
            return (int)k;
    return E_BAD_ARG;
}
