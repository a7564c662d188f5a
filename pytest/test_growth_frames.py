"""Frames that growth (grow_up/grow_down) allocated belong to the kernel
(PROTOCOL 1.1, pinned): `map`, `map1`, `physmap map` and `pmm free` of one
answer RANGE and change nothing; the frame goes back to the allocator when
its page is unmapped (issue 6, item 3)."""
import pytest

from scenario import (DIRECT, PAGE, alloc, check_after, err, expect_tr, attrs, free, hx,  # noqa: F401
                      not_mapped, ok, peek, stats)

VA = 0x00610000


def grown_frame(s):
    """Maps a grow_down page at VA and grows it by a store below: the
    grown frame's pa."""
    pa = alloc(s)
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read,write,grow_down")
    r = ok(s, f"poke {hx(VA - 4)} 0x6767")
    evs = r.events_named("grow")
    assert len(evs) == 1 and evs[0].int("va") == VA - PAGE, str(r)
    return pa, evs[0].int("pa")


@pytest.mark.parametrize("line", ["map 0x10000000 {g} 4K read",
                                  "map1 0x10000000 {g} 4K read,write",
                                  "map 0x10000000 {g} 8K read",
                                  "physmap map {g} 4K",
                                  "physmap map {g} 0x100 read,write",
                                  "pmm free {g}",
                                  "pmm free {g} 1"])
def test_a_grown_frame_cannot_be_mapped_again_or_freed(target, line):
    s = target
    pa, g = grown_frame(s)
    before = stats(s)
    lists = ok(s, "physmap list").lines
    err(s, line.format(g=hx(g)), "RANGE")
    assert stats(s) == before
    assert ok(s, "physmap list").lines == lists
    not_mapped(s, 0x10000000)
    expect_tr(s, VA - PAGE, g, PAGE, attrs("write", "grow_down"))
    assert peek(s, VA - 4) == 0x6767
    assert peek(s, g + PAGE - 4 + DIRECT) == 0x6767


def test_a_grown_frame_goes_back_to_the_allocator_when_unmapped(target):
    s = target
    before = stats(s)
    pa, g = grown_frame(s)
    assert stats(s)["frames"] == before["frames"] + 2
    ok(s, f"unmap {hx(VA - PAGE)} 8K")
    free(s, pa)
    assert stats(s) == before
    # Back in the allocator: a fresh `pmm alloc` may hand it out and map it.
    got = alloc(s)
    ok(s, f"map 0x10000000 {hx(got)} 4K read")
    ok(s, "unmap 0x10000000 4K")
    free(s, got)
