# Mutants of kernel/mm/pmm.c that test_pmm must catch (kernel/test/mutate.py):
# pmm_check passes 32 plain pages at a time by one word of each (the AND
# and the OR of the 32 words); pmm_check_tables reads only the runs of
# allocated pages after the kernel's.
SOURCE = 'kernel/mm/pmm.c'
TEST = 'test_pmm'
MUTANTS = [
 ('block word without mapcount',
  '.use = 0xff, .l2_used = 0xff, .is_l1 = 0xff, .run_head = 0xff, .mapcount = 0xffff });',
  '.use = 0xff, .l2_used = 0xff, .is_l1 = 0xff, .run_head = 0xff });'),
 ('block word without run_head',
  '.use = 0xff, .l2_used = 0xff, .is_l1 = 0xff, .run_head = 0xff, .mapcount = 0xffff });',
  '.use = 0xff, .l2_used = 0xff, .is_l1 = 0xff, .mapcount = 0xffff });'),
 ('block by the OR only (a kernel page set to PG_FREE, bits a subset)',
  '    return (all & mask) == want && (any & mask) == want;',
  '    return (any & mask) == want;'),
 ('block by the AND only (a free page set to PG_KERNEL)',
  '    return (all & mask) == want && (any & mask) == want;',
  '    return (all & mask) == want;'),
 ('block skips its last page',
  '        all &= a & b & c & d;\n        any |= a | b | c | d;',
  '        all &= a & b & c;\n        any |= a | b | c;'),
 ('kernel block of any use',
  '            u32 use = all_free ? PG_FREE : PG_KERNEL;\n            if (block_plain(i, use)) {',
  '            u32 use = all_free ? PG_FREE : PG_KERNEL;\n            if (all_kernel || block_plain(i, use)) {'),
 ('free block not looked at',
  '            u32 use = all_free ? PG_FREE : PG_KERNEL;\n            if (block_plain(i, use)) {',
  '            u32 use = all_free ? PG_FREE : PG_KERNEL;\n            if (all_free || block_plain(i, use)) {'),
 ('tables: first page of each run skipped',
  '    for (u32 i = pmm.kpages; (i = next_used(i, pmm.npages)) < pmm.npages; ) {',
  '    for (u32 i = pmm.kpages; (i = next_used(i + 1, pmm.npages)) < pmm.npages; ) {'),
 ('tables: last page of each run skipped',
  '        for (u32 end = next_free(i); i < end; i++) {',
  '        for (u32 end = next_free(i); i + 1 < end || (i = end, 0); i++) {'),
]
