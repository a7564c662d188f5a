/*
 * pt_l2.c: the pagetable module's state: the allocator of 1 KiB L2 tables
 * (four to a PG_TABLE page).
 *
 * A table page's quarters are page_info.l2_used (bit set = live table);
 * page_info.l2_count[q] counts the non-zero entries of quarter q. Pages
 * with a free quarter are on a doubly linked list through page_info.link
 * (next) and page_info.link_prev, each link the page's pfn + 1 (0 = none),
 * so that taking a quarter is O(1) and so is giving one back.
 */
#include <string.h>
#include "pt_internal.h"

static struct pt_state {
    u32 partial;        /* head of the list: every table page with 1..3
                           live quarters, plus the reserved pages */
    u32 free_quarters;  /* free quarters over all pages on the list */
    u32 reserved;       /* pages on the list with no live quarter: taken
                           by l2_reserve, not yet used, or emptied while a
                           reserve was held; 0 between calls */
    bool held;          /* pt_reserve .. pt_release: l2_settle waits */
} pt;

/* See pagetable.h. */
void pt_init(void)
{
    memset(&pt, 0, sizeof pt);
}

static inline u32 ref_of(paddr_t page) { return (page >> PAGE_SHIFT) + 1; }
static inline paddr_t page_of(u32 ref) { return (ref - 1) << PAGE_SHIFT; }
static inline struct page_info *info(u32 ref)
{
    return pmm_page(page_of(ref));
}

/* Puts the table page `ref` at the head of the list. */
static void list_push(u32 ref)
{
    struct page_info *p = info(ref);

    p->link = pt.partial;
    p->link_prev = 0;
    if (pt.partial)
        info(pt.partial)->link_prev = ref;
    pt.partial = ref;
}

/* Takes the table page `ref` off the list. */
static void list_unlink(u32 ref)
{
    struct page_info *p = info(ref);

    if (p->link_prev)
        info(p->link_prev)->link = p->link;
    else
        pt.partial = p->link;
    if (p->link)
        info(p->link)->link_prev = p->link_prev;
    p->link = p->link_prev = 0;
}

/* See pt_internal.h. Pages allocated here go to the head of the list;
 * on failure the ones this call took go back at once. */
int l2_reserve(u32 tables)
{
    while (pt.free_quarters < tables) {
        paddr_t page;
        if (pmm_alloc(1, PAGE_SIZE, PG_TABLE, &page)) {
            l2_settle();
            return E_NO_MEMORY;
        }
        list_push(ref_of(page));
        pt.free_quarters += 4;
        pt.reserved++;
    }
    return 0;
}

/* See pt_internal.h. */
paddr_t l2_take(void)
{
    struct page_info *p;
    u32 q;
    paddr_t l2;

    KASSERT(pt.partial && pt.free_quarters);   /* not reserved: a bug */
    p = info(pt.partial);
    q = (u32)__builtin_ctz(~p->l2_used & 0xfu);
    if (p->l2_used == 0)
        pt.reserved--;
    p->l2_used |= (u8)(1u << q);
    p->l2_count[q] = 0;
    pt.free_quarters--;
    l2 = page_of(pt.partial) + q * L2_BYTES;
    if (p->l2_used == 0xf)
        list_unlink(pt.partial);
    memset(arch_phys_to_ptr(l2), 0, L2_BYTES);
    return l2;
}

/* See pt_internal.h. */
void l2_give(paddr_t l2)
{
    paddr_t page = ALIGN_DOWN(l2, PAGE_SIZE);
    u32 ref = ref_of(page), q = (l2 >> 10) & 3u;
    struct page_info *p = info(ref);

    KASSERT(p->use == PG_TABLE && (p->l2_used >> q & 1u) &&
              p->l2_count[q] == 0);
    if (p->l2_used == 0xf)
        list_push(ref);
    p->l2_used &= (u8)~(1u << q);
    pt.free_quarters++;
    if (p->l2_used == 0 && pt.held) {
        pt.reserved++;           /* kept until pt_release: a reserve may
                                    have counted its free quarters */
    } else if (p->l2_used == 0) {
        list_unlink(ref);
        pt.free_quarters -= 4;
        KASSERT(pmm_free(page, 1, PG_TABLE) == 0);
    }
}

/* See pt_internal.h. Reserved pages are near the head (a page emptied
 * while a reserve was held may be further on); stop once all are found. */
void l2_settle(void)
{
    u32 ref = pt.partial;

    if (pt.held)
        return;                  /* pt_release settles */
    while (pt.reserved && ref) {
        struct page_info *p = info(ref);
        u32 next = p->link;
        if (p->l2_used == 0) {
            list_unlink(ref);
            pt.free_quarters -= 4;
            pt.reserved--;
            KASSERT(pmm_free(page_of(ref), 1, PG_TABLE) == 0);
        }
        ref = next;
    }
    KASSERT(pt.reserved == 0);
}

/* See pagetable.h. */
int pt_reserve(u32 tables)
{
    KASSERT(!pt.held);
    if (l2_reserve(tables))
        return E_NO_MEMORY;
    pt.held = true;
    return 0;
}

/* See pagetable.h. */
void pt_release(void)
{
    KASSERT(pt.held);
    pt.held = false;
    l2_settle();
}

u16 *l2_count(paddr_t l2)
{
    return &pmm_page(l2)->l2_count[(l2 >> 10) & 3u];
}

/* See pt_internal.h. The walk is bounded, so a cycle cannot hang it. */
int l2_check_list(const char **what)
{
    u32 ref = pt.partial, prev = 0, quarters = 0, steps = 0;

    *what = NULL;
    while (ref && !*what) {
        const struct page_info *p = pmm_page(page_of(ref));
        if (!p || p->use != PG_TABLE || p->is_l1)
            *what = "l2_list_not_table";
        else if (p->l2_used == 0 || p->l2_used == 0xf || p->l2_used > 0xf)
            *what = "l2_list_page_state";
        else if (p->link_prev != prev || ++steps > (1u << 20))
            *what = "l2_list_links";
        else
            quarters += 4u - (u32)__builtin_popcount(p->l2_used);
        prev = ref;
        ref = p ? p->link : 0;
    }
    if (!*what && (quarters != pt.free_quarters || pt.reserved))
        *what = "l2_list_free_quarters";
    return *what ? E_CORRUPT : 0;
}
