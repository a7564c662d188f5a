/*
 * access.h: the accesses commands make on request (peek, poke, fill, sum,
 * exec, cache maintenance), with the kernel's answer to their faults:
 * an `interrupt` page completes the access and raises an event, a
 * `grow_up`/`grow_down` neighbour grows the mapping and the access is
 * retried, anything else is reported as a fault.
 *
 * Events go to the sink the command layer installs (one line each).
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
/* Installs the event sink (NULL: events are dropped). */
void access_set_sink(access_sink_fn fn);

/* Each returns 0, E_ALIGN (va/len not word aligned), E_RANGE (a write to
 * the kernel's half outside a physmap mapping, an exec there, a range that
 * wraps) or E_FAULT (*fault filled, event already raised). */
int access_peek(vaddr_t va, bool user, u32 *val, struct arch_fault *fault);
int access_poke(vaddr_t va, u32 val, bool user, struct arch_fault *fault);
int access_fill(vaddr_t va, u32 len, u32 val, struct arch_fault *fault);
int access_sum(vaddr_t va, u32 len, u32 *sum, struct arch_fault *fault);
int access_exec(vaddr_t va, u32 *r0, struct arch_fault *fault);
int access_cache(enum cache_op op, vaddr_t va, u32 len, struct arch_fault *fault);

/* Short name of a fault status (PROTOCOL.md): translation_section, …,
 * other. */
const char *fault_status_name(u32 fsr);

#endif
