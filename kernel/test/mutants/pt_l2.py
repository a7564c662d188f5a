# Mutants of kernel/mm/pt/pt_l2.c that test_pagetable must catch
# (kernel/test/mutate.py): a table page emptied while a reserve is held.
SOURCE = 'kernel/mm/pt/pt_l2.c'
TEST = 'test_pagetable'
MUTANTS = [
 ('emptied page freed under a held reserve',
  '    if (p->l2_used == 0 && pt.held) {',
  '    if (p->l2_used == 0 && pt.held && 0) {'),
 ('emptied page kept but not counted for pt_release',
  '        pt.reserved++;           /* kept until pt_release',
  '        (void)0;                 /* kept until pt_release'),
]
