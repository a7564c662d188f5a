/*
 * harness.c: AFL++ persistent-mode harness over the host build of the core.
 *
 * Input bytes decode to a sequence of operations on the vm/pmm/kspace API
 * (map, map1, unmap, unmap1, protect, pt map/unmap, address spaces, frame
 * alloc/free, fault injection, heap, physmap). After every operation:
 *   - `check` (vm_check) must hold;
 *   - a failed operation must have changed nothing (pmm stats and check's
 *     counts are compared with the snapshot taken before it);
 *   - a plain reference model (a page -> frame array per address space,
 *     for a 64 MiB window) must agree with vm_translate on the touched
 *     pages, and the simulated MMU+TLB must read what the model says the
 *     frame holds (every frame carries its own address as a tag), so a
 *     missing TLB invalidation aborts as a stale read.
 * Any disagreement calls abort(): AFL++ records a crash.
 *
 * Built with afl-clang-fast it runs persistently (one sim_reset + mm_init
 * per input); built with gcc it replays files given on the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kspace.h"
#include "mm.h"
#include "pmm.h"
#include "sim.h"
#include "vm.h"
#include "vm_check.h"

#define WIN_PAGES  16384u          /* model window: VA [0, 64 MiB) */
#define SPACES     4u              /* model tracks address spaces 1..4 */
#define FRAMES     64u             /* frames the harness allocates */
#define DEVICE_PA  0x10000000u     /* device space for non-RAM mappings */

struct input { const u8 *p; u32 n; };

static struct {
    u32 model[SPACES + 1][WIN_PAGES]; /* pa + 1 of each mapped page, 0 = none */
    paddr_t frames[FRAMES];           /* runs from pmm_alloc, 0 = none */
    u32 frame_pages[FRAMES];
} h;

/* The next `bytes` bytes, little-endian; past the end they read as 0. */
static u32 take(struct input *in, u32 bytes)
{
    u32 v = 0;
    for (u32 i = 0; i < bytes && in->n; i++, in->p++, in->n--)
        v |= (u32)*in->p << (8 * i);
    return v;
}

static void fail(const char *why)
{
    fprintf(stderr, "harness: %s\n", why);
    abort();
}

/* Everything a failed request must leave as it was. */
struct snapshot { struct pmm_stats s; struct vm_check_counts c; };

static void snap(struct snapshot *sn)
{
    const char *what = 0;
    pmm_stats(&sn->s);
    if (vm_check(&sn->c, &what)) {
        fprintf(stderr, "harness: check failed: %s\n", what);
        abort();
    }
}

static void reset(void)
{
    struct arch_boot b;
    sim_reset(64u << 20, 16);
    arch_boot_info(&b);
    if (mm_init(&b))
        fail("mm_init");
    memset(&h, 0, sizeof(h));
}

/* A frame address for a mapping: one of the harness's runs, or device. */
static paddr_t pick_pa(struct input *in, u32 *is_ram)
{
    u32 k = take(in, 1);
    paddr_t f = h.frames[k % FRAMES];
    *is_ram = (k & 0x80) && f;
    return *is_ram ? f : DEVICE_PA + (k << 16);
}

static const u32 sizes[4] = { SZ_4K, SZ_64K, SZ_1M, SZ_16M };

/* Model: records [va, va+len) -> pa (pa = 0: a hole) for address space as. */
static void model_set(u32 as, vaddr_t va, u32 len, paddr_t pa, bool mapped)
{
    for (u32 off = 0; off < len; off += PAGE_SIZE) {
        u32 pg = (va + off) >> PAGE_SHIFT;
        if (as <= SPACES && pg < WIN_PAGES)
            h.model[as][pg] = mapped ? pa + off + 1 : 0;
    }
}

/* The touched pages agree with the model, through software and the TLB. */
static void model_verify(vaddr_t va, u32 len)
{
    u32 as = vm_as_current();
    if (as > SPACES)
        return;
    for (u32 off = 0; off < len && off < (256u << 12); off += PAGE_SIZE) {
        u32 pg = (va + off) >> PAGE_SHIFT;
        struct pt_entry e;
        if (pg >= WIN_PAGES)
            return;
        int rc = vm_translate(va + off, &e);
        u32 want = h.model[as][pg];
        if ((rc == 0) != (want != 0))
            fail("translate disagrees with the model (mapped?)");
        if (!want || (e.attrs & ATTR_INTERRUPT))
            continue;
        if (e.pa + (va + off - e.va) != want - 1)
            fail("translate disagrees with the model (pa)");
        paddr_t pa = want - 1;
        if (!pmm_in_ram(pa))
            continue;
        u32 val;
        struct arch_fault f;
        if (arch_load32(va + off, false, &val, &f))
            fail("load of a mapped page faulted");
        if (val != *(u32 *)arch_phys_to_ptr(pa))
            fail("stale TLB: load disagrees with the frame");
    }
}

/* Tags each page of a new run with its own address, so aliases differ. */
static void tag_frames(paddr_t pa, u32 pages)
{
    for (u32 i = 0; i < pages; i++)
        *(u32 *)arch_phys_to_ptr(pa + i * PAGE_SIZE) = pa + i * PAGE_SIZE;
}

/* Attributes the harness may ask for: all but growth (which needs an
 * access to trigger) and with RAM left as it is, so the frame tags stay. */
static u32 pick_attrs(struct input *in)
{
    u32 a = take(in, 2) & ATTR_ALL & ~(ATTR_GROW_UP | ATTR_GROW_DOWN);
    return a | ATTR_READ | ATTR_UNINIT;
}

static vaddr_t pick_va(struct input *in)
{
    return (take(in, 2) % WIN_PAGES) << PAGE_SHIFT;
}

/* One operation; returns its result and the range it touched. */
static int step(struct input *in, vaddr_t *va, u32 *len)
{
    u32 op = take(in, 1) % 14, ram, n, as = vm_as_current();
    paddr_t pa;
    struct pt_entry e;
    *va = pick_va(in);
    *len = PAGE_SIZE;
    switch (op) {
    case 0: case 1: {                                /* map */
        u32 attrs = pick_attrs(in);
        pa = pick_pa(in, &ram);
        *len = (take(in, 1) % 64 + 1) << PAGE_SHIFT;
        int rc = vm_map(*va, pa, *len, attrs, &n);
        if (!rc) model_set(as, *va, *len, (attrs & ATTR_INTERRUPT) ? 0 : pa, true);
        return rc;
    }
    case 2: {                                        /* map1 */
        u32 attrs = pick_attrs(in), size = sizes[take(in, 1) % 4];
        pa = pick_pa(in, &ram);
        *va = ALIGN_DOWN(*va, size);
        *len = size;
        int rc = vm_map1(*va, pa, size, attrs);
        if (!rc) model_set(as, *va, size, (attrs & ATTR_INTERRUPT) ? 0 : pa, true);
        return rc;
    }
    case 3: case 4: {                                /* unmap */
        *len = (take(in, 2) % 4096 + 1) << PAGE_SHIFT;
        int rc = vm_unmap(*va, *len, &n);
        if (!rc) model_set(as, *va, *len, 0, false);
        return rc;
    }
    case 5: {                                        /* unmap1 */
        int rc = vm_unmap1(*va, &e);
        if (!rc) { *va = e.va; *len = e.size; model_set(as, e.va, e.size, 0, false); }
        return rc;
    }
    case 6:                                          /* protect */
        *len = (take(in, 1) % 32 + 1) << PAGE_SHIFT;
        return vm_protect(*va, *len, pick_attrs(in));
    case 7:                                          /* pt map */
        return vm_pt_map(*va, &pa);
    case 8: {                                        /* pt unmap */
        *va = ALIGN_DOWN(*va, SZ_1M);
        *len = SZ_1M;
        int rc = vm_pt_unmap(*va, &n);
        if (!rc) model_set(as, *va, SZ_1M, 0, false);
        return rc;
    }
    case 9: {                                        /* pmm alloc */
        u32 slot = take(in, 1) % FRAMES, pages = take(in, 1) % 16 + 1;
        if (h.frames[slot])
            return 0;
        int rc = pmm_alloc(pages, PAGE_SIZE << (take(in, 1) % 9), PG_FRAME, &pa);
        if (!rc) { h.frames[slot] = pa; h.frame_pages[slot] = pages; tag_frames(pa, pages); }
        return rc;
    }
    case 10: {                                       /* pmm free */
        u32 slot = take(in, 1) % FRAMES;
        if (!h.frames[slot])
            return E_BAD_ARG;
        int rc = pmm_free(h.frames[slot], h.frame_pages[slot], PG_FRAME);
        if (!rc) h.frames[slot] = 0;
        return rc;
    }
    case 11:                                         /* fail nomem */
        pmm_fail_nomem(take(in, 1) % 8);
        return 0;
    case 12: {                                       /* address spaces */
        u32 id = take(in, 1) % (SPACES + 1), k = take(in, 1) % 3;
        if (k == 0) return vm_as_new(&id);
        if (k == 1) return vm_as_switch(id);
        int rc = vm_as_destroy(id, &n);
        if (!rc && id <= SPACES) memset(h.model[id], 0, sizeof(h.model[id]));
        return rc;
    }
    default: {                                       /* kernel space */
        struct physmap_result r;
        vaddr_t top;
        u32 k = take(in, 1) % 4;
        if (k == 0) return heap_grow(take(in, 2), &top);
        if (k == 1) return heap_shrink(take(in, 2), &top);
        if (k == 2) return physmap_map(pick_pa(in, &ram), take(in, 2) + 1,
                                       ATTR_READ | ATTR_WRITE | ATTR_DEVICE, &r);
        return physmap_unmap(MMIO_TOP - (take(in, 2) << PAGE_SHIFT), &n);
    }
    }
}

/* Runs one input from a fresh machine. */
static void run(const u8 *data, u32 size)
{
    struct input in = { data, size };
    reset();
    for (u32 steps = 0; in.n && steps < 256; steps++) {
        struct snapshot before, after;
        vaddr_t va;
        u32 len;
        snap(&before);
        int rc = step(&in, &va, &len);
        snap(&after);
        if (rc && memcmp(&before, &after, sizeof(before)))
            fail("a failed request changed the machine");
        model_verify(va, len);
    }
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();

int main(void)
{
    sim_panic_abort(1);
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(10000))
        run(buf, (u32)__AFL_FUZZ_TESTCASE_LEN);
    return 0;
}
#else
/* Replay: each argument is an input file (the regression corpus). */
int main(int argc, char **argv)
{
    static u8 buf[1 << 16];
    sim_panic_abort(1);
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); return 2; }
        u32 n = (u32)fread(buf, 1, sizeof(buf), f);
        fclose(f);
        run(buf, n);
    }
    printf("harness: %d inputs replayed, no finding\n", argc - 1);
    return 0;
}
#endif
