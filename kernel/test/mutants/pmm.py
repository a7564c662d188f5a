# Mutants of kernel/mm/pmm.c that test_pmm must catch (kernel/test/mutate.py):
# pmm_check passes 32 plain pages at a time by one word of each.
SOURCE = 'kernel/mm/pmm.c'
TEST = 'test_pmm'
MUTANTS = [
 ('block word without mapcount',
  '.use = 0xff, .l2_used = 0xff, .is_l1 = 0xff, .run_head = 0xff, .mapcount = 0xffff };',
  '.use = 0xff, .l2_used = 0xff, .is_l1 = 0xff, .run_head = 0xff };'),
 ('block word without run_head',
  '.use = 0xff, .l2_used = 0xff, .is_l1 = 0xff, .run_head = 0xff, .mapcount = 0xffff };',
  '.use = 0xff, .l2_used = 0xff, .is_l1 = 0xff, .mapcount = 0xffff };'),
 ('kernel block of any use',
  '            u32 use = all_free ? PG_FREE : PG_KERNEL;\n            if (block_plain(i, use)) {',
  '            u32 use = all_free ? PG_FREE : PG_KERNEL;\n            if (all_kernel || block_plain(i, use)) {'),
 ('free block not looked at',
  '            u32 use = all_free ? PG_FREE : PG_KERNEL;\n            if (block_plain(i, use)) {',
  '            u32 use = all_free ? PG_FREE : PG_KERNEL;\n            if (all_free || block_plain(i, use)) {'),
]
