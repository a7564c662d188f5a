# Mutants of kernel/mm/pt/pt_walk.c that test_check_hw must catch
# (kernel/test/mutate.py): next_nz's block scan, which check's walk of
# every root passes empty entries with. test_pagetable: pt_for_each ends
# a walk from a root's start once its counts are used up (ending too
# soon hides pages from a new space's copy and check's global pages);
# pt_all_mapped: protect's E_NOT_MAPPED over a hole. pt_hole_end: how
# far a hole runs, which the op harness's verify_touched skips walking.
# pt_global_runs: the runs vm_global changes in the other spaces.
# test_pagetable hole_end_every_place_of_a_block: an entry at each place
# of a 64-entry block.
SOURCE = 'kernel/mm/pt/pt_walk.c'
TEST = 'test_check_hw'
MUTANTS = [
 ('walk ends with the last table',
  '        if (counted && !tables && !bytes)',
  '        if (counted && !tables)', 'test_pagetable'),
 ('table scan ends a run early',
  '                if (whole && left <= n) {',
  '                if (whole && left <= n + 1) {', 'test_pagetable'),
 ('block scan looks at half of each 16 bytes',
  '                | ((q[8] | q[9]) | (q[10] | q[11])) | ((q[12] | q[13]) | (q[14] | q[15]));\n        if (o[0] | o[1])',
  '                | ((q[8] | q[9]) | (q[10] | q[11])) | ((q[12] | q[13]) | (q[14] | q[15]));\n        if (o[0])'),
 ('block scan skips the second half of a block',
  '        u64x2 o = ((q[0] | q[1]) | (q[2] | q[3])) | ((q[4] | q[5]) | (q[6] | q[7]))\n                | ((q[8] | q[9]) | (q[10] | q[11])) | ((q[12] | q[13]) | (q[14] | q[15]));',
  '        u64x2 o = ((q[0] | q[1]) | (q[2] | q[3])) | ((q[4] | q[5]) | (q[6] | q[7]));'),
 ('block scan skips the last 16 bytes of a block',
  '((q[12] | q[13]) | (q[14] | q[15]));',
  '((q[12] | q[13]) | q[14]);', 'test_pagetable'),
 ('a hole in a table taken for a 4K page',
  '            if ((t[i] & 2u) && small_attrs(t[i])) {\n                i++;',
  '            if (!t[i] || ((t[i] & 2u) && small_attrs(t[i]))) {\n                i++;', 'test_pagetable'),
 ('a page read in full passes 16 entries',
  '            i = l2_index(e.va) + (e.size >> 12);',
  '            i = l2_index(e.va) + 16;', 'test_pagetable'),
 ('an empty L1 entry taken for a mapped MB',
  '        if (w.k != PK_TABLE) {\n            if (!entry_of(w.d,',
  '        if (!w.d)\n            continue;\n        if (w.k != PK_TABLE) {\n            if (!entry_of(w.d,', 'test_pagetable'),
 ('a hole in a table runs to its region\'s end',
  '((u64)next_nz(l2_of(d), l2_index(va) + 1, L2_ENTRIES) << 12)',
  '((u64)L2_ENTRIES << 12)', 'test_pagetable'),
 ('a hole in L1 passes the next entry',
  'next_nz(l1, i + 1, (u32)(span_end(r) >> 20))',
  'next_nz(l1, i + 2, (u32)(span_end(r) >> 20))', 'test_pagetable'),
 ('a stretch of 4K pages takes in the other class',
  '            while (j < to && small_class(t[j]) == c)',
  '            while (j < to && small_class(t[j]))', 'test_pagetable'),
 ('a global run is not clipped to the range',
  '    s = s > g->lo ? s : g->lo;\n',
  '', 'test_pagetable'),
 ('the last global run is dropped',
  '    }\n    grun_flush(&g);\n}',
  '    }\n}', 'test_pagetable'),
]
