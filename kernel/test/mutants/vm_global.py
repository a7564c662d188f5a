# Mutants of kernel/mm/vm_global.c that test_global_check must catch
# (kernel/test/mutate.py): check's global_mismatch and the copy into a new
# space. (The pytest scenarios of pytest/test_global.py cover the rest.)
SOURCE = 'kernel/mm/vm_global.c'
TEST = 'test_global_check'
MUTANTS = [('check skips every other space',
  '    for (u32 i = 1; i < all->n; i++) {',
  '    for (u32 i = 1; i < 1; i++) {'),
 ('check misses a global page only another space has',
  '    if (g->n == g->want)\n        return E_CORRUPT;',
  '    if (g->n == g->want)\n        return 0;'),
 ('check misses a global page only the first space has',
  '                g.n != g.want) {',
  '                0) {'),
 ('check ignores the frame',
  'q->va != e->va || q->pa != e->pa ||',
  'q->va != e->va ||'),
 ('check ignores the global bit',
  '    if (!(e->attrs & ATTR_GLOBAL))\n        return 0;\n    if (!g->compare) {',
  '    if (!g->compare) {'),
 ('check gathers one chunk only',
  '        a = end;\n',
  '        a = top;\n'),
 ('new space copies nothing',
  '    return pt_for_each(src, src->lo, src->hi, copy_visit, &c);',
  '    (void)c; (void)copy_visit; return 0;'),
 ('global map into one space',
  '    rc = pt_map_multi(all->root, all->n, va, pa, len,',
  '    rc = pt_map_multi(all->root, 1, va, pa, len,')]
