/*
 * bench_core.c: how fast the core maps, unmaps and translates, on the
 * host build (the simulator's RAM and TLB, no protocol in between).
 * Prints one JSON object; `make bench` merges it with the rig's figures.
 *
 * Each figure is the best of REPS runs (the least disturbed by the rest of
 * the machine), in nanoseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mm.h"
#include "sim.h"
#include "vm.h"

#define REPS 15

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
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

/* Best ns per page of map+unmap of len bytes at va -> pa (device space,
 * so nothing is zeroed and only the tables are measured). */
static double map_unmap(vaddr_t va, paddr_t pa, u32 len, u32 page)
{
    double best = 1e30;
    for (int r = 0; r < REPS; r++) {
        u32 entries, unmapped;
        double t0 = now_ns();
        if (vm_map(va, pa, len, ATTR_READ | ATTR_WRITE, &entries) ||
            vm_unmap(va, len, &unmapped) || unmapped != len) {
            fprintf(stderr, "bench: map/unmap failed at %#x\n", va);
            exit(1);
        }
        double t = (now_ns() - t0) / (len / page);
        best = t < best ? t : best;
    }
    return best;
}

/* Best time of one `map` of 1 GiB (64 supersections), and its unmap. */
static void map_1g(double *map_us, double *unmap_us)
{
    *map_us = *unmap_us = 1e30;
    for (int r = 0; r < REPS; r++) {
        u32 entries, unmapped;
        double t0 = now_ns();
        if (vm_map(0x40000000u, 0x80000000u, 0x40000000u, ATTR_READ, &entries)) {
            fprintf(stderr, "bench: 1 GiB map failed\n");
            exit(1);
        }
        double t1 = now_ns();
        vm_unmap(0x40000000u, 0x40000000u, &unmapped);
        double t2 = now_ns();
        *map_us = (t1 - t0) / 1e3 < *map_us ? (t1 - t0) / 1e3 : *map_us;
        *unmap_us = (t2 - t1) / 1e3 < *unmap_us ? (t2 - t1) / 1e3 : *unmap_us;
    }
}

/* Best ns per software translation over a range of 4K pages. */
static double translate_ns(void)
{
    const u32 pages = 4096;
    u32 entries, unmapped;
    vm_map(0x10001000u, 0x10000000u, pages * PAGE_SIZE, ATTR_READ, &entries);
    double best = 1e30;
    for (int r = 0; r < REPS; r++) {
        struct pt_entry e;
        u32 sink = 0;
        double t0 = now_ns();
        for (u32 i = 0; i < pages; i++) {
            vm_translate(0x10001000u + i * PAGE_SIZE, &e);
            sink += e.pa;
        }
        double t = (now_ns() - t0) / pages;
        best = t < best ? t : best;
        if (sink == 1)
            puts("");
    }
    vm_unmap(0x10001000u, pages * PAGE_SIZE, &unmapped);
    return best;
}

int main(void)
{
    double m1g, u1g;
    boot();
    double ns4k = map_unmap(0x10001000u, 0x10000000u, 64u << 20, SZ_4K);
    double ns64k = map_unmap(0x10010000u, 0x20000000u, 256u << 20, SZ_64K);
    double ns1m = map_unmap(0x10100000u, 0x20000000u, 512u << 20, SZ_1M);
    double ns16m = map_unmap(0x11000000u, 0x80000000u, 1024u << 20, SZ_16M);
    map_1g(&m1g, &u1g);
    double tr = translate_ns();
    printf("{\"host_core\": {\"map_unmap_ns_per_page\": {\"4K\": %.2f, \"64K\": %.2f, "
           "\"1M\": %.2f, \"16M\": %.2f}, \"map_1GiB_us\": %.2f, \"unmap_1GiB_us\": %.2f, "
           "\"translate_ns\": %.2f, \"targets\": {\"4K_map_unmap_ns\": 20, "
           "\"map_1GiB_us\": 50}}}\n", ns4k, ns64k, ns1m, ns16m, m1g, u1g, tr);
    return 0;
}
