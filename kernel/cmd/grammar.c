/*
 * grammar.c: matching a request to a form of the table and parsing its
 * arguments (see grammar.h), and the usage lines built from the table.
 */
#include "grammar.h"
#include "out.h"

const struct command *grammar_lookup(const struct grammar_ctx *ctx, const char *name)
{
    const struct command *const *table = ctx->table;
    /* the first byte decides for all but one or two names */
    for (u32 i = 0; table[i]; i++)
        if (table[i]->name[0] == name[0] && str_eq(table[i]->name + 1, name + 1))
            return table[i];
    return 0;
}

/* ---- usage ------------------------------------------------------------ */

typedef void (*put_fn)(const char *s);

static void form_usage(const struct command *c, const struct form *f, put_fn put)
{
    put(c->name);
    if (f->sub) {
        put(" ");
        put(f->sub);
    }
    for (u32 k = 0; k < ARGS_MAX && f->arg[k].name; k++) {
        put(f->arg[k].optional ? " [" : " <");
        put(f->arg[k].name);
        put(f->arg[k].optional ? "]" : ">");
    }
}

void grammar_usage(const struct command *c)
{
    for (const struct form *f = c->forms; f->run; f++) {
        if (f != c->forms)
            out_raw(" | ");
        form_usage(c, f, out_raw);
    }
}

/* ---- reasons ---------------------------------------------------------- */

static void why_arg(const struct arg_spec *s)
{
    why("<");
    why(s->name);
    why(">");
}

/* "(usage: …)" of one form. */
static void why_usage(const struct command *c, const struct form *f)
{
    why(" (usage: ");
    form_usage(c, f, why);
    why(")");
}

/* The subcommands of c, `new|switch|destroy|list`. */
static void why_subs(const struct command *c)
{
    for (const struct form *f = c->forms; f->run; f++) {
        if (f != c->forms)
            why("|");
        why(f->sub);
    }
}

/* ---- matching --------------------------------------------------------- */

/* Index of tok among the alternatives `a|b|c`, or -1. */
static int alt_index(const char *alts, const char *tok)
{
    int i = 0;
    for (const char *p = alts;; i++) {
        const char *t = tok;
        while (*p && *p != '|' && *p == *t)
            p++, t++;
        if ((*p == '|' || !*p) && !*t)
            return i;
        while (*p && *p != '|')
            p++;
        if (!*p)
            return -1;
        p++;
    }
}

static const struct form *match_sub(const struct command *c, const char *tok, u32 *alt)
{
    for (const struct form *f = c->forms; f->run; f++) {
        int i = alt_index(f->sub, tok);
        if (i >= 0) {
            *alt = (u32)i;
            return f;
        }
    }
    return 0;
}

/* Index of the ARG_WORD argument of f spelled tok, or -1. */
static int word_index(const struct form *f, const char *tok)
{
    for (u32 k = 0; k < ARGS_MAX && f->arg[k].name; k++)
        if (f->arg[k].kind == ARG_WORD && str_eq(f->arg[k].name, tok))
            return (int)k;
    return -1;
}

static bool has_words(const struct form *f)
{
    for (u32 k = 0; k < ARGS_MAX && f->arg[k].name; k++)
        if (f->arg[k].kind == ARG_WORD)
            return true;
    return false;
}

/* ---- values ----------------------------------------------------------- */

static int parse_num(const struct arg_spec *s, const char *tok, u32 *v)
{
    if (parse_u32(tok, v)) {
        why_arg(s);
        why(" is not a 32-bit number: ");
        why(tok);
        return E_BAD_ARG;
    }
    if (*v >= s->lo && *v <= s->hi)
        return 0;
    why_arg(s);
    if (s->lo == 1 && s->hi == 0xffffffffu) {
        why(" must not be 0");
    } else {
        why(" must be from ");
        why_dec(s->lo);
        why(" to ");
        why_dec(s->hi);
        why(", not ");
        why_dec(*v);
    }
    return E_BAD_ARG;
}

static int parse_attr_list(const struct arg_spec *s, const char *tok, u32 *v)
{
    u32 bad;
    if (!parse_attrs(tok, v, &bad))
        return 0;
    why_arg(s);
    u32 n = 0;
    while (tok[bad + n] && tok[bad + n] != ',')
        n++;
    if (n == 0) {
        why(" has an empty name: ");
        why(tok);
    } else {
        why(": ");
        why_n(tok + bad, n);
        why(" is not an attribute (read write execute privileged nocache device"
            " uninit lock interrupt grow_up grow_down global)");
    }
    return E_BAD_ARG;
}

static int parse_value(const struct arg_spec *s, const char *tok, u32 *v)
{
    switch (s->kind) {
    case ARG_NUM:   return parse_num(s, tok, v);
    case ARG_ATTRS: return parse_attr_list(s, tok, v);
    default:        *v = 0; return 0;   /* ARG_NAME: the token is the value */
    }
}

/* Positional arguments from rq->argv[*i] on, then the words. */
static int parse_args(const struct command *c, const struct form *f,
                      const struct request *rq, u32 i, struct args *a)
{
    for (u32 k = 0; k < ARGS_MAX; k++) {
        a->v[k] = f->arg[k].name ? f->arg[k].dflt : 0;
        a->tok[k] = 0;
    }
    u32 k = 0;
    for (; k < ARGS_MAX && f->arg[k].name && f->arg[k].kind != ARG_WORD; k++) {
        const struct arg_spec *s = &f->arg[k];
        if (i >= rq->argc) {
            if (s->optional)
                continue;
            why("missing ");
            why_arg(s);
            why_usage(c, f);
            return E_BAD_ARG;
        }
        if (s->kind == ARG_REST) {     /* the last argument: all that is left */
            a->rest = &rq->argv[i];
            a->rest_n = rq->argc - i;
            a->tok[k] = rq->argv[i];
            a->given |= 1u << k;
            i = rq->argc;
            continue;
        }
        int rc = parse_value(s, rq->argv[i], &a->v[k]);
        if (rc)
            return rc;
        a->tok[k] = rq->argv[i++];
        a->given |= 1u << k;
    }
    for (; i < rq->argc; i++) {
        int w = word_index(f, rq->argv[i]);
        if (w < 0 || (a->given & (1u << w))) {
            why(w >= 0 ? "given twice: " : has_words(f) ? "not a word this form takes: "
                                                       : "one argument too many: ");
            why(rq->argv[i]);
            why_usage(c, f);
            return E_BAD_ARG;
        }
        a->v[w] = 1;
        a->tok[w] = rq->argv[i];
        a->given |= 1u << w;
    }
    return 0;
}

int grammar_parse(const struct grammar_ctx *ctx, const struct request *rq, struct args *a)
{
    const struct command *c = grammar_lookup(ctx, rq->argv[0]);
    if (!c) {
        why(rq->argv[0]);
        why(" is not a command (help lists them)");
        return E_BAD_COMMAND;
    }
    a->given = 0;
    a->alt = 0;
    a->ctx = ctx;
    a->rest = 0;
    a->rest_n = 0;
    if (rq->too_many) {
        why("more than 16 tokens: no command takes that many");
        return E_BAD_ARG;
    }
    const struct form *f = c->forms;
    u32 first = 1;
    if (f->sub) {
        if (rq->argc < 2) {
            why(c->name);
            why(" needs a subcommand: ");
            why_subs(c);
            return E_BAD_ARG;
        }
        f = match_sub(c, rq->argv[1], &a->alt);
        if (!f) {
            why(rq->argv[1]);
            why(" is not a subcommand of ");
            why(c->name);
            why(": ");
            why_subs(c);
            return E_BAD_ARG;
        }
        first = 2;
    }
    a->form = f;
    return parse_args(c, f, rq, first, a);
}
