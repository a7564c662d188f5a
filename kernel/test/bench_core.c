/*
 * bench_core.c: how fast the core maps, unmaps and translates on the host
 * build (the simulator's RAM and TLB, no protocol in between), each figure
 * beside its floor, measured in the same run, interleaved:
 *
 *   map+unmap of N pages of one size   vs  the same number of descriptor
 *                                          stores (map: k per page, unmap:
 *                                          k per page; k = 16 for 64K and
 *                                          16M pages, else 1) into a table
 *                                          in simulated RAM, one
 *                                          arch_pt_written per table run
 *   one `map` of 1 GiB                 vs  1024 stores (64 supersections)
 *   translate of a 4K page             vs  the two dependent descriptor
 *                                          loads of a table walk (L1, L2)
 *
 * Prints one JSON object: {"host_core": {name: {"ns": x, "floor_ns": y,
 * "unit": ...}}}; rig/bench_suite.py turns them into ratios and targets.
 * Each figure and each floor is the best of REPS runs (the least disturbed
 * by the rest of the machine).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm.h"
#include "sim.h"
#include "vm.h"

#define REPS 25

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static double min2(double a, double b)
{
    return a < b ? a : b;
}

static void boot(void)
{
    struct arch_boot b;
    sim_reset(SIM_RAM_DEFAULT, 0);
    arch_boot_info(&b);
    if (mm_init(&b)) {
        fprintf(stderr, "bench: mm_init failed\n");
        exit(1);
    }
}

/* The floor's table: 1 MiB of simulated RAM near its top, which the
 * figures never map (they map device space, so no frame is taken). */
static volatile u32 *floor_table(void)
{
    return arch_phys_to_ptr(SIM_RAM_BASE + SIM_RAM_DEFAULT - SZ_1M);
}

/* `stores` descriptor stores of `val + i*step` and as many of 0, in runs
 * of 256 (one L2 table) each followed by arch_pt_written, as the core
 * cleans a run of descriptors after writing it. ns for all of it. */
static double store_floor(u32 stores, u32 val, u32 step)
{
    volatile u32 *t = floor_table();
    const u32 slots = SZ_1M / 4;
    double t0 = now_ns();

    for (int pass = 0; pass < 2; pass++) {
        for (u32 i = 0; i < stores; i += 256) {
            u32 n = stores - i < 256 ? stores - i : 256;
            volatile u32 *run = t + (i % slots);
            for (u32 j = 0; j < n; j++)
                run[j] = pass ? 0 : val + (i + j) * step;
            arch_pt_written((const void *)run, n * 4);
        }
    }
    return now_ns() - t0;
}

/* ns per page of map+unmap of len bytes at va -> pa (device space, so
 * nothing is zeroed and only the tables are measured), beside its floor. */
static void map_unmap(const char *name, vaddr_t va, paddr_t pa, u32 len, u32 page,
                      u32 per_page, int last)
{
    double best = 1e30, floor = 1e30;
    u32 pages = len / page;

    for (int r = 0; r < REPS; r++) {
        u32 entries, unmapped;
        double t0 = now_ns();
        if (vm_map(va, pa, len, ATTR_READ | ATTR_WRITE, &entries) ||
            vm_unmap(va, len, &unmapped) || unmapped != len ||
            entries != pages * per_page) {
            fprintf(stderr, "bench: map/unmap of %s failed at %#x\n", name, va);
            exit(1);
        }
        best = min2(best, (now_ns() - t0) / pages);
        floor = min2(floor, store_floor(pages * per_page, pa | 0x2, page) / pages);
    }
    printf("    \"map_unmap_%s\": {\"ns\": %.2f, \"floor_ns\": %.2f, \"unit\": "
           "\"ns per page\", \"pages\": %u, \"stores_per_page\": %u}%s\n",
           name, best, floor, pages, 2 * per_page, last ? "" : ",");
}

/* One `map` of 1 GiB (64 supersections) and its floor of 1024 stores. */
static void map_1g(int last)
{
    double best = 1e30, unmap = 1e30, floor = 1e30;

    for (int r = 0; r < REPS; r++) {
        u32 entries, unmapped;
        double t0 = now_ns();
        if (vm_map(0x40000000u, 0x80000000u, 0x40000000u, ATTR_READ, &entries) ||
            entries != 1024) {
            fprintf(stderr, "bench: 1 GiB map failed\n");
            exit(1);
        }
        double t1 = now_ns();
        vm_unmap(0x40000000u, 0x40000000u, &unmapped);
        double t2 = now_ns();
        best = min2(best, t1 - t0);
        unmap = min2(unmap, t2 - t1);
        /* one pass of stores only: map writes, it does not clear */
        volatile u32 *t = floor_table();
        double f0 = now_ns();
        for (u32 i = 0; i < 1024; i++)
            t[i] = 0x80000000u + (i / 16) * SZ_16M + 0x40002;
        arch_pt_written((const void *)t, 1024 * 4);
        floor = min2(floor, now_ns() - f0);
    }
    printf("    \"map_1GiB\": {\"ns\": %.2f, \"floor_ns\": %.2f, \"unit\": \"ns per map\", "
           "\"stores\": 1024, \"unmap_ns\": %.2f}%s\n", best, floor, unmap, last ? "" : ",");
}

/* ns per software translation over a range of 4K pages, beside two
 * dependent loads per page (an L1 entry, then the L2 entry it points to). */
static void translate(void)
{
    const u32 pages = 4096;
    u32 entries, unmapped;
    volatile u32 *t = floor_table();
    double best = 1e30, floor = 1e30;

    if (vm_map(0x10001000u, 0x10000000u, pages * PAGE_SIZE, ATTR_READ, &entries)) {
        fprintf(stderr, "bench: translate setup failed\n");
        exit(1);
    }
    /* floor tables: an "L1" of 16 entries each naming its "L2" slot */
    for (u32 i = 0; i < 16; i++)
        t[i] = 1024 + i * 256;
    for (int r = 0; r < REPS; r++) {
        struct pt_entry e;
        u32 sink = 0;
        double t0 = now_ns();
        for (u32 i = 0; i < pages; i++) {
            if (vm_translate(0x10001000u + i * PAGE_SIZE, &e)) {
                fprintf(stderr, "bench: translate failed\n");
                exit(1);
            }
            sink += e.pa;
        }
        best = min2(best, (now_ns() - t0) / pages);
        double f0 = now_ns();
        for (u32 i = 0; i < pages; i++) {
            u32 l2 = t[(i >> 8) & 15];
            sink += t[l2 + (i & 255)];
        }
        floor = min2(floor, (now_ns() - f0) / pages);
        if (sink == 1)
            puts("");
    }
    vm_unmap(0x10001000u, pages * PAGE_SIZE, &unmapped);
    printf("    \"translate\": {\"ns\": %.2f, \"floor_ns\": %.2f, \"unit\": "
           "\"ns per translate\", \"pages\": %u}\n", best, floor, pages);
}

/* `bench_core [figure]`: all figures, or only the one named (4K, 64K, 1M,
 * 16M, 1GiB, translate: to profile it alone under perf or callgrind). */
int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
#define WANT(n) (!only || !strcmp(only, n))
    boot();
    printf("{\"host_core\": {\n");
    if (WANT("4K"))
        map_unmap("4K", 0x10001000u, 0x10000000u, 64u << 20, SZ_4K, 1, !!only);
    if (WANT("64K"))
        map_unmap("64K", 0x10010000u, 0x20000000u, 256u << 20, SZ_64K, 16, !!only);
    if (WANT("1M"))
        map_unmap("1M", 0x10100000u, 0x20000000u, 512u << 20, SZ_1M, 1, !!only);
    if (WANT("16M"))
        map_unmap("16M", 0x11000000u, 0x80000000u, 1024u << 20, SZ_16M, 16, !!only);
    if (WANT("1GiB"))
        map_1g(!!only);
    if (WANT("translate"))
        translate();
    printf("}}\n");
    return 0;
}
