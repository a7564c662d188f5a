# Mutants of kernel/mm/pt/pt_check.c that test_pagetable must catch
# (kernel/test/mutate.py): a leaf's own rules, on the quick 4K path and
# the full one. test_check_hw: the pages pt_check_each shows check's
# hardware pass.
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
 ('4K page not shown to the hardware pass',
  '            show(c, &(struct pt_entry){',
  '            if (0) show(c, &(struct pt_entry){', 'test_check_hw'),
 ('large L2 page not shown to the hardware pass',
  '        (*c->maps)++;\n        show(c, &e);',
  '        (*c->maps)++;', 'test_check_hw'),
 ('L1 page not shown to the hardware pass',
  '                if (!bad)\n                    show(c, &e);',
  '                (void)0;', 'test_check_hw'),
 ('shown pages go on after the visitor stopped them',
  '    if (c->fn && c->fn(e, c->ctx))\n        c->fn = NULL;',
  '    if (c->fn)\n        c->fn(e, c->ctx);', 'test_check_hw'),
]
