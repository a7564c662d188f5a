# Mutants of kernel/mm/pt/pt_check.c that test_pagetable must catch
# (kernel/test/mutate.py): a leaf's own rules, on the quick 4K path and
# the full one.
SOURCE = 'kernel/mm/pt/pt_check.c'
TEST = 'test_pagetable'
MUTANTS = [('4K page: frame not looked at',
  '            if (!r->is_kernel && !frame_ok(l2[i] & ~(SZ_4K - 1)))',
  '            if (0)'),
 ('4K page: kernel page may be private',
  '            if (r->is_kernel && !(a & ATTR_GLOBAL))\n                return "kernel_not_global";',
  '            if (0)\n                return "kernel_not_global";'),
 ('frame held without a mapping reference',
  '((p->use == PG_FRAME || p->use == PG_GROWN) && p->mapcount);',
  '(p->use == PG_FRAME || p->use == PG_GROWN);'),
 ('any page in use is a frame',
  '((p->use == PG_FRAME || p->use == PG_GROWN) && p->mapcount);',
  '(p->use != PG_FREE && p->mapcount);'),
 ('large page: only its first frame looked at',
  '        for (u32 off = 0; off < n; off += SZ_4K)\n            if (!frame_ok((u32)c + off))',
  '        for (u32 off = 0; off < SZ_4K; off += SZ_4K)\n            if (!frame_ok((u32)c + off))'),
 ('replicas not compared',
  '        if (p[i] != p[0])\n            return "replicas_differ";',
  '        if (0)\n            return "replicas_differ";'),
]
