/*
 * physmap.c: dynamic physical mappings in the MMIO window (seed 000).
 *
 * A request {phys, size, attrs} yields {virt, page_base}: the pages
 * holding [phys, phys+size) are mapped at page_base, and virt =
 * page_base + (phys & 0xfff). Reuse, growth in place and the second
 * mapping follow PROTOCOL.md `physmap map`.
 */
#include "physmap.h"
#include "kassert.h"
#include "kspace_bounds.h"
#include "pmm.h"

struct physmap {
    bool    live;
    paddr_t phys;        /* as first requested */
    u32     size;        /* bytes from phys the mapping covers */
    vaddr_t page_base;   /* VA of the page holding phys */
    u32     pages;       /* pages mapped from page_base */
    u32     attrs;       /* as requested (read implied) */
    u32     refs;        /* >= 1 while live */
};

/* The records are m[0, used); those past it are free whatever they hold
 * and never read. Invariant (physmap_check): m[used - 1] is live. Every
 * scan stops at used, not at PHYSMAP_MAX: a run has a few mappings, and
 * the fuzz harness asks after them on every physmap request. */
static struct {
    struct physmap m[PHYSMAP_MAX];
    u32 used;
} pm;

static struct pt_root *kroot(void) { return kspace_root(); }

void physmap_init(void)
{
    pm.used = 0;
}

static paddr_t pbase(const struct physmap *m) { return ALIGN_DOWN(m->phys, PAGE_SIZE); }
static vaddr_t vend(const struct physmap *m) { return m->page_base + m->pages * PAGE_SIZE; }

/* The lowest page_base of a live mapping, MMIO_TOP if none: what
 * kspace's mmio_floor must be. */
static vaddr_t lowest_base(void)
{
    vaddr_t floor = MMIO_TOP;
    for (u32 i = 0; i < pm.used; i++)
        if (pm.m[i].live && pm.m[i].page_base < floor)
            floor = pm.m[i].page_base;
    return floor;
}

/* True if no live mapping uses any VA of [lo, hi). */
static bool window_free(vaddr_t lo, vaddr_t hi)
{
    for (u32 i = 0; i < pm.used; i++)
        if (pm.m[i].live && pm.m[i].page_base < hi && lo < vend(&pm.m[i]))
            return false;
    return true;
}

/* Highest free range of `pages` below MMIO_TOP and above the heap top. */
static int window_find(u32 pages, vaddr_t *va)
{
    u32 span = pages * PAGE_SIZE;
    vaddr_t hi = MMIO_TOP;
    while (hi - heap_top() >= span) {
        vaddr_t lo = hi - span, clash = 0;
        for (u32 i = 0; i < pm.used; i++)
            if (pm.m[i].live && pm.m[i].page_base < hi && lo < vend(&pm.m[i]) &&
                pm.m[i].page_base < (clash ? clash : 0xffffffffu))
                clash = pm.m[i].page_base;
        if (!clash) {
            *va = lo;
            return 0;
        }
        hi = clash;     /* try just below the lowest mapping in the way */
    }
    return E_NO_SPACE;
}

/* Maps [pa, pa + pages) at va in the kernel table. */
static int map_pages(vaddr_t va, paddr_t pa, u32 pages, u32 attrs)
{
    u32 entries;
    return pt_map(kroot(), va, pa, pages * PAGE_SIZE,
                  (attrs & ATTR_HW_MASK) | ATTR_PRIVILEGED | ATTR_GLOBAL, &entries);
}

static void fill_result(const struct physmap *m, paddr_t pa, bool is_new,
                        bool grown, struct physmap_result *out)
{
    out->page_base = m->page_base;
    out->virt = m->page_base + (pa - pbase(m));
    out->size = m->size;
    out->refs = m->refs;
    out->is_new = is_new;
    out->grown = grown;
}

/* The request's pages: [*lo, *lo + *pages * 4K) holding [pa, pa+len). */
static int request_pages(paddr_t pa, u32 len, u32 attrs, paddr_t *lo, u32 *pages)
{
    if (len == 0 || (attrs & ~ATTR_HW_MASK))
        return E_BAD_ARG;
    if (pt_attrs_valid(attrs))
        return E_BAD_ARG;
    if (len - 1 > 0xffffffffu - pa)
        return E_RANGE;
    *lo = ALIGN_DOWN(pa, PAGE_SIZE);
    u64 end = ALIGN_UP((u64)pa + len, PAGE_SIZE);
    if (end - *lo > 0xffffffffull)
        return E_RANGE;      /* all of physical space: the kernel's RAM too */
    *pages = (u32)((end - *lo) >> PAGE_SHIFT);
    return pmm_mappable(*lo, *pages * PAGE_SIZE) ? 0 : E_RANGE;
}

/* Another live mapping of some of these pages with other attributes. */
static bool conflicts(paddr_t lo, u32 pages, u32 attrs)
{
    u64 hi = (u64)lo + (u64)pages * PAGE_SIZE;
    for (u32 i = 0; i < pm.used; i++) {
        const struct physmap *m = &pm.m[i];
        u64 mhi = (u64)pbase(m) + (u64)m->pages * PAGE_SIZE;
        if (m->live && m->attrs != attrs && pbase(m) < hi && lo < mhi)
            return true;
    }
    return false;
}

/* Reuses or grows a mapping whose pages hold the request's start.
 * 1 if it did (out filled), 0 if none could, or an error. */
static int try_reuse(paddr_t pa, u32 len, u32 attrs, paddr_t lo, u32 pages,
                     struct physmap_result *out)
{
    for (u32 i = 0; i < pm.used; i++) {
        struct physmap *m = &pm.m[i];
        u64 mhi = (u64)pbase(m) + (u64)m->pages * PAGE_SIZE;
        u64 want = (u64)lo + (u64)pages * PAGE_SIZE;
        if (!m->live || m->attrs != attrs || lo < pbase(m) || lo >= mhi)
            continue;
        if (want <= mhi) {
            m->refs++;
            fill_result(m, pa, false, false, out);
            return 1;
        }
        u32 extra = (u32)((want - mhi) >> PAGE_SHIFT);
        vaddr_t top = vend(m);
        if (extra > (MMIO_TOP - top) / PAGE_SIZE ||
            !window_free(top, top + extra * PAGE_SIZE))
            continue;   /* no room above: a second mapping it is */
        int rc = map_pages(top, (paddr_t)mhi, extra, attrs);
        if (rc)
            return rc;
        m->pages += extra;
        m->size = (u32)((u64)pa + len - m->phys);
        m->refs++;
        fill_result(m, pa, false, true, out);
        return 1;
    }
    return 0;
}

int physmap_map(paddr_t pa, u32 len, u32 attrs, struct physmap_result *out)
{
    paddr_t lo;
    u32 pages;
    int rc = request_pages(pa, len, attrs, &lo, &pages);
    if (rc)
        return rc;
    if (conflicts(lo, pages, attrs))
        return E_FLAGS_CONFLICT;
    rc = try_reuse(pa, len, attrs, lo, pages, out);
    if (rc)
        return rc < 0 ? rc : 0;
    u32 slot = 0;
    while (slot < pm.used && pm.m[slot].live)
        slot++;
    if (slot == PHYSMAP_MAX)
        return E_NO_SPACE;
    vaddr_t va;
    rc = window_find(pages, &va);
    if (!rc) rc = map_pages(va, lo, pages, attrs);
    if (rc)
        return rc;
    pm.used += slot == pm.used;
    pm.m[slot] = (struct physmap){ true, pa, len, va, pages, attrs, 1 };
    kspace_set_mmio_floor(lowest_base());
    fill_result(&pm.m[slot], pa, true, false, out);
    return 0;
}

static struct physmap *holding(vaddr_t va)
{
    for (u32 i = 0; i < pm.used; i++)
        if (pm.m[i].live && pm.m[i].page_base <= va && va < vend(&pm.m[i]))
            return &pm.m[i];
    return 0;
}

int physmap_unmap(vaddr_t virt, u32 *refs)
{
    struct physmap *m = holding(virt);
    if (!m)
        return E_NOT_MAPPED;
    if (--m->refs == 0) {
        u32 unmapped;
        KASSERT(pt_unmap(kroot(), m->page_base, m->pages * PAGE_SIZE,
                           &unmapped) == 0);
        m->live = false;
        kspace_set_mmio_floor(lowest_base());
        while (pm.used && !pm.m[pm.used - 1].live)
            pm.used--;
    }
    *refs = m->refs;
    return 0;
}

bool physmap_get(u32 n, struct physmap_info *out)
{
    for (u32 i = 0; i < pm.used; i++) {
        const struct physmap *m = &pm.m[i];
        if (!m->live || n--)
            continue;
        *out = (struct physmap_info){ m->phys, m->size,
            m->page_base + (m->phys & (PAGE_SIZE - 1)), m->page_base,
            m->attrs, m->refs };
        return true;
    }
    return false;
}

bool physmap_covers(vaddr_t va, u32 len)
{
    const struct physmap *m = holding(va);
    return m && len <= vend(m) - va;
}

/* Each mapping's pages are mapped where it says, spans are apart, and
 * the last record scanned is live. */
int physmap_check(const char **what)
{
    if (physmap_floor() != lowest_base() ||
        (pm.used && !pm.m[pm.used - 1].live)) {
        *what = "physmap_record";
        return E_CORRUPT;
    }
    for (u32 i = 0; i < pm.used; i++) {
        const struct physmap *m = &pm.m[i];
        if (!m->live)
            continue;
        if (m->refs == 0 || m->pages == 0 || m->page_base < heap_top() ||
            vend(m) > MMIO_TOP || holding(m->page_base) != m ||
            holding(vend(m) - PAGE_SIZE) != m) {
            *what = "physmap_record";
            return E_CORRUPT;
        }
        for (u32 p = 0; p < m->pages; p++) {
            struct pt_entry e;
            vaddr_t va = m->page_base + p * PAGE_SIZE;
            if (pt_walk(kroot(), va, &e) ||
                e.pa + (va - e.va) != pbase(m) + p * PAGE_SIZE) {
                *what = "physmap_page";
                return E_CORRUPT;
            }
        }
    }
    return 0;
}
