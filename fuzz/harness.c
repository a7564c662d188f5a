/*
 * harness.c: the op harness of vmk's fuzz campaigns (AFL++ persistent mode,
 * libFuzzer, and a gcc replay build).
 *
 * An input is a sequence of 12-byte ops, fixed-width little-endian fields
 * (so CMPLOG and laf-intel can solve every comparison):
 *
 *   byte 0      op code (mod OP_COUNT)        byte 1   CPU (bits 0-6 mod FZ_CPUS;
 *                                                     bit 7: the op goes through
 *                                                     a seed's C API where it has
 *                                                     one: map, map1, unmap,
 *                                                     unmap1 (001, 003), translate,
 *                                                     as switch (004), physmap
 *                                                     map/unmap (000); bit 6: seed
 *                                                     004's where two have one)
 *   byte 2      a (size / sub-command)         byte 3   b (flags)
 *   bytes 4-5   c (u16: VA page, slot, id)     bytes 6-7 d (u16: attrs, len)
 *   bytes 8-11  e (u32: value, byte count)
 *
 * Each op becomes one PROTOCOL.md request line, run through the command
 * layer itself (cmd_dispatch; replies captured by fuzz_console.c), and is
 * judged against a plain reference model: pages -> frame per address space,
 * frames handed out and their mapping counts, the words of frame memory the
 * input wrote or map zeroed, ASIDs, heap top, kmalloc blocks, physmap
 * windows and their references, the pending fault injection. Oracles, each
 * a named finding (abort):
 *   reply     the result code is one the model allows (ok, or one of the
 *             errors that apply), and the reply's keys say what the model
 *             says (pa, unmapped bytes, val, sum, refs, virt, top, ...)
 *   nochange  a failed request changed nothing (allocator, address spaces,
 *             ASIDs, heap, physmap)
 *   walk      every touched page: the software walk, the simulated MMU's
 *             own walk and its descriptor bits (AP, XN, nG, memory type)
 *             say what the model says
 *   tlb       every valid TLB and walk-cache entry agrees with the tables
 *             of the address space that owns its ASID (and the kernel's
 *             half): a missing invalidation is found at once, with or
 *             without an access that hits it
 *   frames    mapping counts of the touched frames; allocator counts add up
 *   check     the full `check` (vm_check) every CHECK_EVERY ops and at the
 *             end of every input
 *   panic     the core panicked (MM_ASSERT, arch_panic)
 *
 * With -s the replay build prints every request as a command script (see
 * fuzz/replay.py): frames are named by the request that made them
 * (`f3 = pmm alloc 4 0x10000`, then `$f3+0x1000`), an expected error is
 * `# expect err CODE`, checked values `# want key=value`, so the script
 * replays on vmsim and on QEMU whatever their allocators hand out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "asid.h"
#include "cmd.h"
#include "fuzz_console.h"
#include "kspace.h"
#include "mm.h"
#include "parse.h"
#include "pmm.h"
#include "seed_api.h"
#include "sim_priv.h"
#include "vm.h"
#include "vm_check.h"
#include "fuzz_console.h"

/* PROTOCOL 1.1 shares `global` user mappings between address spaces, and
 * the model does too; -DFUZZ_GLOBAL_USER=0 leaves `global` out of user
 * mappings (to bisect a finding). */
#ifndef FUZZ_GLOBAL_USER
#define FUZZ_GLOBAL_USER 1
#endif

#define FZ_RAM       FZ_RAM_BYTES     /* simulated RAM: small, quick check */
#define RAM_PAGES    (FZ_RAM >> PAGE_SHIFT)
#define WIN_PAGES    8192u            /* user VA window [0, 32 MiB) */
#define WIN_TOP      (WIN_PAGES << PAGE_SHIFT)
#define NREG         (WIN_TOP / SZ_1M)
#define NAS          8u               /* address spaces 1..7 */
#define NSLOT        32u              /* frame runs the input may hold */
#define NBLK         64u              /* kmalloc blocks */
#define NWIN         32u              /* physmap windows */
#define NCPAGE       128u             /* frame pages whose words are known */
#define MAX_OPS      512u
#define CHECK_EVERY  64u
#define OP_SIZE      12u
#define DEV_BASE     0x10000000u      /* QEMU virt PCIe MMIO hole: no device */

enum { FIELD_A = 2, FIELD_B = 3, FIELD_C = 4, FIELD_D = 6, FIELD_E = 8 };

struct op { u8 code, cpu, a, b; u16 c, d; u32 e; };

/* ---- the reference model ------------------------------------------------- */

struct mpage { u32 pa; u16 attrs; u8 mapped; u8 pad; };
/* Two mpages as four u32 lanes (GCC's vector extension: one 128-bit add
 * and store where the target has them). */
typedef u32 __attribute__((vector_size(16))) u32x4;
_Static_assert(sizeof(struct mpage) * 2 == sizeof(u32x4), "two mpages a vector");
struct slot  { paddr_t pa; u32 pages; };
struct blk   { vaddr_t ptr; u32 size; u32 name; };
struct win   { bool live; paddr_t lo; u32 pages; vaddr_t base; u32 attrs, refs; u32 name; vaddr_t virt0; };
struct cpage { u32 w[1024]; u32 known[32]; u32 held[32]; };   /* known and not held: 0 */

static struct {
    struct mpage pg[NAS][WIN_PAGES];
    u32  mbits[NAS][WIN_PAGES / 32]; /* pg[][].mapped as bits, for scans */
    u32  dirty[NAS];                 /* 1 MiB regions touched (bit i) */
    u16  rcnt[NAS][NREG];            /* mapped pages of each 1 MiB region */
    u32  nglob[NAS];                 /* global pages of each space */
    u8   pinned[NAS][NREG];          /* an empty L2 from `pt map` */
    bool live[NAS];
    u32  cur;                        /* current space of the running CPU */
    u32  cpu;                        /* the running CPU */
    u32  ccur[FZ_CPUS];              /* current space of each CPU */
    bool pend[FZ_CPUS];              /* a rollover left this CPU's TLB to flush */
    u16  fmap[RAM_PAGES];            /* user mappings of each RAM page */
    u8   falloc[RAM_PAGES];          /* allocated as a frame */
    u16  cslot[RAM_PAGES];           /* 0, or 1 + index into cpool */
    struct cpage cpool[NCPAGE];
    u32  cused;
    struct slot slot[NSLOT];
    struct blk blk[NBLK];
    u32  nblk;
    u32  names;                      /* script names handed out (k<n>, w<n>) */
    struct win win[NWIN];
    vaddr_t heap_top, floor0;
    u32  asid_limit;
    u32  asid[NAS], gen[NAS];        /* from the last `as switch` reply */
    u32  frame_pages;
    paddr_t last_freed;              /* for double frees */
    u16  touched_frames[RAM_PAGES];
    u32  ntouched;
    u8   frame_touched[RAM_PAGES];
} m;

static struct {
    u32  opno;
    const char *opname;
    bool print;                      /* -s: print the script */
    vaddr_t tva; u32 tlen;           /* range the op touched (current as) */
    char line[300]; u32 ln;          /* the request */
    char sym[400];  u32 sn;          /* the request as the script says it */
    char want[300]; u32 wn;          /* `# want` keys */
    char bind[12];
    u32 cleared[NAS];                /* 1 MiB regions the op unmapped pages in,
                                        per space (a global page: in all) */
    bool probe_set; vaddr_t probe_va; u32 probe_as;   /* for the script's probe */
    vaddr_t probe_kva;               /* a kernel VA that must fault */
    bool sent;                       /* the script has the request's line */
    u32  probe_limit;                /* an ASID limit the running space must
                                        keep to (0: no probe) */
    u32  probe_pending;              /* 1 + the pending injected failure the
                                        model expects (0: no probe) */
    bool seed_ok;                    /* the op may go through a seed's C API */
    bool seed_alt;                   /* ... the other seed's, where two have one */
    bool seed_reply;                 /* the call's result was put as a reply */
    u32  seed;                       /* SEED_*: this request does */
    u32  sa[4];                      /* its arguments */
    char sym_seed[120];              /* the call, for the script */
} h;

/* The seed documents' C APIs (kernel/mm/seed_api.h, physmap.h) have no
 * protocol command: with bit 7 of its CPU byte an op calls the C API and
 * the model judges it as it judges the request it maps to exactly:
 *   seed 001  map_single_page = map1, map_range = map, unmap_single_page =
 *             unmap1, unmap_range = unmap (but AddressNotMapped when
 *             nothing was mapped);
 *   seed 004  (bit 6 too) mem_vmap_map = map, mem_vmap_translate =
 *             translate (a miss = NOT_MAPPED), mem_vmap_unmap = unmap,
 *             mem_vmap_switch_to = as switch, on the current space;
 *   seed 000  the physmap map(PhysicalMapRequest) and unmap = physmap
 *             map / unmap (physmap_map, physmap_unmap).
 * Where the request's reply has keys the model reads, the call's results
 * are put as that reply (seed_reply: the same keys from the C result;
 * unmap_single_page's page from mmu_frame_get_address, seed 003, before
 * it). mem_vmap_unmap returns nothing: what it unmapped is read off the
 * space's count (vm_as_info), and a call that changed nothing answers
 * what the request would have (the model's error, or NO_MEMORY where the
 * model says something was mapped: a split found no page, which
 * run_request allows only under an injected failure or short memory).
 * The script says `# seed_api: call -> result`
 * and then the request. */
enum { SEED_NONE, SEED_MAP1, SEED_MAP, SEED_UNMAP, SEED_UNMAP1, SEED_VMAP_MAP,
       SEED_VMAP_TRANSLATE, SEED_VMAP_UNMAP, SEED_VMAP_SWITCH, SEED_PHYSMAP_MAP,
       SEED_PHYSMAP_UNMAP };

/* ---- findings ------------------------------------------------------------- */

static void finding(const char *oracle, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
static void probe(void);

#include <stdarg.h>
static void finding(const char *oracle, const char *fmt, ...)
{
    char why[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    fprintf(stderr, "# FINDING oracle=%s op=%s step=%u: %s\n# request: %s\n# reply: %s",
            oracle, h.opname ? h.opname : "-", h.opno, why, h.line, fz_con.out);
    if (h.print) {
        printf("# FINDING oracle=%s op=%s step=%u: %s\n", oracle,
               h.opname ? h.opname : "-", h.opno, why);
        probe();
        fflush(stdout);
    }
    abort();
}

/* ---- request building ------------------------------------------------------ */

/* Request text is built by hand (no printf on the hot path); the
 * script's symbolic form and `# want` keys only with -s. The longest
 * request (a CPU prefix, three numbers and every attr: under 150 bytes)
 * leaves h.line room for a number more: put_hex needs no cap. */
static u32 put_s(char *b, u32 n, u32 cap, const char *s)
{
    u32 l = (u32)strlen(s);
    l = l < cap - 1 - n ? l : cap - 1 - n;
    memcpy(b + n, s, l);
    b[n + l] = 0;
    return n + l;
}

/* v in lowercase hex digits (no leading zeros, printf's %x) at b + n;
 * the new length. */
static u32 put_xdigits(char *b, u32 n, u32 v)
{
    u32 d = v ? (35 - (u32)__builtin_clz(v)) / 4 : 1;    /* digits */
    for (u32 k = n + d; k > n; k--, v >>= 4)
        b[k - 1] = "0123456789abcdef"[v & 0xf];
    b[n + d] = 0;
    return n + d;
}

/* " 0x<v>" (no leading zeros) at b + n; the new length. */
static u32 put_hex(char *b, u32 n, u32 v)
{
    b[n] = ' ';
    b[n + 1] = '0';
    b[n + 2] = 'x';
    return put_xdigits(b, n + 3, v);
}

/* prefix (0 for none) and v in decimal, into t (room for 12); the
 * length. */
static u32 fmt_dec(char *t, char prefix, u32 v)
{
    char d[10], *t0 = t;
    u32 n = 0;
    if (prefix)
        *t++ = prefix;
    do d[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
    while (n)
        *t++ = d[--n];
    *t = 0;
    return (u32)(t - t0);
}

static void rq_begin(const char *name, const char *text)
{
    static const char *const pre[4] = { "", "cpu 1 ", "cpu 2 ", "cpu 3 " };
    const char *p = pre[m.cpu & 3];
    h.opname = name;
    h.ln = put_s(h.line, 0, sizeof h.line, p);
    h.ln = put_s(h.line, h.ln, sizeof h.line, text);
    h.wn = 0;
    h.want[0] = 0;
    h.bind[0] = 0;
    h.sent = false;
    if (h.print) {
        h.sn = put_s(h.sym, 0, sizeof h.sym, p);
        h.sn = put_s(h.sym, h.sn, sizeof h.sym, text);
    }
}

static void rq_word(const char *w)
{
    h.ln = put_s(h.line, h.ln, sizeof h.line, " ");
    h.ln = put_s(h.line, h.ln, sizeof h.line, w);
    if (h.print) {
        h.sn = put_s(h.sym, h.sn, sizeof h.sym, " ");
        h.sn = put_s(h.sym, h.sn, sizeof h.sym, w);
    }
}

/* A number in decimal (counts, ids): fmt_dec, no snprintf per request. */
static void rq_dec(u32 v)
{
    char t[12];
    fmt_dec(t, 0, v);
    rq_word(t);
}

static void rq_hex(u32 v)
{
    h.ln = put_hex(h.line, h.ln, v);
    if (h.print)
        h.sn = put_hex(h.sym, h.sn, v);
}

/* The request has v here; the script says sym. */
static void rq_two(u32 v, const char *sym)
{
    h.ln = put_hex(h.line, h.ln, v);
    h.sn = put_s(h.sym, h.sn, sizeof h.sym, " ");
    h.sn = put_s(h.sym, h.sn, sizeof h.sym, sym);
}

/* A physical address: inside frame run `s` (by name in the script) or a
 * plain one. */
static int slot_of(paddr_t pa)
{
    for (u32 i = 0; i < NSLOT; i++)
        if (m.slot[i].pages && pa - m.slot[i].pa < m.slot[i].pages * PAGE_SIZE)
            return (int)i;
    return -1;
}

static void sym_pa(char *buf, u32 n, paddr_t pa, u32 bias)
{
    int s = slot_of(pa);
    if (s < 0)
        snprintf(buf, n, "0x%x", pa + bias);
    else if (pa + bias == m.slot[s].pa)
        snprintf(buf, n, "$f%d", s);
    else
        snprintf(buf, n, "$f%d+0x%x", s, pa + bias - m.slot[s].pa);
}

static void rq_pa(paddr_t pa)
{
    char t[32];
    if (!h.print) {
        rq_hex(pa);
        return;
    }
    sym_pa(t, sizeof t, pa, 0);
    rq_two(pa, t);
}

/* A kernel VA of the direct map of RAM pa. */
static void rq_dmap(paddr_t pa)
{
    char t[32];
    if (!h.print) {
        rq_hex(pa + DIRECT_MAP_OFF);
        return;
    }
    sym_pa(t, sizeof t, pa, DIRECT_MAP_OFF);
    rq_two(pa + DIRECT_MAP_OFF, t);
}

/* A kernel VA as the script names it: inside a physmap window or a kmalloc
 * block, relative to the request that made it (their placement may differ
 * between targets). */
static void rq_kva(vaddr_t va)
{
    char t[32];
    if (!h.print) {
        rq_hex(va);
        return;
    }
    snprintf(t, sizeof t, "0x%x", va);
    for (u32 i = 0; i < NWIN; i++)
        if (m.win[i].live && va - m.win[i].base < m.win[i].pages * PAGE_SIZE) {
            s32 off = (s32)(va - m.win[i].virt0);
            snprintf(t, sizeof t, "$w%u%s0x%x", m.win[i].name, off < 0 ? "-" : "+",
                     off < 0 ? (u32)-off : (u32)off);
        }
    for (u32 i = 0; i < m.nblk; i++)
        if (va - m.blk[i].ptr < (m.blk[i].size ? m.blk[i].size : 1))
            snprintf(t, sizeof t, va == m.blk[i].ptr ? "$k%u" : "$k%u+0x%x", m.blk[i].name,
                     va - m.blk[i].ptr);
    rq_two(va, t);
}

/* `# want key<rel>0x<v>` for the script (replay.py: "=" the value,
 * "<=" a bound where the value itself is the target's choice). */
static void want_rel(const char *key, const char *rel, u32 v)
{
    if (!h.print)
        return;
    h.wn += (u32)snprintf(h.want + h.wn, sizeof h.want - h.wn, " %s%s0x%x", key, rel, v);
}

static void want_hex(const char *key, u32 v) { want_rel(key, "=", v); }
static void want_at_most(const char *key, u32 v) { want_rel(key, "<=", v); }

static void want_pa(const char *key, paddr_t pa)
{
    char t[32];
    if (!h.print)
        return;
    sym_pa(t, sizeof t, pa, 0);
    h.wn += (u32)snprintf(h.want + h.wn, sizeof h.want - h.wn, " %s=%s", key, t);
}

static const char *const attr_names[] = {
    "read", "write", "execute", "privileged", "nocache", "device",
    "uninit", "lock", "interrupt", "grow_up", "grow_down", "global",
};

static void rq_attrs(u32 attrs)
{
    char t[160];
    u32 n = 0;
    t[0] = 0;
    for (u32 a = attrs & ((1u << ATTR_COUNT) - 1); a; a &= a - 1) {
        if (n)
            n = put_s(t, n, sizeof t, ",");
        n = put_s(t, n, sizeof t, attr_names[__builtin_ctz(a)]);
    }
    rq_word(n ? t : "read");
}

/* ---- replies ---------------------------------------------------------------- */

static const char *final_line(void)
{
    return fz_con.out + fz_con.last;     /* fuzz_console.c keeps it */
}

/* 0 for ok, E_* for err CODE. */
static int reply_rc(const char *fl)
{
    if (!strncmp(fl, "ok", 2) && (fl[2] == ' ' || fl[2] == '\n' || !fl[2]))
        return 0;
    if (strncmp(fl, "err ", 4))
        finding("reply", "final line is neither ok nor err");
    /* the code's name, ended by a space or the line's end (no name holds
     * either), against each name: its first letter, then the whole */
    size_t l = strcspn(fl + 4, " \n");
    if (fl[4 + l] == ' ' || fl[4 + l] == '\n')
        for (int c = 1; c <= 14; c++) {
            const char *n = err_name(-c);
            if (n[0] == fl[4] && strlen(n) == l && !memcmp(fl + 4, n, l))
                return -c;
        }
    finding("reply", "unknown error code");
}

/* The value of the first " key=" of the line, read by the command
 * layer's own number parser (parse_u32: 0x hex or decimal); a value it
 * refuses is a malformed reply. This runs for every key of every reply:
 * the line is visited a space at a time (strcspn), no strtoul. */
static bool key_u32(const char *line, const char *key, u32 *v)
{
    for (const char *p = line + strcspn(line, " \n"); *p == ' '; p += 1 + strcspn(p + 1, " \n")) {
        const char *q = p + 1, *k = key;
        while (*k && *q == *k)
            q++, k++;
        if (*k || *q != '=')
            continue;
        char tok[16];
        u32 n = (u32)strcspn(++q, " \n");
        n = n < sizeof tok - 1 ? n : sizeof tok - 1;
        memcpy(tok, q, n);
        tok[n] = 0;
        if (parse_u32(tok, v))
            finding("reply", "%s=%s is not a 32-bit number", key, tok);
        return true;
    }
    return false;
}

static u32 key(const char *key_name)
{
    u32 v;
    if (!key_u32(final_line(), key_name, &v))
        finding("reply", "no %s= in the reply", key_name);
    return v;
}

static void want_key(const char *k, u32 v)
{
    if (h.seed && !h.seed_reply)
        return;                       /* a C call without reply keys */
    u32 got = key(k);
    if (got != v)
        finding("reply", "%s=0x%x, the model says 0x%x", k, got, v);
}

static bool has_event(const char *prefix)
{
    size_t l = strlen(prefix);
    if (fz_con.dropped)
        return true;
    for (const char *p = fz_con.out; *p; ) {
        if (!strncmp(p, prefix, l))
            return true;
        p = strchr(p, '\n');
        if (!p) break;
        p++;
    }
    return false;
}

/* ---- state fingerprint for "a failed request changed nothing" --------------- */

struct fp {
    struct pmm_stats s;
    struct asid_stats a;
    vaddr_t top, floor;
    u32 cur, ttbr0, asid, nwin, refs;
};

/* Cheap: no table scans (a change of tables without an allocation shows
 * in the walk oracle over the touched range instead). */
static void fingerprint(struct fp *f)
{
    struct physmap_info pi;
    memset(f, 0, sizeof *f);
    pmm_stats(&f->s);
    asid_get_stats(&f->a);
    f->top = heap_top();
    f->cur = vm_as_current();
    f->ttbr0 = sim_cur()->ttbr0;
    f->asid = sim_cur()->asid;
    /* Only physmap requests touch the window; theirs are the only names
     * that begin "ph" (two compares, not a strncmp per request). */
    if (h.opname[0] != 'p' || h.opname[1] != 'h')
        return;
    f->floor = physmap_floor();
    for (u32 i = 0; i < NWIN && physmap_get(i, &pi); i++) {
        f->nwin++;
        f->refs += pi.refs * (i + 1);
    }
}

/* ---- the seeds' C calls ----------------------------------------------------- */

/* Puts a reply line (seed_reply) for the keys the model reads. Its
 * formats hold only %x and %u of u32s (a short line), so it is built by
 * hand as the requests are: no vsnprintf per seed call. */
static void seed_reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void seed_reply(const char *fmt, ...)
{
    va_list ap;
    u32 n = 0;
    fz_out_clear();
    va_start(ap, fmt);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%')
            fz_con.out[n++] = *f;
        else if (*++f == 'u')
            n += fmt_dec(fz_con.out + n, 0, va_arg(ap, u32));
        else
            n = put_xdigits(fz_con.out, n, va_arg(ap, u32));
    }
    va_end(ap);
    fz_con.out[n] = 0;
    fz_con.out_len = n;
    h.seed_reply = true;
}

/* The call as the script prints it (only then: it costs a format). */
static void seed_name(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void seed_name(const char *fmt, ...)
{
    va_list ap;
    if (!h.print)
        return;
    va_start(ap, fmt);
    vsnprintf(h.sym_seed, sizeof h.sym_seed, fmt, ap);
    va_end(ap);
}

/* Calls the C API h.seed names with h.sa[]; its result code. */
static int seed_call(void)
{
    MemVmap cur = { vm_as_current() }, to;
    struct physmap_result pr;
    struct vm_as_info before, after;
    paddr_t frame, pa;
    u32 size, refs;
    bool miss;
    int rc;
    const u32 *a = h.sa;

    switch (h.seed) {
    case SEED_MAP1:
        seed_name("map_single_page(0x%x, 0x%x, 0x%x, 0x%x)", a[0], a[1], a[2], a[3]);
        return map_single_page(a[0], a[1], a[2], a[3]);
    case SEED_MAP:
        seed_name("map_range(0x%x, 0x%x, 0x%x, 0x%x)", a[0], a[1], a[2], a[3]);
        return map_range(a[0], a[1], a[2], a[3]);
    case SEED_UNMAP:
        seed_name("unmap_range(0x%x, 0x%x)", a[1], a[2]);
        return unmap_range(a[1], a[2]);
    case SEED_VMAP_MAP:
        seed_name("mem_vmap_map(as %u, 0x%x, 0x%x, 0x%x, 0x%x)", cur.as, a[0], a[1],
                 a[2], a[3]);
        return mem_vmap_map(&cur, a[0], a[1], a[2], a[3]);
    case SEED_UNMAP1:
        seed_name("unmap_single_page(0x%x)", a[1]);
        if (mmu_frame_get_address(cur.as, a[1], &frame, &size))
            return unmap_single_page(a[1]);
        rc = unmap_single_page(a[1]);
        if (!rc)
            seed_reply("ok va=0x%x pa=0x%x size=0x%x\n", a[1] & ~(size - 1), frame, size);
        return rc;
    case SEED_VMAP_TRANSLATE:
        seed_name("mem_vmap_translate(as %u, 0x%x)", cur.as, a[1]);
        pa = mem_vmap_translate(&cur, a[1], &miss);
        if (miss)
            return E_NOT_MAPPED;
        seed_reply("ok pa=0x%x\n", pa);
        return 0;
    case SEED_VMAP_UNMAP:
        seed_name("mem_vmap_unmap(as %u, 0x%x, 0x%x)", cur.as, a[1], a[2]);
        vm_as_info(cur.as, &before);
        mem_vmap_unmap(&cur, a[1], a[2]);
        vm_as_info(cur.as, &after);
        if (after.mapped == before.mapped && a[3])
            return -(int)__builtin_ctz(a[3]);     /* the model's error (ERR) */
        /* nothing unmapped where the model says a[0] bytes: the one error
         * the request could answer then is a split without a table page
         * (run_request judges whether memory was short) */
        if (after.mapped == before.mapped && a[0])
            return E_NO_MEMORY;
        seed_reply("ok unmapped=0x%x\n", before.mapped - after.mapped);
        return 0;
    case SEED_VMAP_SWITCH:
        to.as = a[1];
        seed_name("mem_vmap_switch_to(as %u)", to.as);
        rc = mem_vmap_switch_to(&to);
        if (!rc) {
            vm_as_info(to.as, &after);
            seed_reply("ok as=%u asid=%u gen=%u\n", to.as, after.asid, after.gen);
        }
        return rc;
    case SEED_PHYSMAP_MAP:
        seed_name("physmap map(PhysicalMapRequest 0x%x 0x%x 0x%x)", a[0], a[2], a[3]);
        rc = physmap_map(a[0], a[2], a[3], &pr);
        if (!rc)
            seed_reply("ok virt=0x%x page_base=0x%x size=0x%x refs=%u new=%u grown=%u\n",
                       pr.virt, pr.page_base, pr.size, pr.refs, pr.is_new, pr.grown);
        return rc;
    default:                          /* SEED_PHYSMAP_UNMAP */
        seed_name("physmap unmap(0x%x)", a[1]);
        rc = physmap_unmap(a[1], &refs);
        if (!rc)
            seed_reply("ok refs=%u\n", refs);
        return rc;
    }
}

/* ---- running one request ---------------------------------------------------- */

#define ERR(e) (1u << (u32)-(e))

/* The running request's script line: `bind = request` (or the request
 * alone), then note ("" or a "   # ..." comment). */
static void echo_request(const char *note)
{
    printf("%s%s%s%s\n", h.bind, h.bind[0] ? " = " : "", h.sym, note);
}

/* Runs the request; the model allows ok (ok_ok) and/or the errors in errs.
 * NO_MEMORY is allowed, and required, exactly when the pending injected
 * failure fired during this request (or pages are nearly out). Returns the
 * result code. */
static int run_request(bool ok_ok, u32 errs)
{
    struct fp before, after;
    u32 pend = pmm_fail_pending();
    fingerprint(&before);
    static char line[sizeof h.line];
    fz_out_clear();
    h.line[h.ln] = 0;
    memcpy(line, h.line, h.ln + 1);   /* cmd_dispatch splits its line in place */
    int rc;
    if (h.seed) {
        rc = seed_call();
        if (h.print)
            printf("# seed_api: %s -> %s\n", h.sym_seed, rc ? err_name(rc) : "ok");
    } else {
        cmd_dispatch(line);
        if (!fz_con.out_len)
            finding("reply", "no reply");
        rc = reply_rc(final_line());
    }
    u32 pend2 = pmm_fail_pending();
    bool fired = pend && !pend2 && strcmp(h.opname, "fail nomem");
    struct pmm_stats s;
    pmm_stats(&s);
    bool low = s.free < 64;
    if (fired || low)
        errs |= ERR(E_NO_MEMORY);
    if (h.print) {
        /* The script says what the model expects, so that it fails where
         * the core disagrees; where the model allows either, what was. */
        char note[sizeof h.want + 16] = "";
        u32 e2 = errs & ~ERR(E_NO_MEMORY);
        int one = 0;
        for (int c = 1; c <= 14; c++)
            if (e2 == ERR(-c))
                one = -c;
        if (h.seed == SEED_UNMAP && (errs & ERR(E_NOT_MAPPED)) && rc == E_NOT_MAPPED)
            printf("%s   # want unmapped=0x0\n", h.sym);   /* the request: ok, nothing */
        else {
            if (rc == E_NO_MEMORY && !fired && ok_ok)
                /* RAM ran out in the harness's 4 MiB: a bigger target may
                 * have room, so the script takes either answer */
                snprintf(note, sizeof note, "   # either ok or err NO_MEMORY (the harness's %u MiB ran out)",
                         FZ_RAM >> 20);
            else if (!ok_ok && !(fired || low))
                snprintf(note, sizeof note, "   # expect err %s", one ? err_name(one) : "");
            else if (!ok_ok || (rc && (errs & ERR(rc))))
                snprintf(note, sizeof note, "   # expect err %s", rc ? err_name(rc) : "");
            else if (h.wn)
                snprintf(note, sizeof note, "   # want%s", h.want);
            echo_request(note);
        }
    }
    h.sent = true;
    if (rc == 0 && !ok_ok)
        finding("reply", "ok, the model says err (mask 0x%x)", errs);
    if (rc && !(errs & ERR(rc)))
        finding("reply", "err %s, the model says %s", err_name(rc),
                ok_ok ? "ok" : "another error");
    if (fired && rc != E_NO_MEMORY && rc != E_FAULT)
        finding("reply", "the injected allocation failure fired but the request answered %s",
                rc ? err_name(rc) : "ok");
    if (rc && rc != E_FAULT) {
        fingerprint(&after);
        if (memcmp(&before, &after, sizeof before))
            finding("nochange", "a failed request changed the machine");
    }
    return rc;
}

/* ---- model helpers ---------------------------------------------------------- */

static bool in_ram(paddr_t pa) { return pa - SIM_RAM_BASE < FZ_RAM; }
static u32  ram_idx(paddr_t pa) { return (pa - SIM_RAM_BASE) >> PAGE_SHIFT; }

/* The RAM pages [r[k][0], r[k][1]) that [pa, pa + len) touches (pa page
 * aligned: gen_pa's and physmap's are), as page indices, k below the count returned (two pieces when the range wraps
 * past 4 GiB): loops over a range's frames skip its device pages. */
static u32 ram_pages(paddr_t pa, u32 len, u32 r[2][2])
{
    u64 lo = pa, hi = (u64)pa + len;
    u32 n = 0;
    for (u64 base = SIM_RAM_BASE; base < hi; base += 0x100000000ull) {
        u64 a = lo > base ? lo : base, b = hi < base + FZ_RAM ? hi : base + FZ_RAM;
        if (a < b) {
            r[n][0] = (u32)((a - base) >> PAGE_SHIFT);
            r[n++][1] = (u32)((b - base + PAGE_SIZE - 1) >> PAGE_SHIFT);
        }
    }
    return n;
}

static void touch_frame(u32 i)
{
    if (!m.frame_touched[i]) {
        m.frame_touched[i] = 1;
        m.touched_frames[m.ntouched++] = (u16)i;
    }
}

/* Sets bits [lo, hi) of b, a word at a time. */
static void bits_set(u32 *b, u32 lo, u32 hi)
{
    for (u32 i = lo; i < hi; i = (i | 31) + 1) {
        u32 run = 32 - (i & 31);
        run = run < hi - i ? run : hi - i;
        b[i >> 5] |= (run == 32 ? ~0u : ((1u << run) - 1)) << (i & 31);
    }
}

static struct mpage *mp(u32 as, vaddr_t va) { return &m.pg[as][va >> PAGE_SHIFT]; }

static void clear_mapped(u32 as, vaddr_t va, u32 len, bool all);

/* The pa step from one page of a run to the next (an interrupt page's
 * pa stays 0). */
static u32 pa_step(u32 attrs)
{
    return (attrs & ATTR_INTERRUPT) ? 0 : PAGE_SIZE;
}

/* Two mapped pages from pa on with attrs as one 16-byte value, to store
 * or compare two pages at once: (pa, attrs) lane pairs; the next two are
 * this plus { 2 * step, 0, 2 * step, 0 } (the pa lanes wrap as a u32
 * does). */
static u32x4 mpage_pair(paddr_t pa, u32 attrs)
{
    struct mpage v2[2] = { { pa, (u16)attrs, 1, 0 }, { pa + pa_step(attrs), (u16)attrs, 1, 0 } };
    u32x4 v;
    memcpy(&v, v2, sizeof v);
    return v;
}

/* q[0], q[1] are the pair v (one XOR, its two halves ORed). */
static bool mpage_pair_is(const struct mpage *q, u32x4 v)
{
    typedef u64 __attribute__((vector_size(16))) u64x2;
    u32x4 w;
    memcpy(&w, q, sizeof w);
    u64x2 x = (u64x2)(w ^ v);
    return !(x[0] | x[1]);
}

/* The pages [va, va + len) (inside the window) of as mapped to pa on with
 * attrs, over whatever was there: a word of bits and a region count at a
 * time. */
static void range_set(u32 as, vaddr_t va, paddr_t pa, u32 len, u32 attrs)
{
    clear_mapped(as, va, len, false);
    bool intr = attrs & ATTR_INTERRUPT;
    u32 i0 = va >> PAGE_SHIFT, n = len >> PAGE_SHIFT, k = 0;
    struct mpage *p = &m.pg[as][i0];
    u32 step = 2 * pa_step(attrs);
    u32x4 v = mpage_pair(intr ? 0 : pa, attrs), d = { step, 0, step, 0 };
    for (u32x4 v2 = v + d, d2 = d + d; k + 4 <= n; k += 4, v += d2, v2 += d2) {
        memcpy(&p[k], &v, sizeof v);            /* four pages an iteration */
        memcpy(&p[k + 2], &v2, sizeof v2);
    }
    if (k + 2 <= n) {
        memcpy(&p[k], &v, sizeof v);
        k += 2;
        v += d;
    }
    if (k < n)
        memcpy(&p[k], &v, sizeof p[k]);
    for (u32 i = i0; i < i0 + n;) {
        u32 r = i >> 8, run = 256 - (i & 255);
        run = run < i0 + n - i ? run : i0 + n - i;
        m.rcnt[as][r] += (u16)run;
        m.dirty[as] |= 1u << r;
        i += run;
    }
    bits_set(m.mbits[as], i0, i0 + n);
    m.nglob[as] += (attrs & ATTR_GLOBAL) ? n : 0;
    u32 r[2][2];
    for (u32 k = 0, nr = intr ? 0 : ram_pages(pa, len, r); k < nr; k++)
        for (u32 i = r[k][0]; i < r[k][1]; i++) {
            m.fmap[i]++;
            touch_frame(i);
        }
}

/* PROTOCOL 1.1: a global user mapping is in every user address space;
 * a change of it from any of them is a change in all. */
/* range_set in the current space, or (global) in every live one. */
static void grange_set(vaddr_t va, paddr_t pa, u32 len, u32 attrs)
{
    for (u32 as = 1; as < NAS; as++)
        if (as == m.cur || (m.live[as] && (attrs & ATTR_GLOBAL)))
            range_set(as, va, pa, len, attrs);
}

/* Known words of RAM page i: the pool slot, made on first use (NULL when
 * the pool is full: those words stay unknown). */
static struct cpage *cpage_get(u32 i, bool make)
{
    if (m.cslot[i])
        return &m.cpool[m.cslot[i] - 1];
    if (!make || m.cused == NCPAGE)
        return 0;
    struct cpage *c = &m.cpool[m.cused];
    memset(c->known, 0, sizeof c->known);
    memset(c->held, 0, sizeof c->held);
    m.cslot[i] = (u16)(++m.cused);
    touch_frame(i);
    return c;
}

/* v into the words [pa, pa + bytes) of one page. */
static void mem_write(paddr_t pa, u32 bytes, u32 v)
{
    if (!in_ram(pa))
        return;
    struct cpage *c = cpage_get(ram_idx(pa), true);
    if (!c) return;
    u32 w0 = (pa & 0xfff) >> 2, w1 = w0 + bytes / 4;
    for (u32 w = w0; w < w1; w++)
        c->w[w] = v;
    bits_set(c->known, w0, w1);
    bits_set(c->held, w0, w1);
}

/* Adds the words [pa, pa + bytes) of one page to *sum; false when one of
 * them is unknown (then *sum is partial). */
static bool mem_sum(paddr_t pa, u32 bytes, u32 *sum)
{
    if (!in_ram(pa))
        return false;                /* device space: target-specific */
    struct cpage *c = cpage_get(ram_idx(pa), false);
    if (!c)
        return false;
    for (u32 w = (pa & 0xfff) >> 2; w < ((pa & 0xfff) + bytes) >> 2; w++) {
        if (!(c->known[w >> 5] & (1u << (w & 31))))
            return false;
        *sum += (c->held[w >> 5] & (1u << (w & 31))) ? c->w[w] : 0;
    }
    return true;
}

static bool mem_read(paddr_t pa, u32 *v)
{
    *v = 0;
    return mem_sum(pa, 4, v);
}

/* map's zeroing of [pa, pa + len) (pa page aligned): its RAM pages. */
static void mem_zero(paddr_t pa, u32 len)
{
    u32 r[2][2];
    for (u32 k = 0, n = ram_pages(pa, len, r); k < n; k++)
        for (u32 i = r[k][0]; i < r[k][1]; i++) {
            struct cpage *c = cpage_get(i, true);
            if (!c) continue;
            memset(c->known, 0xff, sizeof c->known);     /* all zero: none held */
            memset(c->held, 0, sizeof c->held);
        }
}

/* The frames a mapping may point at: device space, or allocated frames. */
static bool pa_mappable(paddr_t pa, u32 len)
{
    u32 r[2][2];
    for (u32 k = 0, n = ram_pages(pa, len, r); k < n; k++)
        for (u32 i = r[k][0]; i < r[k][1]; i++)
            if (!m.falloc[i])
                return false;   /* device PAs stay below 0x40000000 (RAM on QEMU) */
    return true;
}

/* The mapped pages of as in i's word of bits (bit k: page (i & ~31) + k),
 * from i on and below end. */
static u32 mapped_word(u32 as, u32 i, u32 end)
{
    u32 w = m.mbits[as][i >> 5] & (~0u << (i & 31));
    return end - (i & ~31u) < 32 ? w & ((1u << (end & 31)) - 1) : w;
}

/* Moves *i to the first mapped page of the space in [*i, lim) (empty
 * regions passed by their counts); false when there is none. */
static bool next_mapped(u32 as, u32 *i, u32 lim)
{
    const u32 *b = m.mbits[as];
    if (*i >= lim)
        return false;
    u32 wi = *i >> 5, w = b[wi] & (~0u << (*i & 31)), wlim = (lim + 31) >> 5;
    for (;;) {
        if (w) {
            *i = (wi << 5) | (u32)__builtin_ctz(w);
            return *i < lim;
        }
        if (++wi >= wlim)
            return false;
        if (!(wi & 7) && !m.rcnt[as][wi >> 3]) {
            wi += 7;                     /* an empty 1 MiB region */
            w = 0;
            continue;
        }
        w = b[wi];
    }
}

/* Some page of [va, va + len) (page-aligned, inside the window) mapped in as. */
static bool range_mapped(u32 as, vaddr_t va, u32 len)
{
    u32 i = va >> PAGE_SHIFT;
    return next_mapped(as, &i, i + (len >> PAGE_SHIFT));
}


static bool range_any_mapped(u32 as, vaddr_t va, u32 len, bool *locked, bool *hole,
                             bool *intr, u32 *mapped_bytes)
{
    if (!locked && !hole && !intr && !mapped_bytes)
        return range_mapped(as, va, len);
    if (locked) *locked = false;
    if (intr) *intr = false;
    /* the mapped pages only (the bitmap), counted: a hole is a page less */
    u32 first = va >> PAGE_SHIFT, lim = first + (len + PAGE_SIZE - 1) / PAGE_SIZE, n = 0;
    for (u32 i = first; next_mapped(as, &i, lim); i = (i | 31) + 1) {
        u32 w = mapped_word(as, i, lim);
        n += (u32)__builtin_popcount(w);
        for (; w && (locked || intr); w &= w - 1) {
            const struct mpage *p = &m.pg[as][(i & ~31u) | (u32)__builtin_ctz(w)];
            if (locked && (p->attrs & ATTR_LOCK)) *locked = true;
            if (intr && (p->attrs & ATTR_INTERRUPT)) *intr = true;
        }
    }
    if (hole) *hole = n < lim - first;
    if (mapped_bytes) *mapped_bytes = n * PAGE_SIZE;
    return n != 0;
}

static bool region_empty(u32 as, u32 r)
{
    return m.rcnt[as][r] == 0;
}

/* The mapped pages w of word wi of space as's bits unmapped in the model:
 * the bits and the region count at once. */
static void word_clear(u32 as, u32 wi, u32 w)
{
    if (!w)
        return;
    for (u32 b = w; b; b &= b - 1) {
        struct mpage *p = &m.pg[as][(wi << 5) | (u32)__builtin_ctz(b)];
        m.nglob[as] -= !!(p->attrs & ATTR_GLOBAL);
        if (!(p->attrs & ATTR_INTERRUPT) && in_ram(p->pa)) {
            m.fmap[ram_idx(p->pa)]--;
            touch_frame(ram_idx(p->pa));
        }
        p->mapped = 0;
    }
    m.mbits[as][wi] &= ~w;
    m.rcnt[as][wi >> 3] -= (u16)__builtin_popcount(w);
    h.cleared[as] |= 1u << (wi >> 3);
}

/* An unmap of [va, va + len) in the model: the mapped pages of space as,
 * a word of bits at a time; all: a global page goes from every live
 * space (PROTOCOL 1.1). */
static void clear_mapped(u32 as, vaddr_t va, u32 len, bool all)
{
    u32 end = (va + len) >> PAGE_SHIFT;
    for (u32 i = va >> PAGE_SHIFT; next_mapped(as, &i, end); i = (i | 31) + 1) {
        u32 wi = i >> 5, w = mapped_word(as, i, end), g = 0;
        for (u32 b = all && m.nglob[as] ? w : 0; b; b &= b - 1)
            if (m.pg[as][(wi << 5) | (u32)__builtin_ctz(b)].attrs & ATTR_GLOBAL)
                g |= b & -b;
        word_clear(as, wi, w & ~g);
        for (u32 s = 1; g && s < NAS; s++)
            if (m.live[s])
                word_clear(s, wi, m.mbits[s][wi] & g);
    }
}

/* After an unmap: an L2 it left empty is freed, so a pinned one goes too
 * (one the unmap removed nothing from stays). */
static void unpin_empty_in(u32 as, vaddr_t va, u32 len)
{
    for (vaddr_t r = va >> 20; r <= (va + len - 1) >> 20 && r < NREG; r++)
        if ((h.cleared[as] & (1u << r)) && region_empty(as, r))
            m.pinned[as][r] = 0;
}

/* ... in every space: an unmap of a global page empties its L2 in all. */
static void unpin_empty(vaddr_t va, u32 len)
{
    for (u32 as = 1; as < NAS; as++)
        if (m.live[as])
            unpin_empty_in(as, va, len);
}

/* ---- field decoding ----------------------------------------------------------- */

static const u32 sizes[4] = { SZ_4K, SZ_64K, SZ_1M, SZ_16M };

static u32 gen_attrs(u16 d)
{
    u32 a = ATTR_READ;
    if (d & 0x001) a |= ATTR_WRITE;
    if (d & 0x002) a |= ATTR_EXECUTE;
    if (d & 0x004) a |= ATTR_PRIVILEGED;
    if ((d & 0x018) == 0x018) a |= ATTR_NOCACHE;
    if ((d & 0x060) == 0x060) a |= ATTR_DEVICE;
    if (d & 0x080) a |= ATTR_UNINIT;
    if ((d & 0x300) == 0x300) a |= ATTR_LOCK;
    if ((d & 0xc00) == 0xc00) a |= ATTR_INTERRUPT;
#if FUZZ_GLOBAL_USER
    if ((d & 0x3000) == 0x3000) a |= ATTR_GLOBAL;
#endif
    return a;
}

/* A physical address for a mapping: in a frame run or in device space. */
static paddr_t gen_pa(u8 sel, u32 e, u32 align)
{
    if (sel & 0x80) {
        const struct slot *s = &m.slot[sel % NSLOT];
        if (s->pages) {
            u32 off = ((e >> 8) % s->pages) * PAGE_SIZE;
            if (e & 0x80)
                off = 0;
            return ALIGN_DOWN(s->pa + off, align > PAGE_SIZE ? PAGE_SIZE : PAGE_SIZE);
        }
    }
    return DEV_BASE + ALIGN_DOWN((e & 0x0fffffffu) % 0x2e000000u, align);
}

/* ---- the checks after each op --------------------------------------------------- */

static bool ap_ok(u8 ap, u32 attrs)
{
    /* AFE=0 short descriptors: AP[2] at bit 2. Decode to permissions. */
    static const u8 pr[8] = { 0, 1, 1, 1, 0, 1, 1, 1 }, pw[8] = { 0, 1, 1, 1, 0, 0, 0, 0 };
    static const u8 ur[8] = { 0, 0, 1, 1, 0, 0, 1, 1 }, uw[8] = { 0, 0, 0, 1, 0, 0, 0, 0 };
    bool w = attrs & ATTR_WRITE, priv = attrs & ATTR_PRIVILEGED;
    return pr[ap] && pw[ap] == w && ur[ap] == !priv && uw[ap] == (w && !priv);
}

static bool memattr_ok(u8 ma, u32 attrs)
{
    if (attrs & ATTR_DEVICE)
        return ma <= 1;                       /* TEX=000 C=0: device/SO */
    if (attrs & ATTR_NOCACHE)
        return ma == 4;                       /* TEX=001 C=0 B=0 */
    return (ma & 2) != 0;                     /* C=1: cacheable */
}

/* One translation the MMU holds or walks for user page va of address
 * space as agrees with the model. Its descriptor bits (AP, XN, nG,
 * memory type) against the page's attrs are a function of the two
 * alone: *judged is the attrs they last passed for with this x (~0u:
 * none), so the pages of one translation judge them once per attrs. */
static void xlat_vs_model(const char *oracle, u32 as, vaddr_t va, const struct sim_xlat *x,
                          u32 *judged)
{
    h.probe_set = true;
    h.probe_va = va;
    h.probe_as = as;
    if (va >= WIN_TOP)
        finding(oracle, "translation of 0x%x outside anything the input mapped", va);
    const struct mpage *p = mp(as, va);
    if (!p->mapped)
        finding(oracle, "as %u va 0x%x: the MMU translates a page the model has unmapped", as, va);
    if (p->attrs & ATTR_INTERRUPT)
        finding(oracle, "as %u va 0x%x: an interrupt page has a valid translation", as, va);
    paddr_t pa = x->pa + (va - x->va);
    if (pa != p->pa)
        finding(oracle, "as %u va 0x%x: MMU pa 0x%x, model pa 0x%x", as, va, pa, p->pa);
    if (p->attrs == *judged)
        return;
    if (!ap_ok(x->ap, p->attrs))
        finding(oracle, "as %u va 0x%x: AP %u does not give attrs 0x%x", as, va, x->ap, p->attrs);
    if (x->xn != (!(p->attrs & ATTR_EXECUTE) || (p->attrs & ATTR_DEVICE)))
        finding(oracle, "as %u va 0x%x: XN %d for attrs 0x%x", as, va, x->xn, p->attrs);
    if (x->global != !!(p->attrs & ATTR_GLOBAL))
        finding(oracle, "as %u va 0x%x: nG %d for attrs 0x%x", as, va, !x->global, p->attrs);
    if (!memattr_ok(x->memattr, p->attrs))
        finding(oracle, "as %u va 0x%x: memory type 0x%x for attrs 0x%x", as, va, x->memattr, p->attrs);
    *judged = p->attrs;
}

/* The touched pages of the current address space: software walk, MMU
 * walk, descriptor bits. Both walks are pure (nothing changes between two
 * pages of the loop), so a page inside the entry the last walk found
 * reuses it, a page inside the hole it reported (vm_translate_hole) is
 * unmapped without a walk, and the MMU's fault at L1 (translation or
 * external abort) holds for its whole 1 MiB region (one descriptor, read
 * uncached). Every page is still compared with the model. */
static void verify_touched(void)
{
    u32 as = m.cur;
    if (!h.tlen || h.tva >= WIN_TOP)
        return;
    u32 n = h.tlen > WIN_TOP - h.tva ? WIN_TOP - h.tva : h.tlen;
    struct pt_entry e;
    struct sim_xlat x;
    bool have_e = false, have_x = false, l1_fault = false;
    u32 fs = 0, judged = ~0u;
    vaddr_t wva = 0;                      /* the last MMU walk's page */
    u64 hole_end = 0;                     /* [.., hole_end) maps nothing */
    for (u32 off = 0; off < n; off += PAGE_SIZE) {
        if (off == 32 * PAGE_SIZE && n > 64 * PAGE_SIZE)
            off = ALIGN_DOWN(n - 32 * PAGE_SIZE, PAGE_SIZE);   /* ends of a big range */
        vaddr_t va = h.tva + off;
        const struct mpage *p = mp(as, va);
        int rc = 0;
        if (va < hole_end)
            rc = E_NOT_MAPPED;
        else if (!have_e || va - e.va >= e.size)
            rc = vm_translate_hole(va, &e, &hole_end);
        have_e = rc == 0;
        if ((rc == 0) != !!p->mapped)
            finding("walk", "va 0x%x: translate %s, the model says %s", va,
                    rc ? "fails" : "maps", p->mapped ? "mapped" : "unmapped");
        if (!p->mapped)
            goto hw;
        if (p->attrs & ATTR_INTERRUPT) {
            if (!(e.attrs & ATTR_INTERRUPT))
                finding("walk", "va 0x%x: interrupt page lost its marker", va);
            goto hw;
        }
        if (e.pa + (va - e.va) != p->pa)
            finding("walk", "va 0x%x: translate pa 0x%x, model 0x%x", va, e.pa + (va - e.va), p->pa);
        u32 mask = ATTR_HW_MASK | ATTR_LOCK | ATTR_INTERRUPT;
        if ((e.attrs & mask) != (p->attrs & mask))
            finding("walk", "va 0x%x: translate attrs 0x%x, model 0x%x", va, e.attrs & mask, p->attrs & mask);
    hw:
        if (have_x ? va - x.va >= x.size : !l1_fault || (va ^ wva) >= SZ_1M) {
            fs = sim_walk(va, false, &x);
            wva = va;
            have_x = fs == 0;
            l1_fault = fs == FS_TRANS_SECTION || fs == FS_EXT_WALK_L1;
            judged = ~0u;
        }
        if (fs && p->mapped && !(p->attrs & ATTR_INTERRUPT))
            finding("walk", "va 0x%x: the MMU's walk faults (0x%x), the model maps it", va, fs);
        if (!fs)
            xlat_vs_model("walk", as, va, &x, &judged);
    }
}

/* Owner of a non-global TLB tag: the address space that PROTOCOL's
 * replies say holds that ASID in the current generation (`as switch`
 * answered asid= gen=; a rollover leaves the others stale). */
static int owner_of(u8 asid)
{
    u32 g = asid_generation();
    for (u32 id = 1; id < NAS; id++)
        if (m.live[id] && m.asid[id] == asid && m.gen[id] == g)
            return (int)id;
    return -1;
}

static const struct win *win_at(vaddr_t va)
{
    for (u32 i = 0; i < NWIN; i++)
        if (m.win[i].live && va - m.win[i].base < m.win[i].pages * PAGE_SIZE)
            return &m.win[i];
    return 0;
}

static void kernel_xlat_ok(const char *oracle, vaddr_t va, const struct sim_xlat *x)
{
    paddr_t pa = x->pa + (va - x->va);
    if (va >= 0xffff0000u)
        return;                                        /* vectors */
    if (va < HEAP_BASE) {
        if (va - USER_TOP >= FZ_RAM || pa != va - DIRECT_MAP_OFF)
            finding(oracle, "direct map va 0x%x -> pa 0x%x", va, pa);
        return;
    }
    if (va < m.heap_top) {
        struct page_info *pi = pmm_page(pa);
        if (!pi || pi->use != PG_HEAP)
            finding(oracle, "heap va 0x%x -> pa 0x%x, not a heap page", va, pa);
        return;
    }
    const struct win *w = win_at(va);
    if (w) {
        if (pa != w->lo + (va - w->base))
            finding(oracle, "physmap va 0x%x -> pa 0x%x, window says 0x%x", va, pa, w->lo + (va - w->base));
        return;
    }
    if (va >= m.floor0 && va < MMIO_TOP)
        return;                                        /* boot's own window */
    h.probe_kva = va;
    finding(oracle, "kernel va 0x%x is translated (pa 0x%x) but nothing is mapped there", va, pa);
}

/* Every valid TLB entry and walk-cache entry agrees with the tables its
 * ASID (or the kernel's half) now has. all: every entry; else (an op on
 * a range of user pages, no rollover) the TLB entries over that range
 * only: the model changed nowhere else, and an entry is judged against
 * the model, so one elsewhere agrees as it did after the last op. */
static void verify_tlb_cpu(u32 c, bool all);
static void verify_tlb(bool all)
{
    for (u32 c = 0; c < FZ_CPUS; c++)
        verify_tlb_cpu(c, all);
}

/* CPU c's TLB and walk cache. A CPU a rollover marked (m.pend) may hold
 * entries of recycled ASIDs until its next switch: then only what it can
 * use now, its running ASID's entries, must agree. */
static void verify_tlb_cpu(u32 c, bool all)
{
    const struct sim_cpu *cpu = &sim.cpu[c];
    for (u32 i = tlb_next(&cpu->tlb, 0); i < cpu->tlb.n; i = tlb_next(&cpu->tlb, i + 1)) {
        const struct sim_tlb_entry *t = &cpu->tlb.e[i];
        const struct sim_xlat *x = &t->x;
        u32 judged = ~0u;                /* xlat_vs_model's, over this entry */
        bool over = x->va - h.tva < h.tlen || h.tva - x->va < x->size;
        if (!all && (x->va >= USER_TOP || !over))
            continue;                    /* not over the op's range */
        if (x->va >= USER_TOP) {
            if (!x->global)
                finding("tlb", "kernel entry va 0x%x is not global", x->va);
            kernel_xlat_ok("tlb", x->va, x);
            kernel_xlat_ok("tlb", x->va + x->size - PAGE_SIZE, x);
            continue;
        }
        int as = owner_of(t->asid);
        if (x->global) {
            /* PROTOCOL 1.1: a global user entry is in every address space. */
            for (u32 id = 1; id < NAS; id++)
                if (m.live[id])
                    xlat_vs_model("tlb", id, x->va, x, &judged);
            continue;
        }
        if (as < 0 || (m.pend[c] && t->asid != cpu->asid))
            continue;                                  /* dead tag: harmless */
        if ((u32)as == m.cur && x->size > SZ_4K) {
            /* A large entry over what the tables now hold as smaller
             * pages: a split without break-before-make's invalidation. */
            struct sim_xlat w;
            if (!sim_walk(x->va, false, &w) && w.size < x->size)
                finding("tlb", "TLB holds a 0x%x page at 0x%x, the tables a 0x%x one (split without invalidation)",
                        x->size, x->va, w.size);
        }
        u32 step = x->size <= SZ_64K ? PAGE_SIZE : x->size / 16;
        for (u32 off = 0; off < x->size; off += step)
            xlat_vs_model("tlb", (u32)as, x->va + off, x, &judged);
        /* pages of the last op inside this entry */
        if (x->size > SZ_64K && (u32)as == m.cur && h.tlen)
            for (u32 off = 0; off < h.tlen && off < 64 * PAGE_SIZE; off += PAGE_SIZE)
                if (h.tva + off - x->va < x->size)
                    xlat_vs_model("tlb", (u32)as, h.tva + off, x, &judged);
    }
    for (u32 i = wc_next(&cpu->tlb, 0); i < SIM_WALK_ENTRIES; i = wc_next(&cpu->tlb, i + 1)) {
        const struct sim_wc_entry *w = &cpu->tlb.wc[i];
        if (!w->global && m.pend[c] && w->asid != cpu->asid)
            continue;
        paddr_t l1;
        if (w->global) {
            l1 = sim.ttbr1;
        } else {
            int as = owner_of(w->asid);
            const struct pt_root *r = as < 0 ? 0 : vm_root((u32)as);
            if (!r)
                continue;
            l1 = r->l1;
        }
        u32 now = *(u32 *)arch_phys_to_ptr(l1 + (w->va >> 20) * 4);
        if (now != w->l1d)
            finding("tlb", "walk cache holds L1 descriptor 0x%x for 0x%x, the table now has 0x%x",
                    w->l1d, w->va, now);
    }
}

static void verify_frames(void)
{
    struct pmm_stats s;
    pmm_stats(&s);
    if (s.free + s.table + s.heap + s.frame + s.kernel != s.total)
        finding("frames", "allocator counts do not add up");
    if (s.frame != m.frame_pages)
        finding("frames", "pmm says %u frame pages, the model %u", s.frame, m.frame_pages);
    for (u32 k = 0; k < m.ntouched; k++) {
        u32 i = m.touched_frames[k];
        if (!m.falloc[i])
            continue;
        struct page_info *pi = pmm_page(SIM_RAM_BASE + i * PAGE_SIZE);
        if (pi->use != PG_FRAME)
            finding("frames", "frame 0x%x is not a frame in pmm", SIM_RAM_BASE + i * PAGE_SIZE);
        if (pi->mapcount != m.fmap[i])
            finding("frames", "frame 0x%x mapcount %u, the model %u",
                    SIM_RAM_BASE + i * PAGE_SIZE, pi->mapcount, m.fmap[i]);
    }
}

/* FUZZ_NO_FULL_CHECK: only the incremental oracles (to show what they
 * find on their own: fuzz/mutants.py --no-full-check). */
static void full_check(void)
{
#ifdef FUZZ_NO_FULL_CHECK
    return;
#endif
    struct vm_check_counts c;
    const char *what = "?";
    if (vm_check(&c, &what))
        finding("check", "vm_check: %s", what);
}

/* After a finding the script ends with requests that make it visible
 * through the protocol where they can: a load of the page whose
 * translation disagreed (through the TLB, as the target has it cached),
 * and `check`. */
static void probe(void)
{
    const char *pre = m.cpu ? (m.cpu == 1 ? "cpu 1 " : m.cpu == 2 ? "cpu 2 " : "cpu 3 ") : "";
    if (!h.probe_kva && h.probe_set && h.probe_va < WIN_TOP && h.probe_as == m.cur) {
        const struct mpage *p = mp(m.cur, h.probe_va);
        u32 v;
        if (!p->mapped)
            printf("%speek 0x%x   # expect err FAULT\n", pre, h.probe_va);
        else if (!(p->attrs & ATTR_INTERRUPT) && mem_read(p->pa + (h.probe_va & 0xfff), &v))
            printf("%speek 0x%x   # want val=0x%x\n", pre, h.probe_va, v);
    }
    if (h.probe_kva)
        printf("%speek 0x%x   # expect err FAULT\n", pre, h.probe_kva);
    /* A pending injected failure the core counts otherwise: single pages
     * until both counts are past; the model's e-th must fail, no other. */
    if (h.probe_limit)       /* `as switch` of the running space tells its ASID */
        printf("%sas switch %u   # want asid<=0x%x\n", pre, m.cur, h.probe_limit);
    u32 e = h.probe_pending - 1, a = pmm_fail_pending();
    for (u32 i = 1; h.probe_pending && i <= (e > a ? e : a); i++)
        printf("pmm alloc 1 0x1000%s\n", i == e ? "   # expect err NO_MEMORY" : "");
    printf("check\n");
}

/* ---- the ops --------------------------------------------------------------------- */

/* map / map1 in the current address space. */
static void op_map(const struct op *o, bool one)
{
    u32 attrs = gen_attrs(o->d), size = sizes[o->a & 3];
    if (size == SZ_16M && (o->a & 0x0c) != 0x0c)
        size = SZ_1M;                 /* 16M pages: rarer (check visits each 4K) */
    vaddr_t va = (vaddr_t)(o->c % WIN_PAGES) << PAGE_SHIFT;
    u32 len;
    if (one) {
        len = size;
        va = ALIGN_DOWN(va, size);
    } else {
        u32 k = o->a >> 2;
        len = (k & 0x30) == 0x30 ? SZ_1M * ((k & 3) + 1) : ((k & 0x3f) + 1) << PAGE_SHIFT;
        if (va + len > WIN_TOP)
            va = WIN_TOP - len;
        if (o->b & 0x08)
            va = ALIGN_DOWN(va, SZ_1M);
    }
    paddr_t pa = (attrs & ATTR_INTERRUPT) ? 0 : gen_pa(o->b, o->e, one ? size : SZ_64K);
    if (!(attrs & ATTR_INTERRUPT) && !one && (o->b & 0x08) && !(o->b & 0x80))
        pa = ALIGN_DOWN(pa, SZ_1M);
    if (one && size >= SZ_1M && !(attrs & ATTR_INTERRUPT) && in_ram(pa) && !(o->a & 0x80))
        pa = DEV_BASE + ALIGN_DOWN(o->e % 0x2e000000u, size);
    bool bad_align = false;
    if ((o->b & 0x07) == 0x07) {                   /* planted misalignment */
        va += 0x800;
        bad_align = true;
    }
    rq_begin(one ? "map1" : "map", one ? "map1" : "map");
    rq_hex(va);
    rq_pa(pa);
    rq_hex(len);
    rq_attrs(attrs);
    u32 errs = 0;
    if ((attrs & ATTR_DEVICE) && (attrs & (ATTR_EXECUTE | ATTR_NOCACHE)))
        errs |= ERR(E_BAD_ARG);
    if (bad_align || (one && (!ALIGNED(va, size) || !ALIGNED(pa, size))))
        errs |= ERR(E_ALIGN);
    if (!(attrs & ATTR_INTERRUPT) && !pa_mappable(pa, len))
        errs |= ERR(E_RANGE);
    vaddr_t base = ALIGN_DOWN(va, PAGE_SIZE);
    if (!bad_align && range_any_mapped(m.cur, base, len, 0, 0, 0, 0))
        errs |= ERR(E_ALREADY_MAPPED);
    if (attrs & ATTR_GLOBAL)          /* 1.1: it goes into every space */
        for (u32 as = 1; as < NAS; as++)
            if (m.live[as] && range_any_mapped(as, base, len, 0, 0, 0, 0))
                errs |= ERR(E_ALREADY_MAPPED);
    /* the misaligned request's last page, within the window: the model
     * holds nothing past it (no op maps there) */
    u32 span = ALIGN_UP(len + (va - base), PAGE_SIZE);
    if (bad_align && range_any_mapped(m.cur, base, span < WIN_TOP - base ? span : WIN_TOP - base, 0, 0, 0, 0))
        errs |= ERR(E_ALREADY_MAPPED);
    /* a 1M section over a region whose (empty) L2 `pt map` pinned: either */
    bool pinned_any = false;
    for (vaddr_t r = base >> 20; r <= (base + len - 1) >> 20; r++)
        for (u32 as = 1; as < NAS; as++)    /* a global one: in every space */
            pinned_any |= m.live[as] && (as == m.cur || (attrs & ATTR_GLOBAL)) &&
                          m.pinned[as][r] != 0;
    if (pinned_any && len >= SZ_1M)
        errs |= ERR(E_ALREADY_MAPPED);
    if (!errs) {
        want_hex("va", va);
        want_pa("pa", pa);
    }
    if (h.seed_ok) {
        h.seed = h.seed_alt && !one ? SEED_VMAP_MAP : one ? SEED_MAP1 : SEED_MAP;
        h.sa[0] = pa; h.sa[1] = va; h.sa[2] = len; h.sa[3] = attrs;
    }
    int rc = run_request(!errs || (pinned_any && len >= SZ_1M && !(errs & ~ERR(E_ALREADY_MAPPED))), errs);
    h.tva = base;
    h.tlen = len;
    if (rc)
        return;
    want_key("va", va);
    want_key("pa", (attrs & ATTR_INTERRUPT) ? 0 : pa);
    grange_set(va, pa, len, attrs);
    if (!(attrs & (ATTR_UNINIT | ATTR_INTERRUPT)))
        mem_zero(pa, len);
}

static void op_unmap(const struct op *o)
{
    vaddr_t va = (vaddr_t)(o->c % WIN_PAGES) << PAGE_SHIFT;
    u32 len = (o->a & 0x80) ? (((u32)(o->d & 0x3f) + 1) * SZ_1M) : ((u32)(o->d % 512) + 1) << PAGE_SHIFT;
    if (o->b & 0x08)
        va = ALIGN_DOWN(va, SZ_1M);
    if (va + len > WIN_TOP)
        len = WIN_TOP - va;
    u32 errs = 0;
    bool zero = (o->b & 0x0f) == 0x0f;
    if (zero)
        len = 0;
    rq_begin("unmap", "unmap");
    rq_hex(va);
    rq_hex(len);
    bool locked = false;
    u32 bytes = 0;
    if (zero)
        errs |= ERR(E_BAD_ARG);
    else
        range_any_mapped(m.cur, va, len, &locked, 0, 0, &bytes);
    if (locked)
        errs |= ERR(E_BUSY);
    if (!errs)
        want_hex("unmapped", bytes);
    if (h.seed_ok && h.seed_alt) {
        h.seed = SEED_VMAP_UNMAP;         /* seed 004: returns nothing */
        h.sa[0] = bytes; h.sa[1] = va; h.sa[2] = len; h.sa[3] = errs;
    } else if (h.seed_ok && !zero) {
        h.seed = SEED_UNMAP;
        h.sa[1] = va; h.sa[2] = len;
        if (!errs && !bytes)
            errs |= ERR(E_NOT_MAPPED);    /* seed 001: AddressNotMapped */
    }
    int rc = run_request(!errs, errs);
    h.tva = va;
    h.tlen = len;
    if (rc)
        return;
    want_key("unmapped", bytes);
    clear_mapped(m.cur, va, len, true);
    unpin_empty(va, len);
}

static void op_unmap1(const struct op *o)
{
    vaddr_t va = ((vaddr_t)(o->c % WIN_PAGES) << PAGE_SHIFT) + (o->d & 0xffc);
    rq_begin("unmap1", "unmap1");
    rq_hex(va);
    const struct mpage *p = mp(m.cur, va);
    u32 errs = 0;
    if (!p->mapped)
        errs |= ERR(E_NOT_MAPPED);
    else if (p->attrs & ATTR_LOCK)
        errs |= ERR(E_BUSY);
    if (h.seed_ok && !(p->mapped && (p->attrs & ATTR_INTERRUPT))) {
        h.seed = SEED_UNMAP1;        /* an interrupt page has no frame to name */
        h.sa[1] = va;
    }
    int rc = run_request(!errs, errs);
    h.tva = ALIGN_DOWN(va, PAGE_SIZE);
    h.tlen = PAGE_SIZE;
    if (rc)
        return;
    u32 base = key("va"), pa = key("pa"), size = key("size");
    if ((size != SZ_4K && size != SZ_64K && size != SZ_1M && size != SZ_16M) ||
        !ALIGNED(base, size) || va - base >= size || base + size > WIN_TOP)
        finding("reply", "unmap1 reports page va=0x%x size=0x%x for 0x%x", base, size, va);
    for (u32 off = 0; off < size; off += PAGE_SIZE) {
        const struct mpage *q = mp(m.cur, base + off);
        if (!q->mapped || (q->attrs & ATTR_LOCK) ||
            (!(p->attrs & ATTR_INTERRUPT) && q->pa != pa + off))
            finding("reply", "unmap1 removed a page of 0x%x bytes the model does not have as one page", size);
    }
    clear_mapped(m.cur, base, size, true);
    h.tva = base;
    h.tlen = size;
    unpin_empty(base, size);
}

static void op_protect(const struct op *o)
{
    vaddr_t va = (vaddr_t)(o->c % WIN_PAGES) << PAGE_SHIFT;
    u32 len = ((o->a & 0x3f) + 1) << PAGE_SHIFT;
    if (o->a & 0x40)
        len = SZ_1M, va = ALIGN_DOWN(va, SZ_1M);
    if (va + len > WIN_TOP)
        len = WIN_TOP - va;
    u32 attrs = gen_attrs(o->d) & ~(ATTR_INTERRUPT | ATTR_UNINIT);
    bool locked, hole, intr;
    range_any_mapped(m.cur, va, len, &locked, &hole, &intr, 0);
    if (intr)
        return;                       /* protect of a trap page: not modelled */
    /* `global` stays as the pages have it (a range mixing both: skipped) */
    attrs &= ~ATTR_GLOBAL;
    for (u32 off = 0; m.nglob[m.cur] && off < len; off += PAGE_SIZE) {   /* a space with some */
        const struct mpage *q = mp(m.cur, va + off);
        if (q->mapped && (q->attrs & ATTR_GLOBAL)) {
            if (off && !(attrs & ATTR_GLOBAL))
                return;
            attrs |= ATTR_GLOBAL;
        } else if (q->mapped && (attrs & ATTR_GLOBAL)) {
            return;
        }
    }
    rq_begin("protect", "protect");
    rq_hex(va);
    rq_hex(len);
    rq_attrs(attrs);
    u32 errs = 0;
    if ((attrs & ATTR_DEVICE) && (attrs & (ATTR_EXECUTE | ATTR_NOCACHE)))
        errs |= ERR(E_BAD_ARG);
    if (hole)
        errs |= ERR(E_NOT_MAPPED);
    int rc = run_request(!errs, errs);
    h.tva = va;
    h.tlen = len;
    if (rc)
        return;
    /* ok: no hole, so every page is global as attrs says (a global one
     * is in every space) */
    for (u32 as = 1; as < NAS; as++)
        if (m.live[as] && (as == m.cur || (attrs & ATTR_GLOBAL)))
            for (u32 i = va >> PAGE_SHIFT; i < (va + len) >> PAGE_SHIFT; i++)
                m.pg[as][i].attrs = (u16)attrs;
}

static void op_pt(const struct op *o)
{
    vaddr_t va = (vaddr_t)(o->c % WIN_PAGES) << PAGE_SHIFT;
    u32 r = va >> 20;
    bool unmap = o->a & 1;
    rq_begin(unmap ? "pt unmap" : "pt map", unmap ? "pt unmap" : "pt map");
    rq_hex(va);
    bool empty = region_empty(m.cur, r), locked, hole;
    u32 bytes;
    range_any_mapped(m.cur, ALIGN_DOWN(va, SZ_1M), SZ_1M, &locked, &hole, 0, &bytes);
    h.tva = ALIGN_DOWN(va, SZ_1M);
    h.tlen = SZ_1M;
    if (!unmap) {
        bool must_fail = !empty || m.pinned[m.cur][r];
        int rc = run_request(!must_fail, ERR(E_ALREADY_MAPPED));
        if (!rc) {
            u32 l2 = key("pa");
            struct page_info *pi = pmm_page(l2);
            if (!pi || pi->use != PG_TABLE)
                finding("reply", "pt map answered pa=0x%x, not a table page", l2);
            m.pinned[m.cur][r] = 1;
            m.dirty[m.cur] |= 1u << r;
        }
        return;
    }
    /* A table is there if the region holds part-mapped (small) pages or a
     * pinned empty one; a fully mapped region may be one section. */
    bool table = m.pinned[m.cur][r] || (!empty && hole);
    bool maybe = !empty && !hole;
    u32 errs = 0;
    if (!table)
        errs |= ERR(E_NOT_MAPPED);
    if (locked)
        errs |= ERR(E_BUSY);
    if (!errs)
        want_hex("unmapped", bytes);
    int rc = run_request((table && !locked) || (maybe && !locked), errs);
    if (rc)
        return;
    want_key("unmapped", bytes);
    clear_mapped(m.cur, ALIGN_DOWN(va, SZ_1M), SZ_1M, true);
    m.pinned[m.cur][r] = 0;
    unpin_empty(ALIGN_DOWN(va, SZ_1M), SZ_1M);   /* global pages: the others' */
}

/* True if the allocator's own page records hold a free run of count
 * pages aligned to align (else NO_MEMORY is the right answer). */
static bool free_run(u32 count, u32 align)
{
    for (paddr_t pa = ALIGN_UP(SIM_RAM_BASE, align); pa + count * PAGE_SIZE <= SIM_RAM_BASE + FZ_RAM &&
         pa >= SIM_RAM_BASE; pa += align) {
        u32 i = 0;
        while (i < count && pmm_page(pa + i * PAGE_SIZE)->use == PG_FREE)
            i++;
        if (i == count)
            return true;
    }
    return false;
}

static void op_pmm_alloc(const struct op *o)
{
    u32 s = o->c % NSLOT, count = (o->a % 16) + 1, align = PAGE_SIZE << (o->b % 9);
    if (m.slot[s].pages)
        return;
    u32 pend = pmm_fail_pending();
    rq_begin("pmm alloc", "pmm alloc");
    rq_dec(count);
    rq_hex(align);
    fmt_dec(h.bind, 'f', s);
    bool fires = pend && pend <= count;
    bool room = free_run(count, align);
    int rc = run_request(!fires, (fires || !room) ? ERR(E_NO_MEMORY) : 0);
    /* every page handed out counts once: none when no run was found;
     * what stays pending if it did not fire here (pend > count) */
    u32 left = rc ? pend : pend - count;
    h.probe_pending = pend && !fires ? 1 + left : 0;
    if (!fires && pend && pmm_fail_pending() != left)
        finding("reply", "pmm alloc %u (%s) with failure pending in %u left %u pending",
                count, rc ? "refused" : "done", pend, pmm_fail_pending());
    if (rc)
        return;
    paddr_t pa = key("pa");
    want_key("count", count);
    if (!ALIGNED(pa, align) || !in_ram(pa) || !in_ram(pa + count * PAGE_SIZE - 1))
        finding("reply", "pmm alloc gave pa=0x%x (align 0x%x)", pa, align);
    for (u32 i = 0; i < count; i++) {
        u32 k = ram_idx(pa) + i;
        struct page_info *pi = pmm_page(pa + i * PAGE_SIZE);
        if (m.falloc[k])
            finding("frames", "pmm alloc handed out frame 0x%x twice", pa + i * PAGE_SIZE);
        if (pi->use != PG_FRAME)
            finding("frames", "allocated page 0x%x is not marked a frame", pa + i * PAGE_SIZE);
        m.falloc[k] = 1;
        touch_frame(k);
        if (m.cslot[k])             /* a fresh run: contents unknown again */
            memset(m.cpool[m.cslot[k] - 1].known, 0, sizeof m.cpool[0].known);
    }
    m.frame_pages += count;
    m.slot[s] = (struct slot){ pa, count };
}

static bool physmap_holds(paddr_t pa)
{
    for (u32 i = 0; i < NWIN; i++)
        if (m.win[i].live && pa - m.win[i].lo < m.win[i].pages * PAGE_SIZE)
            return true;
    return false;
}

static void op_pmm_free(const struct op *o)
{
    u32 s = o->c % NSLOT;
    struct slot *sl = &m.slot[s];
    paddr_t pa;
    u32 count;
    u32 errs = 0;
    bool maybe_busy = false;
    if (!sl->pages) {
        pa = SIM_RAM_BASE + ((o->e % RAM_PAGES) << PAGE_SHIFT);   /* foreign */
        if ((o->b & 0x20) && m.last_freed)
            pa = m.last_freed;                                     /* double */
        count = 1;
        if (!m.falloc[ram_idx(pa)])
            errs |= ERR(E_BAD_ARG);
        else
            return;
    } else {
        u32 first = (o->a & 0x80) ? (o->a % sl->pages) : 0;    /* a tail part */
        pa = sl->pa + first * PAGE_SIZE;
        count = sl->pages - first;
        if (o->b & 0x40)
            count++;                                           /* past the run */
    }
    rq_begin("pmm free", "pmm free");
    rq_pa(pa);
    rq_dec(count);
    if (!errs) {
        for (u32 i = 0; i < count; i++) {
            paddr_t p = pa + i * PAGE_SIZE;
            if (!in_ram(p) || !m.falloc[ram_idx(p)] || slot_of(p) != (int)s)
                errs |= ERR(E_BAD_ARG);
            else if (m.fmap[ram_idx(p)])
                errs |= ERR(E_BUSY);
            else if (physmap_holds(p))
                maybe_busy = true;     /* 1.1 pins BUSY; the core before 1.1 frees */
        }
    }
    if (maybe_busy)
        errs |= ERR(E_BUSY);
    int rc = run_request(!(errs & ~(maybe_busy ? ERR(E_BUSY) : 0)) || (maybe_busy && !(errs & ~ERR(E_BUSY))), errs);
    if (rc)
        return;
    for (u32 i = 0; i < count; i++) {
        u32 k = ram_idx(pa + i * PAGE_SIZE);
        m.falloc[k] = 0;
        touch_frame(k);
        if (m.cslot[k])
            memset(m.cpool[m.cslot[k] - 1].known, 0, sizeof m.cpool[0].known);
    }
    m.frame_pages -= count;
    m.last_freed = pa;
    sl->pages -= count;
    if (!sl->pages)
        sl->pa = 0;
}

static void op_as(const struct op *o)
{
    u32 k = o->a % 3, id = o->c % NAS;
    u32 nlive = 0;
    for (u32 i = 1; i < NAS; i++)
        nlive += m.live[i];
    if (k == 0) {
        if (nlive >= NAS - 1)
            return;
        u32 pend = pmm_fail_pending();
        rq_begin("as new", "as new");
        bool fires = pend && pend <= 2;
        /* 1.1: the copies of the global user pages may need L2 tables of
         * their own (four share a page), after the L1: the pending failure
         * may fire there. */
        bool gl = false;
        for (u32 src = 1; src < NAS; src++)
            gl |= m.live[src] && m.nglob[src];
        bool may = gl && pend > 2;
        struct pmm_stats s0, s1;
        pmm_stats(&s0);
        int rc = run_request(!fires, fires || may ? ERR(E_NO_MEMORY) : 0);
        pmm_stats(&s1);
        u32 took = s1.table - s0.table;     /* the L1 and the copies' tables */
        if (!rc && took < 2)
            finding("reply", "as new took %u table pages (an L1 is 2)", took);
        if (!rc && !gl && took != 2)
            finding("reply", "as new without global pages took %u table pages", took);
        u32 left = pend - took;    /* pending still, if it did not fire */
        h.probe_pending = pend > took ? 1 + left : 0;
        if (!fires && !rc && pend && pmm_fail_pending() != left)
            finding("reply", "as new with failure pending in %u left %u pending (it took %u pages)",
                    pend, pmm_fail_pending(), took);
        if (rc)
            return;
        u32 nid = key("as");
        if (nid == 0 || nid >= NAS || m.live[nid])
            finding("reply", "as new gave id %u (live or beyond the model)", nid);
        m.live[nid] = true;
        /* 1.1: the new space has every global user mapping, which every
         * live space has (the first with any is copied) */
        for (u32 src = 1; src < NAS; src++)
            if (m.live[src] && src != nid && m.nglob[src]) {
                /* runs of pages alike but for consecutive frames (an
                 * mpage compared whole, two a 16-byte compare: mapped
                 * is 0 or 1, pad 0) */
                for (u32 i = 0; next_mapped(src, &i, WIN_PAGES);) {
                    const struct mpage *q = &m.pg[src][i];
                    u32 n = 1;
                    if (!(q->attrs & ATTR_GLOBAL)) {
                        i++;
                        continue;
                    }
                    u32 step = pa_step(q->attrs);
                    u32x4 v = mpage_pair(q->pa + step, q->attrs), d = { 2 * step, 0, 2 * step, 0 };
                    for (; i + n + 2 <= WIN_PAGES && mpage_pair_is(&q[n], v); v += d)
                        n += 2;
                    if (i + n < WIN_PAGES && !memcmp(&q[n], &v, sizeof q[n]))
                        n++;
                    range_set(nid, i << PAGE_SHIFT, q->pa, n << PAGE_SHIFT, q->attrs);
                    i += n;
                }
                break;
            }
        return;
    }
    if (k == 1) {
        rq_begin("as switch", "as switch");
        rq_dec(id);
        if (h.seed_ok && h.seed_alt) {
            h.seed = SEED_VMAP_SWITCH;
            h.sa[1] = id;
        }
        /* the limit, or the ASID the space keeps (see below) */
        bool may_keep = m.gen[id] == asid_generation() && m.asid[id] > m.asid_limit;
        if (m.live[id])
            want_at_most("asid", may_keep ? m.asid[id] : m.asid_limit);
        int rc = run_request(m.live[id], ERR(E_BAD_AS));
        if (rc)
            return;
        u32 asid = key("asid"), gen = key("gen");
        want_key("as", id);
        /* a space another CPU ran through a rollover keeps its (reserved)
         * ASID, even above a limit set since */
        bool kept = m.asid[id] == asid && m.gen[id] == gen;
        if (asid == 0 || (asid > m.asid_limit && !kept) || gen != asid_generation())
            finding("reply", "as switch: asid %u gen %u (limit %u, generation %u)",
                    asid, gen, m.asid_limit, asid_generation());
        for (u32 i = 1; i < NAS; i++)
            if (i != id && m.live[i] && m.asid[i] == asid && m.gen[i] == gen)
                finding("reply", "as %u and as %u share asid %u of generation %u", id, i, asid, gen);
        if (sim_cur()->asid != asid)
            finding("reply", "as switch answered asid %u, CONTEXTIDR holds %u", asid, sim_cur()->asid);
        m.asid[id] = asid;
        m.gen[id] = gen;
        m.cur = id;
        m.pend[m.cpu] = false;        /* a switch flushes what a rollover left */
        return;
    }
    rq_begin("as destroy", "as destroy");
    rq_dec(id);
    u32 errs = 0;
    if (!m.live[id])
        errs |= ERR(E_BAD_AS);
    else
        for (u32 c = 0; c < FZ_CPUS; c++)
            if (m.ccur[c] == id)
                errs |= ERR(E_BUSY);     /* current on some CPU */
    int rc = run_request(!errs, errs);
    if (rc)
        return;
    clear_mapped(id, 0, WIN_TOP, false);
    memset(m.pinned[id], 0, sizeof m.pinned[id]);
    m.live[id] = false;
    m.asid[id] = m.gen[id] = 0;
}

/* What an access of one word at user va of the current space does:
 * 0 ok, 1 interrupt, -1 translation fault, -2 permission fault. */
enum { ACC_R, ACC_W, ACC_X };
static int user_access(vaddr_t va, int kind, bool user)
{
    const struct mpage *p = mp(m.cur, va);
    if (!p->mapped)
        return -1;
    if (p->attrs & ATTR_INTERRUPT)
        return 1;
    if (user && (p->attrs & ATTR_PRIVILEGED))
        return -2;
    if (kind == ACC_W && !(p->attrs & ATTR_WRITE))
        return -2;
    if (kind == ACC_X && (!(p->attrs & ATTR_EXECUTE) || (p->attrs & ATTR_DEVICE)))
        return -2;
    return 0;
}

static void want_fault(int kind, vaddr_t va)
{
    if (!has_event("! fault"))
        finding("reply", "err FAULT without a ! fault event");
    want_key("va", va);
    const char *st = strstr(final_line(), "status=");
    if (!st || strncmp(st + 7, kind == -1 ? "translation" : "permission", kind == -1 ? 11 : 10))
        finding("reply", "fault status is not %s", kind == -1 ? "translation" : "permission");
}

/* QEMU really runs what `exec` branches to: exec only where the model
 * knows a function (`mov r0, #imm; bx lr`) is, or where the fetch must
 * fault. A writable page gets the function first (two pokes and `cache
 * unify`, all as requests). False: skip the exec. */
#define ARM_MOV_R0   0xe3a00000u
#define ARM_BX_LR    0xe12fff1eu
static void op_peek_poke(const struct op *o, int kind);
static bool exec_ready(vaddr_t va)
{
    if (user_access(va, ACC_X, false) != 0)
        return true;                      /* faults, or an interrupt page */
    const struct mpage *p = mp(m.cur, va);
    u32 w0, w1;
    if ((va & 0xfff) <= 0xff8 && mem_read(p->pa + (va & 0xfff), &w0) &&
        mem_read(p->pa + (va & 0xfff) + 4, &w1) && (w0 & 0xffffff00u) == ARM_MOV_R0 &&
        w1 == ARM_BX_LR)
        return true;
    if ((va & 0xfff) > 0xff8 || user_access(va, ACC_W, false) != 0 || !in_ram(p->pa))
        return false;
    struct op w = { .code = 0, .c = (u16)(va >> PAGE_SHIFT), .d = (u16)(va & 0xffc),
                    .e = ARM_MOV_R0 | ((va >> 4) & 0xff) };
    op_peek_poke(&w, ACC_W);
    w.d += 4;
    w.e = ARM_BX_LR;
    op_peek_poke(&w, ACC_W);
    rq_begin("cache unify", "cache unify");
    rq_hex(va);
    rq_hex(8);
    run_request(true, 0);
    return true;
}

static void op_peek_poke(const struct op *o, int kind)
{
    vaddr_t va = ((vaddr_t)(o->c % WIN_PAGES) << PAGE_SHIFT) + (o->d & 0xffc);
    bool user = o->b & 1;
    u32 val = o->e;
    if (kind == ACC_X && !exec_ready(va))
        return;
    rq_begin(kind == ACC_W ? "poke" : kind == ACC_R ? "peek" : "exec",
             kind == ACC_W ? "poke" : kind == ACC_R ? "peek" : "exec");
    rq_hex(va);
    if (kind == ACC_W)
        rq_hex(val);
    if (kind != ACC_X && user)
        rq_word("user");
    int a = user_access(va, kind, kind != ACC_X && user);
    const struct mpage *p = mp(m.cur, va);
    u32 known = 0;
    bool have = kind == ACC_R && a == 0 && mem_read(p->pa + (va & 0xfff), &known);
    if (a == 1 && kind == ACC_R)
        known = 0, have = true;
    if (have)
        want_hex("val", known);
    int rc = run_request(a >= 0, a < 0 ? ERR(E_FAULT) : 0);
    h.tva = ALIGN_DOWN(va, PAGE_SIZE);
    h.tlen = PAGE_SIZE;
    if (rc) {
        want_fault(a, va);
        return;
    }
    if (a == 1 && !has_event("! interrupt"))
        finding("reply", "access to an interrupt page without ! interrupt");
    if (have)
        want_key("val", known);
    if (kind == ACC_W && a == 0)
        mem_write(p->pa + (va & 0xfff), 4, val);
}

/* The bytes of [at, at + left) in at's page. */
static u32 page_part(vaddr_t at, u32 left)
{
    u32 n = PAGE_SIZE - (at & 0xfff);
    return n < left ? n : left;
}

static void op_fill_sum(const struct op *o, bool fill)
{
    vaddr_t va = ((vaddr_t)(o->c % WIN_PAGES) << PAGE_SHIFT) + (o->d & 0xffc);
    /* 64 B .. 7 KiB: across at most two page boundaries */
    u32 len = ((o->a % 64) + 1) * 64 + ((o->b & 0x30) ? 0 : (o->d & 0x3000) >> 2);
    if (va + len > WIN_TOP)
        len = WIN_TOP - va;
    rq_begin(fill ? "fill" : "sum", fill ? "fill" : "sum");
    rq_hex(va);
    rq_hex(len);
    if (fill)
        rq_hex(o->e);
    int first_bad = 0;
    vaddr_t bad_va = 0;
    u32 sum = 0;
    bool all_known = true;
    /* A page at a time: each word's access does what its page's does. */
    for (u32 off = 0, n; off < len; off += n) {
        vaddr_t at = va + off;
        n = page_part(at, len - off);
        int a = user_access(at, fill ? ACC_W : ACC_R, false);
        if (a < 0) {
            first_bad = a;
            bad_va = at;
            break;
        }
        if (a == 0 && !fill && all_known)
            all_known = mem_sum(mp(m.cur, at)->pa + (at & 0xfff), n, &sum);
    }
    if (!fill && !first_bad && all_known)
        want_hex("sum", sum);
    int rc = run_request(!first_bad, first_bad ? ERR(E_FAULT) : 0);
    h.tva = ALIGN_DOWN(va, PAGE_SIZE);
    h.tlen = ALIGN_UP(len + (va & 0xfff), PAGE_SIZE);
    u32 done = first_bad ? bad_va - va : len;
    if (rc)
        want_fault(first_bad, bad_va);
    else if (!fill && all_known)
        want_key("sum", sum);
    if (fill)
        for (u32 off = 0, n; off < done; off += n) {
            vaddr_t at = va + off;
            n = page_part(at, done - off);
            if (user_access(at, ACC_W, false) == 0)
                mem_write(mp(m.cur, at)->pa + (at & 0xfff), n, o->e);
        }
}

static void op_translate(const struct op *o)
{
    vaddr_t va = ((vaddr_t)(o->c % WIN_PAGES) << PAGE_SHIFT) + (o->d & 0xfff);
    bool hw = o->a & 1, user = o->b & 1, write = o->b & 2;
    const struct mpage *p = mp(m.cur, va);
    rq_begin(hw ? "hwtranslate" : "translate", hw ? "hwtranslate" : "translate");
    rq_hex(va);
    if (hw && user) rq_word("user");
    if (hw && write) rq_word("write");
    h.tva = ALIGN_DOWN(va, PAGE_SIZE);
    h.tlen = PAGE_SIZE;
    if (!hw) {
        if (p->mapped)
            want_pa("pa", p->pa + (va & 0xfff));
        if (h.seed_ok && !(p->mapped && (p->attrs & ATTR_INTERRUPT))) {
            h.seed = SEED_VMAP_TRANSLATE;   /* an interrupt page: a miss there */
            h.sa[1] = va;
        }
        int rc = run_request(p->mapped, ERR(E_NOT_MAPPED));
        if (!rc)
            want_key("pa", (p->attrs & ATTR_INTERRUPT) ? 0 : p->pa + (va & 0xfff));
        return;
    }
    int a = p->mapped && !(p->attrs & ATTR_INTERRUPT) ? user_access(va, write ? ACC_W : ACC_R, user) : -1;
    /* hwtranslate answers `err FAULT` as its own reply line */
    int rc = run_request(a == 0, a ? ERR(E_FAULT) : 0);
    if (!rc)
        want_key("pa", p->pa + (va & 0xfff));
}

static void op_flush(const struct op *o)
{
    u32 k = o->a % 3;
    if (k == 0) {
        rq_begin("flush all", "flush all");
        run_request(true, 0);
    } else if (k == 1) {
        u32 id = o->c % NAS;
        rq_begin("flush as", "flush as");
        rq_dec(id);
        run_request(m.live[id], ERR(E_BAD_AS));
    } else {
        rq_begin("flush page", "flush page");
        rq_hex((vaddr_t)(o->c % WIN_PAGES) << PAGE_SHIFT);
        run_request(true, 0);
    }
}

static void op_asid_limit(const struct op *o)
{
    u32 n = o->a;
    if (!(o->b & 0x80))
        n = 2 + o->a % 6;                  /* small limits roll over often */
    rq_begin("asid limit", "asid limit");
    rq_dec(n);
    bool ok = n >= 2 && n <= 255;
    int rc = run_request(ok, ERR(E_BAD_ARG));
    if (!rc) {
        want_key("limit", n);
        m.asid_limit = n;
        /* the running space keeps (or gets) one; above the new limit only
         * if another CPU runs it too (its reservation keeps the old one) */
        bool shared = false;
        for (u32 c = 0; c < FZ_CPUS; c++)
            shared |= c != m.cpu && m.ccur[c] == m.cur;
        bool kept = shared && sim_cur()->asid == m.asid[m.cur];
        m.asid[m.cur] = sim_cur()->asid;
        m.gen[m.cur] = asid_generation();
        h.probe_limit = n;
        if (!sim_cur()->asid || (sim_cur()->asid > n && !kept))
            finding("reply", "after asid limit %u the running space has asid %u", n, sim_cur()->asid);
    }
}

static void op_fail(const struct op *o)
{
    u32 n = o->a % 12;
    rq_begin("fail nomem", "fail nomem");
    rq_dec(n);
    run_request(true, 0);
    want_key("pending", n);
    h.probe_pending = 1 + n;
    if (pmm_fail_pending() != n)
        finding("reply", "fail nomem %u left %u pending", n, pmm_fail_pending());
}

static void op_heap(const struct op *o)
{
    bool grow = !(o->a & 1);
    u32 bytes = (o->d % 0x8000) + 1;
    if ((o->b & 0x0f) == 0x0f)
        bytes = o->e;                       /* any size: NO_SPACE, RANGE */
    u32 span = ALIGN_UP((u64)bytes, PAGE_SIZE) > 0xffffffffull ? 0 : ALIGN_UP(bytes, PAGE_SIZE);
    rq_begin(grow ? "heap grow" : "heap shrink", grow ? "heap grow" : "heap shrink");
    rq_hex(bytes);
    u32 errs = 0;
    bool ok_ok = true;
    vaddr_t floor = physmap_floor(), ntop = m.heap_top;
    if (bytes == 0) {
        errs |= ERR(E_BAD_ARG);           /* 1.1; ok with no change before */
    } else if (grow) {
        if (!span || span > floor - m.heap_top)
            errs |= ERR(E_NO_SPACE), ok_ok = false;
        else
            ntop = m.heap_top + span;
        struct pmm_stats ps;
        pmm_stats(&ps);
        if (span / PAGE_SIZE + 64 > ps.free)
            errs |= ERR(E_NO_MEMORY);     /* not enough pages: either answer */
        u32 pend = pmm_fail_pending();
        if (ok_ok && pend && pend <= span / PAGE_SIZE)
            ok_ok = false, errs |= ERR(E_NO_MEMORY);
    } else {
        if (!span || span > m.heap_top - HEAP_BASE) {
            errs |= ERR(E_RANGE), ok_ok = false;
        } else {
            ntop = m.heap_top - span;
            for (u32 i = 0; i < m.nblk; i++)
                if (m.blk[i].ptr + m.blk[i].size > ntop)
                    errs |= ERR(E_BUSY), ok_ok = false;
        }
    }
    if (errs & ~(ERR(E_NO_MEMORY) | ERR(E_BAD_ARG)))
        ok_ok = false;
    if (ok_ok && bytes)
        want_hex("top", ntop);
    int rc = run_request(ok_ok, errs);
    if (rc)
        return;
    if (bytes == 0)
        ntop = m.heap_top;
    want_key("top", ntop);
    m.heap_top = ntop;
}

static void op_kmalloc(const struct op *o)
{
    if (o->a & 1) {                                /* kfree */
        vaddr_t ptr;
        int i = -1;
        if (m.nblk && !(o->b & 0x80)) {
            i = (int)(o->c % m.nblk);
            ptr = m.blk[i].ptr;
        } else {
            ptr = HEAP_BASE + (o->e & 0xffff8);
            for (u32 k = 0; k < m.nblk; k++)
                if (m.blk[k].ptr == ptr)
                    i = (int)k;
        }
        rq_begin("kfree", "kfree");
        rq_kva(ptr);
        int rc = run_request(i >= 0, ERR(E_BAD_ARG));
        if (!rc)
            m.blk[i] = m.blk[--m.nblk];
        return;
    }
    if (m.nblk == NBLK)
        return;
    u32 bytes = (o->b & 0x40) ? (u32)o->d + 1 : (u32)(o->d % 3000) + 1;
    rq_begin("kmalloc", "kmalloc");
    fmt_dec(h.bind, 'k', m.names);
    rq_hex(bytes);
    int rc = run_request(true, ERR(E_NO_SPACE));
    if (rc)
        return;
    vaddr_t ptr = key("ptr"), top = heap_top();
    u32 size = ALIGN_UP(bytes, KMALLOC_ALIGN);
    if (!ALIGNED(ptr, KMALLOC_ALIGN) || ptr < HEAP_BASE || ptr + size > top || top < m.heap_top)
        finding("reply", "kmalloc ptr=0x%x size 0x%x outside the heap (top 0x%x)", ptr, size, top);
    for (u32 i = 0; i < m.nblk; i++)
        if (ptr < m.blk[i].ptr + m.blk[i].size && m.blk[i].ptr < ptr + size)
            finding("reply", "kmalloc ptr=0x%x overlaps the live block at 0x%x", ptr, m.blk[i].ptr);
    m.heap_top = top;
    m.blk[m.nblk++] = (struct blk){ ptr, size, m.names++ };
}

/* A physmap window holds a mapping reference on each RAM frame page. */
static void win_frames(paddr_t lo, u32 pages, int d)
{
    for (u32 i = 0; i < pages; i++)
        if (in_ram(lo + i * PAGE_SIZE)) {
            m.fmap[ram_idx(lo + i * PAGE_SIZE)] += d;
            touch_frame(ram_idx(lo + i * PAGE_SIZE));
        }
}

static void op_physmap(const struct op *o)
{
    if (o->a & 1) {                                /* unmap */
        vaddr_t virt = 0;
        struct win *w = 0;
        u32 live = 0;
        for (u32 i = 0; i < NWIN; i++)
            live += m.win[i].live;
        if (live && !(o->b & 0x80)) {
            u32 k = o->c % live;
            for (u32 i = 0; i < NWIN; i++)
                if (m.win[i].live && !k--) {
                    w = &m.win[i];
                    break;
                }
            virt = w->base + (o->e % (w->pages * PAGE_SIZE));
        } else {
            virt = MMIO_TOP - ((o->e % 64) + 1) * PAGE_SIZE;
            w = (struct win *)win_at(virt);
        }
        rq_begin("physmap unmap", "physmap unmap");
        rq_kva(virt);
        if (w)
            want_hex("refs", w->refs - 1);
        if (h.seed_ok) {
            h.seed = SEED_PHYSMAP_UNMAP;
            h.sa[1] = virt;
        }
        int rc = run_request(w != 0, ERR(E_NOT_MAPPED));
        if (rc)
            return;
        want_key("refs", w->refs - 1);
        if (!--w->refs) {
            w->live = false;
            win_frames(w->lo, w->pages, -1);
        }
        return;
    }
    /* map */
    static const u32 attr_sets[4] = {
        ATTR_READ | ATTR_WRITE | ATTR_DEVICE, ATTR_READ | ATTR_WRITE,
        ATTR_READ, ATTR_READ | ATTR_WRITE | ATTR_NOCACHE,
    };
    u32 attrs = attr_sets[o->b & 3];
    bool dflt = (o->b & 3) == 0 && !(o->b & 4);
    paddr_t pa;
    if ((o->b & 0x80) && m.slot[o->c % NSLOT].pages)
        pa = m.slot[o->c % NSLOT].pa + (o->e & 0x1ffc);
    else
        pa = DEV_BASE + (o->e % 0x40000) * 4;
    u32 len = (o->d % 0x6000) + 1;
    rq_begin("physmap map", "physmap map");
    fmt_dec(h.bind, 'w', m.names);
    rq_pa(pa);
    rq_hex(len);
    if (!dflt)
        rq_attrs(attrs);
    paddr_t lo = ALIGN_DOWN(pa, PAGE_SIZE);
    u32 pages = (ALIGN_UP(pa + len, PAGE_SIZE) - lo) >> PAGE_SHIFT;
    u32 errs = 0;
    if (!pa_mappable(lo, pages * PAGE_SIZE))
        errs |= ERR(E_RANGE);
    for (u32 i = 0; i < NWIN; i++) {
        const struct win *w = &m.win[i];
        if (w->live && w->attrs != attrs && w->lo < lo + pages * PAGE_SIZE && lo < w->lo + w->pages * PAGE_SIZE)
            errs |= ERR(E_FLAGS_CONFLICT);
    }
    /* Predict: reuse, grow in place, or a new window highest first. */
    struct win *reuse = 0;
    bool can_grow = false;
    u32 extra = 0;
    for (u32 i = 0; i < NWIN && !errs; i++) {
        struct win *w = &m.win[i];
        if (!w->live || w->attrs != attrs || lo < w->lo || lo >= w->lo + w->pages * PAGE_SIZE)
            continue;
        if (lo + pages * PAGE_SIZE <= w->lo + w->pages * PAGE_SIZE) {
            reuse = w;
            break;
        }
        extra = (lo + pages * PAGE_SIZE - (w->lo + w->pages * PAGE_SIZE)) >> PAGE_SHIFT;
        vaddr_t top = w->base + w->pages * PAGE_SIZE;
        bool free_above = extra <= (MMIO_TOP - top) / PAGE_SIZE;
        for (u32 j = 0; j < NWIN && free_above; j++)
            if (m.win[j].live && m.win[j].base < top + extra * PAGE_SIZE &&
                top < m.win[j].base + m.win[j].pages * PAGE_SIZE)
                free_above = false;
        if (free_above) {
            reuse = w;
            can_grow = true;
            break;
        }
    }
    vaddr_t nbase = 0;
    u32 slot = NWIN;
    if (!errs && !reuse) {
        for (slot = 0; slot < NWIN && m.win[slot].live; slot++)
            ;
        if (slot == NWIN)
            return;                                /* beyond the model */
        vaddr_t hi = MMIO_TOP, span = pages * PAGE_SIZE;
        bool found = false;
        while (hi - m.heap_top >= span && hi - span >= m.heap_top) {
            vaddr_t l = hi - span, clash = 0;
            for (u32 i = 0; i < NWIN; i++)
                if (m.win[i].live && m.win[i].base < hi && l < m.win[i].base + m.win[i].pages * PAGE_SIZE &&
                    (!clash || m.win[i].base < clash))
                    clash = m.win[i].base;
            if (!clash) { nbase = l; found = true; break; }
            hi = clash;
        }
        if (!found)
            errs |= ERR(E_NO_SPACE);
    }
    if (h.seed_ok) {                  /* seed 000's map(PhysicalMapRequest) */
        h.seed = SEED_PHYSMAP_MAP;
        h.sa[0] = pa; h.sa[2] = len; h.sa[3] = attrs;
    }
    int rc = run_request(!errs, errs);
    if (rc)
        return;
    u32 virt = key("virt"), base = key("page_base"), refs = key("refs"), isnew = key("new"), grown = key("grown");
    if (reuse) {
        want_key("new", 0);
        want_key("grown", can_grow);
        want_key("refs", reuse->refs + 1);
        if (base != reuse->base || virt != reuse->base + (pa - reuse->lo))
            finding("reply", "physmap map reused a window at 0x%x, the model's is at 0x%x", base, reuse->base);
        reuse->refs++;
        if (can_grow)
            win_frames(reuse->lo + reuse->pages * PAGE_SIZE, extra, 1);
        reuse->pages += can_grow ? extra : 0;
        return;
    }
    if (isnew != 1 || grown || refs != 1 || base != nbase || virt != nbase + (pa & 0xfff))
        finding("reply", "physmap map new=%u grown=%u refs=%u page_base=0x%x, the model says a new window at 0x%x",
                isnew, grown, refs, base, nbase);
    m.win[slot] = (struct win){ true, lo, pages, nbase, attrs, 1, m.names++, virt };
    win_frames(lo, pages, 1);
}

/* Kernel-half accesses: the direct map of a frame, a physmap window. */
static void op_kpeek(const struct op *o)
{
    bool poke = o->a & 1;
    vaddr_t va;
    paddr_t pa = 0;
    bool ram = false;
    const struct win *w = 0;
    if (o->b & 0x80) {
        u32 live = 0;
        for (u32 i = 0; i < NWIN; i++)
            live += m.win[i].live;
        if (!live)
            return;
        u32 k = o->c % live;
        for (u32 i = 0; i < NWIN; i++)
            if (m.win[i].live && !k--) { w = &m.win[i]; break; }
        va = w->base + ((o->e % (w->pages * PAGE_SIZE)) & ~3u);
        pa = w->lo + (va - w->base);
        ram = in_ram(pa);
    } else {
        const struct slot *s = &m.slot[o->c % NSLOT];
        if (!s->pages || poke)
            return;
        pa = s->pa + ((o->e % (s->pages * PAGE_SIZE)) & ~3u);
        va = pa + DIRECT_MAP_OFF;
        ram = true;
    }
    rq_begin(poke ? "poke" : "peek", poke ? "poke" : "peek");
    if (w) rq_kva(va); else rq_dmap(pa);
    if (poke)
        rq_hex(o->e);
    int fault = poke && !(w->attrs & ATTR_WRITE);
    u32 v = 0;
    bool have = !poke && ram && mem_read(pa, &v);
    if (have)
        want_hex("val", v);
    int rc = run_request(!fault, ERR(E_FAULT));
    if (rc)
        return;
    if (have)
        want_key("val", v);
    if (poke && ram)
        mem_write(pa, 4, o->e);
}

static void op_cache(const struct op *o)
{
    static const char *const names[] = { "cache clean", "cache invalidate", "cache flush", "cache unify" };
    vaddr_t va = ((vaddr_t)(o->c % WIN_PAGES) << PAGE_SHIFT) + (o->d & 0xfc0);
    u32 len = ((o->a >> 2) + 1) * 64;
    if (va + len > WIN_TOP)
        return;
    bool intr, hole;
    range_any_mapped(m.cur, ALIGN_DOWN(va, PAGE_SIZE), ALIGN_UP(len + (va & 0xfff), PAGE_SIZE), 0, &hole, &intr, 0);
    if (intr)
        return;
    rq_begin(names[o->a & 3], names[o->a & 3]);
    rq_hex(va);
    rq_hex(len);
    /* permission rules of maintenance by VA are the target's: either */
    run_request(!hole, hole ? ERR(E_FAULT) : ERR(E_FAULT));
}

static void op_query(const struct op *o)
{
    switch (o->a % 4) {
    case 0: {
        rq_begin("pmm stats", "pmm stats");
        run_request(true, 0);
        want_key("frames", m.frame_pages);
        break;
    }
    case 1: {
        rq_begin("as list", "as list");
        run_request(true, 0);
        u32 n = 0;
        for (u32 i = 1; i < NAS; i++)
            n += m.live[i];
        want_key("count", n);
        break;
    }
    case 2: {
        rq_begin("physmap list", "physmap list");
        run_request(true, 0);
        u32 n = 0;
        for (u32 i = 0; i < NWIN; i++)
            n += m.win[i].live;
        want_key("count", n);
        break;
    }
    default:
        rq_begin("check", "check");
        run_request(true, 0);
    }
}

enum {
    OP_MAP, OP_MAP1, OP_UNMAP, OP_UNMAP1, OP_PROTECT, OP_PT, OP_ALLOC, OP_FREE,
    OP_AS, OP_PEEK, OP_POKE, OP_EXEC, OP_FILL, OP_SUM, OP_TRANSLATE, OP_FLUSH,
    OP_ASID, OP_FAIL, OP_HEAP, OP_KMALLOC, OP_PHYSMAP, OP_KPEEK, OP_CACHE,
    OP_QUERY, OP_COUNT
};

static void step(const struct op *o)
{
    h.tva = 0;
    h.tlen = 0;
    h.opname = 0;
    memset(h.cleared, 0, sizeof h.cleared);
    h.probe_set = false;
    h.probe_kva = 0;
    h.probe_pending = 0;
    h.probe_limit = 0;
    m.cpu = (o->cpu & 0x7fu) % FZ_CPUS;
    h.seed_ok = o->cpu & 0x80;
    h.seed_alt = o->cpu & 0x40;
    h.seed = SEED_NONE;
    h.seed_reply = false;
    m.cur = m.ccur[m.cpu];
    sim_set_cpu(m.cpu);                /* the harness's own reads: this CPU's view */
    u32 gen0 = asid_generation();
    switch (o->code % OP_COUNT) {
    case OP_MAP:       op_map(o, false); break;
    case OP_MAP1:      op_map(o, true); break;
    case OP_UNMAP:     op_unmap(o); break;
    case OP_UNMAP1:    op_unmap1(o); break;
    case OP_PROTECT:   op_protect(o); break;
    case OP_PT:        op_pt(o); break;
    case OP_ALLOC:     op_pmm_alloc(o); break;
    case OP_FREE:      op_pmm_free(o); break;
    case OP_AS:        op_as(o); break;
    case OP_PEEK:      op_peek_poke(o, ACC_R); break;
    case OP_POKE:      op_peek_poke(o, ACC_W); break;
    case OP_EXEC:      op_peek_poke(o, ACC_X); break;
    case OP_FILL:      op_fill_sum(o, true); break;
    case OP_SUM:       op_fill_sum(o, false); break;
    case OP_TRANSLATE: op_translate(o); break;
    case OP_FLUSH:     op_flush(o); break;
    case OP_ASID:      op_asid_limit(o); break;
    case OP_FAIL:      op_fail(o); break;
    case OP_HEAP:      op_heap(o); break;
    case OP_KMALLOC:   op_kmalloc(o); break;
    case OP_PHYSMAP:   op_physmap(o); break;
    case OP_KPEEK:     op_kpeek(o); break;
    case OP_CACHE:     op_cache(o); break;
    default:           op_query(o); break;
    }
    m.ccur[m.cpu] = m.cur;
    if (asid_generation() != gen0) {
        /* A rollover: every other CPU keeps running its space under its
         * ASID (reserved into the new generation) and flushes at its next
         * switch. */
        for (u32 c = 0; c < FZ_CPUS; c++)
            if (c != m.cpu) {
                m.pend[c] = true;
                u32 x = m.ccur[c];
                if (m.asid[x] != sim.cpu[c].asid)
                    continue;
                m.gen[x] = asid_generation();
                for (u32 i = 1; i < NAS; i++)
                    if (i != x && m.live[i] && m.asid[i] == m.asid[x] && m.gen[i] == m.gen[x])
                        finding("reply", "rollover: as %u got asid %u, which CPU %u runs for as %u (not reserved)",
                                i, m.asid[x], c, x);
            }
    }
    if (!h.opname)
        return;                                    /* nothing was sent */
    verify_touched();
    verify_tlb(!h.tlen || asid_generation() != gen0);
    verify_frames();
}

/* ---- reset ------------------------------------------------------------------------ */

static void model_reset(void)
{
    for (u32 as = 0; as < NAS; as++) {
        for (u32 d = m.dirty[as]; d; d &= d - 1) {
            u32 r = (u32)__builtin_ctz(d);
            memset(&m.pg[as][r * 256], 0, 256 * sizeof(struct mpage));
            memset(&m.mbits[as][r * 8], 0, 8 * sizeof(u32));
        }
        m.dirty[as] = 0;
    }
    memset(m.rcnt, 0, sizeof m.rcnt);
    memset(m.nglob, 0, sizeof m.nglob);
    memset(m.pinned, 0, sizeof m.pinned);
    for (u32 k = 0; k < m.ntouched; k++) {
        u32 i = m.touched_frames[k];
        m.fmap[i] = 0;
        m.falloc[i] = 0;
        m.cslot[i] = 0;
        m.frame_touched[i] = 0;
    }
    m.ntouched = 0;
    m.cused = 0;
    memset(m.live, 0, sizeof m.live);
    memset(m.slot, 0, sizeof m.slot);
    memset(m.win, 0, sizeof m.win);
    m.nblk = 0;
    m.names = 0;
    m.frame_pages = 0;
    m.last_freed = 0;
    m.live[1] = true;
    m.cur = 1;
    m.cpu = 0;
    for (u32 c = 0; c < FZ_CPUS; c++) {
        m.ccur[c] = 1;                /* at boot space 1 is current on every CPU */
        m.pend[c] = false;
    }
    memset(m.asid, 0, sizeof m.asid);
    memset(m.gen, 0, sizeof m.gen);
    m.asid[1] = sim_cur()->asid;
    m.gen[1] = asid_generation();
    m.asid_limit = 255;
    m.heap_top = heap_top();
    m.floor0 = physmap_floor();
}

void fuzz_snapshot_reset(void);   /* boot.c */

/* The core panicked (arch_panic, fuzz_console.c) in the middle of an op:
 * the script gets the request that was running, then the finding, so it
 * panics the target too (replay.py counts a panic as a reproduction). */
static void on_panic(const char *why)
{
    if (h.print && h.opname && !h.sent)
        echo_request("");
    finding("panic", "%s", why);
}

static void reset(void)
{
    fuzz_snapshot_reset();
    model_reset();
    fz_con.panic = on_panic;
}

static void decode(const u8 *p, struct op *o)
{
    o->code = p[0];
    o->cpu = p[1];
    o->a = p[FIELD_A];
    o->b = p[FIELD_B];
    o->c = (u16)(p[FIELD_C] | p[FIELD_C + 1] << 8);
    o->d = (u16)(p[FIELD_D] | p[FIELD_D + 1] << 8);
    o->e = (u32)p[FIELD_E] | (u32)p[FIELD_E + 1] << 8 | (u32)p[FIELD_E + 2] << 16 |
           (u32)p[FIELD_E + 3] << 24;
}

/* Runs one input from the booted state. */
static void run(const u8 *data, u32 size)
{
    reset();
    u32 n = size / OP_SIZE;
    if (n > MAX_OPS)
        n = MAX_OPS;
    for (u32 i = 0; i < n; i++) {
        struct op o;
        decode(data + i * OP_SIZE, &o);
        h.opno = i;
        step(&o);
        if ((i + 1) % CHECK_EVERY == 0) {
            full_check();
            verify_tlb(true);
        }
    }
    h.opname = "end";
    h.sent = true;                     /* no request runs in the end check */
    full_check();
    verify_tlb(true);
}

#if defined(FUZZ_LIBFUZZER)
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
    sim_panic_abort(1);
    run(data, (u32)size);
    return 0;
}
#elif defined(__AFL_FUZZ_TESTCASE_LEN) && !defined(FUZZ_REPLAY_MAIN)
__AFL_FUZZ_INIT();

int main(void)
{
    sim_panic_abort(1);
    fuzz_snapshot_reset();       /* boot once before the fork server */
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(100000))
        run(buf, (u32)__AFL_FUZZ_TESTCASE_LEN);
    return 0;
}
#else
#include <time.h>
/* Replay: fuzz_replay [-s] [-b N] FILE...: runs each input; -s prints it
 * as a command script; -b N runs all of them N times and prints execs/s. */
int main(int argc, char **argv)
{
    static u8 buf[1 << 16];
    static u8 *bufs[4096];
    static u32 lens[4096];
    u32 nf = 0, reps = 0;
    sim_panic_abort(1);
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-s"))
            h.print = true;
        else if (!strcmp(argv[i], "-b") && i + 1 < argc)
            reps = (u32)atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: fuzz_replay [-s] [-b N] FILE...\n");
            return 2;
        }
    }
    for (; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); return 2; }
        u32 n = (u32)fread(buf, 1, sizeof buf, f);
        fclose(f);
        if (reps && nf < 4096) {
            bufs[nf] = malloc(n ? n : 1);
            memcpy(bufs[nf], buf, n);
            lens[nf++] = n;
            continue;
        }
        if (h.print)
            printf("# %s\n# cpus: %u   (vmsim --cpus, QEMU -smp; fuzz/replay.py reads it)\n",
                   argv[i], FZ_CPUS);
        run(buf, n);
        nf++;
    }
    if (reps) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (u32 r = 0; r < reps; r++)
            for (u32 k = 0; k < nf; k++)
                run(bufs[k], lens[k]);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        printf("fuzz_replay: %u execs in %.3f s: %.0f execs/s\n", reps * nf, s, reps * nf / s);
        return 0;
    }
    if (!h.print)
        printf("fuzz_replay: %u inputs replayed, no finding\n", nf);
    return 0;
}
#endif
