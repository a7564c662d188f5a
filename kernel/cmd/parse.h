/*
 * parse.h: the request grammar of PROTOCOL.md: tokens, numbers, attribute
 * lists. Each parser returns 0 or E_BAD_ARG and never reads past its token.
 */
#ifndef VMK_PARSE_H
#define VMK_PARSE_H

#include "types.h"

#define LINE_MAX   255   /* request bytes, without the line end */
#define TOKENS_MAX 16    /* more tokens than any command takes: BAD_ARG */

struct request {
    u32   argc;                /* tokens, command name included */
    char *argv[TOKENS_MAX];
    bool  too_many;            /* the line had more than TOKENS_MAX tokens */
};

/* Splits line (NUL-terminated, modified in place) at runs of spaces. */
void parse_tokens(char *line, struct request *rq);

/* True if every byte of line[0..n) is printable ASCII (0x20..0x7e). */
bool parse_printable(const char *line, u32 n);

/* `0x` hex or decimal, optional K/M/G suffix; must fit in 32 bits. */
int parse_u32(const char *tok, u32 *out);

/* Comma list of attribute names; read is implied. On E_BAD_ARG, *bad is
 * the offset in tok of the unknown (or empty) name. */
int parse_attrs(const char *tok, u32 *out, u32 *bad);

/* Name of attribute bit i (0 = read …), or 0. */
const char *attr_name(u32 i);

/* Plain string compare (no libc in the kernel). */
bool str_eq(const char *a, const char *b);

#endif
