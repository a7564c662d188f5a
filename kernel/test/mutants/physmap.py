# Mutants of kernel/mm/kspace/physmap.c that test_physmap must catch (kernel/test/mutate.py).
# Each: (name, exact text in the source, the bug put in its place).
SOURCE = 'kernel/mm/kspace/physmap.c'
TEST = 'test_physmap'
MUTANTS = [('floor not lowered',
  '    pm.m[slot] = (struct physmap){ true, pa, len, va, pages, attrs, 1 };\n'
  '    kspace_set_mmio_floor(lowest_base());',
  '    pm.m[slot] = (struct physmap){ true, pa, len, va, pages, attrs, 1 };'),
 ('floor not raised',
  '        m->live = false;\n        kspace_set_mmio_floor(lowest_base());',
  '        m->live = false;'),
 ('no conflict', '    if (conflicts(lo, pages, attrs))\n        return E_FLAGS_CONFLICT;', ''),
 ('no offset', '    out->virt = m->page_base + (pa - pbase(m));', '    out->virt = m->page_base;'),
 ('no reuse refs',
  '        if (want <= mhi) {\n            m->refs++;',
  '        if (want <= mhi) {'),
 ('no growth',
  '        int rc = map_pages(top, (paddr_t)mhi, extra, attrs);',
  '        int rc = 0; continue;'),
 ('window ignores heap',
  '    while (hi - heap_top() >= span) {',
  '    while (hi - HEAP_BASE >= span) {'),
 ('device exec ok', '    if (pt_attrs_valid(attrs))\n        return E_BAD_ARG;', ''),
 ('unmap at 1 ref', '    if (--m->refs == 0) {', '    if (--m->refs <= 1) { m->refs = 0;'),
 ('a freed last record keeps the scans\' end',
  '        while (pm.used && !pm.m[pm.used - 1].live)\n            pm.used--;\n', ''),
 ('a record past the scans\' end is not counted',
  '    pm.used += slot == pm.used;\n', '')]
