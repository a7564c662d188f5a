# Mutants of kernel/mm/pt/pt_protect.c that test_pt_tlb must catch
# (kernel/test/mutate.py): the 4K page's quick path of the break pass.
SOURCE = 'kernel/mm/pt/pt_protect.c'
TEST = 'test_pt_tlb'
MUTANTS = [
 ('4K page broken but not flushed',
  '        tlb_note(c->b, va, leaf_global(d, k));\n        return true;',
  '        return true;'),
 ('4K page kept when its descriptor changes',
  '        if (prot_encode(c, SZ_4K, d) == d)\n            return false;',
  '        if (prot_encode(c, SZ_4K, d) != 0)\n            return false;'),
]
