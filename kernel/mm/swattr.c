/*
 * swattr.c: software attribute ranges. A small fixed pool scanned
 * linearly: mappings with software attributes are few, and the pool's size
 * bounds the work of every call.
 */
#include "swattr.h"

struct swrange {
    vaddr_t lo, hi;  /* [lo, hi), page aligned, lo < hi unless free */
    u16 as;          /* owner; 0 = slot free */
    u16 attrs;       /* ATTR_SW_MASK bits, never 0 in a used slot */
};

static struct {
    struct swrange r[SWATTR_MAX];
    u32 used;        /* slots with as != 0 */
    u32 hwm;         /* no used slot at or above hwm: scans stop there */
} sw;

void swattr_init(void)
{
    for (u32 i = 0; i < sw.hwm; i++)     /* none used at or above hwm */
        sw.r[i].as = 0;
    sw.used = 0;
    sw.hwm = 0;
}

u32 swattr_get(u32 as, vaddr_t va)
{
    for (u32 i = 0; i < sw.hwm; i++) {
        const struct swrange *r = &sw.r[i];
        if (r->as == as && va >= r->lo && va < r->hi)
            return r->attrs;
    }
    return 0;
}

u32 swattr_get_span(u32 as, vaddr_t va, u64 *end)
{
    u32 attrs = 0;
    u64 e = 0x100000000ull;
    for (u32 i = 0; i < sw.hwm; i++) {
        const struct swrange *r = &sw.r[i];
        if (r->as != as)
            continue;
        if (va >= r->lo && va < r->hi) {
            attrs = attrs ? attrs : r->attrs;   /* the first, as swattr_get */
            e = r->hi < e ? r->hi : e;
        } else if (r->lo > va && r->lo < e) {
            e = r->lo;
        }
    }
    *end = e;
    return attrs;
}

bool swattr_any(u32 as, vaddr_t lo, vaddr_t hi, u32 mask)
{
    for (u32 i = 0; i < sw.hwm; i++) {
        const struct swrange *r = &sw.r[i];
        if (r->as == as && r->lo < hi && lo < r->hi && (r->attrs & mask))
            return true;
    }
    return false;
}

bool swattr_can_set(void)
{
    return sw.used + 2 <= SWATTR_MAX;
}

bool swattr_can_set_n(u32 n)
{
    return n <= SWATTR_MAX / 2 && sw.used + 2 * n <= SWATTR_MAX;
}

/* Takes a free slot; swattr_can_set promised there is one. */
static struct swrange *slot_new(u32 as, vaddr_t lo, vaddr_t hi, u32 attrs)
{
    for (u32 i = 0; i < SWATTR_MAX; i++) {
        struct swrange *r = &sw.r[i];
        if (r->as == 0) {
            r->as = (u16)as; r->lo = lo; r->hi = hi; r->attrs = (u16)attrs;
            sw.used++;
            sw.hwm = i + 1 > sw.hwm ? i + 1 : sw.hwm;
            return r;
        }
    }
    return 0;
}

static void slot_free(struct swrange *r)
{
    r->as = 0;
    sw.used--;
    while (sw.hwm && sw.r[sw.hwm - 1].as == 0)
        sw.hwm--;
}

/* Removes [lo, hi) from every range of as, splitting one that straddles. */
static void cut(u32 as, vaddr_t lo, vaddr_t hi)
{
    for (u32 i = 0; i < sw.hwm; i++) {
        struct swrange *r = &sw.r[i];
        if (r->as != as || r->hi <= lo || hi <= r->lo)
            continue;
        if (r->lo < lo && r->hi > hi) {          /* straddles: keep both ends */
            slot_new(as, hi, r->hi, r->attrs);
            r->hi = lo;
        } else if (r->lo < lo) {
            r->hi = lo;
        } else if (r->hi > hi) {
            r->lo = hi;
        } else {
            slot_free(r);
        }
    }
}

/* Folds neighbours of n with the same attributes into it. */
static void merge(struct swrange *n)
{
    for (u32 i = 0; i < sw.hwm; i++) {
        struct swrange *r = &sw.r[i];
        if (r == n || r->as != n->as || r->attrs != n->attrs)
            continue;
        if (r->hi == n->lo) {
            n->lo = r->lo;
            slot_free(r);
        } else if (r->lo == n->hi) {
            n->hi = r->hi;
            slot_free(r);
        }
    }
}

void swattr_set(u32 as, vaddr_t lo, vaddr_t hi, u32 attrs)
{
    attrs &= ATTR_SW_MASK;
    cut(as, lo, hi);
    if (attrs != 0)
        merge(slot_new(as, lo, hi, attrs));
}

void swattr_drop(u32 as)
{
    for (u32 i = 0; i < sw.hwm; i++)
        if (sw.r[i].as == as)
            slot_free(&sw.r[i]);
}

int swattr_for_each(u32 as, swattr_visit_fn fn, void *ctx)
{
    for (u32 i = 0; i < sw.hwm; i++) {
        const struct swrange *r = &sw.r[i];
        if (r->as == as) {
            int rc = fn(r->lo, r->hi, r->attrs, ctx);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int swattr_check(const char **what)
{
    u32 used = 0;
    /* Slots at or above hwm are free: a used one there (hwm lowered too
     * far) is not counted below, and the count differs. */
    if (sw.hwm > SWATTR_MAX || (sw.hwm && sw.r[sw.hwm - 1].as == 0)) {
        *what = "swattr_hwm";
        return E_CORRUPT;
    }
    for (u32 i = 0; i < sw.hwm; i++) {
        const struct swrange *a = &sw.r[i];
        if (a->as == 0)
            continue;
        used++;
        if (a->attrs == 0 || (a->attrs & ~ATTR_SW_MASK) || a->lo >= a->hi ||
            !ALIGNED(a->lo, PAGE_SIZE) || !ALIGNED(a->hi, PAGE_SIZE)) {
            *what = "swattr_range";
            return E_CORRUPT;
        }
        for (u32 j = i + 1; j < sw.hwm; j++) {
            const struct swrange *b = &sw.r[j];
            if (b->as == a->as && b->lo < a->hi && a->lo < b->hi) {
                *what = "swattr_overlap";
                return E_CORRUPT;
            }
        }
    }
    if (used != sw.used) {
        *what = "swattr_count";
        return E_CORRUPT;
    }
    return 0;
}
