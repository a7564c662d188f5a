/*
 * out.h: building reply lines (PROTOCOL.md "Replies"). One line at a time:
 * out_begin(), keys, out_end() writes it with its '\n' in one arch_write.
 */
#ifndef VMK_OUT_H
#define VMK_OUT_H

#include "types.h"

/*
 * Keys and first words are string literals: the macros below make " key="
 * and the lengths at compile time, so that a line is built by block
 * copies, not a byte at a time (event lines come by the hundred per
 * request: `fill` over interrupt pages).
 */
#define OUT_KEY(k) " " k "=", sizeof(" " k "=") - 1
#define out_begin(first) out_begin_n("" first, sizeof(first) - 1)  /* "ok", "-", "! fault", … */
#define out_hex(k, v)    out_hex_k(OUT_KEY(k), v)      /* " key=0x…" lowercase */
#define out_dec(k, v)    out_dec_k(OUT_KEY(k), v)      /* " key=123" */
#define out_str(k, v)    out_str_k(OUT_KEY(k), v)
#define out_attrs(k, v)  out_attrs_k(OUT_KEY(k), v)    /* " key=read,write,…" */
void out_begin_n(const char *first, u32 n);
void out_hex_k(const char *key, u32 klen, u32 v);
void out_dec_k(const char *key, u32 klen, u32 v);
void out_str_k(const char *key, u32 klen, const char *v);
void out_attrs_k(const char *key, u32 klen, u32 attrs);
void out_word(const char *s);               /* " s" */
void out_text(const char *text);            /* " -- text" */
void out_end(void);

void out_raw(const char *s);                /* s as it is */

/* A whole line from a list of keys: `return OK(K_HEX("va", va), …);`
 * writes `ok va=0x…` and is a handler's success (0). */
struct kv { const char *key; u8 klen, fmt; u32 v; const char *s; };
enum { KV_HEX, KV_DEC, KV_STR, KV_ATTRS };
#define K_HEX(k, x)   { OUT_KEY(k), KV_HEX, (x), 0 }
#define K_DEC(k, x)   { OUT_KEY(k), KV_DEC, (x), 0 }
#define K_STR(k, x)   { OUT_KEY(k), KV_STR, 0, (x) }
#define K_ATTRS(k, x) { OUT_KEY(k), KV_ATTRS, (x), 0 }
int out_line(const char *first, u32 n_first, const struct kv *kv, u32 n);
#define REPLY(first, ...) out_line("" first, sizeof(first) - 1, (const struct kv[]){ __VA_ARGS__ }, \
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

#endif
