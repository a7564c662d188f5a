/*
 * snapshot.c: a fast way back to the machine sim_reset left, for fuzz
 * harnesses that start every input from boot (see sim.h).
 *
 * sim_snapshot_take() records the machine right after sim_reset: the whole
 * `sim` struct (registers, TLB, walk cache, counters) and a copy of every
 * RAM page that is not all zeroes (the boot structures: DTB word, kernel
 * L1, vector page). sim_snapshot_restore() copies them back: a few pages
 * and one struct, instead of zeroing all of RAM (madvise + page faults).
 *
 * The rest of RAM keeps what the last run left. That is the boot state for
 * the core: it never reads RAM it has not written since mm_init (pmm_init
 * rewrites its metadata, tables are zeroed when allocated, `map` zeroes
 * frames unless `uninit`), so only the contents of `uninit` frames differ,
 * which no oracle reads as known.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim_priv.h"

#define SNAP_PAGES_MAX 64u

static struct {
    bool taken;
    struct sim_machine sim;       /* the struct as sim_reset left it */
    u32 npages;
    u32 off[SNAP_PAGES_MAX];      /* RAM offsets of the non-zero pages */
    u8 (*data)[PAGE_SIZE];
} snap;

static bool page_zero(const u8 *p)
{
    static const u8 zero[PAGE_SIZE];
    return memcmp(p, zero, PAGE_SIZE) == 0;
}

/* See sim.h. Exits 2 if the boot state has more non-zero pages than the
 * snapshot holds (the boot layout grew: raise SNAP_PAGES_MAX). */
void sim_snapshot_take(void)
{
    snap.npages = 0;
    free(snap.data);
    snap.data = malloc(SNAP_PAGES_MAX * PAGE_SIZE);
    if (!snap.data) {
        perror("vmsim: snapshot");
        exit(2);
    }
    for (u32 off = 0; off < sim.ram_size; off += PAGE_SIZE) {
        if (page_zero(sim.ram + off))
            continue;
        if (snap.npages == SNAP_PAGES_MAX) {
            fprintf(stderr, "vmsim: snapshot: more than %u boot pages\n", SNAP_PAGES_MAX);
            exit(2);
        }
        snap.off[snap.npages] = off;
        memcpy(snap.data[snap.npages++], sim.ram + off, PAGE_SIZE);
    }
    snap.sim = sim;
    snap.taken = true;
}

/* sim = snap.sim, but of each TLB only the entries in use (e[0..n)): the
 * struct is ~100 KB, almost all of it TLB slots beyond n that no lookup
 * reads (tlb.c scans e[0..n) only), and this runs once per fuzz input. */
static void restore_machine(void)
{
    memcpy(&sim, &snap.sim, offsetof(struct sim_machine, cpu));
    for (u32 i = 0; i < SIM_CPUS_MAX; i++) {
        struct sim_cpu *d = &sim.cpu[i];
        const struct sim_cpu *s = &snap.sim.cpu[i];
        const size_t e = offsetof(struct sim_cpu, tlb.e);
        const size_t rest = offsetof(struct sim_cpu, tlb.n);
        memcpy(d, s, e);                                   /* registers */
        memcpy(d->tlb.e, s->tlb.e, s->tlb.n * sizeof s->tlb.e[0]);
        memcpy((char *)d + rest, (const char *)s + rest, sizeof *d - rest);
    }
    memcpy((char *)&sim + offsetof(struct sim_machine, ncpus),
           (const char *)&snap.sim + offsetof(struct sim_machine, ncpus),
           sizeof sim - offsetof(struct sim_machine, ncpus));
}

/* See sim.h. */
void sim_snapshot_restore(void)
{
    u8 *ram = sim.ram;
    bool panic_abort = sim.panic_abort;

    if (!snap.taken || ram != snap.sim.ram) {
        fprintf(stderr, "vmsim: snapshot restore without a snapshot of this RAM\n");
        exit(2);
    }
    restore_machine();
    sim.panic_abort = panic_abort;
    for (u32 i = 0; i < snap.npages; i++)
        memcpy(ram + snap.off[i], snap.data[i], PAGE_SIZE);
}
