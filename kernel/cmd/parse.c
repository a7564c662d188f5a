/*
 * parse.c: tokens, numbers and attributes (see parse.h).
 */
#include "parse.h"

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

/* Multiplier of a size suffix, 0 if c is not one. */
static u32 suffix_shift(char c)
{
    return c == 'K' ? 10 : c == 'M' ? 20 : c == 'G' ? 30 : 0;
}

/* One loop per base, a digit tested by one subtraction (and a case bit
 * for hex); any digit that takes the value past 32 bits is BAD_ARG. */
int parse_u32(const char *tok, u32 *out)
{
    u64 v = 0;
    const char *p = tok;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        for (;; p++) {
            u32 d = (u32)(u8)*p - '0';
            if (d >= 10) {
                d = ((u32)(u8)*p | 0x20) - 'a';
                if (d >= 6)
                    break;
                d += 10;
            }
            v = v << 4 | d;
            if (v > 0xffffffffull)
                return E_BAD_ARG;
        }
        if (p == tok + 2)
            return E_BAD_ARG;
    } else {
        for (u32 d; (d = (u32)(u8)*p - '0') < 10; p++) {
            v = v * 10 + d;
            if (v > 0xffffffffull)
                return E_BAD_ARG;
        }
        if (p == tok)
            return E_BAD_ARG;
    }
    if (*p && suffix_shift(*p) && !p[1]) {
        v <<= suffix_shift(*p);
        p++;
    }
    if (*p || v > 0xffffffffull)
        return E_BAD_ARG;
    *out = (u32)v;
    return 0;
}

static const char *const attr_names[ATTR_COUNT] = {
    "read", "write", "execute", "privileged", "nocache", "device",
    "uninit", "lock", "interrupt", "grow_up", "grow_down", "global",
};

const char *attr_name(u32 i) { return i < ATTR_COUNT ? attr_names[i] : 0; }

/* Bit of the attribute named by [s, s+n), 0 if unknown. The first letter
 * rules out all names but one to three. */
static u32 attr_bit(const char *s, u32 n)
{
    for (u32 i = 0; i < ATTR_COUNT; i++) {
        const char *name = attr_names[i];
        if (name[0] != s[0])
            continue;   /* also an empty item: s[0] is ',' or NUL */
        u32 k = 1;
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
