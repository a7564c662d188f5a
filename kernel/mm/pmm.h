/*
 * pmm.h: the physical page allocator.
 *
 * It owns every 4 KiB page of RAM and knows what each one is for. Pages
 * below arch_boot.kernel_end, and the allocator's own metadata (placed just
 * after kernel_end by pmm_init), are PG_KERNEL for life.
 *
 * Invariants (checked by pmm_check):
 *   free + kernel + table + heap + frame (+ grown) == total
 *   a page is in exactly one use; a PG_FREE page has mapcount 0
 *   PG_TABLE pages: l2_used says which 1 KiB quarters hold L2 tables;
 *   a table page that is an L1 (l2_used == 0, is_l1) holds no L2 tables.
 *
 * Nothing here touches the TLB or the tables; "allocates" below means
 * pages of RAM handed out by this allocator.
 */
#ifndef VMK_PMM_H
#define VMK_PMM_H

#include "types.h"

enum page_use {
    PG_FREE = 0,
    PG_KERNEL,   /* image, boot structures, this allocator's metadata */
    PG_TABLE,    /* L1 or L2 translation tables */
    PG_HEAP,     /* kernel heap backing */
    PG_FRAME,    /* handed out by `pmm alloc`; freed only by `pmm free` */
    PG_GROWN,    /* allocated by grow_up/grow_down; freed at unmap */
};

/* Per-page metadata, one per 4 KiB page of RAM. */
struct page_info {
    u8  use;          /* enum page_use */
    u8  l2_used;      /* PG_TABLE: bit i set = quarter i is a live L2 table */
    u8  is_l1;        /* PG_TABLE: page is part of an L1 table */
    u8  run_head;     /* PG_FRAME: first page of a `pmm alloc` run */
    u16 mapcount;     /* PG_FRAME/PG_GROWN: leaf mappings of this page */
    u16 l2_count[4];  /* PG_TABLE: non-zero descriptors in each quarter */
    u32 link;         /* list link for pagetable's partial-table list
                         (page index + 1; 0 = end) */
    union {
        u32 run_len;    /* PG_FRAME run head: pages in the run */
        u32 link_prev;  /* PG_TABLE on pagetable's partial-table list: the
                           previous page (page index + 1; 0 = list head) */
    };
};

struct pmm_stats {
    u32 total, free, table, heap, frame, kernel;  /* pages; frame counts
                                                     PG_FRAME + PG_GROWN */
};

/* Sets up the allocator over [ram_base, ram_base+ram_size); pages below
 * kernel_end are PG_KERNEL, and so are the pages it takes right after
 * kernel_end for its page_info array. Forgets all earlier state (fuzz
 * iterations call it again). Returns the first page it left free. */
paddr_t pmm_init(paddr_t ram_base, u32 ram_size, paddr_t kernel_end);

/* Allocates count contiguous pages aligned to align bytes (a power of two,
 * >= 4K), all marked use. Contents are NOT zeroed. Counts against `fail
 * nomem`: a run of count pages consumes count allocations; if the injected
 * failure falls inside the run, the whole run fails (and the injection is
 * spent); a run that fails for want of pages counts nothing. Lowest
 * address first fit. Returns 0 or E_NO_MEMORY (*pa untouched); E_BAD_ARG
 * for count 0, a bad align or use PG_FREE. */
int pmm_alloc(u32 count, u32 align, enum page_use use, paddr_t *pa);

/* Returns count pages at pa, which must all have the given use (PG_FRAME:
 * exactly a run from `pmm alloc`, or a part of one starting anywhere in it,
 * with no page still mapped). E_BAD_ARG for a double or foreign free or a
 * page outside RAM; E_BUSY if a PG_FRAME page is still mapped. Changes
 * nothing on error. */
int pmm_free(paddr_t pa, u32 count, enum page_use use);

/* `fail nomem n`: the n-th page allocation from now fails once; 0 cancels.
 * Returns the pending count (0 when none). */
u32  pmm_fail_nomem(u32 n);
u32  pmm_fail_pending(void);

/* Pages by use, now. Reads only. */
void pmm_stats(struct pmm_stats *s);

/* The RAM pmm_init was given: [*base, *base + *size). */
void pmm_ram(paddr_t *base, u32 *size);
/* True if pa lies in RAM. */
bool pmm_in_ram(paddr_t pa);
/* Metadata of the page holding pa, or NULL outside RAM. */
struct page_info *pmm_page(paddr_t pa);
/* True if every page of [pa, pa+len) is outside RAM, or is PG_FRAME /
 * PG_GROWN (what `map` may point at). len > 0, no wrap (caller checks). */
bool pmm_mappable(paddr_t pa, u32 len);

/* Mapping references of RAM frames: +1 / -1 on each 4 KiB page of
 * [pa, pa+len) that is PG_FRAME or PG_GROWN (others ignored: device space,
 * and the kernel's own pages that kernel tables map). get fails with
 * E_NO_MEMORY, changing nothing, if a count would overflow. put of a
 * PG_GROWN page that reaches 0 frees the page. Both are no-ops outside RAM. */
int  pmm_frames_get(paddr_t pa, u32 len);
void pmm_frames_put(paddr_t pa, u32 len);

/* Verifies the invariants above. 0 or E_CORRUPT with *what set. */
int pmm_check(const char **what);

#endif
