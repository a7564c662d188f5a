# Mutants of kernel/mm/kspace/heap.c that test_heap must catch (kernel/test/mutate.py).
# Each: (name, exact text in the source, the bug put in its place).
SOURCE = 'kernel/mm/kspace/heap.c'
TEST = 'test_heap'
MUTANTS = [('grow ignores floor',
  '    if (span > physmap_floor() - old)\n        return E_NO_SPACE;',
  ''),
 ('no rollback',
  '        if (rc) {\n            heap_release(from, va);\n            return rc;\n        }',
  '        if (rc)\n            return rc;'),
 ('grow maps pages that cannot all be had',
  '    if ((to - from) / PAGE_SIZE > s.free)\n        return E_NO_MEMORY;',
  ''),
 ('align 4',
  '    u32 need = ALIGN_UP(bytes, KMALLOC_ALIGN);',
  '    u32 need = ALIGN_UP(bytes, 4);'),
 ('no merge right',
  '    if (i + 1 < heap.n && !heap.blk[i + 1].used) {\n'
  '        heap.blk[i].size += heap.blk[i + 1].size;\n'
  '        blk_remove(i + 1);\n'
  '    }',
  ''),
 ('double free ok', '    if (i == heap.n || !heap.blk[i].used)', '    if (i == heap.n)'),
 ('shrink over live',
  '        if (!t || t->used || t->size < span)\n            return E_BUSY;',
  '        if (!t)\n            return E_BUSY;'),
 ('grow whole need',
  '    int rc = heap_grow(need - have, &top);',
  '    int rc = heap_grow(need, &top);')]
