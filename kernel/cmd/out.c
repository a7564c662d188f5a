/*
 * out.c: reply lines. A line is assembled in a fixed buffer and written
 * whole, so that a reader never sees half a line and the ARM console makes
 * one semihosting call per line.
 */
#include "out.h"
#include "arch.h"

#define OUT_MAX 512   /* longest line any command builds is far shorter */

static struct {
    char buf[OUT_MAX];
    u32  len;         /* bytes in buf; the last byte is kept for '\n' */
} out;

static void put(char c)
{
    if (out.len < OUT_MAX - 1)
        out.buf[out.len++] = c;
}

static void puts_(const char *s)
{
    while (*s)
        put(*s++);
}

static void put_hex(u32 v)
{
    puts_("0x");
    int shift = 28;
    while (shift > 0 && ((v >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        put("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void put_dec(u32 v)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put(tmp[--n]);
}

static void put_key(const char *key)
{
    put(' ');
    puts_(key);
    put('=');
}

void out_begin(const char *first) { out.len = 0; puts_(first); }
void out_word(const char *s)      { put(' '); puts_(s); }
void out_hex(const char *k, u32 v) { put_key(k); put_hex(v); }
void out_dec(const char *k, u32 v) { put_key(k); put_dec(v); }
void out_str(const char *k, const char *v) { put_key(k); puts_(v); }
void out_text(const char *text)   { puts_(" -- "); puts_(text); }

static const char *const attr_names[ATTR_COUNT] = {
    "read", "write", "execute", "privileged", "nocache", "device",
    "uninit", "lock", "interrupt", "grow_up", "grow_down", "global",
};

const char *attr_name(u32 i) { return i < ATTR_COUNT ? attr_names[i] : 0; }

void out_attrs(const char *key, u32 attrs)
{
    bool first = true;
    put_key(key);
    for (u32 i = 0; i < ATTR_COUNT; i++) {
        if (!(attrs & (1u << i)))
            continue;
        if (!first)
            put(',');
        puts_(attr_names[i]);
        first = false;
    }
}

void out_end(void)
{
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

void out_ok(void) { out_begin("ok"); out_end(); }

void out_err_begin(int code)
{
    out_begin("err ");
    puts_(err_name(code));
}

void out_err(int code) { out_err_begin(code); out_end(); }
