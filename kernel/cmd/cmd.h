/*
 * cmd.h: the command table and what handlers share.
 *
 * A handler answers with exactly one final line: it either writes its own
 * (out_*), returning 0, or returns a negative E_* code and the dispatcher
 * writes `err CODE`. A handler that returns an error has changed nothing.
 */
#ifndef VMK_CMD_H
#define VMK_CMD_H

#include "out.h"
#include "parse.h"

#ifndef VMK_VERSION
#define VMK_VERSION "0"   /* the Makefile passes `git describe` */
#endif

struct command {
    const char *name;
    const char *usage;
    int (*run)(struct request *rq);
};

/* The table, NULL-terminated; one per file of commands. */
extern const struct command cmd_sys_table[];     /* cmd_sys.c */
extern const struct command cmd_map_table[];     /* cmd_map.c */
extern const struct command cmd_access_table[];  /* cmd_access.c */
extern const struct command cmd_kspace_table[];  /* cmd_kspace.c */
extern const struct command cmd_cpu_table[];     /* cmd_cpu.c */

/* Runs one request line (already checked for length and bytes). */
void cmd_dispatch(char *line);

/* Argument helpers: argument i (1 = first after the command name). */
int arg_count(const struct request *rq, u32 min, u32 max);
int arg_u32(const struct request *rq, u32 i, u32 *v);
int arg_attrs(const struct request *rq, u32 i, u32 *attrs);
/* Subcommand: index of argument 1 in names, or E_BAD_ARG. */
int arg_sub(const struct request *rq, const char *const *names, u32 n);
/* Optional trailing words (e.g. `user`, `write`): each at most once, any
 * order, from argument `from` on; *found gets bit k for words[k]. */
int arg_flags(const struct request *rq, u32 from, const char *const *words,
              u32 nwords, u32 *found);

/* Writes the `! fault`/`! interrupt`/`! grow` event lines (installed as
 * the access sink at boot). */
struct access_event;
void cmd_print_event(const struct access_event *ev);

/* `help`: every command of every table. */
int cmd_help(struct request *rq);

#endif
