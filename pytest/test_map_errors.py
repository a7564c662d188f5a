"""Mapping requests that must fail, and fail changing nothing."""
import pytest

from scenario import (M, PAGE, alloc, check, check_after, err, expect_tr, free,  # noqa: F401
                      hx, not_mapped, ok, ram, stats, tr)


def snapshot(s, vas):
    """What an `err` reply must leave as it was."""
    return stats(s), check(s), [None if (f := tr(s, va)) is None else dict(f) for va in vas]


@pytest.mark.parametrize("line", [
    "map 0x01000800 0x81000000 0x1000 read",    # va
    "map 0x01000000 0x81000800 0x1000 read",    # pa
    "map 0x01000000 0x81000000 0x800 read",     # len
    "map 0x01000000 0x81000000 0x1800 read",    # len
    "map1 0x01001000 0x81000000 64K read",      # va not 64K aligned
    "map1 0x01000000 0x81008000 64K read",      # pa not 64K aligned
    "map1 0x01080000 0x81000000 1M read",       # va not 1M aligned
    "map1 0x01000000 0x81010000 1M read",       # pa not 1M aligned
    "map1 0x01100000 0x81000000 16M read",      # va 1M but not 16M aligned
    "map1 0x01000000 0x81100000 16M read",      # pa 1M but not 16M aligned
    "map1 0x01000004 0x81000000 4K read",
    "unmap 0x01000800 0x1000",
    "unmap 0x01000000 0x800",
    "protect 0x01000000 0x800 read",
], ids=lambda l: l.replace(" ", "_"))
def test_misaligned_requests_are_align_errors(target, line):
    s = target
    before = snapshot(s, [0x01000000])
    err(s, line, "ALIGN")
    assert snapshot(s, [0x01000000]) == before


def test_map_len_zero_is_bad_arg(target):
    s = target
    err(s, "map 0x01000000 0x81000000 0 read", "BAD_ARG")
    not_mapped(s, 0x01000000)


@pytest.mark.parametrize("attrs", ["read,device,execute", "device,nocache", "read,bogus",
                                   "read,,write", "READ"])
def test_bad_attribute_sets_are_bad_arg(target, attrs):
    s = target
    before = stats(s)
    err(s, f"map 0x01000000 0x81000000 0x1000 {attrs}", "BAD_ARG")
    err(s, f"map1 0x01000000 0x81000000 4K {attrs}", "BAD_ARG")
    not_mapped(s, 0x01000000)
    assert stats(s) == before


def test_protect_to_device_execute_is_bad_arg_and_keeps_attrs(target):
    s = target
    ok(s, "map 0x01000000 0x81000000 0x1000 read,write")
    err(s, "protect 0x01000000 0x1000 device,execute", "BAD_ARG")
    expect_tr(s, 0x01000000, 0x81000000, PAGE, ("read", "write"))


def test_overlapping_map_is_already_mapped_and_rolls_back(target):
    """A map whose last page is taken fails, and the pages before it that
    it would have written (2 sections, then 4K pages) are not mapped."""
    s = target
    ok(s, "map 0x02200000 0x81200000 0x1000 read")
    probes = [0x02000000, 0x02100000, 0x021ff000, 0x02200000, 0x02201000]
    before = snapshot(s, probes)
    err(s, "map 0x02000000 0x81000000 0x201000 read,write", "ALREADY_MAPPED")
    assert snapshot(s, probes) == before
    not_mapped(s, 0x02000000)
    err(s, "map 0x021ff000 0x811ff000 0x2000 read", "ALREADY_MAPPED")
    assert snapshot(s, probes) == before
    ok(s, "unmap 0x02200000 0x1000")


@pytest.mark.parametrize("first,second", [
    ("map1 0x02000000 0x81000000 1M read", "map1 0x020ff000 0x81000000 4K read"),
    ("map1 0x02040000 0x81000000 4K read", "map1 0x02000000 0x81000000 1M read"),
    ("map1 0x02040000 0x81000000 4K read", "map1 0x02040000 0x81000000 64K read"),
    ("map1 0x02000000 0x81000000 16M read", "map1 0x02f00000 0x81000000 1M read"),
    ("map1 0x02f00000 0x81000000 1M read", "map1 0x02000000 0x81000000 16M read"),
    ("map1 0x02010000 0x81000000 64K read", "map 0x0201f000 0x81000000 0x2000 read"),
    ("map 0x02000000 0 0x1000 read,interrupt", "map1 0x02000000 0x81000000 4K read"),
], ids=["4K_in_section", "section_over_4K", "64K_over_4K", "1M_in_16M",
        "16M_over_1M", "range_into_64K", "over_interrupt_page"])
def test_map_over_a_mapped_page_is_already_mapped(target, first, second):
    s = target
    ok(s, first)
    va = int(first.split()[1], 0)
    before = snapshot(s, [va])
    err(s, second, "ALREADY_MAPPED")
    assert snapshot(s, [va]) == before
    ok(s, f"unmap1 {hx(va)}")


@pytest.mark.parametrize("line", [
    "map 0x80000000 0x81000000 0x1000 read",
    "map 0x7ffff000 0x81000000 0x2000 read",       # runs into the kernel's half
    "map 0xfffff000 0x81000000 0x2000 read",       # wraps
    "map1 0x80000000 0x81000000 4K read",
    "map1 0xc0000000 0x81000000 1M read",
    "unmap 0x80000000 0x1000",
    "unmap 0x7ffff000 0x2000",
    "unmap1 0x80000000",
    "protect 0x80000000 0x1000 read",
    "pt map 0x90000000",
    "pt unmap 0x90000000",
    "exec 0x80000000",
    "poke 0x80000000 1",
    "fill 0x80000000 4 1",
    "poke 0xc0000000 1",
], ids=lambda l: l.replace(" ", "_"))
def test_kernel_half_is_out_of_range(target, line):
    s = target
    before = stats(s)
    err(s, line, "RANGE")
    assert stats(s) == before
    # The direct map is still there, as it was.
    base, _ = ram(s)
    r = ok(s, "translate 0x80000000")
    assert r.int("pa") == base and r.int("size") == M


def test_kernel_ram_is_out_of_range_for_map(target):
    s = target
    base, size = ram(s)
    before = stats(s)
    for pa in (base, base + 0x100000, base + size - PAGE):
        err(s, f"map 0x01000000 {hx(pa)} 0x1000 read,write", "RANGE")
        err(s, f"map1 0x01000000 {hx(pa)} 4K read,write", "RANGE")
    err(s, f"map1 0x01000000 {hx(base)} 1M read,write", "RANGE")
    # Device space up to the end of RAM: the RAM part is not ours.
    err(s, f"map 0x01000000 {hx(base - PAGE)} 0x2000 read", "RANGE")
    not_mapped(s, 0x01000000)
    assert stats(s) == before


def test_only_the_frames_pmm_alloc_handed_out_may_be_mapped(target):
    s = target
    before = stats(s)
    pa = alloc(s, 2)
    ok(s, f"map 0x01000000 {hx(pa)} 0x2000 read,write")
    ok(s, "unmap 0x01000000 0x2000")
    # One page past the run is not a frame of ours.
    err(s, f"map 0x01000000 {hx(pa)} 0x3000 read,write", "RANGE")
    free(s, pa, 2)
    err(s, f"map 0x01000000 {hx(pa)} 0x1000 read,write", "RANGE")
    not_mapped(s, 0x01000000)
    assert stats(s) == before


def test_pmm_free_of_a_mapped_frame_is_busy_and_double_free_bad_arg(target):
    s = target
    before = stats(s)
    pa = alloc(s, 1)
    ok(s, f"map 0x01000000 {hx(pa)} 0x1000 read,write")
    mid = stats(s)
    err(s, f"pmm free {hx(pa)}", "BUSY")
    assert stats(s) == mid
    ok(s, "unmap 0x01000000 0x1000")
    free(s, pa)
    err(s, f"pmm free {hx(pa)}", "BAD_ARG")
    base, _ = ram(s)
    err(s, f"pmm free {hx(base)}", "BAD_ARG")          # the kernel's page
    assert stats(s) == before


def test_unmap_holes_and_unmap1_not_mapped(target):
    s = target
    r = ok(s, "unmap 0x01000000 0x100000")
    assert r.int("unmapped") == 0
    err(s, "unmap1 0x01000000", "NOT_MAPPED")
    ok(s, "map 0x01010000 0x81010000 0x2000 read")
    r = ok(s, "unmap 0x01000000 0x100000")
    assert r.int("unmapped") == 0x2000
    not_mapped(s, 0x01010000)


def test_protect_over_a_hole_is_not_mapped_and_changes_nothing(target):
    s = target
    ok(s, "map 0x01000000 0x81000000 0x1000 read,write")
    ok(s, "map 0x01002000 0x81002000 0x1000 read,write")
    err(s, "protect 0x01000000 0x3000 read", "NOT_MAPPED")
    expect_tr(s, 0x01000000, 0x81000000, PAGE, ("read", "write"))
    expect_tr(s, 0x01002000, 0x81002000, PAGE, ("read", "write"))


def test_translation_faults_name_the_level(target):
    """No L1 entry: translation_section; an L2 table without the page:
    translation_page."""
    s = target
    not_mapped(s, 0x01000000, "translation_section")
    ok(s, "map 0x01000000 0x81000000 0x1000 read")
    not_mapped(s, 0x01001000, "translation_page")
    ok(s, "unmap 0x01000000 0x1000")
    not_mapped(s, 0x01000000, "translation_section")


def test_requests_on_a_missing_address_space_are_bad_as(target):
    s = target
    err(s, "as switch 99", "BAD_AS")
    err(s, "as switch 0", "BAD_AS")
    err(s, "as destroy 7", "BAD_AS")
    err(s, "flush as 5", "BAD_AS")
    assert ok(s, "info").int("as") == 1
