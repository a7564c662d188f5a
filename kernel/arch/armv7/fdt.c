/*
 * fdt.c: the little of a flattened device tree that vmk needs (boot only):
 * the first /memory reg entry, with #address-cells/#size-cells from the
 * root, the number of /cpus/cpu@* nodes and the MPIDR affinity of each
 * (their `reg`), and how to call PSCI (/psci: `method`, `cpu_on`).
 *
 * Every offset is checked against the blob's size before it is read, so a
 * damaged blob yields -1, never a fault.
 */
#include "armv7.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

struct fdt_walk {
    const u8 *blob;
    u32 off, end;               /* struct block cursor and limit */
    u32 strings, strings_size;  /* strings block */
    u32 depth;                  /* 1 = in the root node */
    u32 addr_cells, size_cells; /* the root's */
    bool in_memory, in_cpus;    /* current depth-2 node */
    bool in_psci, in_cpu;       /* /psci; a /cpus/cpu@* node (depth 3) */
    bool have_mem;
};

BOOT_TEXT static u32 be32(const u8 *p)
{
    return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Length of the NUL-terminated string at p, or -1 if none before max. */
BOOT_TEXT static s32 str_len(const u8 *p, u32 max)
{
    for (u32 i = 0; i < max; i++)
        if (!p[i])
            return (s32)i;
    return -1;
}

/* name is `base` or `base@...` */
BOOT_TEXT static bool node_is(const char *name, const char *base)
{
    while (*base && *name == *base)
        name++, base++;
    return !*base && (*name == '\0' || *name == '@');
}

BOOT_TEXT static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* Reads a value of `cells` cells (1 or 2) at p. */
BOOT_TEXT static u64 read_cells(const u8 *p, u32 cells)
{
    return cells == 2 ? (u64)be32(p) << 32 | be32(p + 4) : be32(p);
}

/* A property of the current node. */
BOOT_TEXT static void on_prop(struct fdt_walk *w, const char *name, const u8 *val,
                    u32 len, struct fdt_info *out)
{
    if (w->depth == 1 && len == 4 && str_eq(name, "#address-cells"))
        w->addr_cells = be32(val);
    else if (w->depth == 1 && len == 4 && str_eq(name, "#size-cells"))
        w->size_cells = be32(val);
    else if (w->depth == 2 && w->in_memory && !w->have_mem &&
             str_eq(name, "reg")) {
        u32 ac = w->addr_cells, sc = w->size_cells;
        if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < 4 * (ac + sc))
            return;
        out->ram_base = read_cells(val, ac);
        out->ram_size = read_cells(val + 4 * ac, sc);
        w->have_mem = true;
    } else if (w->depth == 3 && w->in_cpu && len >= 4 && str_eq(name, "reg") &&
               out->cpus <= FDT_CPUS_MAX) {
        out->cpu_mpidr[out->cpus - 1] = be32(val + len - 4);  /* low cell */
    } else if (w->depth == 2 && w->in_psci && str_eq(name, "method")) {
        if (len >= 4 && str_eq((const char *)val, "hvc"))
            out->psci_method = PSCI_HVC;
        else if (len >= 4 && str_eq((const char *)val, "smc"))
            out->psci_method = PSCI_SMC;
    } else if (w->depth == 2 && w->in_psci && len == 4 && str_eq(name, "cpu_on")) {
        out->psci_cpu_on = be32(val);
    }
}

/* FDT_BEGIN_NODE at w->off (past the token). 0 or -1. */
BOOT_TEXT static int begin_node(struct fdt_walk *w, struct fdt_info *out)
{
    const char *name = (const char *)w->blob + w->off;
    s32 n = str_len(w->blob + w->off, w->end - w->off);

    if (n < 0)
        return -1;
    w->off += ALIGN_UP((u32)n + 1, 4);
    w->depth++;
    w->in_cpu = false;
    if (w->depth == 2) {
        w->in_memory = node_is(name, "memory");
        w->in_cpus = str_eq(name, "cpus");
        w->in_psci = str_eq(name, "psci");
    } else if (w->depth == 3 && w->in_cpus && node_is(name, "cpu")) {
        out->cpus++;
        w->in_cpu = true;
        if (out->cpus <= FDT_CPUS_MAX)   /* until `reg` says: the index */
            out->cpu_mpidr[out->cpus - 1] = out->cpus - 1;
    }
    return 0;
}

/* FDT_PROP at w->off (past the token). 0 or -1. */
BOOT_TEXT static int prop(struct fdt_walk *w, struct fdt_info *out)
{
    u32 len, nameoff;
    s32 n;

    if (w->end - w->off < 8)
        return -1;
    len = be32(w->blob + w->off);
    nameoff = be32(w->blob + w->off + 4);
    w->off += 8;
    if (len > w->end - w->off || nameoff >= w->strings_size)
        return -1;
    n = str_len(w->blob + w->strings + nameoff, w->strings_size - nameoff);
    if (n < 0)
        return -1;
    on_prop(w, (const char *)w->blob + w->strings + nameoff,
            w->blob + w->off, len, out);
    w->off += ALIGN_UP(len, 4);
    if (w->off > w->end)
        w->off = w->end;
    return 0;
}

/* Checks the header and sets up the walk. 0 or -1. */
BOOT_TEXT static int header(const u8 *b, u32 max, struct fdt_walk *w)
{
    u32 total = be32(b + 4), st = be32(b + 8), ss = be32(b + 36);
    u32 str = be32(b + 12), strs = be32(b + 32), ver = be32(b + 20);

    if (be32(b) != FDT_MAGIC || total > max || total < 40 || ver < 16)
        return -1;
    if (ver < 17)                       /* no size_dt_struct before v17 */
        ss = total - st;
    if (st > total || ss > total - st || str > total || strs > total - str)
        return -1;
    w->blob = b;
    w->off = st;
    w->end = st + ss;
    w->strings = str;
    w->strings_size = strs;
    w->addr_cells = 2;                  /* the spec's defaults */
    w->size_cells = 1;
    return 0;
}

/* See armv7.h. max_bytes bounds the blob (it is read where it lies). */
BOOT_TEXT int fdt_parse(const void *blob, u32 max_bytes, struct fdt_info *out)
{
    struct fdt_walk w = { 0 };
    int rc = 0;

    out->ram_base = out->ram_size = 0;
    out->cpus = 0;
    out->psci_method = PSCI_NONE;
    out->psci_cpu_on = PSCI_0_2_CPU_ON;
    if (max_bytes < 40 || header(blob, max_bytes, &w))
        return -1;
    while (rc == 0) {
        u32 tok;
        if (w.end - w.off < 4)
            return -1;
        tok = be32(w.blob + w.off);
        w.off += 4;
        if (tok == FDT_BEGIN_NODE)
            rc = begin_node(&w, out);
        else if (tok == FDT_END_NODE) {
            rc = w.depth-- ? 0 : -1;
            w.in_cpu = false;   /* cpu nodes have no subnodes we read */
        }
        else if (tok == FDT_PROP)
            rc = prop(&w, out);
        else if (tok == FDT_END)
            break;
        else if (tok != FDT_NOP)
            rc = -1;
    }
    return rc == 0 && w.have_mem ? 0 : -1;
}
