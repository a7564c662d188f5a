"""A scenario that fails on purpose (rig/tests/test_rig_failure_report.py
runs it in a subprocess): the translation of a page is compared with a pa
one page off, so the report must show hex values, the transcript path, the
QEMU command line and a repro. Not collected by the suites (no test_ name)."""


def test_translate_gives_the_pa_it_mapped(target):
    pa = target.ok("pmm alloc 1 0x1000").int("pa")
    target.ok(f"map 0x10000000 {pa:#x} 4K read,write")
    r = target.ok("translate 0x10000000")
    assert r.int("pa") == pa + 0x1000
