# Mutants of kernel/mm/vm.c that test_vm must catch (kernel/test/mutate.py).
# Each: (name, exact text in the source, the bug put in its place).
SOURCE = 'kernel/mm/vm.c'
TEST = 'test_vm'
MUTANTS = [('commit swattr before pt',
  '    }\n'
  '    if (!rc)\n'
  '        rc = pt_map(root_of(id), va, pa, len,\n'
  '                    attrs & (ATTR_HW_MASK | ATTR_INTERRUPT), entries);\n'
  '    if (!rc)\n'
  '        map_commit(id, va, pa, len, attrs);',
  '    }\n'
  '    if (!rc && (attrs & ATTR_SW_MASK)) swattr_set(id, va, va + len, attrs);\n'
  '    if (!rc)\n'
  '        rc = pt_map(root_of(id), va, pa, len,\n'
  '                    attrs & (ATTR_HW_MASK | ATTR_INTERRUPT), entries);\n'
  '    if (!rc)\n'
  '        map_commit(id, va, pa, len, attrs);'),
 ('no zeroing',
  '        for (u32 i = 0; i < PAGE_SIZE / 4; i++)\n            w[i] = 0;\n        if (attrs',
  '        if (attrs'),
 ('lock ignored', '    if (swattr_any(id, va, va + len, ATTR_LOCK))\n        return E_BUSY;', ''),
 ('frames unchecked', '    return pmm_mappable(pa, len) ? 0 : E_RANGE;', '    return 0;'),
 ('grow no swattr',
  '    swattr_set(id, page, page + PAGE_SIZE, sw);\n    *frame = pa;',
  '    *frame = pa;'),
 ('grow down ignored',
  '        (n.attrs & ATTR_GROW_DOWN))\n        return n.attrs;',
  '        (n.attrs & ATTR_GROW_DOWN))\n        return 0;'),
 ('grow interrupt ok', '    if (!sw || (sw & ATTR_INTERRUPT))', '    if (!sw)'),
 ('destroy forgets L1', '    *freed += 2;', '    *freed += 0;'),
 ('protect no swattr',
  '                       attrs, NULL);\n'
  '    if (!rc)\n'
  '        swattr_set(id, va, va + len, attrs);',
  '                       attrs, NULL);'),
 ('stale asid kept',
  '    a->root.asid = asid_live(a->asid, a->gen) ? a->asid : 0;',
  '    a->root.asid = a->asid;'),
 ('limit no retag',
  '    if (!rc)    /* a rollover left the running space stale: re-tag it now */\n'
  '        rc = vm_as_switch(cur());',
  ''),
 ('grow keeps frame on failure',
  '    if (rc) {\n        KASSERT(pmm_free(pa, 1, PG_GROWN) == 0);\n        return rc;\n    }',
  '    if (rc)\n        return rc;'),
 ('a hole in the kernel\'s half read in the current space',
  '        *hole_end = pt_hole_end(va >= USER_TOP ? vm.kernel : root_of(cur()), va);',
  '        *hole_end = pt_hole_end(root_of(cur()), va);')]
