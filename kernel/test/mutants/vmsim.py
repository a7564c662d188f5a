# Mutants of kernel/arch/host/tlb.c that test_sim must catch
# (kernel/test/mutate.py): the walk cache's valid bits (wc_live, which
# its scans follow) change with its entries.
# Each: (name, exact text in the source, the bug put in its place).
SOURCE = 'kernel/arch/host/tlb.c'
TEST = 'test_sim'
MUTANTS = [
 ('a flushed walk-cache entry keeps its bit',
  '            sel_tag(w->global, w->asid, mode, asid))\n            wc_set_valid(t, i, false);',
  '            sel_tag(w->global, w->asid, mode, asid))\n            t->wc[i].valid = false;'),
 ('a filled walk-cache entry without its bit',
  '    wc_set_valid(t, i, true);',
  '    t->wc[i].valid = true;'),
]
