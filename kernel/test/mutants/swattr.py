# Mutants of kernel/mm/swattr.c that test_swattr must catch (kernel/test/mutate.py).
# Each: (name, exact text in the source, the bug put in its place).
SOURCE = 'kernel/mm/swattr.c'
TEST = 'test_swattr'
MUTANTS = [('no split',
  '            slot_new(as, hi, r->hi, r->attrs);\n            r->hi = lo;',
  '            r->hi = lo;'),
 ('no merge',
  '        merge(slot_new(as, lo, hi, attrs));',
  '        slot_new(as, lo, hi, attrs);'),
 ('hw bits kept', '    attrs &= ATTR_SW_MASK;\n    cut', '    cut'),
 ('reserve 1', 'return sw.used + 2 <= SWATTR_MAX;', 'return sw.used + 1 <= SWATTR_MAX;'),
 ('drop all',
  '        if (sw.r[i].as == as)\n            slot_free(&sw.r[i]);',
  '        if (sw.r[i].as)\n            slot_free(&sw.r[i]);'),
 ('for_each ignores stop',
  '            if (rc)\n'
  '                return rc;\n'
  '        }\n'
  '    }\n'
  '    return 0;\n'
  '}\n'
  '\n'
  'int swattr_check',
  '            (void)rc;\n        }\n    }\n    return 0;\n}\n\nint swattr_check'),
 ('any ignores mask', '(r->attrs & mask))', '1)'),
 ('span ignores the next range',
  '        } else if (r->lo > va && r->lo < e) {',
  '        } else if (0) {'),
 ('span runs past its range',
  '            e = r->hi < e ? r->hi : e;',
  '            (void)e;'),
 ('span counts other spaces',
  '        if (r->as != as)\n            continue;\n        if (va >= r->lo && va < r->hi) {\n            attrs',
  '        if (va >= r->lo && va < r->hi) {\n            attrs'),
]
