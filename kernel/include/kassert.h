/*
 * kassert.h: the core's assertion, for conditions only a kernel bug can
 * break (never for bad input, which gets an error). The lowest header a
 * core file needs besides types.h and arch.h: it names no module.
 */
#ifndef VMK_KASSERT_H
#define VMK_KASSERT_H

#include "arch.h"

/* Panics (arch_panic, exit 70) naming the function if c is false. */
#define KASSERT(c) do { if (!(c)) arch_panic(__func__); } while (0)

#endif
