/*
 * vm_check.h: `check`, every invariant of the memory-management core in
 * one pass (vm_check.c): pmm, software attributes, every root's tables,
 * ASIDs, table pages, the kernel's heap/MMIO gigabyte, and the MMU's own
 * translation against the software walk.
 */
#ifndef VMK_VM_CHECK_H
#define VMK_VM_CHECK_H

#include "types.h"
#include "pagetable.h"

struct vm_check_counts { u32 tables, mappings, pages; };

/* Everything PROTOCOL.md's `check` lists. 0 or E_CORRUPT with *what naming
 * the first broken rule; *c = L2 tables + user L1s, mapped pages, pages in
 * use. Reads only: allocates nothing, flushes nothing (the MMU walks it
 * asks for may fill the TLB). */
int vm_check(struct vm_check_counts *c, const char **what);

/* The table pages pmm holds (pmm.c): *l1_pages PG_TABLE pages of L1s,
 * *quarters live L2 quarters of all of them; E_CORRUPT ("table_page_unused")
 * if a PG_TABLE page is neither an L1 nor holds a live quarter. Runs after
 * pmm_check passed: the kernel's pages and the pages the bitmap says are
 * free hold no table. */
int pmm_check_tables(u32 *l1_pages, u32 *quarters, const char **what);

#endif
