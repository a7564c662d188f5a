# Mutants of kernel/mm/vm_check.c that test_check_hw must catch
# (kernel/test/mutate.py): the MMU's opinion of each mapping and of the
# pages next to it, learnt from the order pt_check_each shows them in.
# Each: (name, exact text in the source, the bug put in its place).
SOURCE = 'kernel/mm/vm_check.c'
TEST = 'test_check_hw'
MUTANTS = [
 ('no check after the last mapping',
  '    if (!c->what && c->seen && !gap_ok(c->root, c->end))',
  '    if (0)'),
 ('no check before the first mapping',
  '        if (e->va != 0 && (!c->seen || c->end != (u64)e->va - PAGE_SIZE))',
  '        if (c->seen && e->va != 0 && c->end != (u64)e->va - PAGE_SIZE)'),
 ('no check after a mapping before a gap',
  '            ok = gap_ok(c->root, c->end);             /* after the last */',
  '            ok = true;'),
 ('no check before a mapping after a gap',
  '            ok = ok && gap_ok(c->root, (u64)e->va - PAGE_SIZE);   /* before e */',
  '            ok = ok && (c->seen || gap_ok(c->root, (u64)e->va - PAGE_SIZE));'),
 ('mmu frame not compared',
  '    return arch_hw_access(va, &pa, &fsr) == want && pa == e->pa + (va - e->va);',
  '    return arch_hw_access(va, &pa, &fsr) == want;'),
 ('mmu permissions not compared',
  '    return arch_hw_access(va, &pa, &fsr) == want && pa == e->pa + (va - e->va);',
  '    return (arch_hw_access(va, &pa, &fsr) & HW_PRIV_R) && pa == e->pa + (va - e->va);'),
]
