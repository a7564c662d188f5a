/*
 * pt_desc.c: attribute <-> descriptor field translation (see pt_desc.h
 * and the table in pagetable.h), and the one rule on attribute sets
 * (pt_attrs_valid) that vm, physmap and the decoder all apply.
 */
#include "pagetable.h"
#include "pt_desc.h"

/* See pagetable.h. Device memory is never executable and never also
 * Normal non-cacheable: the descriptor has no encoding for either. */
int pt_attrs_valid(u32 attrs)
{
    if (attrs & ~(ATTR_HW_MASK | ATTR_INTERRUPT))
        return E_BAD_ARG;
    if ((attrs & ATTR_DEVICE) && (attrs & (ATTR_EXECUTE | ATTR_NOCACHE)))
        return E_BAD_ARG;
    return 0;
}

/* The raw fields every leaf format carries, in format-neutral form. */
struct hwf {
    u32 tex, cb;   /* TEX[2:0]; C:B */
    u32 ap;        /* AP[2]:AP[1:0] */
    u32 xn, ng;
};

static struct hwf hwf_of(u32 attrs)
{
    struct hwf f;
    bool dev = attrs & ATTR_DEVICE, priv = attrs & ATTR_PRIVILEGED;
    bool wr = attrs & ATTR_WRITE;

    f.tex = dev ? 0 : 1;
    f.cb = dev ? 1 : (attrs & ATTR_NOCACHE) ? 0 : 3;
    f.ap = priv ? (wr ? 1 : 5) : (wr ? 3 : 6);
    f.xn = dev || !(attrs & ATTR_EXECUTE);
    f.ng = !(attrs & ATTR_GLOBAL);
    return f;
}

/* The attributes f encodes, or false if no attribute set encodes it. */
static bool attrs_of(const struct hwf *f, u32 *attrs)
{
    u32 a = ATTR_READ;

    if (f->tex == 1 && f->cb == 0)
        a |= ATTR_NOCACHE;
    else if (f->tex == 0 && f->cb == 1)
        a |= ATTR_DEVICE;
    else if (!(f->tex == 1 && f->cb == 3))
        return false;
    switch (f->ap) {
    case 1: a |= ATTR_PRIVILEGED | ATTR_WRITE; break;
    case 3: a |= ATTR_WRITE; break;
    case 5: a |= ATTR_PRIVILEGED; break;
    case 6: break;
    default: return false;
    }
    if (!f->xn)
        a |= ATTR_EXECUTE;
    if (pt_attrs_valid(a))      /* device without XN: not ours */
        return false;
    if (!f->ng)
        a |= ATTR_GLOBAL;
    *attrs = a;
    return true;
}

/* See pt_desc.h. */
u32 leaf_bits(u32 size, u32 attrs)
{
    struct hwf f = hwf_of(attrs);
    u32 ap2 = f.ap >> 2, ap = f.ap & 3u;

    switch (size) {
    case SZ_4K:
        return f.xn | 2u | f.cb << 2 | ap << 4 | f.tex << 6 | ap2 << 9 |
               f.ng << 11;
    case SZ_64K:
        return 1u | f.cb << 2 | ap << 4 | ap2 << 9 | f.ng << 11 |
               f.tex << 12 | f.xn << 15;
    default:
        return 2u | f.cb << 2 | f.xn << 4 | ap << 10 | f.tex << 12 |
               ap2 << 15 | f.ng << 17 | (size == SZ_16M ? L1_SUPER : 0);
    }
}

/* Fields of a valid leaf of kind k. */
static struct hwf hwf_decode(u32 d, enum pt_kind k)
{
    struct hwf f;

    f.cb = (d >> 2) & 3u;
    if (k == PK_SMALL) {
        f.xn = d & 1u;
        f.ap = ((d >> 9) & 1u) << 2 | ((d >> 4) & 3u);
        f.tex = (d >> 6) & 7u;
        f.ng = (d >> 11) & 1u;
    } else if (k == PK_LARGE) {
        f.xn = (d >> 15) & 1u;
        f.ap = ((d >> 9) & 1u) << 2 | ((d >> 4) & 3u);
        f.tex = (d >> 12) & 7u;
        f.ng = (d >> 11) & 1u;
    } else {
        f.xn = (d >> 4) & 1u;
        f.ap = ((d >> 15) & 1u) << 2 | ((d >> 10) & 3u);
        f.tex = (d >> 12) & 7u;
        f.ng = (d >> 17) & 1u;
    }
    return f;
}

/* See pt_desc.h. A decoded entry is well formed iff it re-encodes to d. */
bool leaf_decode(u32 d, enum pt_kind k, u32 *size, paddr_t *pa, u32 *attrs)
{
    static const u32 sizes[] = {
        [PK_SMALL] = SZ_4K, [PK_LARGE] = SZ_64K,
        [PK_SECT] = SZ_1M, [PK_SUPER] = SZ_16M,
    };
    struct hwf f;

    if (k == PK_MARK) {
        *size = size_of_szc((d >> 24) & 3u);
        *pa = 0;
        *attrs = mk_attrs(d);
        return d == mk_encode(*size, *attrs) &&
               (*attrs & (ATTR_READ | ATTR_INTERRUPT)) ==
               (ATTR_READ | ATTR_INTERRUPT) &&
               !(*attrs & ~(ATTR_HW_MASK | ATTR_INTERRUPT));
    }
    if (k < PK_SMALL || k > PK_SUPER)
        return false;
    if (k == PK_SMALL && pt_small_tab_built) {   /* the commonest: a lookup */
        *size = SZ_4K;
        *pa = d & ~(SZ_4K - 1);
        *attrs = pt_small_tab[d & 0xfffu];
        return *attrs != 0;
    }
    *size = sizes[k];
    *pa = d & ~(*size - 1);
    f = hwf_decode(d, k);
    if (!attrs_of(&f, attrs))
        return false;
    return d == leaf_encode(*size, *pa, *attrs);
}

/* See pt_desc.h. Entry i holds leaf_decode's attributes of the small
 * page descriptor with bits[11:0] = i (its frame base plays no part in
 * the decode), 0 where it fails; filled the first time it is asked. */
u16  pt_small_tab[4096];
bool pt_small_tab_built;

void small_attrs_build(void)
{
    for (u32 i = 0; i < 4096; i++) {
        u32 size, attrs;
        paddr_t pa;
        pt_small_tab[i] = (l2_kind(i) == PK_SMALL &&
                           leaf_decode(i, PK_SMALL, &size, &pa, &attrs)) ? (u16)attrs : 0;
    }
    pt_small_tab_built = true;
}
