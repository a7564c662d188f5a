# Mutants of pt_globals_differ (kernel/mm/pt/pt_walk.c) that
# test_global_check must catch (kernel/test/mutate.py): the table half of
# check's global_mismatch.
SOURCE = 'kernel/mm/pt/pt_walk.c'
TEST = 'test_global_check'
MUTANTS = [('check misses a global page only another space has',
  '        if (l2_global(x[i]) || l2_global(y[i]))',
  '        if (l2_global(x[i]))'),
 ('check misses a global page only the first space has',
  '        if (l2_global(x[i]) || l2_global(y[i]))',
  '        if (l2_global(y[i]))'),
 ('check ignores the frame',
  '        if (l2_global(x[i]) || l2_global(y[i]))',
  '        if ((l2_global(x[i]) || l2_global(y[i])) && ((x[i] ^ y[i]) & 0xfffu))'),
 ('check takes every page for global',
  '    if (d & 3u)\n        return !(d & L2_NG);',
  '    if (d & 3u)\n        return true;'),
 ('check stops at the first table that differs',
  '    for (u32 i = next_ne(x, y, lo, lim); i < lim; i = next_ne(x, y, i + 1, lim)) {',
  '    for (u32 i = next_ne(x, y, lo, lim); i < lim; i = lim) {'),
 ('check stops at the first entry that differs in a table',
  '         i = next_ne(x, y, i + 1, L2_ENTRIES))',
  '         i = L2_ENTRIES)'),
 ('check skips sections',
  '        if (global_leaf(x[i], kx) || global_leaf(y[i], ky))\n            j = 0;',
  '        if (0)\n            j = 0;'),
 ('check skips equal entries too far',
  '        i += 8;\n    }\n    for (; i < lim; i++)\n        if (x[i] != y[i])',
  '        i += 8;\n    }\n    for (; i < lim; i++)\n        if (0)'),
]
