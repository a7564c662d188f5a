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
 * Every call either succeeds or returns an error having changed nothing
 * (tables, allocator, ASIDs, software attributes, TLB).
 */
#ifndef VMK_VM_H
#define VMK_VM_H

#include "arch.h"
#include "pagetable.h"

#define VM_AS_MAX 1024u

/* Resets vm: no user address space, none current. kernel is the kernel's
 * root (TTBR1, built by pt_kernel_init), which the caller owns and keeps;
 * vm only reads it (vm_root(0), translations of the kernel's half). */
void vm_init(const struct pt_root *kernel);

/* ---- address spaces ---- */
int  vm_as_new(u32 *id);
/* Makes id current, acquiring a live ASID for it (lazily, here). */
int  vm_as_switch(u32 id);
/* E_BAD_AS if no such user space, E_BUSY if current. *freed = pages
 * returned (L1, L2 table pages, grown frames). */
int  vm_as_destroy(u32 id, u32 *freed);
/* The calling CPU's current address space. */
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
struct vm_as_info { u32 id, asid, gen, mapped, tables; paddr_t l1; };
int  vm_as_info(u32 id, struct vm_as_info *out);
/* `asid limit n`: narrows the ASIDs, keeping the running space tagged.
 * E_BAD_ARG below 2 or below the CPU count. */
int  vm_asid_limit(u32 n);
/* The root of address space id (0 = kernel), for walks; NULL if none. */
const struct pt_root *vm_root(u32 id);

/* ---- mappings in the current address space (software attrs included) ---- */
int vm_map(vaddr_t va, paddr_t pa, u32 len, u32 attrs, u32 *entries);
int vm_map1(vaddr_t va, paddr_t pa, u32 size, u32 attrs);
int vm_unmap(vaddr_t va, u32 len, u32 *unmapped);
int vm_unmap1(vaddr_t va, struct pt_entry *was);
int vm_protect(vaddr_t va, u32 len, u32 attrs);
/* Either half; e->attrs includes the software attributes. */
int vm_translate(vaddr_t va, struct pt_entry *e);
int vm_pt_map(vaddr_t va, paddr_t *l2);
int vm_pt_unmap(vaddr_t va, u32 *unmapped);

/* The same in any user address space `id` (E_BAD_AS if none); the seed
 * APIs (seed_api.h) use these. */
int vm_map_in(u32 id, vaddr_t va, paddr_t pa, u32 len, u32 attrs, u32 *entries);
int vm_map1_in(u32 id, vaddr_t va, paddr_t pa, u32 size, u32 attrs);
int vm_unmap_in(u32 id, vaddr_t va, u32 len, u32 *unmapped);
int vm_unmap1_in(u32 id, vaddr_t va, struct pt_entry *was);
int vm_protect_in(u32 id, vaddr_t va, u32 len, u32 attrs);
int vm_translate_in(u32 id, vaddr_t va, struct pt_entry *e);
int vm_pt_map_in(u32 id, vaddr_t va, paddr_t *l2);
int vm_pt_unmap_in(u32 id, vaddr_t va, u32 *unmapped);

/* ---- TLB and caches ---- */
void vm_flush_all(void);
/* Flushes the non-global entries of address space id (E_BAD_AS). */
int  vm_flush_as(u32 id);
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
 * it frees the frame. */
int vm_grow(vaddr_t va, paddr_t *frame);

#endif
