# Mutants of kernel/mm/pt/pt_walk.c that test_check_hw must catch
# (kernel/test/mutate.py): pt_for_each ends a walk from a root's start
# once its counts are used up; ending too soon hides mappings from check.
SOURCE = 'kernel/mm/pt/pt_walk.c'
TEST = 'test_check_hw'
MUTANTS = [
 ('walk ends with the last table',
  '        if (counted && !tables && !bytes)',
  '        if (counted && !tables)'),
 ('table scan ends a run early',
  '                if (whole && left <= n) {',
  '                if (whole && left <= n + 1) {'),
 ('block scan looks at half of each 16 bytes',
  '        u64x2 o = (q[0] | q[1] | q[2] | q[3]) | (q[4] | q[5] | q[6] | q[7]);\n        if (o[0] | o[1])',
  '        u64x2 o = (q[0] | q[1] | q[2] | q[3]) | (q[4] | q[5] | q[6] | q[7]);\n        if (o[0])'),
 ('block scan skips the second half of a block',
  '        u64x2 o = (q[0] | q[1] | q[2] | q[3]) | (q[4] | q[5] | q[6] | q[7]);',
  '        u64x2 o = (q[0] | q[1] | q[2] | q[3]);'),
]
