/*
 * out.h: building reply lines (PROTOCOL.md "Replies"). One line at a time:
 * out_begin(), keys, out_end() writes it with its '\n' in one arch_write.
 */
#ifndef VMK_OUT_H
#define VMK_OUT_H

#include "types.h"

void out_begin(const char *first);          /* "ok", "-", "! fault", … */
void out_word(const char *s);               /* " s" */
void out_hex(const char *key, u32 v);       /* " key=0x…" lowercase */
void out_dec(const char *key, u32 v);       /* " key=123" */
void out_str(const char *key, const char *v);
void out_attrs(const char *key, u32 attrs); /* " key=read,write,…" */
void out_text(const char *text);            /* " -- text" */
void out_end(void);

void out_raw(const char *s);                /* s as it is */

/* A whole line from a list of keys: `return OK(K_HEX("va", va), …);`
 * writes `ok va=0x…` and is a handler's success (0). */
struct kv { const char *key; u8 fmt; u32 v; const char *s; };
enum { KV_HEX, KV_DEC, KV_STR, KV_ATTRS };
#define K_HEX(k, x)   { k, KV_HEX, (x), 0 }
#define K_DEC(k, x)   { k, KV_DEC, (x), 0 }
#define K_STR(k, x)   { k, KV_STR, 0, (x) }
#define K_ATTRS(k, x) { k, KV_ATTRS, (x), 0 }
int out_line(const char *first, const struct kv *kv, u32 n);
#define REPLY(first, ...) out_line(first, (const struct kv[]){ __VA_ARGS__ }, \
    sizeof((const struct kv[]){ __VA_ARGS__ }) / sizeof(struct kv))
#define OK(...) REPLY("ok", __VA_ARGS__)

/* Whole lines. */
void out_ok(void);                          /* "ok" */
void out_err(int code);                     /* "err CODE -- reason" */
/* Starts "err CODE" for a reply with keys; out_end() adds " -- reason". */
void out_err_begin(int code);

/*
 * The reason of the next err line (PROTOCOL 1.1: ` -- <text>` saying what
 * was wrong). Whoever finds the error says why, piece by piece; out_end()
 * of an err line writes it, or a sentence for the code when nobody did.
 * why_reset() starts each request with none (cmd_dispatch calls it, and
 * the line reader before its own errors).
 */
void why_reset(void);
void why(const char *s);
void why_n(const char *s, u32 n);           /* the first n bytes of s */
void why_hex(u32 v);
void why_dec(u32 v);
void why_size(u32 v);                       /* 4K, 64K, 1M, … when exact */
bool why_given(void);                       /* a reason has been set */

/* PROTOCOL.md's name of an error code (E_* -> "BAD_ARG", …). */
const char *err_name(int code);
/* Name of attribute bit i (0 = read …), or 0. */
const char *attr_name(u32 i);

#endif
