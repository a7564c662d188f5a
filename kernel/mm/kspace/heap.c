/*
 * heap.c: the kernel heap from 0xc0000000 up, and kmalloc/kfree on it.
 *
 * Heap memory is reached by the kernel through its own mapping on ARM,
 * but vmsim has no such pointer, so kmalloc keeps its block list here
 * rather than in headers inside the heap: the same C works on both.
 */
#include "heap.h"
#include "kassert.h"
#include "kspace_bounds.h"
#include "pmm.h"

#define HEAP_ATTRS (ATTR_READ | ATTR_WRITE | ATTR_PRIVILEGED | ATTR_GLOBAL)

struct kblock {
    vaddr_t start;
    u32     size;
    bool    used;
};

static struct {
    /* Invariant: blk[0..n) are sorted, contiguous, and cover exactly
     * [HEAP_BASE, heap_top()); no two free blocks are neighbours. */
    struct kblock blk[KMALLOC_MAX];
    u32 n;
} heap;

static struct pt_root *kroot(void) { return kspace_root(); }

void heap_init(void)
{
    heap.n = 0;
}

/* Unmaps heap pages [from, to) and gives their frames back. */
static void heap_release(vaddr_t from, vaddr_t to)
{
    u32 unmapped;
    for (vaddr_t va = from; va < to; va += PAGE_SIZE) {
        struct pt_entry e;
        KASSERT(pt_walk(kroot(), va, &e) == 0);
        KASSERT(pt_unmap(kroot(), va, PAGE_SIZE, &unmapped) == 0);
        KASSERT(pmm_free(e.pa, 1, PG_HEAP) == 0);
    }
}

/* Maps fresh pages over [from, to); on failure releases what it mapped.
 * A growth by more pages than are free fails before it maps any: mapping
 * thousands only to give them back would end the same way. */
static int heap_back(vaddr_t from, vaddr_t to)
{
    struct pmm_stats s;

    pmm_stats(&s);
    if ((to - from) / PAGE_SIZE > s.free)
        return E_NO_MEMORY;
    for (vaddr_t va = from; va < to; va += PAGE_SIZE) {
        paddr_t pa;
        int rc = pmm_alloc(1, PAGE_SIZE, PG_HEAP, &pa);
        if (!rc && (rc = pt_map1(kroot(), va, pa, PAGE_SIZE, HEAP_ATTRS)))
            KASSERT(pmm_free(pa, 1, PG_HEAP) == 0);
        if (rc) {
            heap_release(from, va);
            return rc;
        }
    }
    return 0;
}

/* Pages to move by for a request of bytes, or 0 if it cannot be one. */
static u32 page_span(u32 bytes)
{
    return bytes > 0xffffffffu - (PAGE_SIZE - 1) ? 0 : ALIGN_UP(bytes, PAGE_SIZE);
}

int heap_grow(u32 bytes, vaddr_t *top)
{
    u32 span = page_span(bytes);
    vaddr_t old = heap_top();
    if (bytes && !span)
        return E_NO_SPACE;
    if (span > physmap_floor() - old)
        return E_NO_SPACE;
    bool tail_free = heap.n && !heap.blk[heap.n - 1].used;
    if (span && !tail_free && heap.n == KMALLOC_MAX)
        return E_NO_MEMORY;
    int rc = heap_back(old, old + span);
    if (rc)
        return rc;
    if (span && tail_free)
        heap.blk[heap.n - 1].size += span;
    else if (span)
        heap.blk[heap.n++] = (struct kblock){ old, span, false };
    kspace_set_heap_top(old + span);
    *top = old + span;
    return 0;
}

int heap_shrink(u32 bytes, vaddr_t *top)
{
    u32 span = page_span(bytes);
    vaddr_t old = heap_top();
    if ((bytes && !span) || span > old - HEAP_BASE)
        return E_RANGE;
    if (span) {
        struct kblock *t = heap.n ? &heap.blk[heap.n - 1] : 0;
        if (!t || t->used || t->size < span)
            return E_BUSY;              /* a live block is in the way */
        heap_release(old - span, old);
        t->size -= span;
        heap.n -= t->size == 0;
        kspace_set_heap_top(old - span);
    }
    *top = heap_top();
    return 0;
}

/* Inserts a block at index i, shifting the rest up. */
static void blk_insert(u32 i, struct kblock b)
{
    for (u32 k = heap.n; k > i; k--)
        heap.blk[k] = heap.blk[k - 1];
    heap.blk[i] = b;
    heap.n++;
}

static void blk_remove(u32 i)
{
    for (u32 k = i; k + 1 < heap.n; k++)
        heap.blk[k] = heap.blk[k + 1];
    heap.n--;
}

/* Takes need bytes from the start of free block i. */
static vaddr_t blk_take(u32 i, u32 need)
{
    struct kblock *b = &heap.blk[i];
    if (b->size > need)
        blk_insert(i + 1, (struct kblock){ b->start + need, b->size - need, false });
    b = &heap.blk[i];
    b->size = need;
    b->used = true;
    return b->start;
}

int kmalloc(u32 bytes, vaddr_t *ptr)
{
    if (bytes == 0 || bytes > 0xffffffffu - KMALLOC_ALIGN)
        return E_BAD_ARG;
    u32 need = ALIGN_UP(bytes, KMALLOC_ALIGN);
    if (heap.n + 2 > KMALLOC_MAX)
        return E_NO_MEMORY;          /* a split and a growth need a slot each */
    for (u32 i = 0; i < heap.n; i++)
        if (!heap.blk[i].used && heap.blk[i].size >= need) {
            *ptr = blk_take(i, need);
            return 0;
        }
    bool tail_free = heap.n && !heap.blk[heap.n - 1].used;
    u32 have = tail_free ? heap.blk[heap.n - 1].size : 0;
    vaddr_t top;
    int rc = heap_grow(need - have, &top);
    if (rc)
        return rc;
    *ptr = blk_take(heap.n - 1, need);
    return 0;
}

int kfree(vaddr_t ptr)
{
    u32 i = 0;
    while (i < heap.n && heap.blk[i].start != ptr)
        i++;
    if (i == heap.n || !heap.blk[i].used)
        return E_BAD_ARG;
    heap.blk[i].used = false;
    if (i + 1 < heap.n && !heap.blk[i + 1].used) {
        heap.blk[i].size += heap.blk[i + 1].size;
        blk_remove(i + 1);
    }
    if (i > 0 && !heap.blk[i - 1].used) {
        heap.blk[i - 1].size += heap.blk[i].size;
        blk_remove(i);
    }
    return 0;
}

/* Blocks tile [HEAP_BASE, top) and every heap page is mapped to a
 * PG_HEAP frame with the heap's attributes. */
int heap_check(const char **what)
{
    vaddr_t at = HEAP_BASE;
    for (u32 i = 0; i < heap.n; i++) {
        const struct kblock *b = &heap.blk[i];
        bool merge_missed = i && !b->used && !heap.blk[i - 1].used;
        if (b->start != at || b->size == 0 || merge_missed) {
            *what = "kmalloc_blocks";
            return E_CORRUPT;
        }
        at += b->size;
    }
    vaddr_t top = heap_top();
    if (at != top || top > physmap_floor()) {
        *what = "heap_top";
        return E_CORRUPT;
    }
    for (vaddr_t va = HEAP_BASE; va < top; va += PAGE_SIZE) {
        struct pt_entry e;
        if (pt_walk(kroot(), va, &e) || e.size != PAGE_SIZE ||
            e.attrs != HEAP_ATTRS || pmm_page(e.pa)->use != PG_HEAP) {
            *what = "heap_page";
            return E_CORRUPT;
        }
    }
    return 0;
}
