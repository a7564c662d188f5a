/*
 * vmsim_main.c: the host simulator's program. Parses the command line,
 * resets the simulated machine, and hands over to the portable kernel,
 * which speaks PROTOCOL.md on stdin/stdout.
 */
#include <stdio.h>
#include <string.h>
#include "sim.h"

static const char usage[] =
    "usage: vmsim [--ram <bytes>] [--tlb <entries>] [--cpus <n>]\n"
    "  --ram <bytes>    simulated RAM at 0x40000000 (default 256M): decimal\n"
    "                   or 0x hex, optional suffix K, M or G; 16M..1G, a\n"
    "                   multiple of 1M\n"
    "  --tlb <entries>  TLB entries (default 64), 1..1024, per CPU\n"
    "  --cpus <n>       simulated CPUs (default 1), 1..4, each with its own\n"
    "                   TLB, walk cache, TTBR0 and ASID\n"
    "Speaks the vmk command protocol on stdin/stdout.\n";

/* Parses a size: decimal or 0x hex, then an optional K/M/G (x1024^n).
 * 0 with *out, or -1 if malformed or above 2^32. */
static int parse_size(const char *s, u64 *out)
{
    unsigned base = 10;
    u64 v = 0;
    int digits = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (; *s; s++, digits++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            break;
        v = v * base + d;
        if (v > 0xffffffffull)
            return -1;
    }
    if (!digits)
        return -1;
    switch (*s) {
    case '\0':           break;
    case 'K': case 'k':  v <<= 10; s++; break;
    case 'M': case 'm':  v <<= 20; s++; break;
    case 'G': case 'g':  v <<= 30; s++; break;
    default:             return -1;
    }
    if (*s)
        return -1;
    if (v > 0xffffffffull)
        return -1;
    *out = v;
    return 0;
}

/* The value of option argv[*i] (--opt v or --opt=v), "" if it has none,
 * or NULL if argv[*i] is not that option. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    return *i + 1 < argc ? argv[++*i] : "";
}

/* Prints why and exits 2. */
static int bad(const char *what, const char *arg)
{
    fprintf(stderr, "vmsim: %s: %s\n%s", what, arg, usage);
    return 2;
}

int main(int argc, char **argv)
{
    u32 ram = SIM_RAM_DEFAULT, tlb = SIM_TLB_DEFAULT, cpus = 1;
    const char *v;
    u64 n;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            return 0;
        } else if ((v = opt_value(argc, argv, &i, "--ram"))) {
            if (parse_size(v, &n) || n < SIM_RAM_MIN || n > SIM_RAM_MAX ||
                !ALIGNED(n, SZ_1M))
                return bad("bad --ram (16M..1G, multiple of 1M)", v);
            ram = (u32)n;
        } else if ((v = opt_value(argc, argv, &i, "--tlb"))) {
            if (parse_size(v, &n) || n < 1 || n > SIM_TLB_MAX)
                return bad("bad --tlb (1..1024)", v);
            tlb = (u32)n;
        } else if ((v = opt_value(argc, argv, &i, "--cpus"))) {
            if (parse_size(v, &n) || n < 1 || n > SIM_CPUS_MAX)
                return bad("bad --cpus (1..4)", v);
            cpus = (u32)n;
        } else {
            return bad("bad argument", argv[i]);
        }
    }
    sim_reset(ram, tlb);
    sim_set_cpus(cpus);
    kmain();
}
