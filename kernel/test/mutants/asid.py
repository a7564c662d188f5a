# Mutants of kernel/mm/asid.c that test_asid must catch (kernel/test/mutate.py).
# Each: (name, exact text in the source, the bug put in its place).
SOURCE = 'kernel/mm/asid.c'
TEST = 'test_asid'
MUTANTS = [('no rollover flush', '        arch_tlb_flush_all_local();\n', ''),
 ('release no-op', '    bit_clr(asid);\n    as_st.in_use--;', ''),
 ('limit keeps high', '            rollover();\n            break;', '            break;'),
 ('limit range', 'if (n < 2 || n > ASID_MAX)', 'if (n < 1 || n > ASID_MAX)'),
 ('gen not bumped', '    as_st.generation++;\n', ''),
 ('check ignores count',
  '    if (n != as_st.in_use || n != live_count) {',
  '    if (n != as_st.in_use) {')]
