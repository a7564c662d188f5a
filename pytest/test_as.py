"""Address spaces: new, switch, destroy, list; ASIDs and their rollover."""
from scenario import (DEV, M, alloc, as_list, check, check_after, err, free, hx,  # noqa: F401
                      info, ok, peek, poke, stats)

VA = 0x00600000


def test_boot_has_address_space_1_current(target):
    s = target
    i = info(s)
    assert (i.int("as"), i.int("asid"), i.int("asid_gen")) == (1, 1, 1)
    recs = as_list(s)
    assert list(recs) == [1]
    r = recs[1]
    assert (r.int("asid"), r.int("gen"), r.int("mapped"), r.int("tables")) == (1, 1, 0, 2)
    a = ok(s, "asid stats")
    assert (a.int("bits"), a.int("limit"), a.int("generation"), a.int("rollovers"),
            a.int("in_use")) == (8, 255, 1, 0, 1)


def test_as_new_takes_an_l1_and_switch_gives_an_asid(target):
    s = target
    before = stats(s)
    r = ok(s, "as new")
    assert r.int("as") == 2
    after = stats(s)
    assert after["tables"] == before["tables"] + 2 and after["free"] == before["free"] - 2
    recs = as_list(s)
    assert sorted(recs) == [1, 2]
    assert (recs[2].int("asid"), recs[2].int("mapped"), recs[2].int("tables")) == (0, 0, 2)
    r = ok(s, "as switch 2")
    assert (r.int("as"), r.int("asid"), r.int("gen")) == (2, 2, 1)
    i = info(s)
    assert (i.int("as"), i.int("asid"), i.int("asid_gen")) == (2, 2, 1)
    assert ok(s, "asid stats").int("in_use") == 2
    # Switching again keeps the ASID.
    ok(s, "as switch 1")
    assert ok(s, "as switch 2").int("asid") == 2
    ok(s, "as switch 1")
    r = ok(s, "as destroy 2")
    assert (r.int("as"), r.int("freed")) == (2, 2)
    assert stats(s) == before
    assert list(as_list(s)) == [1]
    assert ok(s, "asid stats").int("in_use") == 1


def test_as_destroy_of_the_current_space_is_busy(target):
    s = target
    ok(s, "as new")
    ok(s, "as switch 2")
    err(s, "as destroy 2", "BUSY")
    assert info(s).int("as") == 2
    err(s, "as destroy 3", "BAD_AS")
    ok(s, "as switch 1")
    ok(s, "as destroy 2")
    err(s, "as destroy 2", "BAD_AS")
    err(s, "as switch 2", "BAD_AS")
    err(s, "as destroy 1", "BUSY")


def test_as_list_counts_mapped_bytes_and_table_pages(target):
    s = target
    ok(s, f"map1 {hx(VA)} {hx(DEV)} 1M read")
    ok(s, f"map 0x00700000 {hx(DEV)} 0x11000 read")      # 64K + 4K, one L2 table
    r = as_list(s)[1]
    assert r.int("mapped") == M + 0x11000 and r.int("tables") == 3
    ok(s, "pt map 0x00800000")
    assert as_list(s)[1].int("tables") == 3              # 2 L2 tables: one page's worth
    ok(s, "unmap 0x00600000 0x300000")
    r = as_list(s)[1]
    # The pt-mapped table was empty already: it stays until pt unmap.
    assert (r.int("mapped"), r.int("tables")) == (0, 3)
    ok(s, "pt unmap 0x00800000")
    r = as_list(s)[1]
    assert (r.int("mapped"), r.int("tables")) == (0, 2)


def test_as_destroy_returns_every_page(target):
    """Sections, small pages in tables, large pages, interrupt pages and
    grown frames: `as destroy` gives back all of it, and counts it."""
    s = target
    before = stats(s)
    frames = alloc(s, 256, M)
    small = alloc(s, 4)
    start = stats(s)
    assert ok(s, "as new").int("as") == 2
    ok(s, "as switch 2")
    ok(s, f"map1 {hx(VA)} {hx(frames)} 1M read,write")
    ok(s, f"map 0x00800000 {hx(small)} 0x4000 read,write,grow_up")
    ok(s, f"map 0x01000000 {hx(DEV)} 0x110000 read")          # 1M + 64K
    ok(s, "map 0x02000000 0 0x1000 read,write,interrupt")
    ok(s, "map 0x03000000 0x81000000 0x1000 read,lock")
    ok(s, "pt map 0x04000000")
    ok(s, f"unmap {hx(VA + 0x1000)} 0x1000")                  # split: a table
    r = ok(s, "peek 0x00804000")                               # a grown frame
    assert len(r.events_named("grow")) == 1
    ok(s, "peek 0x00805000")                                   # and another
    loaded = stats(s)
    c = check(s)
    ok(s, "as switch 1")
    err(s, f"pmm free {hx(frames)} 256", "BUSY")
    r = ok(s, "as destroy 2")
    freed = r.int("freed")
    assert freed == (loaded["tables"] - start["tables"]) + (loaded["frames"] - start["frames"])
    assert stats(s) == start
    assert check(s)["tables"] < c["tables"]
    free(s, frames, 256)
    free(s, small, 4)
    assert stats(s) == before


def test_as_new_out_of_memory_changes_nothing(target):
    s = target
    before = stats(s)
    for n in (1, 2):          # the L1 is 8 KiB: both of its pages count
        ok(s, f"fail nomem {n}")
        err(s, "as new", "NO_MEMORY")
        assert stats(s) == before
        assert list(as_list(s)) == [1]
    assert ok(s, "as new").int("as") == 2
    ok(s, "as destroy 2")


def test_asid_limit_bounds(target):
    s = target
    err(s, "asid limit 1", "BAD_ARG")
    err(s, "asid limit 256", "BAD_ARG")
    assert ok(s, "asid limit 255").int("limit") == 255
    assert ok(s, "asid limit 2").int("limit") == 2
    assert ok(s, "asid stats").int("limit") == 2


def test_asid_rollover_keeps_every_space_reading_its_own_frames(target):
    """Three spaces on two ASIDs: every switch to a space without a live
    ASID rolls over (new generation, whole TLB flushed); each space must
    still read its own frame at the same VA."""
    s = target
    before = stats(s)
    ok(s, "asid limit 2")
    ids = [1, ok(s, "as new").int("as"), ok(s, "as new").int("as")]
    assert ids == [1, 2, 3]
    frames = {}
    for n in ids:
        frames[n] = alloc(s)
        ok(s, f"as switch {n}")
        ok(s, f"map {hx(VA)} {hx(frames[n])} 0x1000 read,write")
        poke(s, VA, 0x1000 * n)
    seen = set()
    order = [1, 2, 3, 1, 3, 2, 2, 1, 3, 3, 1, 2]
    for n in order:
        r = ok(s, f"as switch {n}")
        asid, gen = r.int("asid"), r.int("gen")
        assert 1 <= asid <= 2
        st = ok(s, "asid stats")
        assert gen == st.int("generation")
        seen.add((n, asid, gen))
        assert peek(s, VA) == 0x1000 * n, f"space {n} read another space's frame"
        assert ok(s, f"hwtranslate {hx(VA)}").int("pa") == frames[n]
        poke(s, VA + 4, n)
        # Two spaces with live ASIDs never share one.
        live = [(f.int("asid"), f.int("gen")) for f in as_list(s).values()
                if f.int("gen") == st.int("generation") and f.int("asid")]
        assert len(live) == len(set(live)) <= 2
        check(s)
    st = ok(s, "asid stats")
    assert st.int("rollovers") >= 3 and st.int("generation") == 1 + st.int("rollovers")
    assert st.int("in_use") <= 2
    for n in ids:
        assert peek(s, frames[n] + 0x40000000) == 0x1000 * n
    ok(s, "as switch 1")
    for n in (2, 3):
        ok(s, f"as destroy {n}")
    ok(s, f"unmap {hx(VA)} 0x1000")
    for n in ids:
        free(s, frames[n])
    assert stats(s) == before


def test_asid_limit_applies_to_spaces_that_already_hold_an_asid(target):
    """`asid limit n`: use only ASIDs 1..n from now on. Spaces that got
    ASIDs 3 and 4 before the limit must not go on running with them."""
    s = target
    frames = {}
    for n in (1, 2, 3, 4):
        if n > 1:
            assert ok(s, "as new").int("as") == n
        r = ok(s, f"as switch {n}")
        assert r.int("asid") == n
        frames[n] = alloc(s)
        ok(s, f"map {hx(VA)} {hx(frames[n])} 0x1000 read,write")
        poke(s, VA, 0x100 * n)
    ok(s, "asid limit 2")
    for n in (1, 3, 2, 4, 3, 1, 4):
        r = ok(s, f"as switch {n}")
        assert 1 <= r.int("asid") <= 2, f"as switch {n} runs on ASID {r.int('asid')}"
        assert peek(s, VA) == 0x100 * n
    st = ok(s, "asid stats")
    assert st.int("in_use") <= 2 and st.int("rollovers") >= 1
    ok(s, "as switch 1")
    for n in (2, 3, 4):
        ok(s, f"as destroy {n}")
    ok(s, f"unmap {hx(VA)} 0x1000")
    for n in frames:
        free(s, frames[n])


def test_asid_rollover_exact_sequence(target):
    """limit 2: 1 holds ASID 1; 2 takes 2; 3 finds none free: generation 2,
    and the current space (2) keeps a live ASID in it."""
    s = target
    ok(s, "asid limit 2")
    ok(s, "as new")
    ok(s, "as new")
    r = ok(s, "as switch 2")
    assert (r.int("asid"), r.int("gen")) == (2, 1)
    r = ok(s, "as switch 3")
    assert r.int("gen") == 2
    st = ok(s, "asid stats")
    assert (st.int("generation"), st.int("rollovers")) == (2, 1)
    ok(s, "as switch 1")
    ok(s, "as destroy 2")
    ok(s, "as destroy 3")
    check(s)


def test_destroying_a_space_with_a_stale_asid(target):
    """A space whose ASID is from an old generation is destroyed without
    disturbing the space that now holds that ASID number."""
    s = target
    ok(s, "asid limit 2")
    a = alloc(s)
    ok(s, f"map {hx(VA)} {hx(a)} 0x1000 read,write")
    poke(s, VA, 0xa)
    ok(s, "as new")
    ok(s, "as new")
    ok(s, "as switch 2")
    ok(s, "as switch 3")          # rollover: 2's ASID is stale now
    ok(s, "as switch 1")
    assert peek(s, VA) == 0xa
    ok(s, "as destroy 2")
    assert peek(s, VA) == 0xa
    ok(s, "as destroy 3")
    assert peek(s, VA) == 0xa
    ok(s, f"unmap {hx(VA)} 0x1000")
    free(s, a)
