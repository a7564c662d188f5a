/*
 * parse.c: tokens, numbers and attributes (see parse.h).
 */
#include "parse.h"
#include "out.h"

bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

void parse_tokens(char *line, struct request *rq)
{
    rq->argc = 0;
    rq->too_many = false;
    char *p = line;
    for (;;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            return;
        if (rq->argc == TOKENS_MAX) {
            rq->too_many = true;
            return;
        }
        rq->argv[rq->argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
}

bool parse_printable(const char *line, u32 n)
{
    for (u32 i = 0; i < n; i++)
        if ((u8)line[i] < 0x20 || (u8)line[i] > 0x7e)
            return false;
    return true;
}

static int digit_value(char c, u32 base)
{
    u32 d;
    if (c >= '0' && c <= '9')      d = (u32)(c - '0');
    else if (c >= 'a' && c <= 'f') d = (u32)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = (u32)(c - 'A' + 10);
    else return -1;
    return d < base ? (int)d : -1;
}

/* Multiplier of a size suffix, 0 if c is not one. */
static u32 suffix_shift(char c)
{
    return c == 'K' ? 10 : c == 'M' ? 20 : c == 'G' ? 30 : 0;
}

int parse_u32(const char *tok, u32 *out)
{
    u32 base = 10;
    u64 v = 0;
    const char *p = tok;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    const char *digits = p;
    for (int d; (d = digit_value(*p, base)) >= 0; p++) {
        v = v * base + (u32)d;
        if (v > 0xffffffffull)
            return E_BAD_ARG;
    }
    if (p == digits)
        return E_BAD_ARG;
    if (*p && suffix_shift(*p) && !p[1]) {
        v <<= suffix_shift(*p);
        p++;
    }
    if (*p || v > 0xffffffffull)
        return E_BAD_ARG;
    *out = (u32)v;
    return 0;
}

/* Bit of the attribute named by [s, s+n), 0 if unknown. */
static u32 attr_bit(const char *s, u32 n)
{
    for (u32 i = 0; attr_name(i); i++) {
        const char *name = attr_name(i);
        u32 k = 0;
        while (k < n && name[k] == s[k])
            k++;
        if (k == n && name[k] == '\0')
            return 1u << i;
    }
    return 0;
}

int parse_attrs(const char *tok, u32 *out, u32 *bad)
{
    u32 attrs = ATTR_READ;
    const char *p = tok;
    for (;;) {
        const char *start = p;
        while (*p && *p != ',')
            p++;
        u32 bit = attr_bit(start, (u32)(p - start));
        if (!bit) {
            *bad = (u32)(start - tok);
            return E_BAD_ARG;   /* unknown, or an empty item */
        }
        attrs |= bit;
        if (!*p)
            break;
        p++;
    }
    *out = attrs;
    return 0;
}
