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
]
