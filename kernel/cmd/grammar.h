/*
 * grammar.h: the one grammar of the command channel (PROTOCOL.md
 * "Requests", "Commands") as a table.
 *
 * A command is a name, a sentence saying what it does, and one or more
 * forms. A form is an optional subcommand word (or `a|b|c`, alternatives
 * that share a handler) and up to ARGS_MAX typed arguments:
 *
 *   ARG_NUM    `0x` hex or decimal, K/M/G suffix, 32 bits; with the
 *              inclusive limits [lo, hi] that PROTOCOL pins (a length of 0,
 *              `asid limit` 2..255)
 *   ARG_ATTRS  a comma list of attribute names, `read` implied
 *   ARG_NAME   any other token, kept as text (`help <command>`)
 *   ARG_WORD   a literal keyword (`user`, `write`): optional, after the
 *              positional arguments, any order, each at most once
 *   ARG_REST   the rest of the line, one token at least, kept as tokens
 *              (`cpu <n> <request...>`); only as the last argument
 *
 * Positional arguments are the required ones, then the optional ones, in
 * order. A usage line (help) shows a required argument as <name>, an
 * optional one or a word as [name]; names are chosen so that a reader of
 * help (the rig's completion) can tell the kinds: an attribute list is
 * always `attrs`, the words are `user` and `write`, a command name is
 * `command`, a name ending in `...` is the rest of the line (a request),
 * and every other name is a number; a subcommand `a|b|c` is
 * a choice of words. grammar_parse() matches a request to a form and fills struct args
 * with typed values, so a handler never sees a token; every grammar error
 * is E_BAD_ARG (or E_BAD_COMMAND) with a reason naming the argument. The
 * same table produces every usage line of `help`.
 */
#ifndef VMK_GRAMMAR_H
#define VMK_GRAMMAR_H

#include "parse.h"

#define ARGS_MAX 4

enum arg_kind { ARG_NUM, ARG_ATTRS, ARG_NAME, ARG_WORD, ARG_REST };

struct arg_spec {
    const char *name;   /* usage name (`va` in <va>); for ARG_WORD the word */
    u8   kind;          /* enum arg_kind */
    bool optional;
    u32  lo, hi;        /* ARG_NUM: the accepted values, inclusive */
    u32  dflt;          /* the value of an optional argument left out */
};

struct form;
struct command;

/* What the dispatcher hands every handler besides its arguments: the
 * table (for `help`) and the dispatcher itself (for `cpu <n>
 * <request...>`). Passed in, so that no handler names the file that names
 * the handlers (no link-level cycle: make layers). */
struct grammar_ctx {
    const struct command *const *table;   /* every command, NULL-terminated */
    void (*run)(const struct request *rq);  /* answers one request (its
                                             tokens: cmd_dispatch's, or
                                             `cpu`'s rest of the line) */
};

/* What a handler receives: typed values in the form's argument order. */
struct args {
    u32 v[ARGS_MAX];           /* number, attribute set, or 1 for a word given */
    const char *tok[ARGS_MAX]; /* the token of each argument given, else 0 */
    u32 given;                 /* bit i: argument i was in the request */
    u32 alt;                   /* which alternative of the subcommand matched */
    const struct form *form;   /* the form (argument names, for reasons) */
    const struct grammar_ctx *ctx;  /* the table and the dispatcher */
    char *const *rest;         /* ARG_REST: its tokens (0 if none), */
    u32 rest_n;                /* and how many */
};

struct form {
    const char *sub;                   /* "new", "clean|invalidate|…", or 0 */
    int (*run)(const struct args *a);  /* 0 or E_* (see cmd.h) */
    struct arg_spec arg[ARGS_MAX];     /* ends at the first name 0 */
};

struct command {
    const char *name;
    const char *about;         /* one sentence, for `help <command>` */
    const struct form *forms;  /* ends at run 0 */
};

/* Table entries. */
#define NUM(n)           { n, ARG_NUM, false, 0, 0xffffffffu, 0 }
#define LEN(n)           { n, ARG_NUM, false, 1, 0xffffffffu, 0 }   /* 0 is BAD_ARG */
#define NUM_IN(n, l, h)  { n, ARG_NUM, false, l, h, 0 }
#define OPT_NUM(n, d)    { n, ARG_NUM, true, 0, 0xffffffffu, d }
#define OPT_LEN(n, d)    { n, ARG_NUM, true, 1, 0xffffffffu, d }
#define ATTRS(n)         { n, ARG_ATTRS, false, 0, 0, 0 }
#define OPT_ATTRS(n, d)  { n, ARG_ATTRS, true, 0, 0, d }
#define OPT_NAME(n)      { n, ARG_NAME, true, 0, 0, 0 }
#define WORD(w)          { w, ARG_WORD, true, 0, 0, 0 }
#define REST(n)          { n, ARG_REST, false, 0, 0, 0 }
#define FORMS(...)       ((const struct form[]){ __VA_ARGS__, { 0, 0, { { 0 } } } })

/* The command of ctx's table called name, or 0. */
const struct command *grammar_lookup(const struct grammar_ctx *ctx, const char *name);

/* Matches rq to a form of its command in ctx's table and parses every
 * argument into *a (a->ctx = ctx). 0, E_BAD_COMMAND (no such command) or
 * E_BAD_ARG; the reason is set. */
int grammar_parse(const struct grammar_ctx *ctx, const struct request *rq, struct args *a);

/* Appends the usage of c to the reply line being built: its forms, joined
 * by " | " (`as new | as switch <id> | …`). */
void grammar_usage(const struct command *c);

#endif
