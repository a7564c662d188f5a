/*
 * cmd.h: what the command handlers share.
 *
 * Each file of commands defines its commands (grammar.h): name, sentence,
 * forms with typed arguments, one handler per form. A handler gets its
 * arguments parsed (struct args) and answers with exactly one final line:
 * it either writes its own (out_*), returning 0, or returns a negative
 * E_* code, having said why (why_*), and the dispatcher writes
 * `err CODE -- reason`. A handler that returns an error has changed nothing.
 */
#ifndef VMK_CMD_H
#define VMK_CMD_H

#include "grammar.h"
#include "out.h"

#ifndef VMK_VERSION
#define VMK_VERSION "0"   /* the Makefile passes `git describe` */
#endif

/* The commands of each file. */
extern const struct command cmd_help, cmd_info, cmd_exit, cmd_as, cmd_asid,
    cmd_pmm, cmd_fail, cmd_flush, cmd_check;                 /* cmd_sys.c */
extern const struct command cmd_map, cmd_map1, cmd_unmap, cmd_unmap1,
    cmd_protect, cmd_translate, cmd_hwtranslate, cmd_pt;     /* cmd_map.c */
extern const struct command cmd_peek, cmd_poke, cmd_fill, cmd_sum,
    cmd_exec, cmd_cache;                                     /* cmd_access.c */
extern const struct command cmd_heap, cmd_kmalloc, cmd_kfree,
    cmd_physmap;                                             /* cmd_kspace.c */
extern const struct command cmd_cpu, cmd_cpus;                /* cmd_cpu.c */

/* Runs one request line (already checked for length and bytes). */
void cmd_dispatch(char *line);

/* Writes the `! fault`/`! interrupt`/`! grow` event lines (installed as
 * the access sink at boot). */
struct access_event;
void cmd_print_event(const struct access_event *ev);

/*
 * Reasons for the errors the core returns (reason.c), from what the
 * handler knows: each says it in words and returns rc, so a handler
 * ends `return why_…(rc, …)`. Argument k is named as in the usage.
 */
/* "<name> 0x… is not <align> aligned" if argument k is not; true if so. */
bool why_unaligned(const struct args *a, u32 k, u32 align);
/* RANGE of [va, va+len) in the user half: va is argument kva, len is
 * argument klen (ARGS_MAX: a length the request does not name). */
void why_user_range(const struct args *a, u32 kva, u32 klen, u32 len);
/* ALIGN, RANGE, ALREADY_MAPPED, NOT_MAPPED, BUSY, BAD_ARG, NO_MEMORY of
 * a request on the user range [va, va+len) of the current address space:
 * va is argument kva, the frames argument kpa, the length argument klen
 * (ARGS_MAX: the request has none); align is the page size it needs. */
int why_user_op(int rc, const struct args *a, u32 kva, u32 kpa, u32 klen,
                u32 len, u32 align, u32 attrs);
/* Why frames [pa, pa+len) may not be mapped (RANGE); true if said. */
bool why_frames(paddr_t pa, u32 len);
/* Where frame pa is still mapped (an address space and VA, or physmap). */
void why_frame_user(paddr_t pa);
/* The first mapped page of [va, va+len) in the current address space. */
void why_mapped(vaddr_t va, u32 len);
/* BAD_ARG for an attribute set no mapping may have; true if said. */
bool why_bad_attrs(u32 attrs);

#endif
