/*
 * vm.h: address spaces and the mapping API the commands (and the seed
 * APIs) use.
 *
 * Address space 0 is the kernel's half (TTBR1: the direct map, heap, MMIO
 * window, vectors). User address spaces have ids 1..VM_AS_MAX-1, each an
 * 8 KiB L1 for TTBR0 and an ASID handed out lazily when it is switched to.
 * Exactly one user address space is current; map/unmap/protect/pt/peek…
 * act on it below USER_TOP. Requests that touch the kernel's half where
 * they may not answer E_RANGE.
 *
 * vm checks what only it knows (the user range, software attributes,
 * `lock`, which frames a mapping may point at), then lets pagetable check
 * and write the descriptors, and commits the software attributes last.
 * Every call either succeeds or returns an error having changed nothing
 * (tables, allocator, ASIDs, software attributes, TLB).
 *
 * Per call below: its errors, in the order they are checked, and what it
 * allocates (pages from pmm: L1/L2 tables, frames) and flushes (TLB).
 * "Range errors" of a user range [va, va+len) are, in this order:
 *   E_RANGE    va >= USER_TOP, or the range leaves the user half
 *   E_BAD_ARG  len 0
 *   E_ALIGN    va or len not 4K aligned
 */
#ifndef VMK_VM_H
#define VMK_VM_H

#include "arch.h"
#include "pagetable.h"

#define VM_AS_MAX 1024u

/* Resets vm: no user address space, none current. kernel is the kernel's
 * root (TTBR1, built by pt_kernel_init), which the caller owns and keeps;
 * vm only reads it (vm_root(0), translations of the kernel's half).
 * Allocates nothing, flushes nothing; cannot fail. */
void vm_init(const struct pt_root *kernel);

/* ---- address spaces ---- */

/* A new user address space; *id = its id (the lowest free one). Allocates
 * its 8 KiB L1 (2 PG_TABLE pages, zeroed) and enters every global user
 * page of the current space in it (vm_global.h: L2 tables as they need, a
 * frame reference each, their software attributes). No ASID yet (one is
 * acquired at the first vm_as_switch). Flushes nothing.
 *   E_NO_MEMORY  all VM_AS_MAX - 1 ids live, no 2 pages for the L1, or no
 *                table or software range for a global page (the space is
 *                gone again: nothing changed) */
int  vm_as_new(u32 *id);

/* Makes id the calling CPU's current space: acquires a live ASID for it
 * if it has none (which may roll the generation over: asid.h) and points
 * this CPU's TTBR0 at its L1 with that ASID; a flush a rollover left
 * pending on this CPU is done first (local TLBIALL). Allocates nothing.
 *   E_BAD_AS  id is not a live user address space */
int  vm_as_switch(u32 id);

/* Destroys address space id: unmaps everything, its copies of the global
 * pages too, which stay in the others (frame references dropped, grown
 * frames freed at their last), frees its L2 tables and L1, gives its ASID back,
 * forgets its software attributes. Flushes what it may have cached (by VA
 * or ASID, per pagetable.h) before the ASID can be reused. *freed = pages
 * returned to pmm (L1, L2 table pages, grown frames).
 *   E_BAD_AS  id is not a live user address space (0 included)
 *   E_BUSY    id is the current address space of some CPU */
int  vm_as_destroy(u32 id, u32 *freed);

/* The calling CPU's current user address space (>= 1 once mm_init has
 * run). */
u32  vm_as_current(void);

/* CPU cpu's current address space (0 if no such CPU). */
u32  vm_as_current_on(u32 cpu);
/* True if id is current on some CPU. */
bool vm_as_busy(u32 id);
/* Boot: CPUs 1..cpus-1 switch to id too (arch_cpu_call), so that every
 * CPU starts with the same current address space. E_BAD_ARG if id is not
 * a user space or cpus is outside 1..ARCH_CPUS_MAX. */
int  vm_cpus_start(u32 id, u32 cpus);
/* CPUs running (1 until vm_cpus_start). */
u32  vm_cpus(void);
/* No two CPUs run different address spaces under one ASID, and each runs
 * the ASID its address space holds. 0 or E_CORRUPT with *what. */
int  vm_check_cpus(const char **what);

/* Next live user address space id after `after` (0 to start), 0 at end. */
u32  vm_as_next(u32 after);

/* What `as info` shows of space id: asid/gen as the space holds them (stale
 * after a rollover until it is switched to again: asid_live tells),
 * mapped = bytes its tables map, tables = pages of its tables (L1 2, plus
 * its L2 tables / 4 rounded up), l1 = the L1's physical address. A global
 * page counts in every space (each maps it, with its own L2 tables).
 * Reads only.
 *   E_BAD_AS  id is not a live user address space */
struct vm_as_info { u32 id, asid, gen, mapped, tables; paddr_t l1; };
int  vm_as_info(u32 id, struct vm_as_info *out);

/* `asid limit n`: ASIDs from 1..n only from now on. If a live ASID lies
 * above n, rolls over (every CPU marked to flush its whole TLB; this one
 * does at once; every space's ASID stale but those other CPUs run) and
 * re-acquires one for the calling CPU's current space, so it stays
 * tagged. Allocates nothing.
 *   E_BAD_ARG  n < 2, n > ASID_MAX (255), or n below the CPU count (a
 *              rollover could then find every ASID running elsewhere) */
int  vm_asid_limit(u32 n);

/* The root of address space id (0 = the kernel's), for walks and checks,
 * its asid brought up to date (0 if stale: it tags nothing); NULL if id is
 * not live. Reads only. */
const struct pt_root *vm_root(u32 id);

/* ---- mappings in the current address space (software attrs included) ----
 * Each acts on the current space; its _in twin below on space id, with
 * E_BAD_AS first if id is not a live user address space. */

/* Maps [va, va+len) to [pa, pa+len) with the largest pages alignment
 * allows (pt_map), attrs any ATTR_* bits: the hardware ones go to the
 * descriptors, uninit/lock/grow_* are kept beside them (swattr). With
 * ATTR_GLOBAL it maps into every user space at once, the same pages in
 * each (vm_global.h), and every check below covers all of them. Zeroes
 * the RAM frames unless uninit (cleaning the cache for nocache/device
 * ones). Counts a mapping reference on each RAM frame. *entries =
 * descriptors written (NULL: not wanted). Allocates L2 tables; flushes
 * nothing (invalid -> valid).
 *   range errors of [va, va+len)
 *   E_BAD_ARG         device with execute or nocache (pt_attrs_valid)
 *   E_ALIGN           pa not 4K aligned (unless interrupt: pa ignored)
 *   E_RANGE           [pa, pa+len) wraps, or holds RAM that is not a
 *                     `pmm alloc`/grown frame (pmm_mappable)
 *   E_NO_MEMORY       no room for the software attributes (only when
 *                     attrs has some)
 *   E_ALREADY_MAPPED  any page of the range is mapped (valid or marker)
 *   E_NO_MEMORY       no L2 table, or a frame's reference count is full */
int vm_map(vaddr_t va, paddr_t pa, u32 len, u32 attrs, u32 *entries);

/* Maps exactly one page of size SZ_4K/64K/1M/16M at va (pt_map1).
 * Allocates an L2 table for a 4K/64K page if needed; flushes nothing.
 *   E_BAD_ARG  size is none of those
 *   E_ALIGN    va (in the user half) or pa (unless interrupt) not aligned
 *              to size
 *   then as vm_map; E_ALREADY_MAPPED also for an L2 table under a 1M or
 *   16M page */
int vm_map1(vaddr_t va, paddr_t pa, u32 size, u32 attrs);

/* Unmaps every page in [va, va+len) (holes are fine; a large page the
 * range covers in part is split and only the covered part goes), and
 * clears the software attributes of the range; its global pages go from
 * every space (splits and tables of all reserved first). Drops frame references
 * (grown frames are freed), frees the L2 tables it empties. Flushes the
 * TLB for every valid entry it removed (by VA, or the ASID when many).
 * *unmapped = bytes that were mapped. May allocate one or two L2 tables
 * for the splits (freed again if they empty).
 *   range errors of [va, va+len)
 *   E_BUSY       a page of the range is locked
 *   E_NO_MEMORY  no room to split the software attributes, or a split
 *                needs an L2 table and none is free */
int vm_unmap(vaddr_t va, u32 len, u32 *unmapped);

/* Unmaps the one page (of any size) holding va, whole, and its software
 * attributes, from every space if it is global; *was = that page (NULL:
 * not wanted). Frees what vm_unmap
 * frees and flushes that page. Allocates nothing.
 *   E_RANGE      va >= USER_TOP
 *   E_NOT_MAPPED nothing is mapped at va
 *   E_BUSY       the page is locked
 *   E_NO_MEMORY  no room to split the software attributes */
int vm_unmap1(vaddr_t va, struct pt_entry *was);

/* Sets the attributes of every page in [va, va+len) to attrs: hardware
 * bits in the descriptors (interrupt pages stay interrupt pages), the
 * software bits beside them; the range's global pages change in every
 * space (without ATTR_GLOBAL they become private in each), and with
 * ATTR_GLOBAL its private pages become global: entered in every space. Large pages the range covers in part are
 * split (up to two L2 tables allocated). Flushes the TLB for every valid
 * page whose descriptor changed (break-before-make).
 *   range errors of [va, va+len)
 *   E_BAD_ARG    device with execute or nocache
 *   E_NO_MEMORY  no room for the software attributes
 *   E_ALREADY_MAPPED  attrs has ATTR_GLOBAL and another user space maps
 *                something where a private page of the range is (made
 *                global, it is entered in every space)
 *   E_NOT_MAPPED a page of the range is not mapped
 *   E_NO_MEMORY  a split needs an L2 table and none is free */
int vm_protect(vaddr_t va, u32 len, u32 attrs);

/* The page holding va, in either half (va >= USER_TOP: the kernel's, for
 * any id); e->attrs includes the software attributes of a user page.
 * Reads only.
 *   E_NOT_MAPPED  nothing mapped at va (interrupt pages are found, pa 0) */
int vm_translate(vaddr_t va, struct pt_entry *e);

/* vm_translate, and where it says E_NOT_MAPPED, *hole_end = the end of
 * the unmapped run from va (pt_hole_end: nothing in [va, *hole_end) is
 * mapped), so that a look at many pages walks once per hole; *hole_end is
 * left alone otherwise. Reads only.
 *   E_NOT_MAPPED  nothing mapped at va */
int vm_translate_hole(vaddr_t va, struct pt_entry *e, u64 *hole_end);

/* Puts an empty L2 table under the 1M region holding va (pt_table_map);
 * *l2 = its physical address. Allocates the table (a quarter of a table
 * page); flushes nothing.
 *   E_RANGE           va >= USER_TOP
 *   E_ALREADY_MAPPED  a section, supersection, marker or table is there
 *   E_NO_MEMORY       no table page to be had */
int vm_pt_map(vaddr_t va, paddr_t *l2);

/* Unmaps every page of the 1M region holding va and frees its L2 table
 * (the region's global pages go from every space); clears the region's
 * software attributes. *unmapped = bytes unmapped.
 * Flushes the pages and the table's walk; allocates nothing.
 *   E_RANGE       va >= USER_TOP
 *   E_BUSY        a page of the region is locked
 *   E_NO_MEMORY   no room to split the software attributes
 *   E_NOT_MAPPED  no L2 table is there */
int vm_pt_unmap(vaddr_t va, u32 *unmapped);

/* The same in any user address space `id`; the seed APIs (seed_api.h)
 * use these. E_BAD_AS if id is not a live user address space; otherwise
 * exactly as above (vm_translate_in answers for the kernel's half whatever
 * id is). */
int vm_map_in(u32 id, vaddr_t va, paddr_t pa, u32 len, u32 attrs, u32 *entries);
int vm_map1_in(u32 id, vaddr_t va, paddr_t pa, u32 size, u32 attrs);
int vm_unmap_in(u32 id, vaddr_t va, u32 len, u32 *unmapped);
int vm_unmap1_in(u32 id, vaddr_t va, struct pt_entry *was);
int vm_protect_in(u32 id, vaddr_t va, u32 len, u32 attrs);
int vm_translate_in(u32 id, vaddr_t va, struct pt_entry *e);
int vm_pt_map_in(u32 id, vaddr_t va, paddr_t *l2);
int vm_pt_unmap_in(u32 id, vaddr_t va, u32 *unmapped);

/* ---- TLB and caches: flushes on request; none allocates ---- */

/* Flushes the whole TLB (every ASID, global entries too). */
void vm_flush_all(void);

/* Flushes the non-global entries of address space id: by its ASID if it
 * holds a live one (a stale ASID tags nothing: no flush).
 *   E_BAD_AS  id is not a live user address space */
int  vm_flush_as(u32 id);

/* Flushes the page holding va: a user page by VA and the current ASID, a
 * kernel page by VA in every ASID (its entries are global). */
void vm_flush_page(vaddr_t va);

/* ---- growth ---- */
/* The kernel's answer to a translation fault at user address va: if the
 * page below it is mapped grow_up, or else the page above grow_down (and
 * not an interrupt page), maps the page holding va in the current address
 * space to a fresh zeroed PG_GROWN frame with that neighbour's hardware
 * and software attributes; *frame = the frame. Allocates a frame and maybe
 * an L2 table. E_RANGE (va not in the user half), E_NOT_MAPPED (no
 * neighbour asks for growth), E_ALREADY_MAPPED (the page is mapped),
 * E_NO_MEMORY (frame, table or software-attribute range); nothing changed
 * on error. The new mapping holds the frame's only reference: unmapping
 * it frees the frame. A global neighbour grows in every user space (the
 * page must be free in all; one reference each, the frame goes back with
 * the last). */
int vm_grow(vaddr_t va, paddr_t *frame);

#endif
