/*
 * out.c: reply lines. A line is assembled in a fixed buffer and written
 * whole, so that a reader never sees half a line and the ARM console makes
 * one semihosting call per line.
 */
#include "out.h"
#include "parse.h"
#include <string.h>
#include "arch.h"

#define OUT_MAX 768   /* an err line: keys, then a reason quoting a token
                         of up to 255 bytes and a usage line */
#define WHY_MAX 400   /* the reason; longer ones are cut */

/* A line being built: the reply line, or the reason of an err. */
struct text {
    char *buf;
    u32   max, len;   /* out: the last byte is kept for '\n' */
};

static char out_buf[OUT_MAX], why_buf[WHY_MAX];
static struct text out = { out_buf, OUT_MAX - 1, 0 };
static struct text why_text = { why_buf, WHY_MAX, 0 };
static bool out_is_err;   /* the line being built is an err line */
static int  out_code;     /* its code */

static void tput(struct text *t, char c)
{
    if (t->len < t->max)
        t->buf[t->len++] = c;
}

/* n bytes of s, as much as fits: room worked out once, one block copy. */
static void tputn(struct text *t, const char *s, u32 n)
{
    u32 len = t->len, room = t->max - len;
    if (n > room)
        n = room;
    memcpy(t->buf + len, s, n);
    t->len = len + n;
}

static u32 str_len(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (u32)(p - s);
}

static void tputs(struct text *t, const char *s) { tputn(t, s, str_len(s)); }

/* "0x" and the digits from the highest set bit. */
static void tput_hex(struct text *t, u32 v)
{
    char tmp[10] = { '0', 'x' };
    u32 n = v ? (35 - (u32)__builtin_clz(v)) / 4 : 1;
    for (u32 i = 0; i < n; i++)
        tmp[2 + i] = "0123456789abcdef"[(v >> 4 * (n - 1 - i)) & 15];
    tputn(t, tmp, 2 + n);
}

static void tput_dec(struct text *t, u32 v)
{
    char tmp[10];
    u32 n = 10;
    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    tputn(t, tmp + n, 10 - n);
}

static void puts_(const char *s) { tputs(&out, s); }

void out_begin_n(const char *first, u32 n)
{
    out.len = 0;
    out_is_err = false;
    tputn(&out, first, n);
}

void out_hex_k(const char *k, u32 kn, u32 v)  { tputn(&out, k, kn); tput_hex(&out, v); }
void out_dec_k(const char *k, u32 kn, u32 v)  { tputn(&out, k, kn); tput_dec(&out, v); }
void out_str_k(const char *k, u32 kn, const char *v) { tputn(&out, k, kn); puts_(v); }
void out_word(const char *s)      { tput(&out, ' '); puts_(s); }
void out_text(const char *text)   { puts_(" -- "); puts_(text); }
void out_raw(const char *s)       { puts_(s); }

void out_attrs_k(const char *key, u32 klen, u32 attrs)
{
    bool first = true;
    tputn(&out, key, klen);
    for (u32 i = 0; i < ATTR_COUNT; i++) {
        if (!(attrs & (1u << i)))
            continue;
        if (!first)
            tput(&out, ',');
        puts_(attr_name(i));
        first = false;
    }
}

/* What an err line says when nobody said why (every code has a sentence,
 * so that no err goes without one). */
static const char *code_sentence(int code)
{
    switch (code) {
    case E_BAD_COMMAND:    return "no such command (help lists them)";
    case E_BAD_ARG:        return "an argument is missing, extra or malformed";
    case E_TOO_LONG:       return "the line is longer than 255 bytes";
    case E_ALIGN:          return "an address or length is not aligned to the page size";
    case E_RANGE:          return "the range wraps or leaves what the command may touch";
    case E_ALREADY_MAPPED: return "part of the range is already mapped";
    case E_NOT_MAPPED:     return "nothing is mapped there";
    case E_NO_MEMORY:      return "physical pages ran out";
    case E_NO_SPACE:       return "the virtual window ran out";
    case E_FLAGS_CONFLICT: return "the pages are mapped with other attributes";
    case E_BAD_AS:         return "no such address space";
    case E_BUSY:           return "it is in use";
    case E_FAULT:          return "the access aborted";
    default:               return "an invariant check failed";
    }
}

void out_end(void)
{
    if (out_is_err) {
        tputn(&out, " -- ", 4);
        if (why_text.len)
            tputn(&out, why_text.buf, why_text.len);
        else
            puts_(code_sentence(out_code));
    }
    out_is_err = false;
    out.buf[out.len++] = '\n';
    arch_write(out.buf, out.len);
    out.len = 0;
}

const char *err_name(int code)
{
    static const char *const names[] = {
        "OK", "BAD_COMMAND", "BAD_ARG", "TOO_LONG", "ALIGN", "RANGE",
        "ALREADY_MAPPED", "NOT_MAPPED", "NO_MEMORY", "NO_SPACE",
        "FLAGS_CONFLICT", "BAD_AS", "BUSY", "FAULT", "CORRUPT",
    };
    u32 i = (u32)-code;
    return i < ARRAY_LEN(names) ? names[i] : "CORRUPT";
}

int out_line(const char *first, u32 n_first, const struct kv *kv, u32 n)
{
    out_begin_n(first, n_first);
    for (u32 i = 0; i < n; i++)
        switch (kv[i].fmt) {
        case KV_HEX:   out_hex_k(kv[i].key, kv[i].klen, kv[i].v); break;
        case KV_DEC:   out_dec_k(kv[i].key, kv[i].klen, kv[i].v); break;
        case KV_STR:   out_str_k(kv[i].key, kv[i].klen, kv[i].s); break;
        default:       out_attrs_k(kv[i].key, kv[i].klen, kv[i].v); break;
        }
    out_end();
    return 0;
}

void out_ok(void) { out_begin("ok"); out_end(); }

void out_err_begin(int code)
{
    out_begin("err ");
    puts_(err_name(code));
    out_is_err = true;
    out_code = code;
}

void why_reset(void)               { why_text.len = 0; }
void why(const char *s)            { tputs(&why_text, s); }
void why_hex(u32 v)                { tput_hex(&why_text, v); }
void why_dec(u32 v)                { tput_dec(&why_text, v); }
bool why_given(void)               { return why_text.len != 0; }

void why_n(const char *s, u32 n)
{
    for (u32 i = 0; i < n && s[i]; i++)
        tput(&why_text, s[i]);
}

void why_size(u32 v)
{
    static const struct { u32 shift; char suffix; } units[] = {
        { 30, 'G' }, { 20, 'M' }, { 10, 'K' },
    };
    for (u32 i = 0; i < ARRAY_LEN(units); i++)
        if (v && (v & ((1u << units[i].shift) - 1)) == 0) {
            tput_dec(&why_text, v >> units[i].shift);
            tput(&why_text, units[i].suffix);
            return;
        }
    tput_hex(&why_text, v);
}

void out_err(int code) { out_err_begin(code); out_end(); }
