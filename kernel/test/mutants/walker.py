# Mutants of kernel/arch/host/walker.c that test_sim must catch
# (kernel/test/mutate.py): the run of walks behind arch_hw_access_run
# answers for each page as a walk of its own would.
# Each: (name, exact text in the source, the bug put in its place).
SOURCE = 'kernel/arch/host/walker.c'
TEST = 'test_sim'
MUTANTS = [
 ('every page of a run walked as the first',
  '        vaddr_t a = va + i * SZ_4K;',
  '        vaddr_t a = va;'),
 ('a run keeps the first page\'s mask',
  '        m[i] = fs || walk_from_l1(a, l1d, &x) ? 0 : sim_grants(&x);',
  '        m[i] = i ? m[0] : fs || walk_from_l1(a, l1d, &x) ? 0 : sim_grants(&x);'),
]
