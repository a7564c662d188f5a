/*
 * access.c: accesses made on request, and what the kernel does when one
 * aborts (see access.h). The arch performs the access and reports the
 * abort; this file decides: emulate an interrupt page, grow a mapping and
 * retry, or report the fault.
 */
#include "access.h"
#include "physmap.h"
#include "vm.h"

static struct {
    access_sink_fn sink;
} acc;

void access_set_sink(access_sink_fn fn) { acc.sink = fn; }

static void raise(const struct access_event *ev)
{
    if (acc.sink)
        acc.sink(ev);
}

const char *fault_status_name(u32 fsr)
{
    switch (arch_fault_status(fsr)) {
    case 0x01: return "alignment";
    case 0x03: return "access_flag_section";
    case 0x06: return "access_flag_page";
    case 0x05: return "translation_section";
    case 0x07: return "translation_page";
    case 0x09: return "domain_section";
    case 0x0b: return "domain_page";
    case 0x0d: return "permission_section";
    case 0x0f: return "permission_page";
    case 0x08: case 0x0c: case 0x0e: case 0x16: case 0x18:
        return "external";
    default:   return "other";
    }
}

/* Grows a grow_up/grow_down mapping into the page holding va, if a
 * neighbour asks for it (vm_grow decides and maps). True if it did: the
 * access may be retried. */
static bool try_grow(vaddr_t va)
{
    paddr_t frame;
    if (vm_grow(va, &frame))
        return false;
    raise(&(struct access_event){ .kind = EV_GROW,
                                  .va = ALIGN_DOWN(va, PAGE_SIZE), .pa = frame });
    return true;
}

/* An interrupt page holds f->va: raise the event. */
static bool is_interrupt(const struct arch_fault *f)
{
    struct pt_entry e;
    if (f->va >= USER_TOP || vm_translate(f->va, &e) != 0 ||
        !(e.attrs & ATTR_INTERRUPT))
        return false;
    raise(&(struct access_event){ .kind = EV_INTERRUPT, .fault = *f });
    return true;
}

enum resolution { RES_FAULT, RES_EMULATED, RES_RETRY };

/* The kernel's answer to an abort of a requested access. */
static enum resolution resolve(const struct arch_fault *f)
{
    if (f->va < USER_TOP && arch_fault_is_translation(f->fsr)) {
        if (is_interrupt(f))
            return RES_EMULATED;
        if (try_grow(f->va))
            return RES_RETRY;
    }
    raise(&(struct access_event){ .kind = EV_FAULT, .fault = *f });
    return RES_FAULT;
}

/* Retries of one access after growth: each retry maps a page, and one
 * access touches one page, so a second growth for it is a bug. */
#define GROW_RETRIES 2

/* Where a store may go: the user half, or a physmap mapping of the
 * kernel's half (physmap_writable). Loads may go anywhere. */
static int store_allowed(vaddr_t va, u32 len)
{
    if (len && va + (len - 1) < va)
        return E_RANGE;
    if (va >= USER_TOP || va + len > USER_TOP)
        return physmap_covers(va, len) ? 0 : E_RANGE;
    return 0;
}

static int word_range(vaddr_t va, u32 len)
{
    if (!ALIGNED(va, 4) || !ALIGNED(len, 4))
        return E_ALIGN;
    if (len && va + (len - 1) < va)
        return E_RANGE;
    return 0;
}

int access_peek(vaddr_t va, bool user, u32 *val, struct arch_fault *f)
{
    int rc = word_range(va, 4);
    for (u32 tries = 0; !rc; tries++) {
        if (arch_load32(va, user, val, f) == 0)
            return 0;
        enum resolution r = tries < GROW_RETRIES ? resolve(f) : RES_FAULT;
        if (r == RES_EMULATED) { *val = 0; return 0; }
        if (r == RES_FAULT) return E_FAULT;
    }
    return rc;
}

int access_poke(vaddr_t va, u32 val, bool user, struct arch_fault *f)
{
    int rc = word_range(va, 4);
    if (!rc) rc = store_allowed(va, 4);
    for (u32 tries = 0; !rc; tries++) {
        if (arch_store32(va, val, user, f) == 0)
            return 0;
        enum resolution r = tries < GROW_RETRIES ? resolve(f) : RES_FAULT;
        if (r == RES_EMULATED) return 0;
        if (r == RES_FAULT) return E_FAULT;
    }
    return rc;
}

/* After the emulated word at *va (its event raised): the rest of its 4K
 * page is the same interrupt page (a marker covers whole 4K pages, and
 * nothing between two words of a request changes the tables), so each
 * later word there would take the same abort: its event is raised
 * without taking it. Moves *va and *left past the page's words. */
static void emulate_page(struct arch_fault *f, vaddr_t *va, u32 *left)
{
    vaddr_t end = ALIGN_DOWN(*va, PAGE_SIZE) + PAGE_SIZE;
    for (*va += 4, (*left)--; *left && *va != end; *va += 4, (*left)--) {
        f->va = *va;
        raise(&(struct access_event){ .kind = EV_INTERRUPT, .fault = *f });
    }
}

/* Shared loop of fill and sum: runs op over the words from va, resolving
 * each abort and going on after an emulated word. */
static int word_loop(vaddr_t va, u32 len, u32 val, u32 *sum, struct arch_fault *f)
{
    u32 left = len / 4, tries = 0;
    while (left) {
        u32 done = 0;
        int rc = sum ? arch_sum32(va, left, sum, &done, f)
                     : arch_fill32(va, left, val, &done, f);
        va += 4 * done;
        left -= done;
        if (rc == 0)
            break;
        tries = done ? 0 : tries;
        enum resolution r = tries++ < GROW_RETRIES ? resolve(f) : RES_FAULT;
        if (r == RES_FAULT)
            return E_FAULT;
        if (r == RES_EMULATED) {   /* load gives 0, store dropped; each
                                      word is an access with its event */
            emulate_page(f, &va, &left);
            tries = 0;
        }
    }
    return 0;
}

int access_fill(vaddr_t va, u32 len, u32 val, struct arch_fault *f)
{
    int rc = word_range(va, len);
    if (!rc) rc = store_allowed(va, len);
    if (!rc) rc = word_loop(va, len, val, 0, f);
    return rc;
}

int access_sum(vaddr_t va, u32 len, u32 *sum, struct arch_fault *f)
{
    int rc = word_range(va, len);
    *sum = 0;
    if (!rc) rc = word_loop(va, len, 0, sum, f);
    return rc;
}

int access_exec(vaddr_t va, u32 *r0, struct arch_fault *f)
{
    int rc = word_range(va, 4);
    if (!rc && va >= USER_TOP)
        rc = E_RANGE;
    for (u32 tries = 0; !rc; tries++) {
        if (arch_exec(va, r0, f) == 0)
            return 0;
        enum resolution r = tries < GROW_RETRIES ? resolve(f) : RES_FAULT;
        if (r == RES_EMULATED) { *r0 = 0; return 0; }
        if (r == RES_FAULT) return E_FAULT;
    }
    return rc;
}

int access_cache(enum cache_op op, vaddr_t va, u32 len, struct arch_fault *f)
{
    if (len == 0)
        return E_BAD_ARG;
    if (va + (len - 1) < va)
        return E_RANGE;
    if (arch_cache_op(op, va, len, f) == 0)
        return 0;
    raise(&(struct access_event){ .kind = EV_FAULT, .fault = *f });
    return E_FAULT;
}
