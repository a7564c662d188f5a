# Mutants of kernel/mm/vm_global.c that test_global_check must catch
# (kernel/test/mutate.py): check's global_mismatch and the copy into a new
# space. (The pytest scenarios of pytest/test_global.py cover the rest.)
SOURCE = 'kernel/mm/vm_global.c'
TEST = 'test_global_check'
MUTANTS = [('check skips every other space',
  '    for (u32 i = 1; i < all->n; i++) {',
  '    for (u32 i = 1; i < 1; i++) {'),
 ('check one way only',
  '        if (pt_for_each(t, t->lo, t->hi, same_visit, &ty) ||\n'
  '            pt_for_each(y, y->lo, y->hi, same_visit, &yt)) {',
  '        if (pt_for_each(t, t->lo, t->hi, same_visit, &ty)) {'),
 ('check ignores the frame',
  'o.va != e->va || o.pa != e->pa ||',
  'o.va != e->va ||'),
 ('check ignores the global bit',
  '    if (!(e->attrs & ATTR_GLOBAL))\n        return 0;\n    if (pt_walk(c->other',
  '    if (!(e->attrs & ATTR_GLOBAL))\n        return 0;\n    (void)o; if (0 && pt_walk(c->other'),
 ('new space copies nothing',
  '    return pt_for_each(src, src->lo, src->hi, copy_visit, &c);',
  '    (void)c; (void)copy_visit; return 0;'),
 ('global map into one space',
  '    rc = pt_map_multi(all->root, all->n, va, pa, len,',
  '    rc = pt_map_multi(all->root, 1, va, pa, len,')]
