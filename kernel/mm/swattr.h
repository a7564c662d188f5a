/*
 * swattr.h: the software-only attributes of user mappings (uninit, lock,
 * grow_up, grow_down), which no descriptor bit can hold.
 *
 * They live as ranges [lo, hi) per address space in one fixed pool.
 * Invariants (checked by swattr_check and by vm's check):
 *   ranges of one address space never overlap;
 *   adjacent ranges of one address space have different attributes;
 *   every range has non-zero attributes and lies on mapped pages.
 * Changing attributes may need up to two new ranges (a split at each end),
 * so callers reserve first (swattr_can_set) and then write, never failing
 * half way.
 *
 * Nothing here allocates pages or touches the TLB: the pool is fixed
 * (SWATTR_MAX ranges, shared by all address spaces). No call fails except
 * the check.
 */
#ifndef VMK_SWATTR_H
#define VMK_SWATTR_H

#include "types.h"

#define SWATTR_MAX 1024u

/* Forgets every range of every address space. */
void swattr_init(void);

/* Software attributes of the page holding va in address space as (0 if
 * none). */
u32 swattr_get(u32 as, vaddr_t va);

/* swattr_get(as, va), and *end: the first address above va where the
 * answer may change (the end of va's range or the start of the next one
 * of as; 2^32 if none), so that a walk over pages asks once per range. */
u32 swattr_get_span(u32 as, vaddr_t va, u64 *end);

/* True if some page of [lo, hi) in as has one of the attributes in mask. */
bool swattr_any(u32 as, vaddr_t lo, vaddr_t hi, u32 mask);

/* True if one swattr_set, of any range, cannot run out of ranges: two
 * slots are free (a change may split a range at each end). */
bool swattr_can_set(void);
/* The same for n swattr_set calls in a row (one per address space). */
bool swattr_can_set_n(u32 n);

/* Sets the software attributes of [lo, hi) in as to attrs & ATTR_SW_MASK
 * (0 clears). Call swattr_can_set first; it cannot fail then. */
void swattr_set(u32 as, vaddr_t lo, vaddr_t hi, u32 attrs);

/* Forgets every range of as. */
void swattr_drop(u32 as);

/* Calls fn for each range of as (pool order, not address order); stops at
 * a non-zero return and returns it, else 0. */
typedef int (*swattr_visit_fn)(vaddr_t lo, vaddr_t hi, u32 attrs, void *ctx);
int swattr_for_each(u32 as, swattr_visit_fn fn, void *ctx);

/* Pool invariants. 0, or E_CORRUPT with *what = "swattr_range" (empty,
 * unaligned or with non-software bits), "swattr_overlap" (two ranges of
 * one space overlap) or "swattr_count" (the used count is wrong). */
int swattr_check(const char **what);

#endif
