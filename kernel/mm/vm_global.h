/*
 * vm_global.h: global user mappings, shared by every user address space
 * (PROTOCOL 1.1, the `global` row). vm.c calls these; they work on the
 * roots vm hands them and never call back into vm.
 *
 * The rule they keep (vg_check verifies it): a global user page is entered
 * in the tables of every live user address space, at the same VA, with the
 * same frame, size, attributes and software attributes. So no VA is global
 * in one space and private (or absent) in another, which on ARMv7 would be
 * a TLB conflict (a global entry and a non-global one matching one lookup).
 * It follows that the global pages of any one space are those of all, and
 * that what a request sees in its own space tells it what to do in the
 * others.
 *
 * What `as list` reports stays per space: mapped= counts the bytes that
 * space's tables map (a global page counts in every space, as each maps
 * it), tables= the L1 and L2 table pages' worth that space holds (every
 * space has its own L2 tables for its copy of a global page). A global
 * frame carries one mapping reference per space, so `pmm free` of it is
 * BUSY until the last space has unmapped (or been destroyed).
 */
#ifndef VMK_VM_GLOBAL_H
#define VMK_VM_GLOBAL_H

#include "pagetable.h"
#include "vm.h"

/* A set of user address spaces: ids and their roots (TLB tags current). */
struct vg_set {
    u32 n;
    u32 id[VM_AS_MAX];
    struct pt_root *root[VM_AS_MAX];
};

/* Maps [va, va + len) global (attrs has ATTR_GLOBAL; size: map1's page
 * size, or 0 for map's choice) into every space of `all`, each getting the
 * same pages, and sets the software attributes in each. Checked first in
 * all of them (E_ALREADY_MAPPED if anything is in the way in any), then
 * written in all, or in none. *entries: descriptors in one space. */
int vg_map(const struct vg_set *all, vaddr_t va, paddr_t pa, u32 len,
           u32 attrs, u32 size, u32 *entries);

enum vg_op {
    VG_UNMAP,     /* pt_unmap of the range in x, global pages in others */
    VG_PROTECT,   /* pt_protect likewise, with attrs */
    VG_OTHERS,    /* only the others' part (the caller does x's) */
};

/* An unmap or protect of [va, va + len) in space x that also acts on x's
 * global pages of the range in every space of `others` (the same pages
 * there), software attributes included. A protect to attrs with
 * ATTR_GLOBAL makes x's private pages of the range global, so it enters
 * them (after x's splits, the same pages) in every other space, which
 * must have nothing there: E_ALREADY_MAPPED. Reserves every split and
 * table of every space first: E_NO_MEMORY, and E_NOT_MAPPED for a protect
 * over a hole, with nothing changed. Ranges are checked by vm. */
int vg_change(struct pt_root *x, const struct vg_set *others, enum vg_op op,
              vaddr_t va, u32 len, u32 attrs, u32 *unmapped);

/* Enters every global page of src (space src_id), with its software
 * attributes, into dst (space dst_id), a space just made. E_NO_MEMORY if
 * a table or a software range could not be had: dst may then hold part
 * of them, and the caller destroys it. */
int vg_copy(struct pt_root *dst, u32 dst_id, const struct pt_root *src,
            u32 src_id);

/* `check`: every space of `all` holds exactly the global pages of the
 * first (VA, frame, size, attributes, software attributes), and no space
 * has a global page the first lacks. Their tables must pass pt_check
 * (vm_check runs it first). 0 or E_CORRUPT, *what = "global_mismatch".
 * Reads only. */
int vg_check(const struct vg_set *all, const char **what);

#endif
