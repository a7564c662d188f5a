/*
 * access.h: the accesses commands make on request (peek, poke, fill, sum,
 * exec, cache maintenance), with the kernel's answer to their faults:
 * an `interrupt` page completes the access and raises an event, a
 * `grow_up`/`grow_down` neighbour grows the mapping and the access is
 * retried, anything else is reported as a fault.
 *
 * Events go to the sink the command layer installs (one line each).
 *
 * Allocation: only growth does (vm_grow: a frame, maybe an L2 table, a
 * software-attribute range). Flushes: none, except what the cache
 * maintenance asks for (access_cache); growth maps invalid -> valid.
 */
#ifndef VMK_ACCESS_H
#define VMK_ACCESS_H

#include "arch.h"

enum access_event_kind { EV_FAULT, EV_INTERRUPT, EV_GROW };

struct access_event {
    u32 kind;                 /* enum access_event_kind */
    struct arch_fault fault;  /* EV_FAULT: the abort; EV_INTERRUPT: va, access */
    vaddr_t va;               /* EV_GROW: new page */
    paddr_t pa;               /* EV_GROW: its frame */
};

typedef void (*access_sink_fn)(const struct access_event *ev);
/* Installs the event sink (NULL: events are dropped). Never fails. */
void access_set_sink(access_sink_fn fn);

/* Each access below returns 0 or, in this order:
 *   E_ALIGN  va or len not word aligned
 *   E_RANGE  the range wraps; a store (poke, fill) to the kernel's half
 *            outside one physmap mapping; an exec in the kernel's half
 *   E_FAULT  the access aborted and the kernel could not resolve it:
 *            *fault filled, an EV_FAULT event already raised
 * A translation fault in the user half on an interrupt page completes the
 * access (a load gives 0, a store is dropped) with an EV_INTERRUPT event;
 * next to a grow_up/grow_down page it grows the mapping (EV_GROW) and
 * retries. */

/* One word loaded from va (user: as LDRT). */
int access_peek(vaddr_t va, bool user, u32 *val, struct arch_fault *fault);
/* One word stored to va (user: as STRT). */
int access_poke(vaddr_t va, u32 val, bool user, struct arch_fault *fault);
/* len bytes (words) from va set to val, privileged; a fault stops it with
 * the words before it written. */
int access_fill(vaddr_t va, u32 len, u32 val, struct arch_fault *fault);
/* The wrapping sum of the words of [va, va+len), privileged. */
int access_sum(vaddr_t va, u32 len, u32 *sum, struct arch_fault *fault);
/* Runs the code at user-half va (privileged, as a call); *r0 = its r0. */
int access_exec(vaddr_t va, u32 *r0, struct arch_fault *fault);
/* Cache maintenance op over [va, va+len) in the current regime (no growth,
 * no emulation: a fault is reported).
 *   E_BAD_ARG  len 0
 *   E_RANGE    the range wraps
 *   E_FAULT    a line was not mapped (*fault, EV_FAULT raised) */
int access_cache(enum cache_op op, vaddr_t va, u32 len, struct arch_fault *fault);

/* Short name of a fault status (PROTOCOL.md): translation_section, …,
 * other. Never fails. */
const char *fault_status_name(u32 fsr);

#endif
